"""No N+1: the lists and reports run the same number of queries whatever the number of rows; the position shows
the bank's last statement balance when the banking app knows one."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.cash.selectors import balances
from agora.cash.services.forecast import forecast_line_create, recurring_create
from agora.ledger.tests.builders import make_party, sale
from agora.treasury.tests.builders import make_treasury_books

from .builders import make_register, payment, receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(client):
    organisation, accountant, _manager = make_treasury_books()
    make_party(organisation, "C001")
    register = make_register(organisation, accountant)
    receipt(register, accountant, date(2026, 3, 2), "500.00", "580")
    client.force_login(accountant)
    return organisation, accountant, register, client


def _more(organisation, accountant, register, n: int) -> None:
    for i in range(n):
        day = date(2026, 3, 3 + i)
        receipt(register, accountant, day, "20.00", "411", party="C001", label=f"Règlement {i}")
        payment(register, accountant, day, "5.00", "625", label=f"Taxi {i}")
        sale(organisation, accountant, day, "C001", "100.00", "20.00")
        recurring_create(actor=accountant, organisation=organisation, data={
            "label": f"Abonnement {i}", "amount": "10.00", "start_date": date(2026, 1, 1)})
        forecast_line_create(actor=accountant, organisation=organisation, data={
            "date": date(2026, 12, 1 + i), "label": f"Ligne {i}", "amount": "5.00"})
    make_register(organisation, accountant, f"Caisse {n}")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_pages_run_a_constant_number_of_queries(books):
    organisation, accountant, register, client = books
    urls = [reverse("cash:registers", kwargs={"org": "durand"}),
            reverse("cash:register", kwargs={"org": "durand", "pk": register.pk}),
            reverse("cash:register_book", kwargs={"org": "durand", "pk": register.pk}) + "?date_from=2026-03-01",
            reverse("cash:position", kwargs={"org": "durand"}),
            reverse("cash:forecast", kwargs={"org": "durand"}) + "?start=2026-03-01&unit=month",
            "/api/v1/orgs/durand/cash-registers", f"/api/v1/orgs/durand/cash-registers/{register.pk}/movements"]
    _more(organisation, accountant, register, 1)
    [_queries(client, url) for url in urls]  # warm-up: the first request of a session loads it
    before = [_queries(client, url) for url in urls]
    _more(organisation, accountant, register, 4)
    assert [_queries(client, url) for url in urls] == before


def test_position_shows_the_last_statement_balance(books, monkeypatch):
    organisation, accountant, register, client = books
    monkeypatch.setattr(balances, "_bank_statement_balance",
                        lambda: lambda bank_account, on: (Decimal("1234.56"), date(2026, 2, 28)))
    row = balances.cash_position(organisation, date(2026, 3, 2)).rows[0]
    assert (row.kind, row.bank_balance, row.bank_balance_date) == ("bank", Decimal("1234.56"), date(2026, 2, 28))
    page = client.get(reverse("cash:position", kwargs={"org": "durand"}) + "?on=2026-03-02").content.decode()
    assert "1\u202f234,56" in page and "28/02/2026" in page
