"""Test builders for fixed assets and provisions, through the real services.

    org, accountant = make_books(year=2026)
    van = make_asset(org, accountant, label="Fourgon", account_code="2182", cost="24000", life_years=4)
"""

from datetime import date

from agora.assets.services.assets import asset_create
from agora.ledger.models import EntryLine


def make_asset(organisation, actor, *, label: str = "Ordinateur portable", account_code: str = "2183",
               cost: str = "12000.00", acquisition_date: date = date(2026, 4, 15), in_service_date: date | None = None,
               life_years: int = 5, method: str = "linear", **extra):
    return asset_create(actor=actor, organisation=organisation, data={
        "label": label, "account_code": account_code, "cost": cost, "acquisition_date": acquisition_date,
        "in_service_date": in_service_date or acquisition_date, "life_years": life_years, "method": method, **extra})


def entry_rows(entry) -> list[tuple]:
    """(account, debit, credit, party code) of an entry's lines, in order, amounts as str."""
    return [(x.account.code, str(x.debit), str(x.credit), x.party.code if x.party else "")
            for x in EntryLine.objects.filter(entry=entry).select_related("account", "party").order_by("line_no")]
