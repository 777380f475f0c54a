"""The assets demo on builder data: the register agrees with the books, one disposal, a doubtful customer and a
lawsuit provisioned, no 2026 year-end depreciation posted."""

from datetime import date
from decimal import Decimal

import pytest

from agora.assets.demo import demo_populate
from agora.assets.models import Annuity, DepreciationRun, Disposal, FixedAsset, Provision
from agora.assets.selectors.assets import depreciation_missing
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import EntryLine, FiscalYear
from agora.ledger.services import fiscal_year_create
from agora.ledger.tests.builders import post
from agora.sales.services.documents import invoice_validate
from agora.sales.tests.builders import line, make_customer, make_invoice, make_products, make_sales_books

pytestmark = pytest.mark.django_db


def _balance(organisation, prefix: str) -> Decimal:
    lines = EntryLine.objects.filter(organisation=organisation, account__code__startswith=prefix)
    return sum((x.debit - x.credit for x in lines), Decimal("0"))


def test_demo_register_disposal_and_provisions():
    """Books from 2025 (as the ledger demo: 2025 depreciation of the computers posted, AMO2025, 1,680.00).
    Computers taken over at 31/12/2024: 6,000 → 2,400 and 2,400 → 960; their 2025 annuities (1,200 and 480)
    recorded against AMO2025. The server sold 30/09/2026: 960 + 480 + 480 × 270/360 = 1,800 accumulated,
    net book value 600. The van (24,000, 5 years from 15/03/2024) brought in at 31/12/2025:
    24,000 × 285/1,800 + 4,800 = 8,600."""
    organisation, seller = make_sales_books(year=2025)
    accountant = grant(make_user("compta-demo"), organisation, "accounting")
    post(organisation, accountant, "OD", date(2025, 12, 31), "Dotation aux amortissements 2025",
         ("6811", "1680.00", 0), ("28183", 0, "1680.00"), reference="AMO2025")
    fiscal_year_create(actor=accountant, organisation=organisation)
    goods, _food, _service = make_products(organisation)
    customer = make_customer(organisation, "C005", "Quincaillerie Lenoir")
    invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer, [line(goods, 10)],
                                                        day=date(2026, 5, 4)))
    users = {"accounting": accountant, "sales": seller}

    demo_populate(organisation=organisation, users=users, today=date(2026, 11, 30))

    assets = FixedAsset.objects.filter(organisation=organisation)
    assert assets.count() == 7
    assert set(assets.values_list("account__code", flat=True)) == {"2183", "2182", "205", "2154", "2184"}
    assert assets.get(account__code="2154").method == "declining"
    disposal = Disposal.objects.get()
    assert (disposal.asset.label, disposal.accumulated, disposal.net_book_value) == (
        "Serveur de fichiers", Decimal("1800.00"), Decimal("600.00"))
    van = assets.get(account__code="2182")
    assert van.opening_depreciation == Decimal("8600.00")
    assert _balance(organisation, "28182") == Decimal("-8600.00")
    assert sorted(assets.filter(account__code="2183").values_list("opening_depreciation", flat=True))[:2] == [
        Decimal("0.00"), Decimal("960.00")]  # the laptop bought in 2026, the server
    assert sorted(Annuity.objects.values_list("amount", flat=True)) == [Decimal("360.00"), Decimal("480.00"),
                                                                        Decimal("1200.00")]
    assert not DepreciationRun.objects.exists()
    assert depreciation_missing(FiscalYear.objects.get(organisation=organisation, code="2025")) == []
    doubtful = Provision.objects.get(kind="customer")
    assert (doubtful.party, doubtful.receivable, doubtful.amount) == (customer, Decimal("1200.00"),
                                                                      Decimal("400.00"))
    assert Provision.objects.filter(kind="risk", account__code="151").exists()


def test_demo_skips_associations():
    organisation, seller = make_sales_books(slug="jardins", kind="association", year=2026)
    demo_populate(organisation=organisation, users={"accounting": seller}, today=date(2026, 11, 30))
    assert not FixedAsset.objects.exists()
