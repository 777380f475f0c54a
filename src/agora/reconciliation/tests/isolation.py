"""Objects of organisation B for tests/test_isolation.py: a statement line (open), a reconciliation (another
statement line with a bank entry) and a rule, on B's bank account."""

from datetime import date

from agora.treasury.models import BankAccount
from agora.treasury.services.bank_accounts import bank_account_create

from ..services.reconcile import reconciliation_create
from ..services.rules import rule_create
from .builders import bank_entry, make_statement, statement_line

B_IBAN = "FR5410107001010000012345678"


def objects(org_b, actor) -> dict:
    bank = BankAccount.objects.filter(organisation=org_b).order_by("pk").first() or bank_account_create(
        actor=actor, organisation=org_b, data={"label": "Compte B", "iban": B_IBAN})
    book_line = bank_entry(org_b, actor, bank, date(2026, 4, 3), "-42.00", "Virement isolation", account="471")
    statement = make_statement(bank, reference="ISO-B", lines=[
        (date(2026, 4, 4), "-42.00", "VIR ISOLATION"), (date(2026, 4, 5), "-3.50", "COMMISSION ISOLATION")])
    group = reconciliation_create(actor=actor, bank_account=bank,
                                  statement_line_ids=[statement_line(statement, "VIR ISOLATION").pk],
                                  entry_line_ids=[book_line.pk])
    rule = rule_create(actor=actor, organisation=org_b, data={"name": "Commissions B", "label_contains": "COMMISSION",
                                                              "account": "627"})
    return {"bank_account": bank.pk, "recon_statement_line": statement_line(statement, "COMMISSION ISOLATION").pk,
            "recon_reconciliation": group.pk, "recon_rule": rule.pk}


ROUTE_OBJECTS = (("/rapprochement/rapprochements/", "recon_reconciliation"),
                 ("/rapprochement/lignes/", "recon_statement_line"), ("/rapprochement/regles/", "recon_rule"))
ROUTE_KWARGS = ()
API_PATH_PARAMS = (("{org}/reconciliation/bank-accounts/", "bank_id", "bank_account"),
                   ("{org}/reconciliation/reconciliations/", "reconciliation_id", "recon_reconciliation"),
                   ("{org}/reconciliation/statement-lines/", "line_id", "recon_statement_line"),
                   ("{org}/reconciliation/rules/", "rule_id", "recon_rule"))
API_PARAMS = {}
