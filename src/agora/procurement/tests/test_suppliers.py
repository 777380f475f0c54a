"""Supplier catalogue (one preferred per product, duplicates refused), comparison ranking, ratings, and supplier
documents: content check, URSSAF vigilance validity, expiry statuses, the "to renew" list."""

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.procurement.domain import add_months
from agora.procurement.models import SupplierDocument, SupplierProduct
from agora.procurement.selectors.suppliers import (
    preferred_offers,
    supplier_comparison,
    supplier_document_list,
    vigilance_missing,
)
from agora.procurement.services.suppliers import (
    supplier_document_add,
    supplier_product_update,
    supplier_rate,
)

from .builders import (
    make_procurement_org,
    make_purchase_products,
    make_subcontractor,
    make_supplier,
    offer,
    pdf_upload,
    png_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def org():
    organisation, buyer, manager = make_procurement_org()
    paper, desk = make_purchase_products(organisation)
    return SimpleNamespace(organisation=organisation, buyer=buyer, paper=paper, desk=desk,
                           a=make_supplier(organisation), b=make_supplier(organisation, "F002", "Bureau Plus SAS"),
                           c=make_subcontractor(organisation))


def test_one_preferred_supplier_per_product_and_no_duplicates(org):
    first = offer(org.organisation, org.a, org.paper, "4.50", preferred=True)
    second = offer(org.organisation, org.b, org.paper, "4,40", preferred=True, minimum_quantity="10",
                   lead_time_days="5")
    first.refresh_from_db()
    assert (first.preferred, second.preferred, second.unit_price, second.minimum_quantity) == (
        False, True, Decimal("4.4000"), Decimal("10.000"))
    supplier_product_update(actor=org.buyer, item=first, data={"preferred": True})
    assert list(SupplierProduct.objects.filter(preferred=True).values_list("supplier__code", flat=True)) == ["F001"]
    with pytest.raises(BusinessError) as refused:
        offer(org.organisation, org.a, org.paper, "4.00")
    assert refused.value.field == "product"
    with pytest.raises(BusinessError) as refused:
        offer(org.organisation, org.a, org.desk, "-1")
    assert (refused.value.field, refused.value.message) == ("unit_price",
                                                            "Le prix unitaire HT ne peut pas être négatif.")
    assert SupplierProduct.objects.count() == 2


def test_comparison_ranks_by_price_then_lead_time_then_rating(org):
    offer(org.organisation, org.a, org.paper, "4.50", lead_time_days="2")
    offer(org.organisation, org.b, org.paper, "4.20", lead_time_days="10")
    offer(org.organisation, org.c, org.paper, "4.20", lead_time_days="10", preferred=True)
    supplier_rate(actor=org.buyer, organisation=org.organisation, supplier=org.b,
                  data={"rating_quality": "4", "rating_delays": "3", "rating_price": "4"})  # 11 / 3 = 3.67 → 3.7
    supplier_rate(actor=org.buyer, organisation=org.organisation, supplier=org.c,
                  data={"rating_quality": "5", "rating_delays": "4"})  # 9 / 2 = 4.5
    offers = supplier_comparison(organisation=org.organisation, product=org.paper, today=TODAY)
    assert [(o.rank, o.item.supplier.code, o.rating, o.best_price, o.shortest_lead_time, o.best_rating,
             o.vigilance_missing) for o in offers] == [
        (1, "S001", Decimal("4.5"), True, False, True, True),  # same price as F002, better rated
        (2, "F002", Decimal("3.7"), True, False, False, False),
        (3, "F001", None, False, True, False, False)]
    assert preferred_offers(organisation=org.organisation, product_ids=[org.paper.pk])[org.paper.pk].supplier == org.c


def test_rating_is_checked(org):
    with pytest.raises(BusinessError) as refused:
        supplier_rate(actor=org.buyer, organisation=org.organisation, supplier=org.a, data={"rating_price": "6"})
    assert (refused.value.field, refused.value.message) == ("rating_price", "La note va de 1 à 5.")


def test_documents_are_checked_by_content_and_write_nothing_when_refused(org):
    data = {"supplier": org.a.pk, "kind": "kbis", "issued_on": TODAY}
    with pytest.raises(BusinessError) as refused:
        supplier_document_add(actor=org.buyer, organisation=org.organisation, data=data, upload=text_upload())
    assert (refused.value.field, refused.value.message) == (
        "file", "Le fichier doit être un PDF ou une image (PNG, JPEG).")
    with pytest.raises(BusinessError) as refused:
        supplier_document_add(actor=org.buyer, organisation=org.organisation, data={**data, "supplier": 999999},
                              upload=pdf_upload())
    assert refused.value.field == "supplier"
    with pytest.raises(BusinessError) as refused:
        supplier_document_add(actor=org.buyer, organisation=org.organisation,
                              data={**data, "expires_on": TODAY - timedelta(days=1)}, upload=pdf_upload())
    assert refused.value.field == "expires_on"
    assert not SupplierDocument.objects.exists()
    document = supplier_document_add(actor=org.buyer, organisation=org.organisation, data=data, upload=png_upload())
    assert document.file.name.endswith(".png") and document.file.read().startswith(b"\x89PNG")


def test_urssaf_vigilance_certificate_lasts_six_months_at_most(org):
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert vigilance_missing(organisation=org.organisation, supplier_ids={org.a.pk, org.c.pk}, today=TODAY) == {
        org.c.pk}
    issued = TODAY - timedelta(days=10)
    document = supplier_document_add(actor=org.buyer, organisation=org.organisation, upload=pdf_upload(), data={
        "supplier": org.c.pk, "kind": "urssaf_vigilance", "issued_on": issued,
        "expires_on": issued + timedelta(days=400)})
    assert document.expires_on == add_months(issued, 6)
    assert vigilance_missing(organisation=org.organisation, supplier_ids={org.a.pk, org.c.pk}, today=TODAY) == set()
    assert vigilance_missing(organisation=org.organisation, supplier_ids={org.c.pk},
                             today=document.expires_on + timedelta(days=1)) == {org.c.pk}


def test_expiry_statuses_and_the_to_renew_list(org):
    def add(supplier, kind, expires_on):
        return supplier_document_add(actor=org.buyer, organisation=org.organisation, upload=pdf_upload(), data={
            "supplier": supplier.pk, "kind": kind, "issued_on": TODAY - timedelta(days=200), "expires_on": expires_on})

    expired = add(org.a, "insurance", TODAY - timedelta(days=1))
    soon = add(org.b, "insurance", TODAY + timedelta(days=30))  # within the default 30 days
    later = add(org.b, "kbis", TODAY + timedelta(days=31))
    old_cert = add(org.c, "certificate", TODAY - timedelta(days=5))
    add(org.c, "certificate", TODAY + timedelta(days=300))  # replaces old_cert: nothing to renew
    listed = supplier_document_list(organisation=org.organisation, today=TODAY, warning_days=30)
    status = {d.pk: d.expiry_status for d in listed}
    assert (status[expired.pk], status[soon.pk], status[later.pk], status[old_cert.pk]) == (
        "expired", "expiring", "valid", "expired")
    to_renew = supplier_document_list(organisation=org.organisation, today=TODAY, warning_days=30, to_renew=True)
    assert [d.pk for d in to_renew] == [expired.pk, soon.pk]
    assert [d.pk for d in supplier_document_list(organisation=org.organisation, today=TODAY, warning_days=31,
                                                 to_renew=True)] == [expired.pk, soon.pk, later.pk]
