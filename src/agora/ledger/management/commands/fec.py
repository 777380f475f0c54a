"""`agora fec --org SLUG --year YYYY [-o DIR] [--separator tab] [--encoding iso-8859-15]`: write the FEC."""

import sys

from django.core.management.base import BaseCommand

from agora.core.errors import BusinessError
from agora.core.models import Organisation
from agora.ledger.fec import fec_write
from agora.ledger.models import FiscalYear


def fail(command: BaseCommand, message: str):
    """CLI errors: the French message on stderr, exit code 2."""
    command.stderr.write(message)
    sys.exit(2)


class Command(BaseCommand):
    help = "Exporte le fichier des écritures comptables (FEC) d'un exercice (LPF art. A47 A-1)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="identifiant (slug) de l'organisation")
        parser.add_argument("--year", required=True, help="code de l'exercice ou année de clôture (ex. 2026)")
        parser.add_argument("-o", "--output", default=".", help="dossier où écrire le fichier (défaut : courant)")
        parser.add_argument("--separator", default="|", choices=["|", "pipe", "tab"],
                            help="séparateur des champs : | (défaut) ou tab")
        parser.add_argument("--encoding", default="utf-8", choices=["utf-8", "iso-8859-15"],
                            help="encodage : utf-8 (défaut) ou iso-8859-15")

    def handle(self, *args, org, year, output, separator, encoding, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            fail(self, f"Organisation inconnue : « {org} » (voir « agora orgs »).")
        fiscal_year = find_fiscal_year(organisation, str(year))
        if fiscal_year is None:
            fail(self, f"Exercice introuvable : « {year} » pour {organisation.slug}.")
        try:
            path = fec_write(organisation, fiscal_year, output, separator=separator, encoding=encoding)
        except BusinessError as error:
            fail(self, error.message)
        except OSError as error:
            fail(self, f"Écriture impossible dans « {output} » : {error.strerror or error}.")
        self.stdout.write(str(path))


def find_fiscal_year(organisation, year: str) -> FiscalYear | None:
    """By code first (2026, 2025-2026…), else the year closing in that calendar year."""
    years = FiscalYear.objects.filter(organisation=organisation)
    found = years.filter(code=year).first()
    if found is None and year.isdigit() and len(year) == 4:
        found = years.filter(end_date__year=int(year)).order_by("-end_date").first()
    return found
