"""`agora orgs`: list the organisations (slug, kind, legal name)."""

from django.core.management.base import BaseCommand

from agora.core.models import Organisation


class Command(BaseCommand):
    help = "Liste les organisations : identifiant, nature (company, association…), raison sociale."

    def handle(self, *args, **options):
        organisations = list(Organisation.objects.order_by("slug"))
        if not organisations:
            self.stdout.write("Aucune organisation (« agora demo » en crée deux).")
            return
        width = max(len(o.slug) for o in organisations)
        kinds = max(len(o.kind) for o in organisations)
        for organisation in organisations:
            self.stdout.write(f"{organisation.slug:<{width}}  {organisation.kind:<{kinds}}  "
                              f"{organisation.legal_name}")
