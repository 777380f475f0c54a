"""Purchase requests: estimates, the approval rule (below, at and above the threshold; who may approve), numbering,
refusals, bad input writing nothing, ordering directly, and the reorder list turned into requests."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from agora.core.errors import BusinessError, PermissionDenied
from agora.core.models import AuditEvent
from agora.procurement.models import PurchaseRequest, PurchaseRequestLine, RequestStatus
from agora.procurement.services.requests import (
    purchase_request_approve,
    purchase_request_cancel,
    purchase_request_order,
    purchase_request_reject,
    purchase_request_submit,
    purchase_requests_from_reorder,
)
from agora.procurement.services.setup import procurement_settings_update
from agora.purchasing.models import PurchaseDocument

from .builders import make_procurement_org, make_purchase_products, make_request, make_supplier, offer

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def org():
    organisation, buyer, manager = make_procurement_org()
    supplier = make_supplier(organisation)
    paper, desk = make_purchase_products(organisation)
    return SimpleNamespace(organisation=organisation, buyer=buyer, manager=manager, supplier=supplier, paper=paper,
                           desk=desk)


def test_estimate_from_the_catalogue_and_auto_approval_below_the_threshold(org):
    offer(org.organisation, org.supplier, org.paper, "4.20", preferred=True)
    # 100 × 4.20 (catalogue price of the preferred supplier) = 420.00; 2 × 12.345 = 24.69 → 444.69 ≤ 1 000.00
    request = make_request(org.organisation, org.buyer, [
        {"product": org.paper.pk, "quantity": "100"},
        {"label": "Agrafes", "quantity": "2", "estimated_unit_price": "12,345"}], reason="Stock de bureau")
    assert request.estimated_total == Decimal("444.69")
    assert request.number == "" and request.status == RequestStatus.DRAFT
    request = purchase_request_submit(actor=org.buyer, request=request)
    assert (request.number, request.status, request.approval_required) == (f"DA-{YEAR}-00001",
                                                                           RequestStatus.APPROVED, False)
    assert request.decision_comment.startswith("Approuvée automatiquement")


def test_at_the_threshold_is_approved_on_submission(org):
    # 250 × 4.00 = 1 000.00: equal to the threshold, no approval needed
    request = make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "250",
                                                          "estimated_unit_price": "4"}])
    assert request.estimated_total == Decimal("1000.00")
    assert purchase_request_submit(actor=org.buyer, request=request).status == RequestStatus.APPROVED


def test_above_the_threshold_waits_for_the_management(org):
    # 3 × 333.335 = 1 000.005 → 1 000.01 rounded half up (half-even would give 1 000.00 and skip approval)
    request = make_request(org.organisation, org.buyer, [{"product": org.desk.pk, "quantity": "3",
                                                          "estimated_unit_price": "333.335"}])
    assert request.estimated_total == Decimal("1000.01")
    request = purchase_request_submit(actor=org.buyer, request=request)
    assert (request.status, request.approval_required) == (RequestStatus.SUBMITTED, True)

    with pytest.raises(PermissionDenied):
        purchase_request_approve(actor=org.buyer, request=request)
    assert PurchaseRequest.objects.get().status == RequestStatus.SUBMITTED

    with pytest.raises(BusinessError) as refused:
        purchase_request_reject(actor=org.manager, request=request, comment=" ")
    assert (refused.value.field, refused.value.message) == ("comment", "Indiquez le motif du refus.")

    request = purchase_request_approve(actor=org.manager, request=request, comment="Budget 2026 validé")
    assert (request.status, request.decided_by, request.decision_comment) == (
        RequestStatus.APPROVED, org.manager, "Budget 2026 validé")
    event = AuditEvent.objects.filter(action="procurement.request.approve").get()
    assert (event.actor, event.before["status"], event.after["status"]) == (org.manager, "submitted", "approved")
    with pytest.raises(BusinessError, match="Approuvée"):
        purchase_request_approve(actor=org.manager, request=request)


def test_a_lower_threshold_setting_applies(org):
    procurement_settings_update(actor=org.manager, organisation=org.organisation,
                                data={"approval_threshold": "400,00", "document_warning_days": "15"})
    request = make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "100",
                                                          "estimated_unit_price": "4.50"}])  # 450.00 > 400.00
    request = purchase_request_submit(actor=org.buyer, request=request)
    request = purchase_request_reject(actor=org.manager, request=request, comment="Pas avant juin")
    assert request.status == RequestStatus.REJECTED


@pytest.mark.parametrize(("line", "field", "message"), [
    ({"product": "PAPER", "quantity": "-5"}, "lines.1.quantity", "Ligne 1 : la quantité doit être positive."),
    ({"product": "PAPER", "quantity": "0"}, "lines.1.quantity", "Ligne 1 : la quantité doit être positive."),
    ({"product": 999999, "quantity": "1"}, "lines.1.product", "Article inconnu dans cette organisation."),
    ({"label": "", "quantity": "1"}, "lines.1.label", "Ligne 1 : la désignation est obligatoire."),
    ({"product": "PAPER", "quantity": "1", "estimated_unit_price": "-2"}, "lines.1.estimated_unit_price",
     "Ligne 1 : le prix unitaire estimé ne peut pas être négatif."),
    ({"product": "PAPER", "quantity": "douze"}, "lines.1.quantity", "Montant illisible : « douze »."),
])
def test_bad_lines_are_refused_in_french_and_write_nothing(org, line, field, message):
    if line.get("product") == "PAPER":
        line = {**line, "product": org.paper.pk}
    with pytest.raises(BusinessError) as refused:
        make_request(org.organisation, org.buyer, [line])
    assert (refused.value.field, refused.value.message) == (field, message)
    assert not PurchaseRequest.objects.exists() and not PurchaseRequestLine.objects.exists()


def test_unknown_or_foreign_supplier_is_refused(org):
    other, other_buyer, _ = make_procurement_org(slug="autre")
    foreign = make_supplier(other, "F009", "Fournisseur d'ailleurs")
    customer = make_supplier(org.organisation, "C001", "Client pas fournisseur", is_supplier=False,
                             is_customer=True)
    for supplier, message in ((foreign.pk, "Fournisseur inconnu dans cette organisation."),
                              (customer.pk, "« Client pas fournisseur » n'est ni fournisseur, ni sous-traitant, "
                                            "ni prestataire : ajoutez ce rôle sur sa fiche tiers.")):
        with pytest.raises(BusinessError) as refused:
            make_request(org.organisation, org.buyer, [{"product": org.paper.pk, "quantity": "1"}],
                         supplier=supplier)
        assert (refused.value.field, refused.value.message) == ("supplier", message)
    assert not PurchaseRequest.objects.exists()


def test_order_an_approved_request_directly(org):
    offer(org.organisation, org.supplier, org.paper, "4.20")
    request = make_request(org.organisation, org.buyer, [
        {"product": org.paper.pk, "quantity": "100", "estimated_unit_price": "4.50"},
        {"label": "Livraison express", "quantity": "1", "estimated_unit_price": "15"}], supplier=org.supplier.pk)
    with pytest.raises(BusinessError, match="action « commander » impossible"):
        purchase_request_order(actor=org.buyer, request=request)
    request = purchase_request_submit(actor=org.buyer, request=request)  # 465.00: auto-approved
    order = purchase_request_order(actor=org.buyer, request=request)
    lines = list(order.lines.order_by("position"))
    # The supplier's catalogue price wins over the estimate: 100 × 4.20 + 1 × 15.00 = 435.00 HT; VAT 20 % = 87.00
    assert [(x.label, x.quantity, x.unit_price, x.vat_rate, x.account) for x in lines] == [
        ("Ramette papier A4", Decimal("100.000"), Decimal("4.2000"), Decimal("20.00"), "607"),
        ("Livraison express", Decimal("1.000"), Decimal("15.0000"), Decimal("20.00"), "607")]
    assert (order.kind, order.status, order.party, order.total_untaxed, order.total_vat) == (
        "order", "draft", org.supplier, Decimal("435.00"), Decimal("87.00"))
    request.refresh_from_db()
    assert (request.status, request.order) == (RequestStatus.ORDERED, order)
    with pytest.raises(BusinessError):
        purchase_request_cancel(actor=org.buyer, request=request)


def test_reorder_proposals_become_requests_grouped_by_supplier(org):
    other = make_supplier(org.organisation, "F002", "Bureau Plus SAS")
    offer(org.organisation, org.supplier, org.paper, "4.50")
    offer(org.organisation, other, org.paper, "4.80", preferred=True, minimum_quantity="50")
    offer(org.organisation, org.supplier, org.desk, "340")  # the only (so the cheapest) offer
    from agora.catalog.services import product_create

    toner = product_create(actor=None, organisation=org.organisation, data={
        "reference": "TONER", "label": "Toner noir", "purchase_price": "60", "vat_category": org.paper.vat_category_id})
    boxes = product_create(actor=None, organisation=org.organisation, data={
        "reference": "CARTON", "label": "Carton", "purchase_price": "1.25", "vat_category": org.paper.vat_category_id})
    proposals = [SimpleNamespace(product=org.paper, quantity_to_order=Decimal("20"), preferred_supplier=org.supplier),
                 SimpleNamespace(product=org.desk, quantity_to_order=Decimal("2"), preferred_supplier=None),
                 SimpleNamespace(product=toner, quantity_to_order=Decimal("3"), preferred_supplier=other),
                 SimpleNamespace(product=boxes, quantity_to_order=Decimal("12.5"), preferred_supplier=None),
                 SimpleNamespace(product=boxes, quantity_to_order=Decimal("0"), preferred_supplier=None)]
    created = purchase_requests_from_reorder(actor=org.buyer, organisation=org.organisation, proposals=proposals[:4])
    summary = [(r.supplier.code if r.supplier else None, r.origin, r.status,
                [(x.product.reference, x.quantity, x.estimated_unit_price) for x in r.lines.all()],
                r.estimated_total) for r in created]
    assert summary == [
        # F001, the only (so the cheapest) offer for the desk: 2 × 340.00 = 680.00
        ("F001", "reorder", "draft", [("BUREAU", Decimal("2.000"), Decimal("340.0000"))], Decimal("680.00")),
        # F002: preferred in the catalogue for paper (it wins over the stock item's choice F001), minimum 50:
        # 20 raised to 50 × 4.80 = 240.00; toner from F002 as the stock item says, at its purchase price 3 × 60.00
        # = 180.00 → 420.00
        ("F002", "reorder", "draft", [("RAMETTE", Decimal("50.000"), Decimal("4.8000")),
                                      ("TONER", Decimal("3.000"), Decimal("60.0000"))], Decimal("420.00")),
        # no supplier known for boxes: 12.5 × 1.25 = 15.625 → 15.63
        (None, "reorder", "draft", [("CARTON", Decimal("12.500"), Decimal("1.2500"))], Decimal("15.63"))]
    assert purchase_requests_from_reorder(actor=org.buyer, organisation=org.organisation,
                                          proposals=proposals) == []
    assert PurchaseDocument.objects.count() == 0
