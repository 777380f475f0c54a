"""Test builders for VAT returns: books of a company under the normal regime and entries with VAT lines shaped
like the sales and purchasing postings (output VAT on 44571 with its box, pending VAT on 44574 for services
without the debits option, deductible VAT on 44566 box 20 / 44562 box 19).

    org, accountant = make_vat_books()
    book(org, accountant, "VT", date(2026, 3, 2), "Facture F1", ("411", "1200", "", "C001"),
         ("707", "", "1000", "", "base"), ("44571", "", "200", "", "output_vat", "08"))
"""

from datetime import date
from decimal import Decimal

from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.services import entries_post
from agora.ledger.tests.builders import make_books, make_party


def make_vat_books(*, slug: str = "durand", regime: str = "normal_monthly", year: int = 2026):
    """(organisation, accountant): books for `year`, a customer C001 and a supplier F001."""
    organisation, accountant = make_books(slug=slug, year=year, vat_regime=regime)
    make_party(organisation, "C001", "Client Martin")
    make_party(organisation, "F001", "Fournisseur Bois", is_supplier=True, is_customer=False)
    return organisation, accountant


def book(organisation, actor, journal: str, day: date, label: str, *rows, origin: tuple[str, str] = ("", "")):
    """Post one entry; rows: (account, debit, credit[, party[, tax_role[, vat_box]]]) with amounts as text."""
    lines = []
    for row in rows:
        account, debit, credit, party, tax_role, vat_box = (*row, "", "", "")[:6]
        lines.append(LineInput(account=account, debit=Decimal(debit or "0"), credit=Decimal(credit or "0"),
                               party=party, tax_role=tax_role, vat_box=vat_box))
    return entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=journal, date=day, label=label, lines=lines, origin_type=origin[0], origin_id=origin[1])])[0]


def goods_sale(organisation, actor, day: date, net: str, vat: str, box: str = "08", *, account: str = "707"):
    gross = str(Decimal(net) + Decimal(vat))
    return book(organisation, actor, "VT", day, f"Facture {net}", ("411", gross, "", "C001"),
                (account, "", net, "", "base"), ("44571", "", vat, "", "output_vat", box))


def credit_note(organisation, actor, day: date, net: str, vat: str, box: str = "08"):
    gross = str(Decimal(net) + Decimal(vat))
    return book(organisation, actor, "VT", day, f"Avoir {net}", ("707", net, "", "", "base"),
                ("44571", vat, "", "", "output_vat", box), ("411", "", gross, "C001"))


def purchase(organisation, actor, day: date, net: str, vat: str, *, account: str = "607", vat_account: str = "44566"):
    gross = str(Decimal(net) + Decimal(vat))
    box = "19" if vat_account == "44562" else "20"
    supplier_account = "404" if account.startswith("2") else "401"
    return book(organisation, actor, "AC", day, f"Facture fournisseur {net}", (account, net, "", "", "base"),
                (vat_account, vat, "", "", "input_vat", box), (supplier_account, "", gross, "F001"))
