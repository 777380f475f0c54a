"""The fast CSV of the stock card is byte for byte the generic CSV of its rows, for every method, with and
without a period, with a label that needs quoting."""

from datetime import date

import pytest

from agora.core.exports import csv_lines
from agora.stock.exports import card_csv_lines
from agora.stock.selectors.card import CSV_HEADER, card_rows

from .builders import deliver, make_item, make_stock_books, receive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["wac_perpetual", "fifo", "wac_periodic"])
def test_fast_card_csv_equals_the_generic_one(method):
    organisation, actor = make_stock_books()
    item = make_item(organisation, "CSV", method=method)
    receive(organisation, actor, item, "100.5", "10.1234", date(2026, 2, 28), label='Réception "A"; lot 1')
    deliver(organisation, actor, item, "30.25", date(2026, 3, 10))
    receive(organisation, actor, item, 80, "11", date(2026, 3, 15))
    deliver(organisation, actor, item, 150, date(2026, 3, 20), label="")
    for period in ({}, {"date_from": date(2026, 3, 1)}, {"date_from": date(2026, 3, 11), "date_to": date(2026, 3, 31)}):
        generic = "".join(csv_lines(CSV_HEADER, (row.csv() for row in card_rows(item=item, **period))))
        assert "".join(card_csv_lines(item=item, **period)) == generic, period


def test_screen_window_is_the_same_slice_of_the_card():
    from itertools import islice

    from agora.stock.selectors.card import card_page_rows

    organisation, actor = make_stock_books()
    item = make_item(organisation, "FENETRE")
    for n in range(6):
        receive(organisation, actor, item, 1, "2", date(2026, 3, 1 + n), label=f"R{n}")
    for period in ({}, {"date_from": date(2026, 3, 3)}):
        for offset in (0, 1, 2, 5):
            expected = [r.label for r in islice(card_rows(item=item, **period), offset, offset + 2)]
            assert [r.label for r in card_page_rows(item=item, offset=offset, limit=2, **period)] == expected
