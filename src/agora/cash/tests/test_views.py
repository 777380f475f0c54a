"""Cash screens: every page answers for an allowed user, forms record through the services, exports and PDFs,
permissions (the sales role uses the register but does not see the position or the forecast)."""

from datetime import date

import pytest
from django.urls import reverse

from agora.cash.models import CashCount, CashMovement, ForecastLine, RecurringItem
from agora.cash.services.counts import count_create
from agora.cash.services.forecast import forecast_line_create, recurring_create
from agora.core.tests.builders import grant, make_user
from agora.treasury.tests.builders import make_treasury_books

from .builders import make_register, receipt

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"cash:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client):
    organisation, accountant, manager = make_treasury_books()
    register = make_register(organisation, accountant)
    receipt(register, accountant, date(2026, 3, 2), "200.00", "580", "Fonds de caisse")
    count = count_create(actor=accountant, register=register, data={
        "date": date(2026, 3, 2), "counter_name": "Sylvie Morel", "quantities": {"100": 2}})
    item = recurring_create(actor=accountant, organisation=organisation, data={
        "label": "Loyer", "amount": "900.00", "category": "loyer", "start_date": date(2026, 1, 1)})
    line = forecast_line_create(actor=accountant, organisation=organisation, data={
        "date": date(2026, 12, 15), "label": "Subvention", "amount": "500.00", "direction": "in"})
    client.force_login(accountant)
    return {"organisation": organisation, "accountant": accountant, "manager": manager, "register": register,
            "count": count, "item": item, "line": line, "client": client}


def test_every_screen_answers(books):
    client, register = books["client"], books["register"]
    pages = [url("registers"), url("register_new"), url("register", pk=register.pk),
             url("register_edit", pk=register.pk), url("register_book", pk=register.pk),
             url("register_book", pk=register.pk) + "?date_from=2026-03-01&date_to=2026-03-31",
             url("count_new", pk=register.pk), url("count", pk=books["count"].pk), url("position"),
             url("position") + "?on=2026-03-02", url("forecast"), url("forecast") + "?unit=month&count=12",
             url("recurring_new"), url("recurring_edit", pk=books["item"].pk), url("forecast_line_new")]
    for page in pages:
        assert client.get(page).status_code == 200, page
    position = client.get(url("position") + "?on=2026-03-02").content.decode()
    assert "Caisse du magasin" in position and "200,00" in position
    forecast = client.get(url("forecast")).content.decode()
    assert "<svg" in forecast and "Loyer" in forecast and "cdn" not in forecast.lower()


def test_exports_and_pdfs(books):
    client, register = books["client"], books["register"]
    book = url("register_book", pk=register.pk) + "?date_from=2026-03-01&date_to=2026-03-31"
    csv = b"".join(client.get(book + "&export=csv").streaming_content).decode()
    assert "02/03/2026" in csv or "2026-03-02" in csv
    assert client.get(book + "&export=pdf")["Content-Type"] == "application/pdf"
    assert client.get(url("count", pk=books["count"].pk) + "?export=pdf")["Content-Type"] == "application/pdf"
    for name in ("position", "forecast"):
        for kind in ("csv", "xlsx"):
            assert client.get(url(name) + f"?export={kind}").status_code == 200
    assert client.get(url("register", pk=register.pk) + "?export=xlsx").status_code == 200


def test_movement_form_and_refusal_shown_on_the_field(books):
    client, register = books["client"], books["register"]
    data = {"direction": "payment", "date": "2026-03-03", "label": "Timbres", "amount": "250,00",
            "counter_account": "626", "vat_rate": ""}
    response = client.post(url("register", pk=register.pk), data)
    assert response.status_code == 422
    assert "250,00" in response.content.decode() and "ne peut jamais être créditrice" in response.content.decode()
    response = client.post(url("register", pk=register.pk), {**data, "amount": "12,40"})
    assert response.status_code == 302
    assert CashMovement.objects.filter(direction="payment", amount="12.40").exists()


def test_count_validation_through_the_screen(books):
    client, count = books["client"], books["count"]
    assert client.post(url("count_validate", pk=count.pk)).status_code == 302
    count.refresh_from_db()
    assert count.state == CashCount.State.VALIDATED and count.variance == 0


def test_forecast_edits(books):
    client = books["client"]
    response = client.post(url("forecast_line_new"), {"date": "2026-12-20", "label": "Apport", "amount": "1000",
                                                      "direction": "in", "category": "financement"})
    assert response.status_code == 302 and ForecastLine.objects.count() == 2
    assert client.post(url("forecast_line_delete", pk=books["line"].pk)).status_code == 302
    assert client.post(url("recurring_delete", pk=books["item"].pk)).status_code == 302
    assert not RecurringItem.objects.exists() and ForecastLine.objects.count() == 1


def test_sales_role_uses_the_register_but_not_the_forecast(books, client):
    seller = grant(make_user("vendeur"), books["organisation"], "sales")
    client.force_login(seller)
    register = books["register"]
    assert client.get(url("register", pk=register.pk)).status_code == 200
    response = client.post(url("register", pk=register.pk), {
        "direction": "receipt", "date": "2026-03-04", "label": "Vente comptoir", "amount": "24,00",
        "counter_account": "707", "vat_rate": "20.00"})
    assert response.status_code == 302
    for page in (url("position"), url("forecast"), url("recurring_new"), url("register_new"),
                 url("register_edit", pk=register.pk)):
        assert client.get(page).status_code == 403, page
    movement = CashMovement.objects.get(label="Vente comptoir")
    assert client.post(url("movement_cancel", pk=movement.pk)).status_code == 302
    movement.refresh_from_db()
    assert movement.reversal_entry is not None
    manager = books["manager"]
    client.force_login(manager)
    assert client.get(url("forecast")).status_code == 200
    assert client.post(url("forecast_line_delete", pk=books["line"].pk)).status_code == 403
    assert client.post(url("register", pk=register.pk), {}).status_code == 403
