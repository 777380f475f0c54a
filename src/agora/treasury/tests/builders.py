"""Test builders for treasury, through the real services: books with a bank account, suppliers, supplier invoices
posted straight to the ledger (AC: charge and input VAT debit, 401 credit with the due date).

    org, accountant, manager = make_treasury_books()
    supplier = make_supplier(org, "F001", "Bois & Cie")
    invoice = supplier_invoice(org, accountant, supplier, net="1000.00", vat="200.00", due=date(2026, 3, 31))
"""

from datetime import date
from decimal import Decimal

from agora.core.tests.builders import grant, make_user
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine
from agora.ledger.services import entries_post
from agora.ledger.tests.builders import make_books
from agora.parties.services import party_create
from agora.treasury.services.bank_accounts import bank_account_create

COMPANY_IBAN = "FR7630006000011234567890189"
IBANS = ["FR7630004000031234567890143", "FR1420041010050500013M02606", "FR5410107001010000012345678"]


def make_treasury_books(*, slug: str = "durand", year: int = 2026, bank: bool = True):
    """(organisation, accountant, manager): books for `year`, a bank account on BQ1/5121 unless `bank=False`."""
    organisation, accountant = make_books(slug=slug, year=year)
    manager = grant(make_user(f"direction-{slug}"), organisation, "management")
    if bank:
        bank_account_create(actor=accountant, organisation=organisation, data={
            "label": "Compte courant", "bank_name": "Banque Populaire", "iban": COMPANY_IBAN, "bic": "CCBPFRPPLYO"})
    return organisation, accountant, manager


def make_supplier(organisation, code: str = "F001", name: str = "Bois & Cie", *, iban: str | None = None,
                  **data):
    """A supplier paid by transfer; `iban=""` for one without IBAN (default: a valid IBAN of the list)."""
    if iban is None:
        iban = IBANS[(int(code[-1]) - 1) % len(IBANS)] if code[-1].isdigit() else IBANS[0]
    values = {"code": code, "name": name, "kind": "organisation", "is_supplier": True, "iban": iban,
              "payment_method": "transfer", "email": f"compta@{code.lower()}.example.fr", "city": "Lyon", **data}
    return party_create(actor=None, organisation=organisation, data=values)


def supplier_invoice(organisation, actor, supplier, *, net: str, vat: str, due: date, day: date | None = None,
                     reference: str = "", account: str = "607", origin: tuple[str, str] = ("", ""),
                     vat_account: str = "44566"):
    """Post a supplier invoice entry (AC); returns its 401 line. A fixed asset: account="2183",
    vat_account="44562"."""
    net_d, vat_d = Decimal(net), Decimal(vat)
    day = day or date(2026, 3, 1)
    lines = [LineInput(account=account, debit=net_d, label=reference, tax_role="base")]
    if vat_d:
        lines.append(LineInput(account=vat_account, debit=vat_d, label=reference, tax_role="input_vat",
                               vat_box="19" if vat_account == "44562" else "20"))
    lines.append(LineInput(account="401", credit=net_d + vat_d, party=supplier.code, label=f"{supplier.name} "
                           f"{reference}", due_date=due))
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal="AC", date=day, label=f"Facture {supplier.name} {reference}", reference=reference,
        origin_type=origin[0], origin_id=origin[1], lines=lines)])[0]
    return EntryLine.objects.get(entry=entry, account__code="401")


def supplier_credit_note(organisation, actor, supplier, *, net: str, vat: str, day: date, reference: str = "",
                         account: str = "607"):
    """Post a supplier credit note entry (AC: 401 debit, no due date); returns its 401 line."""
    net_d, vat_d = Decimal(net), Decimal(vat)
    lines = [LineInput(account="401", debit=net_d + vat_d, party=supplier.code, label=f"Avoir {reference}"),
             LineInput(account=account, credit=net_d, label=reference, tax_role="base")]
    if vat_d:
        lines.append(LineInput(account="44566", credit=vat_d, label=reference, tax_role="input_vat", vat_box="20"))
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal="AC", date=day, label=f"Avoir {supplier.name} {reference}", reference=reference, lines=lines)])[0]
    return EntryLine.objects.get(entry=entry, account__code="401")
