"""Banking objects of organisation B for tests/test_isolation.py: a CSV mapping and a statement imported with it."""

from agora.banking.services.mappings import csv_mapping_create
from agora.banking.services.statements import statement_import
from agora.treasury.models import BankAccount
from agora.treasury.services.bank_accounts import bank_account_create

from .builders import CSV_MAPPING, SECOND_IBAN, sample


def objects(org_b, actor) -> dict:
    account = BankAccount.objects.filter(organisation=org_b).first() or bank_account_create(
        actor=actor, organisation=org_b, data={"label": "Compte B", "iban": SECOND_IBAN})
    mapping = csv_mapping_create(actor=actor, organisation=org_b, bank_account=account, data=CSV_MAPPING)
    result = statement_import(actor=actor, organisation=org_b, bank_account=account,
                              content=sample("releve-banque.csv"), filename="b.csv", mapping=mapping)
    return {"bank_statement": result.statements[0].pk, "csv_mapping": mapping.pk, "statement_bank_account": account.pk}


ROUTE_OBJECTS = (("/banque/releves/", "bank_statement"), ("/banque/modeles-csv/", "csv_mapping"))
API_PATH_PARAMS = (("{org}/bank-statements/", "statement_id", "bank_statement"),
                   ("{org}/bank-csv-mappings/", "mapping_id", "csv_mapping"))
