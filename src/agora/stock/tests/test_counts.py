"""Physical count: variances in quantity and value, validation recording the variance moves, freezing the
history and posting the stock variation entry (inventaire intermittent), all worked by hand."""

from datetime import date
from decimal import Decimal as D

import pytest

from agora.core.errors import BusinessError
from agora.ledger.tests.builders import post
from agora.stock.models import StockCount, StockMove
from agora.stock.selectors.counts import count_summary
from agora.stock.selectors.valuation import valuation_moves, valuation_totals
from agora.stock.services.counts import count_create, count_quantities_enter, count_validate

from .builders import deliver, make_item, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked():
    organisation, actor = make_stock_books()
    # the books open with 1 000.00 of goods (account 37) in the opening entry
    post(organisation, actor, "AN", date(2026, 1, 1), "À-nouveaux", ("37", "1000", 0), ("101", 0, "1000"))
    goods = make_item(organisation, "MARCH", method="wac_perpetual")
    raw = make_item(organisation, "MATIERE", method="fifo", category="raw_material")
    receive(organisation, actor, goods, 100, "10.00", date(2026, 1, 1), label="Stock initial")
    deliver(organisation, actor, goods, 30, date(2026, 3, 10))  # 70 × 10.00 = 700.00
    receive(organisation, actor, goods, 20, "12.50", date(2026, 3, 12))  # 950.00 / 90 = 10.555… → 10.56
    receive(organisation, actor, raw, 50, "4.00", date(2026, 2, 1))  # 200.00
    return organisation, actor, goods, raw


def test_count_validation_records_variances_and_posts_the_stock_variation(stocked):
    organisation, actor, goods, raw = stocked
    count = count_create(actor=actor, organisation=organisation, day=date(2026, 3, 31))
    lines = {line.item_id: line for line in count.lines.all()}
    assert (lines[goods.pk].expected_quantity, lines[goods.pk].unit_cost) == (D("90.000"), D("10.5600"))
    assert lines[raw.pk].expected_quantity == D("50.000")
    with pytest.raises(BusinessError) as error:
        count_validate(actor=actor, count=count)
    assert error.value.code == "not_counted"
    count_quantities_enter(actor=actor, count=count, quantities={lines[goods.pk].pk: "88", lines[raw.pk].pk: "52"})
    # goods: 88 − 90 = −2 × 10.56 = −21.12; raw material: +2 × 4.00 = +8.00
    summary = count_summary(count=count)
    assert (summary["shortage"], summary["surplus"], summary["net"]) == (D("-21.12"), D("8.00"), D("-13.12"))

    count = count_validate(actor=actor, count=count)
    assert count.status == StockCount.Status.VALIDATED
    variances = {m.item_id: (m.quantity, m.value) for m in StockMove.objects.filter(kind="count_variance")}
    assert variances == {goods.pk: (D("-2.000"), D("-21.12")), raw.pk: (D("2.000"), D("8.00"))}
    # stock after the count: goods 88 × 10.56 = 929.28; raw material 52 × 4.00 = 208.00
    totals = valuation_totals(organisation=organisation, day=date(2026, 3, 31))
    assert totals["accounts"] == [{"account": "31", "value": D("208.00"), "items": 1},
                                  {"account": "37", "value": D("929.28"), "items": 1}]
    # OD entry: cancel the opening stock of 37 (6037 D / 37 C 1 000.00), record the final stocks
    # (37 D / 6037 C 929.28; 31 D / 6031 C 208.00) — 31 had nothing in the books, nothing to cancel.
    entry = count.entry
    assert entry.journal.code == "OD" and entry.date == date(2026, 3, 31) and entry.is_posted
    lines = [(x.account.code, x.debit, x.credit) for x in entry.lines.select_related("account").order_by("line_no")]
    assert lines == [("31", D("208.00"), D("0.00")), ("6031", D("0.00"), D("208.00")),
                     ("6037", D("1000.00"), D("0.00")), ("37", D("0.00"), D("1000.00")),
                     ("37", D("929.28"), D("0.00")), ("6037", D("0.00"), D("929.28"))]
    # the counted history is frozen
    with pytest.raises(BusinessError) as error:
        deliver(organisation, actor, goods, 1, date(2026, 3, 31))
    assert error.value.code == "frozen"
    deliver(organisation, actor, goods, 1, date(2026, 4, 1))
    with pytest.raises(BusinessError):
        count_quantities_enter(actor=actor, count=count, quantities={})


def test_second_count_cancels_the_previous_one_and_a_location_count(stocked):
    organisation, actor, goods, raw = stocked
    first = count_create(actor=actor, organisation=organisation, day=date(2026, 3, 31), item_ids=[goods.pk])
    count_quantities_enter(actor=actor, count=first, quantities={first.lines.get().pk: "90"})
    # no variance: 6037/37 1 000.00, then 37/6037 950.00 (after an entry the value is 700 + 250, exact)
    first = count_validate(actor=actor, count=first)
    assert [(x.account.code, x.debit, x.credit) for x in first.entry.lines.order_by("line_no")][2:] == [
        ("37", D("950.00"), D("0.00")), ("6037", D("0.00"), D("950.00"))]
    deliver(organisation, actor, goods, 10, date(2026, 4, 5))  # 80 × 10.56 = 844.80
    second = count_create(actor=actor, organisation=organisation, day=date(2026, 4, 30),
                          location=goods.default_location, item_ids=[goods.pk])
    count_quantities_enter(actor=actor, count=second, quantities={second.lines.get().pk: "80"})
    second = count_validate(actor=actor, count=second)
    # the books hold 950.00 on 37 (1 000 − 1 000 + 950.00): cancelled, then 844.80 recorded
    assert [(x.account.code, x.debit, x.credit) for x in second.entry.lines.order_by("line_no")] == [
        ("6037", D("950.00"), D("0.00")), ("37", D("0.00"), D("950.00")),
        ("37", D("844.80"), D("0.00")), ("6037", D("0.00"), D("844.80"))]
    rows = list(valuation_moves(organisation=organisation, day=date(2026, 4, 30)))
    assert [(m.item.product.reference, m.quantity_after, m.value_after) for m in rows] == [
        ("MARCH", D("80.000"), D("844.80")), ("MATIERE", D("50.000"), D("200.00"))]
