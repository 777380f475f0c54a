"""Demo: the company's bank statements (imported by the banking demo) reconciled month by month.

For `durand` the accountant saves three rules (bank fees 627 without VAT, credit interest 768, and the Orange
telephone direct debit 626 with 20 % VAT, ready for the next one), accepts every automatic proposal, and leaves
the last statement's bank-only lines for the user to book from the reconciliation statement. What stays open is
realistic: those lines (books side), and the cheques and card receipts of the last days of the month the bank
has not credited yet (bank side).
"""

from datetime import date

from agora.banking.models import BankStatement
from agora.ledger.models import Account
from agora.ledger.services import account_create

from .selectors.books import bank_account_default
from .services.proposals import proposals_accept_all
from .services.rules import rule_create

INTEREST_ACCOUNT = ("768", "Autres produits financiers")
RULES = [
    {"name": "Frais bancaires", "label_contains": "FRAIS TENUE", "sign": "out", "account": "627",
     "entry_label": "Frais de tenue de compte"},
    {"name": "Téléphone Orange", "label_contains": "ORANGE", "sign": "out", "account": "626", "vat_rate": "20",
     "entry_label": "Abonnement téléphone Orange", "amount_max": "200"},
    {"name": "Intérêts créditeurs", "label_contains": "INTERETS CREDITEURS", "sign": "in", "account": "768",
     "entry_label": "Intérêts créditeurs"},
]


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if organisation.kind != "company":
        return
    bank = bank_account_default(organisation=organisation)
    accountant = users.get("accounting")
    if bank is None or not BankStatement.objects.filter(organisation=organisation, bank_account=bank).exists():
        return
    if not Account.objects.filter(organisation=organisation, code=INTEREST_ACCOUNT[0]).exists():
        account_create(actor=accountant, organisation=organisation, code=INTEREST_ACCOUNT[0],
                       label=INTEREST_ACCOUNT[1])
    last = BankStatement.objects.filter(organisation=organisation, bank_account=bank).order_by("-end_date").first()
    # Links with the books first (everything), then the rules' entries, except on the last statement.
    proposals_accept_all(actor=accountant, bank_account=bank, kinds=("entry", "customer", "supplier"))
    for data in RULES:
        rule_create(actor=accountant, organisation=organisation, data={**data, "bank_account": bank.pk})
    proposals_accept_all(actor=accountant, bank_account=bank, kinds=("rule",), before=last.start_date)
