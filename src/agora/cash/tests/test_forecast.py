"""The cash forecast, bucket by bucket, on a hand-built month."""

from datetime import date
from decimal import Decimal

import pytest

from agora.cash.models import RecurringItem
from agora.cash.selectors.forecast import forecast
from agora.cash.services.forecast import forecast_line_create, recurring_create
from agora.core.errors import BusinessError
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine
from agora.ledger.services import entries_post, matching_create
from agora.ledger.tests.builders import make_party, post
from agora.treasury.tests.builders import make_supplier, make_treasury_books, supplier_invoice

pytestmark = pytest.mark.django_db
D = Decimal
Z = D("0")


def _invoice(organisation, actor, day, due, gross, party="C001"):
    net = (D(gross) / D("1.2")).quantize(D("0.01"))
    return entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal="VT", date=day, label=f"Facture {gross}", lines=[
            LineInput(account="411", debit=D(gross), party=party, due_date=due),
            LineInput(account="706", credit=net), LineInput(account="44571", credit=D(gross) - net)])])[0]


@pytest.fixture
def month():
    """Bank: +10 000 (05/01), VAT of January paid −300 (19/02), +200 part payment of the overdue invoice (25/02):
    opening on 02/03 = 9 900.
    Items: overdue invoice 600 due 20/02 matched with the 200 paid → 400 open, "en retard"; invoice 1 200 due
    11/03 (week 2); supplier invoice 360 due 04/03 (week 1); rent 1 500 on the 5th of every month (week 1);
    grant 2 000 expected 20/03 (week 3); February VAT 500 payable on 19/03 (week 3) — January's 300 on 44551 is
    paid (the account's 500 credit balance belongs to the latest line)."""
    organisation, accountant, _manager = make_treasury_books()
    make_party(organisation, "C001")
    post(organisation, accountant, "BQ1", date(2026, 1, 5), "Apport", ("5121", "10000.00", 0), ("101", 0, "10000.00"))
    vat_lines = [(date(2026, 1, 31), "300.00", date(2026, 2, 19)), (date(2026, 2, 28), "500.00", date(2026, 3, 19))]
    for day, amount, due in vat_lines:
        entries_post(actor=accountant, organisation=organisation, entries=[EntryInput(
            journal="OD", date=day, label=f"TVA {day:%m}", lines=[
                LineInput(account="44571", debit=D(amount)),
                LineInput(account="44551", credit=D(amount), due_date=due)])])
    post(organisation, accountant, "BQ1", date(2026, 2, 19), "TVA janvier", ("44551", "300.00", 0),
         ("5121", 0, "300.00"))
    overdue = _invoice(organisation, accountant, date(2026, 1, 21), date(2026, 2, 20), "600.00")
    paid = post(organisation, accountant, "BQ1", date(2026, 2, 25), "Acompte", ("5121", "200.00", 0),
                ("411", 0, "200.00", "C001"))
    matching_create(actor=accountant, organisation=organisation, line_ids=list(EntryLine.objects.filter(
        entry__in=[overdue, paid], account__code="411").values_list("pk", flat=True)))
    _invoice(organisation, accountant, date(2026, 2, 26), date(2026, 3, 11), "1200.00")
    supplier_invoice(organisation, accountant, make_supplier(organisation), net="300.00", vat="60.00",
                     due=date(2026, 3, 4), day=date(2026, 2, 20))
    recurring_create(actor=accountant, organisation=organisation, data={
        "label": "Loyer", "amount": "1500.00", "direction": "out", "category": "loyer", "frequency": "monthly",
        "day_of_month": 5, "start_date": date(2026, 1, 1)})
    forecast_line_create(actor=accountant, organisation=organisation, data={
        "date": date(2026, 3, 20), "label": "Subvention région", "amount": "2000.00", "direction": "in",
        "category": "financement"})
    return organisation, accountant


def test_weekly_forecast_bucket_by_bucket(month):
    """Columns: en retard, weeks of 02/03, 09/03, 16/03, 23/03.
    Closing: 9 900 + 400 = 10 300; − 360 − 1 500 = 8 440; + 1 200 = 9 640; + 2 000 − 500 = 11 140; 11 140."""
    organisation, _ = month
    result = forecast(organisation, start=date(2026, 3, 2), unit="week", count=4, today=date(2026, 3, 2))
    assert [c.label for c in result.columns] == ["En retard", "Sem. du 02/03", "Sem. du 09/03", "Sem. du 16/03",
                                                 "Sem. du 23/03"]
    assert result.opening == D("9900.00")
    assert [(r.category, r.amounts) for r in result.inflows] == [
        ("ventes", [D("400.00"), Z, D("1200.00"), Z, Z]), ("financement", [Z, Z, Z, D("2000.00"), Z])]
    assert [(r.category, r.amounts) for r in result.outflows] == [
        ("loyer", [Z, D("1500.00"), Z, Z, Z]), ("tva", [Z, Z, Z, D("500.00"), Z]),
        ("fournisseurs", [Z, D("360.00"), Z, Z, Z])]
    assert result.closings == [D("10300.00"), D("8440.00"), D("9640.00"), D("11140.00"), D("11140.00")]


def test_monthly_forecast_and_recurrences(month):
    """By month from 02/03: March holds everything dated in March (1 200 + 2 000 in; 1 500 + 500 + 360 out);
    April and May only the rent."""
    organisation, _ = month
    result = forecast(organisation, start=date(2026, 3, 2), unit="month", count=3, today=date(2026, 3, 2))
    assert result.inflow_totals == [D("400.00"), D("3200.00"), Z, Z]
    assert result.outflow_totals == [Z, D("2360.00"), D("1500.00"), D("1500.00")]
    assert result.closings[-1] == D("8140.00")  # 9 900 + 400 + 3 200 − 2 360 − 1 500 − 1 500


def test_recurring_item_bad_input(month):
    organisation, accountant = month
    base = {"label": "Abonnement", "amount": "30.00", "start_date": date(2026, 1, 1)}
    for change, field in (({"amount": "0"}, "amount"), ({"day_of_month": 32}, "day_of_month"),
                          ({"frequency": "daily"}, "frequency"), ({"category": "jeux"}, "category"),
                          ({"end_date": date(2025, 1, 1)}, "end_date"), ({"label": ""}, "label")):
        with pytest.raises(BusinessError) as error:
            recurring_create(actor=accountant, organisation=organisation, data={**base, **change})
        assert error.value.field == field
    assert RecurringItem.objects.count() == 1


def test_a_payment_on_account_nets_the_suppliers_row_and_items_add_up_to_the_balances(month):
    """A 100 € payment to the supplier on 27/02, not matched and without due date, is due on its own date: it
    sits in "en retard" as −100 on the suppliers row (360 − 100 = 260 still owed = the 401 balance). The
    customer items (400 + 1 200) are the 411 balance: the 200 paid counts 0 in its partial matching."""
    organisation, accountant = month
    post(organisation, accountant, "BQ1", date(2026, 2, 27), "Acompte fournisseur", ("401", "100.00", 0, "F001"),
         ("5121", 0, "100.00"))
    result = forecast(organisation, start=date(2026, 3, 2), unit="week", count=4, today=date(2026, 3, 2))
    suppliers = next(row for row in result.outflows if row.category == "fournisseurs")
    assert suppliers.amounts == [D("-100.00"), D("360.00"), Z, Z, Z] and suppliers.total == D("260.00")
    customers = next(row for row in result.inflows if row.category == "ventes")
    assert customers.total == D("1600.00")
    assert result.closings[-1] == D("11140.00")  # 100 left the bank before the start and is no longer owed
