"""The VAT demo: January and February filed, January paid (February is due after `today`), March left as a
draft; nothing for the association."""

from datetime import date

import pytest

from agora.ledger.models import EntryLine
from agora.vat.demo import demo_populate
from agora.vat.models import VatReturn

from .builders import goods_sale, make_vat_books, purchase

pytestmark = pytest.mark.django_db


def test_demo_files_complete_months_and_leaves_the_current_one_as_draft():
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 1, 5), "1000.00", "200.00")
    purchase(organisation, accountant, date(2026, 2, 9), "300.00", "60.00")
    goods_sale(organisation, accountant, date(2026, 2, 10), "500.00", "100.00")
    demo_populate(organisation=organisation, users={"accounting": accountant}, today=date(2026, 3, 15))
    returns = list(VatReturn.objects.filter(organisation=organisation).order_by("start_date"))
    assert [(r.start_date.month, r.state, r.amount_due) for r in returns] == [
        (1, "filed", 200), (2, "filed", 40), (3, "draft", 0)]
    paid = EntryLine.objects.filter(organisation=organisation, account__code="44551", debit__gt=0)
    assert [(line.date, line.debit) for line in paid] == [(date(2026, 2, 19), 200)]  # February's is due 19 March
    association, treasurer = make_vat_books(slug="jardins", regime="franchise")
    demo_populate(organisation=association, users={"accounting": treasurer}, today=date(2026, 3, 15))
    assert not VatReturn.objects.filter(organisation=association).exists()
