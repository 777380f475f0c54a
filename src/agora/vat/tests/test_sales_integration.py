"""The return over entries posted by the real sales services: goods on debits, a service on receipts half paid,
a credit note — the boxes read what sales posts (44571 with its box, 44574 left out until paid)."""

from datetime import date
from decimal import Decimal

import pytest

from agora.sales.services.receipts import receipt_record
from agora.sales.tests.builders_receipts import credit_note, invoice, receipt_books
from agora.vat.selectors.returns import vat_compute

pytestmark = pytest.mark.django_db
D = Decimal


def test_sales_documents_feed_the_boxes():
    """March: goods 1000.00 at 20 % (VAT 200.00) and 400.00 at 10 % (40.00); a service of 1000.00 at 20 %
    (200.00 waiting on 44574) paid 600.00 of its 1200.00 TTC → 100.00 moved to 44571; the 10 % invoice
    credited in full (−40.00). 08 = 200 + 100 = 300.00, base 1500.00 (1000 invoiced + 500 cashed); 9B = 0;
    16 = TD = 300.00."""
    organisation, seller, martin, _ = receipt_books()
    day = date(2026, 3, 10)
    invoice(organisation, seller, martin, "1000", day=day)
    reduced = invoice(organisation, seller, martin, "400", day=day, rate="10")
    service = invoice(organisation, seller, martin, "1000", day=day, kind="service")
    receipt_record(actor=seller, organisation=organisation, party=martin, date=date(2026, 3, 20), method="transfer",
                   amount="600", allocations=[(service, "600")])
    credit_note(seller, reduced, day=date(2026, 3, 25))
    boxes = vat_compute(organisation=organisation, start=date(2026, 3, 1), end=date(2026, 3, 31)).boxes
    assert (boxes["08"].base, boxes["08"].tax) == (D("1500.00"), D("300.00"))
    assert (boxes["9B"].base, boxes["9B"].tax) == (D("0.00"), D("0.00"))
    assert boxes["A1"].base == D("1500.00") and boxes["16"].tax == D("300.00") and boxes["TD"].tax == D("300.00")
