"""The procurement demo on its own (fallback suppliers) and beside the purchasing suppliers: every state is there."""

from collections import Counter

import pytest
from django.utils import timezone

from agora.procurement.demo import demo_populate
from agora.procurement.models import PurchaseRequest, RfqSupplier, SupplierDocument, SupplierProduct, SupplierProfile
from agora.procurement.selectors.suppliers import supplier_document_list

from .builders import make_procurement_org, make_purchase_products, make_subcontractor

pytestmark = pytest.mark.django_db


def test_demo_populates_every_state():
    organisation, buyer, manager = make_procurement_org()
    make_purchase_products(organisation)
    make_subcontractor(organisation)
    today = timezone.localdate()
    demo_populate(organisation=organisation, users={"purchasing": buyer, "management": manager}, today=today)
    assert SupplierProduct.objects.filter(organisation=organisation).count() == 4  # 2 products × 2 suppliers
    assert SupplierProduct.objects.filter(organisation=organisation, preferred=True).count() == 2
    assert SupplierProfile.objects.filter(organisation=organisation).count() == 2
    statuses = Counter(PurchaseRequest.objects.filter(organisation=organisation).values_list("status", flat=True))
    assert statuses == {"ordered": 1, "approved": 1, "submitted": 1, "draft": 1}
    answered = RfqSupplier.objects.filter(organisation=organisation, responded_at__isnull=False)
    assert answered.count() == 2 and all(s.sent_at for s in answered)
    documents = supplier_document_list(organisation=organisation, today=today, warning_days=30)
    assert sorted(d.expiry_status for d in documents) == ["expired", "expiring", "valid"]
    assert SupplierDocument.objects.filter(kind="urssaf_vigilance").get().file.read().startswith(b"%PDF")


def test_demo_skips_associations():
    organisation, buyer, manager = make_procurement_org(slug="asso")
    organisation.kind = "association"
    demo_populate(organisation=organisation, users={"purchasing": buyer}, today=timezone.localdate())
    assert not SupplierProduct.objects.exists()
