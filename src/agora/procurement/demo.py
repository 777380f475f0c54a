"""Demo procurement for `agora demo` (the company only), through the procurement services: a supplier catalogue
for the demo's goods (two suppliers per product, one preferred), supplier ratings, supplier documents (one URSSAF
vigilance certificate expiring within the month, an insurance certificate already expired), and purchase
requests in every state — one awaiting the management's approval, one ordered directly, one in consultation with
an RFQ answered by two suppliers, waiting for the buyer's choice.

The purchasing demo runs before this one and creates the suppliers; without them, two are created here.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from agora.catalog.models import Product
from agora.core.money import round_money
from agora.parties.models import Party
from agora.parties.services import party_create
from agora.procurement.services.requests import (
    purchase_request_approve,
    purchase_request_create,
    purchase_request_order,
    purchase_request_submit,
)
from agora.procurement.services.rfqs import rfq_from_request, rfq_mark_sent, rfq_response_record
from agora.procurement.services.suppliers import supplier_document_add, supplier_product_create, supplier_rate

FALLBACK_SUPPLIERS = [
    {"code": "F901", "name": "Fournitures Saône SARL", "is_supplier": True, "siren": "552100554",
     "email": "commandes@fournitures-saone.example.fr", "payment_method": "transfer"},
    {"code": "F902", "name": "Négoce Rhône-Alpes SAS", "is_supplier": True, "siren": "732829320",
     "email": "devis@negoce-ra.example.fr", "payment_method": "transfer"},
]


def _pdf(title: str) -> SimpleUploadedFile:
    """A real one-page PDF standing for the scanned certificate."""
    from weasyprint import HTML

    content = HTML(string=f"<h1>{title}</h1><p>Document de démonstration.</p>").write_pdf()
    return SimpleUploadedFile(f"{title}.pdf", content, content_type="application/pdf")


def _suppliers(organisation, actor) -> list[Party]:
    found = list(Party.objects.filter(organisation=organisation, active=True, is_supplier=True).order_by("code"))
    if len(found) >= 2:
        return found
    return found + [party_create(actor=actor, organisation=organisation, data=data)
                    for data in FALLBACK_SUPPLIERS[:2 - len(found)]]


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if organisation.kind != "company":
        return
    buyer, manager = users.get("purchasing"), users.get("management")
    suppliers = _suppliers(organisation, buyer)
    products = list(Product.objects.filter(organisation=organisation, active=True, kind="goods")
                    .order_by("reference")[:8])
    if not products:
        return
    # Catalogue: each product from two suppliers, the first one preferred, the second 4 % dearer but faster.
    for n, product in enumerate(products):
        base = product.purchase_price or round_money(product.sale_price * Decimal("0.6")) or Decimal("10")
        first, second = suppliers[n % len(suppliers)], suppliers[(n + 1) % len(suppliers)]
        supplier_product_create(actor=buyer, organisation=organisation, data={
            "supplier": first.pk, "product": product.pk, "unit_price": base, "preferred": True,
            "supplier_reference": f"{first.code}-{product.reference}", "minimum_quantity": "1",
            "lead_time_days": 10})
        if second != first:
            supplier_product_create(actor=buyer, organisation=organisation, data={
                "supplier": second.pk, "product": product.pk,
                "unit_price": (base * Decimal("1.04")).quantize(Decimal("0.01")), "lead_time_days": 4,
                "minimum_quantity": "5"})
    for party, grades in zip(suppliers, ({"rating_quality": 4, "rating_delays": 5, "rating_price": 3},
                                         {"rating_quality": 3, "rating_delays": 3, "rating_price": 5},
                                         {"rating_quality": 5, "rating_delays": 2, "rating_price": 4}), strict=False):
        supplier_rate(actor=buyer, organisation=organisation, supplier=party,
                      data={**grades, "comment": "Évaluation annuelle des fournisseurs."})

    _documents(organisation, buyer, suppliers, today)
    _requests(organisation, buyer, manager, suppliers, products)


def _documents(organisation, buyer, suppliers, today: date) -> None:
    subcontractor = Party.objects.filter(organisation=organisation, is_subcontractor=True).order_by("code").first()
    if subcontractor is not None:  # issued 5 months and a week ago: expires within the month
        supplier_document_add(actor=buyer, organisation=organisation, upload=_pdf("Attestation de vigilance"), data={
            "supplier": subcontractor.pk, "kind": "urssaf_vigilance", "issued_on": today - timedelta(days=160),
            "label": "Attestation de vigilance URSSAF"})
    supplier_document_add(actor=buyer, organisation=organisation, upload=_pdf("Extrait Kbis"), data={
        "supplier": suppliers[0].pk, "kind": "kbis", "issued_on": today - timedelta(days=20),
        "expires_on": today + timedelta(days=70), "label": "Extrait Kbis de moins de 3 mois"})
    supplier_document_add(actor=buyer, organisation=organisation, upload=_pdf("Attestation d'assurance"), data={
        "supplier": suppliers[1].pk, "kind": "insurance", "issued_on": today - timedelta(days=375),
        "expires_on": today - timedelta(days=10), "label": "Responsabilité civile professionnelle"})


def _requests(organisation, buyer, manager, suppliers, products) -> None:
    def create(lines, **data):
        return purchase_request_create(actor=buyer, organisation=organisation, data=data, lines=lines)

    # A small request ordered directly from the preferred supplier.
    small = purchase_request_submit(actor=buyer, request=create(
        [{"product": products[0].pk, "quantity": "2"}], reason="Remplacement du matériel d'exposition",
        supplier=suppliers[0].pk))
    if small.status == "approved":
        purchase_request_order(actor=buyer, request=small)
    # An equipment renewal above the threshold, approved, in consultation with two suppliers.
    big = purchase_request_submit(actor=buyer, request=create(
        [{"product": p.pk, "quantity": "6"} for p in products[1:3]]
        + [{"label": "Livraison et mise en service", "quantity": "1", "estimated_unit_price": "250"}],
        reason="Renouvellement de l'équipement du showroom"))
    if big.status == "submitted" and manager is not None:
        big = purchase_request_approve(actor=manager, request=big, comment="Accord, budget d'investissement 2026.")
    if big.status == "approved":
        rfq = rfq_from_request(actor=buyer, request=big)
        lines = list(rfq.lines.order_by("line_no"))
        for consulted, (factor, delivery, days) in zip(rfq.suppliers.order_by("id")[:2],
                                                       ((Decimal("1.00"), "180", 10), (Decimal("0.97"), "290", 15)),
                                                       strict=False):
            rfq_mark_sent(actor=buyer, consulted=consulted)
            prices = {}
            for line in lines:
                base = line.product.purchase_price if line.product else Decimal(delivery)
                prices[line.pk] = {"unit_price": (base * factor).quantize(Decimal("0.01")) if line.product
                                   else delivery}
            rfq_response_record(actor=buyer, consulted=consulted, prices=prices, data={
                "lead_time_days": days, "quote_reference": f"DEV-{consulted.supplier.code}-{rfq.number[-3:]}"})
    # A request awaiting the management's approval.
    purchase_request_submit(actor=buyer, request=create(
        [{"product": products[-1].pk, "quantity": "25"},
         {"label": "Présentoirs en plexiglas", "quantity": "10", "estimated_unit_price": "89.90"}],
        reason="Préparation du salon professionnel"))
    # A draft still being written.
    create([{"label": "Ramettes de papier A4", "quantity": "20", "estimated_unit_price": "4.20"}],
           reason="Fournitures de bureau")
