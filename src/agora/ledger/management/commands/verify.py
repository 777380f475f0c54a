"""`agora verify --org SLUG`: recompute the hash chains and balances; exit 1 on any difference."""

import sys

from django.core.management.base import BaseCommand

from agora.core.models import Organisation
from agora.ledger.integrity import verify_books
from agora.ledger.models import Entry


class Command(BaseCommand):
    help = "Vérifie l'inaltérabilité des écritures (chaînage SHA-256, numérotation, équilibre)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="identifiant (slug) de l'organisation")

    def handle(self, *args, org, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            self.stderr.write(f"Organisation inconnue : « {org} » (voir « agora orgs »).")
            sys.exit(2)
        findings = verify_books(organisation)
        if not findings:
            count = Entry.objects.filter(organisation=organisation, state=Entry.Status.POSTED).count()
            self.stdout.write(f"OK — {count} écritures vérifiées")
            return
        self.stdout.write(f"ANOMALIE — première écriture en cause : {findings[0].entry}")
        for finding in findings:
            self.stdout.write(f"  {finding}")
        self.stdout.write(f"{len(findings)} anomalie(s) : les livres ne sont plus intègres.")
        sys.exit(1)
