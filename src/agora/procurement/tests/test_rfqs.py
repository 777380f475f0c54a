"""Requests for quotation: from an approved request, sending by e-mail with the PDF, answers, the comparison
figures (worked by hand below), the choice creating the purchase order, URSSAF vigilance on subcontractors."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.core.models import OutgoingMail
from agora.procurement.models import RequestStatus, RfqQuote, RfqStatus
from agora.procurement.selectors.rfqs import rfq_comparison
from agora.procurement.services.requests import purchase_request_approve, purchase_request_submit
from agora.procurement.services.rfqs import (
    rfq_choose,
    rfq_create,
    rfq_from_request,
    rfq_pdf,
    rfq_response_record,
    rfq_send,
    rfq_supplier_add,
)
from agora.procurement.services.suppliers import supplier_document_add, supplier_rate
from agora.purchasing.models import PurchaseDocument

from .builders import (
    make_procurement_org,
    make_purchase_products,
    make_request,
    make_subcontractor,
    make_supplier,
    offer,
    pdf_upload,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def org():
    organisation, buyer, manager = make_procurement_org()
    paper, desk = make_purchase_products(organisation)
    return SimpleNamespace(organisation=organisation, buyer=buyer, manager=manager, paper=paper, desk=desk,
                           a=make_supplier(organisation),
                           b=make_supplier(organisation, "F002", "Bureau Plus SAS", email="devis@bureauplus.fr"),
                           c=make_subcontractor(organisation),
                           d=make_supplier(organisation, "F004", "Mobilier Sud", email=""))


def _approved_request(org):
    offer(org.organisation, org.a, org.paper, "4.50")
    offer(org.organisation, org.b, org.desk, "340")
    request = make_request(org.organisation, org.buyer, [
        {"product": org.paper.pk, "quantity": "100"}, {"product": org.desk.pk, "quantity": "3"},
        {"label": "Livraison et montage", "quantity": "1", "estimated_unit_price": "30"}], reason="Nouveau bureau")
    request = purchase_request_submit(actor=org.buyer, request=request)  # 450 + 1 020 + 30 = 1 500.00: approval
    return purchase_request_approve(actor=org.manager, request=request, comment="OK")


def _answer(rfq, party, prices, **data):
    consulted = rfq.suppliers.get(supplier=party)
    lines = list(rfq.lines.order_by("line_no"))
    return rfq_response_record(actor=None, consulted=consulted, data=data, prices={
        line.pk: {"unit_price": price} for line, price in zip(lines, prices, strict=True) if price is not None})


def test_from_request_compare_and_choose(org):
    request = _approved_request(org)
    rfq = rfq_from_request(actor=org.buyer, request=request)
    # default consulted suppliers: those whose catalogue holds one of the products
    assert (rfq.number, rfq.status, rfq.subject) == (f"DDP-{TODAY.year}-00001", RfqStatus.DRAFT,
                                                      f"Demande d'achat {request.number} — Nouveau bureau")
    assert list(rfq.suppliers.values_list("supplier__code", flat=True)) == ["F002", "F001"]  # by name
    rfq_supplier_add(actor=org.buyer, rfq=rfq, supplier=org.c)
    rfq_supplier_add(actor=org.buyer, rfq=rfq, supplier=org.d)
    with pytest.raises(BusinessError, match="déjà consulté"):
        rfq_supplier_add(actor=org.buyer, rfq=rfq, supplier=org.d)
    supplier_rate(actor=org.buyer, organisation=org.organisation, supplier=org.a, data={"rating_quality": "4"})

    _answer(rfq, org.a, ["4.35", "329.99", "25"], lead_time_days="7", valid_until=TODAY)
    _answer(rfq, org.b, ["4,30", "335", "0"], lead_time_days="12")
    _answer(rfq, org.c, ["4.125", "320.005", None])
    rfq_response_record(actor=None, consulted=rfq.suppliers.get(supplier=org.d), data={"declined": True},
                        prices={})

    comparison = rfq_comparison(rfq=rfq, today=TODAY)
    # F001: 100 × 4.35 = 435.00; 3 × 329.99 = 989.97; 1 × 25.00 = 25.00 → 1 449.97
    # F002: 100 × 4.30 = 430.00; 3 × 335.00 = 1 005.00; 1 × 0.00 = 0.00 → 1 435.00 (cheapest complete offer)
    # S001: 100 × 4.125 = 412.50; 3 × 320.005 = 960.015 → 960.02 (half up); line 3 not quoted → 1 372.52, incomplete
    # F004: declined
    assert [(c.consulted.supplier.code, c.total, c.complete, c.rank, c.cheapest, c.lead_time_days, c.rating,
             c.vigilance_missing) for c in comparison.columns] == [
        ("F002", Decimal("1435.00"), True, 1, True, 12, None, False),
        ("F001", Decimal("1449.97"), True, 2, False, 7, Decimal("4.0"), False),
        ("S001", Decimal("1372.52"), False, None, False, None, None, True),
        ("F004", None, False, None, False, None, None, False)]
    # best unit price of each line (✓): paper S001 4.125, desk S001 320.005, delivery F002 0.00
    assert [[cell.best for cell in row.cells] for row in comparison.rows] == [
        [False, False, True, False], [False, False, True, False], [True, False, False, False]]
    assert [cell.quote.amount if cell.quote else None for cell in comparison.rows[1].cells] == [
        Decimal("1005.00"), Decimal("989.97"), Decimal("960.02"), None]

    with pytest.raises(BusinessError) as refused:
        rfq_choose(actor=org.buyer, rfq=rfq, consulted=rfq.suppliers.get(supplier=org.c))
    assert refused.value.code == "incomplete_offer"
    with pytest.raises(BusinessError) as refused:
        rfq_choose(actor=org.buyer, rfq=rfq, consulted=rfq.suppliers.get(supplier=org.d))
    assert refused.value.code == "no_offer"
    assert not PurchaseDocument.objects.exists()

    order = rfq_choose(actor=org.buyer, rfq=rfq, consulted=rfq.suppliers.get(supplier=org.b),
                       comment="Moins cher, montage offert")
    # order at F002's prices: 1 435.00 HT, VAT 20 % on every line = 287.00, 1 722.00 TTC
    assert (order.party, order.status, order.total_untaxed, order.total_vat, order.total_incl_tax) == (
        org.b, "draft", Decimal("1435.00"), Decimal("287.00"), Decimal("1722.00"))
    assert [(x.label, x.quantity, x.unit_price, x.account) for x in order.lines.order_by("position")] == [
        ("Ramette papier A4", Decimal("100.000"), Decimal("4.3000"), "607"),
        ("Bureau droit 160 cm", Decimal("3.000"), Decimal("335.0000"), "2184"),
        ("Livraison et montage", Decimal("1.000"), Decimal("0.0000"), "607")]
    rfq.refresh_from_db()
    request.refresh_from_db()
    assert (rfq.status, rfq.order, rfq.chosen.supplier, rfq.choice_comment) == (
        RfqStatus.CLOSED, order, org.b, "Moins cher, montage offert")
    assert (request.status, request.order) == (RequestStatus.ORDERED, order)
    with pytest.raises(BusinessError, match="Fournisseur retenu"):
        rfq_choose(actor=org.buyer, rfq=rfq, consulted=rfq.suppliers.get(supplier=org.a))


def test_a_subcontractor_without_vigilance_certificate_needs_a_confirmation(org):
    rfq = rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[org.c.pk],
                     data={"subject": "Mise aux normes électriques"},
                     lines=[{"label": "Tableau électrique", "quantity": "1"}])
    _answer(rfq, org.c, ["2400"], valid_until=TODAY)
    consulted = rfq.suppliers.get()
    with pytest.raises(BusinessError) as refused:
        rfq_choose(actor=org.buyer, rfq=rfq, consulted=consulted)
    assert (refused.value.code, refused.value.field) == ("vigilance_missing", "confirm_vigilance")
    assert not PurchaseDocument.objects.exists()
    supplier_document_add(actor=org.buyer, organisation=org.organisation, upload=pdf_upload(), data={
        "supplier": org.c.pk, "kind": "urssaf_vigilance", "issued_on": TODAY})
    order = rfq_choose(actor=org.buyer, rfq=rfq, consulted=consulted)
    assert (order.party, order.total_untaxed) == (org.c, Decimal("2400.00"))


def test_choice_despite_missing_certificate_is_recorded(org):
    rfq = rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[org.c.pk],
                     data={"subject": "Dépannage"}, lines=[{"label": "Intervention", "quantity": "2"}])
    _answer(rfq, org.c, ["95"])
    rfq_choose(actor=org.buyer, rfq=rfq, consulted=rfq.suppliers.get(), confirm_vigilance=True)
    from agora.core.models import AuditEvent

    assert AuditEvent.objects.get(action="procurement.rfq.choose").after["vigilance_confirmed"] is True


def test_send_by_email_with_the_pdf(org):
    rfq = rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[org.a.pk, org.b.pk, org.d.pk],
                     data={"subject": "Ramettes", "response_due": TODAY}, lines=[
                         {"product": org.paper.pk, "quantity": "500"}])
    with pytest.raises(BusinessError) as refused:
        rfq_send(actor=org.buyer, rfq=rfq)
    assert refused.value.message == ("Mobilier Sud n'a pas d'adresse e-mail : indiquez-la sur la demande ou sur "
                                     "sa fiche.")
    assert not mail.outbox and not OutgoingMail.objects.exists()
    logs = rfq_send(actor=org.buyer, rfq=rfq, consulted_ids=[c.pk for c in rfq.suppliers.exclude(supplier=org.d)])
    assert [log.to for log in logs] == ["commandes@papeterie-rhone.fr", "devis@bureauplus.fr"]
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert message.subject == f"Demande de prix {rfq.number} — Durand SARL"
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"demande-de-prix-{rfq.number}.pdf", "application/pdf")
    assert content.startswith(b"%PDF")
    rfq.refresh_from_db()
    assert rfq.status == RfqStatus.SENT
    assert rfq.suppliers.filter(sent_at__isnull=False).count() == 2
    assert rfq_pdf(rfq=rfq).startswith(b"%PDF")


def test_answers_are_checked(org):
    rfq = rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[org.a.pk],
                     data={"subject": "Ramettes"}, lines=[{"product": org.paper.pk, "quantity": "500"}])
    consulted = rfq.suppliers.get()
    line = rfq.lines.get()
    for prices, field in (({line.pk: {"unit_price": "-1"}}, "prices.1.unit_price"), ({}, "prices"),
                          ({line.pk: {"unit_price": "4", "lead_time_days": "x"}}, "prices.1.lead_time_days")):
        with pytest.raises(BusinessError) as refused:
            rfq_response_record(actor=None, consulted=consulted, data={}, prices=prices)
        assert refused.value.field == field
    assert not RfqQuote.objects.exists()
    with pytest.raises(BusinessError) as refused:
        rfq_create(actor=org.buyer, organisation=org.organisation, suppliers=[999999], data={"subject": "x"},
                   lines=[{"label": "x", "quantity": "1"}])
    assert refused.value.field == "suppliers.1"
