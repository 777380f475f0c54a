"""Supplier routes of the JSON API, under /api/v1/orgs/{org}/: the supplier catalogue and the comparison of
offers for a product, supplier ratings, supplier documents (upload checked by content, expiry status, "to renew"
filter) and the procurement settings. purchasing.view to read, purchasing.write to write (settings:
purchasing.approve)."""

from datetime import date

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from agora.catalog.models import Product
from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.procurement.inputs import supplier_get
from agora.procurement.models import SupplierDocument, SupplierProduct
from agora.procurement.selectors import suppliers as selectors
from agora.procurement.selectors.settings import settings_of
from agora.procurement.services import setup as setup_services
from agora.procurement.services import suppliers as services

router = Router(tags=["approvisionnement — fournisseurs"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500


class SupplierProductIn(Schema):
    supplier: int
    product: int
    supplier_reference: str = ""
    unit_price: AmountIn
    minimum_quantity: AmountIn = "1"
    lead_time_days: int = 0
    preferred: bool = False
    active: bool = True


class SupplierProductOut(Schema):
    id: int
    supplier: int
    supplier_name: str
    product: int
    product_reference: str
    supplier_reference: str
    unit_price: str
    minimum_quantity: str
    lead_time_days: int
    preferred: bool
    active: bool


class SupplierProductPageOut(Schema):
    count: int
    results: list[SupplierProductOut]


class SupplierProductFilters(Schema):
    supplier: int | None = None
    product: int | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


class SupplierOfferOut(Schema):
    rank: int
    offer: SupplierProductOut
    rating: str | None
    best_price: bool
    shortest_lead_time: bool
    best_rating: bool
    vigilance_missing: bool


class SupplierRatingIn(Schema):
    rating_quality: int | None = None
    rating_delays: int | None = None
    rating_price: int | None = None
    comment: str = ""


class SupplierRatingOut(Schema):
    supplier: int
    rating_quality: int | None
    rating_delays: int | None
    rating_price: int | None
    rating: str | None
    comment: str


class SupplierDocumentOut(Schema):
    id: int
    supplier: int
    supplier_name: str
    kind: str
    label: str
    issued_on: date
    expires_on: date | None
    expiry_status: str
    notes: str


class SupplierDocumentPageOut(Schema):
    count: int
    results: list[SupplierDocumentOut]


class SupplierDocumentFilters(Schema):
    supplier: int | None = None
    kind: str | None = None
    status: str | None = None
    to_renew: bool = False
    limit: int = 100
    offset: int = 0


class SupplierDocumentIn(Schema):
    supplier: int
    kind: str
    label: str = ""
    issued_on: date
    expires_on: date | None = None
    notes: str = ""


class ProcurementSettingsOut(Schema):
    approval_threshold: Money
    document_warning_days: int


class ProcurementSettingsIn(Schema):
    approval_threshold: AmountIn
    document_warning_days: int


def _item_out(item: SupplierProduct) -> dict:
    return {"id": item.pk, "supplier": item.supplier_id, "supplier_name": item.supplier.name,
            "product": item.product_id, "product_reference": item.product.reference,
            "supplier_reference": item.supplier_reference, "unit_price": f"{item.unit_price.normalize():f}",
            "minimum_quantity": f"{item.minimum_quantity.normalize():f}", "lead_time_days": item.lead_time_days,
            "preferred": item.preferred, "active": item.active}


def _party(organisation, pk, field):
    return supplier_get(organisation, pk, field=field, required=False)


@router.get(PREFIX + "/supplier-products", response={200: SupplierProductPageOut, **ERRORS},
            summary="Catalogue fournisseurs")
def supplier_product_list(request, org: str, filters: Query[SupplierProductFilters]):
    organisation = organisation_for(request, org, "purchasing.view")
    queryset = selectors.supplier_product_list(
        organisation=organisation, active=None, supplier=_party(organisation, filters.supplier, "supplier"),
        search=(filters.search or "").strip())
    if filters.product:
        queryset = queryset.filter(product_id=filters.product)
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_item_out(i) for i in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/supplier-products", response={201: SupplierProductOut, **BODY_ERRORS},
             summary="Ajouter un article au catalogue d'un fournisseur")
def supplier_product_create(request, org: str, payload: SupplierProductIn):
    organisation = organisation_for(request, org, "purchasing.write")
    item = services.supplier_product_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, _item_out(item))


@router.put(PREFIX + "/supplier-products/{item_id}", response={200: SupplierProductOut, **BODY_ERRORS},
            summary="Modifier les conditions d'un fournisseur")
def supplier_product_update(request, org: str, item_id: int, payload: SupplierProductIn):
    organisation = organisation_for(request, org, "purchasing.write")
    item = services.supplier_product_update(
        actor=request.auth, item=SupplierProduct.objects.get(organisation=organisation, pk=item_id),
        data=payload.dict())
    return _item_out(selectors.supplier_product_get(organisation=organisation, pk=item.pk))


