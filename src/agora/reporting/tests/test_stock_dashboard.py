"""The stock dashboard on a small stock, every figure worked by hand (as of 30/06/2026, 12 months from 07/2025):

  A (CUMP, reorder point 60): 01/01 +100 at 10.00; 15/01 −20; 15/02 −30; 10/06 −10  → 40 left, 400.00
  B: 10/01 +10 at 5.00, never leaves stock                                          → 50.00
Month-end values: 07–12/2025 0; 01/2026 800 + 50 = 850; 02 to 05: 500 + 50 = 550; 06: 400 + 50 = 450.
Sum 850 + 4 × 550 + 450 = 3 500 → average stock 3 500 / 12 = 291.67.
Cost of goods sold: 200 + 300 + 100 = 600 → rotation 600 × 12 / 3 500 = 2.057… → 2.06;
days of stock 3 500 × 365 / (12 × 600) = 177.43… → 177.4.
Below reorder point: A (40 ≤ 60). Slow movers (no exit for 90 days): B (in stock since 10/01, never left).
"""

from datetime import date
from decimal import Decimal as D

import pytest
from django.test import Client
from django.urls import reverse

from agora.reporting.stock import stock_dashboard
from agora.stock.tests.builders import deliver, make_item, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, actor = make_stock_books()
    a = make_item(organisation, "A", reorder_point="60")
    b = make_item(organisation, "B")
    receive(organisation, actor, a, 100, "10.00", date(2026, 1, 1))
    receive(organisation, actor, b, 10, "5.00", date(2026, 1, 10))
    for day, quantity in ((date(2026, 1, 15), 20), (date(2026, 2, 15), 30), (date(2026, 6, 10), 10)):
        deliver(organisation, actor, a, quantity, day)
    return organisation, actor


def test_figures(books):
    organisation, _ = books
    report = stock_dashboard(organisation=organisation, as_of=date(2026, 6, 30))
    assert [m.value for m in report.months] == [D("0.00")] * 6 + [D("850.00")] + [D("550.00")] * 4 + [D("450.00")]
    assert [m.cogs for m in report.months][6:] == [D("200.00"), D("300.00"), D("0.00"), D("0.00"), D("0.00"),
                                                   D("100.00")]
    assert (report.value, report.average_stock, report.cogs) == (D("450.00"), D("291.67"), D("600.00"))
    assert (report.rotation, report.days_of_stock) == (D("2.06"), D("177.4"))
    assert [i.product.reference for i in report.below_reorder] == ["A"]
    assert [i.product.reference for i in report.slow_movers] == ["B"] and report.slow_value == D("50.00")


def test_page_draws_its_charts(books):
    organisation, actor = books
    client = Client()
    client.force_login(actor)
    page = client.get(reverse("reporting:stock", kwargs={"org": "durand"}) + "?au=2026-06-30").content.decode()
    assert page.count("<svg") == 2 and "2,06 fois" in page and "177,4 jours" in page
