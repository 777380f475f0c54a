"""The purchasing demo on its own (a January, for speed): the year's purchases, then the two received e-invoices
imported as drafts — a CII XML matched to the office-supplies order line by line, and a Factur-X PDF — once."""

from datetime import date
from decimal import Decimal

import pytest

from agora.purchasing.demo import _PurchasingDemo, demo_steps
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseStatus
from agora.purchasing.services.invoices import invoice_match_report

from .builders import make_purchasing_books

pytestmark = pytest.mark.django_db
TODAY = date(2026, 1, 29)


def test_demo_imports_two_received_einvoices_as_drafts():
    organisation, buyer = make_purchasing_books()
    organisation.kind = "company"
    demo = _PurchasingDemo(organisation=organisation, actor=buyer, today=TODAY)
    for _ in demo.steps():
        pass
    drafts = PurchaseDocument.objects.filter(organisation=organisation, kind=PurchaseKind.INVOICE,
                                             status=PurchaseStatus.DRAFT).exclude(source_format="")
    cii, facturx = drafts.get(source_format="cii"), drafts.get(source_format="facturx")
    # CII from InfoBureau: 6 × 23.50 + 2 × 86.90 + 150.00 = 464.80 HT, VAT 20 % 92.96, 557.76 TTC
    assert (cii.party.code, cii.total_untaxed, cii.total_incl_tax) == ("F105", Decimal("464.80"), Decimal("557.76"))
    assert cii.source == demo.office_order and cii.order_reference == demo.office_order.number
    assert [line.order_line.position for line in cii.lines.order_by("position")] == [1, 2, 3]
    assert invoice_match_report(cii) == []  # ordered, received in full, invoiced at the ordered prices
    # Factur-X from Inox Service: 2.5 × 62.00 + 45.00 + 38.50 = 238.50 HT, VAT 47.70, 286.20 TTC
    assert (facturx.party.code, facturx.total_incl_tax) == ("F102", Decimal("286.20"))
    assert facturx.source_file.read().startswith(b"%PDF")
    demo._einvoices()  # a second run imports nothing more
    assert drafts.count() == 2


def test_no_einvoices_for_an_association():
    organisation, _buyer = make_purchasing_books(slug="asso")
    organisation.kind = "association"
    assert demo_steps(organisation=organisation, users={}, today=TODAY) is None