@router.delete(PREFIX + "/supplier-products/{item_id}", response={204: None, **ERRORS},
               summary="Retirer une ligne du catalogue fournisseurs")
def supplier_product_delete(request, org: str, item_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    services.supplier_product_delete(actor=request.auth,
                                     item=SupplierProduct.objects.get(organisation=organisation, pk=item_id))
    return Status(204, None)


@router.get(PREFIX + "/products/{product_id}/supplier-comparison", response={200: list[SupplierOfferOut], **ERRORS},
            summary="Comparer les fournisseurs d'un article")
def supplier_comparison(request, org: str, product_id: int):
    """Ranked: cheapest first, then shortest lead time, then best rating."""
    organisation = organisation_for(request, org, "purchasing.view")
    product = Product.objects.get(organisation=organisation, pk=product_id)
    return [{"rank": o.rank, "offer": _item_out(o.item), "rating": str(o.rating) if o.rating is not None else None,
             "best_price": o.best_price, "shortest_lead_time": o.shortest_lead_time, "best_rating": o.best_rating,
             "vigilance_missing": o.vigilance_missing}
            for o in selectors.supplier_comparison(organisation=organisation, product=product,
                                                   today=timezone.localdate())]


@router.put(PREFIX + "/suppliers/{supplier_id}/rating", response={200: SupplierRatingOut, **BODY_ERRORS},
            summary="Évaluer un fournisseur (1 à 5)")
def supplier_rate(request, org: str, supplier_id: int, payload: SupplierRatingIn):
    organisation = organisation_for(request, org, "purchasing.write")
    profile = services.supplier_rate(actor=request.auth, organisation=organisation, data=payload.dict(),
                                     supplier=selectors.suppliers(organisation=organisation).get(pk=supplier_id))
    return {"supplier": profile.supplier_id, "rating_quality": profile.rating_quality,
            "rating_delays": profile.rating_delays, "rating_price": profile.rating_price,
            "rating": str(profile.rating) if profile.rating is not None else None, "comment": profile.comment}


def _document_out(d: SupplierDocument) -> dict:
    return {"id": d.pk, "supplier": d.supplier_id, "supplier_name": d.supplier.name, "kind": d.kind,
            "label": d.label, "issued_on": d.issued_on, "expires_on": d.expires_on,
            "expiry_status": d.expiry_status, "notes": d.notes}


@router.get(PREFIX + "/supplier-documents", response={200: SupplierDocumentPageOut, **ERRORS},
            summary="Documents fournisseurs (validité)")
def supplier_document_list(request, org: str, filters: Query[SupplierDocumentFilters]):
    """`status`: expired, expiring (within the warning days of the settings) or valid; `to_renew=true` keeps
    those expired or expiring and not yet replaced."""
    organisation = organisation_for(request, org, "purchasing.view")
    queryset = selectors.supplier_document_list(
        organisation=organisation, today=timezone.localdate(),
        warning_days=settings_of(organisation=organisation).document_warning_days,
        supplier=_party(organisation, filters.supplier, "supplier"), kind=filters.kind or "",
        status=filters.status or "", to_renew=filters.to_renew)
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_document_out(d) for d in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/supplier-documents", response={201: SupplierDocumentOut, **BODY_ERRORS},
             summary="Déposer un document fournisseur (PDF ou image)")
def supplier_document_add(request, org: str, payload: Form[SupplierDocumentIn], file: File[UploadedFile]):
    organisation = organisation_for(request, org, "purchasing.write")
    document = services.supplier_document_add(actor=request.auth, organisation=organisation, data=payload.dict(),
                                              upload=file)
    return Status(201, _document_out(selectors.supplier_document_list(
        organisation=organisation, today=timezone.localdate(),
        warning_days=settings_of(organisation=organisation).document_warning_days).get(pk=document.pk)))


@router.delete(PREFIX + "/supplier-documents/{document_id}", response={204: None, **ERRORS},
               summary="Supprimer un document fournisseur")
def supplier_document_delete(request, org: str, document_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    services.supplier_document_delete(actor=request.auth, document=selectors.supplier_document_get(
        organisation=organisation, pk=document_id))
    return Status(204, None)


@router.get(PREFIX + "/procurement-settings", response={200: ProcurementSettingsOut, **ERRORS},
            summary="Paramètres de l'approvisionnement")
def settings_get(request, org: str):
    settings = settings_of(organisation=organisation_for(request, org, "purchasing.view"))
    return {"approval_threshold": settings.approval_threshold,
            "document_warning_days": settings.document_warning_days}


@router.put(PREFIX + "/procurement-settings", response={200: ProcurementSettingsOut, **BODY_ERRORS},
            summary="Modifier les paramètres (direction)")
def settings_put(request, org: str, payload: ProcurementSettingsIn):
    organisation = organisation_for(request, org, "purchasing.approve")
    settings = setup_services.procurement_settings_update(actor=request.auth, organisation=organisation,
                                                          data=payload.dict())
    return {"approval_threshold": settings.approval_threshold,
            "document_warning_days": settings.document_warning_days}
