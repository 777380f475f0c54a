"""`agora import-statement --org SLUG FILE [--account BQ1|IBAN] [--format ofx|camt053|cfonb120|csv]
[--mapping NAME]`: import a bank statement file and print the report in French (exit code 2 on refusal)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from agora.banking.models import CsvMapping, StatementFormat
from agora.banking.selectors.statements import bank_account_find
from agora.banking.services.statements import statement_import
from agora.core.errors import BusinessError
from agora.core.models import Organisation


def fail(command: BaseCommand, message: str):
    command.stderr.write(message)
    sys.exit(2)


class Command(BaseCommand):
    help = "Importe un relevé bancaire (OFX, CAMT.053, CFONB 120 ou CSV avec un modèle enregistré)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="chemin du fichier du relevé")
        parser.add_argument("--org", required=True, help="identifiant (slug) de l'organisation")
        parser.add_argument("--account", default="", help="compte bancaire : code journal (BQ1) ou IBAN ; "
                            "par défaut celui de l'IBAN du fichier")
        parser.add_argument("--format", default="", choices=["", *StatementFormat.values],
                            help="format du fichier (reconnu automatiquement par défaut)")
        parser.add_argument("--mapping", default="", help="nom du modèle d'import CSV du compte")

    def handle(self, *args, file, org, account, format, mapping, **options):  # noqa: A002
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            fail(self, f"Organisation inconnue : « {org} » (voir « agora orgs »).")
        bank_account = None
        if account:
            bank_account = bank_account_find(organisation=organisation, key=account)
            if bank_account is None:
                fail(self, f"Compte bancaire inconnu : « {account} » (code journal BQn ou IBAN).")
        csv_mapping = None
        if mapping:
            mappings = CsvMapping.objects.filter(organisation=organisation, name=mapping)
            if bank_account is not None:
                mappings = mappings.filter(bank_account=bank_account)
            csv_mapping = mappings.first()
            if csv_mapping is None:
                fail(self, f"Modèle d'import CSV inconnu : « {mapping} ».")
        elif bank_account is not None:
            csv_mapping = CsvMapping.objects.filter(bank_account=bank_account).order_by("name").first()
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            fail(self, f"Lecture impossible de « {file} » : {error.strerror or error}.")
        try:
            result = statement_import(actor=None, organisation=organisation, bank_account=bank_account,
                                      content=content, filename=path.name, format=format or None,
                                      mapping=csv_mapping)
        except BusinessError as error:
            fail(self, error.message)
        for statement in result.statements:
            self.stdout.write(f"Relevé {statement.bank_account.label} du {statement.start_date:%d/%m/%Y} au "
                              f"{statement.end_date:%d/%m/%Y} ({statement.get_format_display()}) : "
                              f"{statement.line_count} ligne(s) importée(s), {statement.duplicate_count} "
                              f"doublon(s) ignoré(s)"
                              + (f", solde final {statement.closing_balance} €" if statement.closing_balance
                                 is not None else "") + ".")
            for skipped in statement.report.get("skipped", []):
                self.stdout.write(f"  doublon ignoré : {skipped['date']} {skipped['amount']} "
                                  f"{skipped['reference'] or skipped['label']}")
        self.stdout.write(f"Total : {result.imported} ligne(s) importée(s), {result.duplicates} doublon(s) ignoré(s).")
