"""Test builders for the ledger: an organisation with its books, parties and postings via the services."""

from datetime import date
from decimal import Decimal

from agora.core.tests.builders import grant, make_organisation, make_user
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.services import entries_post, ledger_setup
from agora.parties.services import party_create


def make_books(*, slug: str = "durand", kind: str = "company", year: int = 2026, **extra):
    """An organisation with its chart, journals and fiscal year `year`; returns (organisation, accountant)."""
    organisation = make_organisation(slug=slug, kind=kind, legal_name=f"{slug.title()} SARL", **extra)
    accountant = grant(make_user(f"compta-{slug}"), organisation, "accounting")
    ledger_setup(actor=accountant, organisation=organisation, first_year=year)
    return organisation, accountant


def make_party(organisation, code: str = "C001", name: str = "Client Martin", **roles):
    data = {"code": code, "name": name, "is_customer": True, **roles}
    return party_create(actor=None, organisation=organisation, data=data)


def lines(*rows) -> list[LineInput]:
    """rows: (account, debit, credit) or (account, debit, credit, party)."""
    out = []
    for row in rows:
        account, debit, credit, *rest = row
        out.append(LineInput(account=account, debit=Decimal(str(debit)), credit=Decimal(str(credit)),
                             party=rest[0] if rest else ""))
    return out


def post(organisation, actor, journal: str, day: date, label: str, *rows, reference: str = ""):
    data = EntryInput(journal=journal, date=day, label=label, reference=reference, lines=lines(*rows))
    return entries_post(actor=actor, organisation=organisation, entries=[data])[0]


def sale(organisation, actor, day: date, party: str, net: str, vat: str, label: str = "Facture"):
    """A sales invoice entry: 411 debit TTC / 706 credit HT / 44571 credit VAT."""
    gross = Decimal(net) + Decimal(vat)
    return post(organisation, actor, "VT", day, label, ("411", gross, 0, party), ("706", 0, net),
                ("44571", 0, vat))
