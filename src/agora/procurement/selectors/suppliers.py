"""Reads on suppliers: the supplier catalogue and the comparison of offers for a product, the preferred supplier of
products, supplier documents with their expiry status, and subcontractors lacking a valid URSSAF certificate."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Case, CharField, Exists, OuterRef, Q, QuerySet, Value, When

from agora.parties.models import Party
from agora.procurement.inputs import SUPPLIER_ROLES
from agora.procurement.models import SupplierDocument, SupplierProduct, SupplierProfile

EXPIRED, EXPIRING, VALID = "expired", "expiring", "valid"
STATUS_LABELS = {EXPIRED: "Expiré", EXPIRING: "Expire bientôt", VALID: "Valide"}


def suppliers(*, organisation) -> QuerySet:
    """Active parties holding a supplier, subcontractor or service-provider role."""
    roles = Q()
    for role in SUPPLIER_ROLES:
        roles |= Q(**{role: True})
    return Party.objects.filter(roles, organisation=organisation, active=True).order_by("name")


# --- catalogue ------------------------------------------------------------------------------------------------

def supplier_product_list(*, organisation, supplier=None, product=None, search: str = "",
                          active: bool | None = True) -> QuerySet:
    queryset = (SupplierProduct.objects.filter(organisation=organisation)
                .select_related("supplier", "product", "supplier__supplier_profile"))
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    if product is not None:
        queryset = queryset.filter(product=product)
    if active is not None:
        queryset = queryset.filter(active=active)
    if search:
        queryset = queryset.filter(Q(product__reference__icontains=search) | Q(product__label__icontains=search)
                                   | Q(supplier__name__icontains=search)
                                   | Q(supplier_reference__icontains=search))
    return queryset.order_by("product__reference", "unit_price", "supplier__name", "id")


def supplier_product_get(*, organisation, pk: int) -> SupplierProduct:
    return SupplierProduct.objects.select_related("supplier", "product").get(organisation=organisation, pk=pk)


@dataclass
class Offer:
    """One line of the comparison of suppliers for a product."""

    item: SupplierProduct
    rank: int
    rating: Decimal | None
    best_price: bool
    shortest_lead_time: bool
    best_rating: bool
    vigilance_missing: bool


def supplier_comparison(*, organisation, product, today: date) -> list[Offer]:
    """Active offers for `product`, ranked: cheapest first, then shortest lead time, then best rating."""
    items = list(supplier_product_list(organisation=organisation, product=product))
    ratings = {item.pk: rating_of(item.supplier) for item in items}
    items.sort(key=lambda i: (i.unit_price, i.lead_time_days, -(ratings[i.pk] or 0), i.supplier.name))
    if not items:
        return []
    best_price = min(i.unit_price for i in items)
    shortest = min(i.lead_time_days for i in items)
    rated = [r for r in ratings.values() if r is not None]
    best_rating = max(rated) if rated else None
    missing = vigilance_missing(organisation=organisation, supplier_ids={i.supplier_id for i in items}, today=today)
    return [Offer(item=item, rank=n, rating=ratings[item.pk], best_price=item.unit_price == best_price,
                  shortest_lead_time=item.lead_time_days == shortest,
                  best_rating=best_rating is not None and ratings[item.pk] == best_rating,
                  vigilance_missing=item.supplier_id in missing)
            for n, item in enumerate(items, start=1)]


def rating_of(party) -> Decimal | None:
    """The supplier's mean grade (read through `supplier__supplier_profile` when selected with it)."""
    try:
        return party.supplier_profile.rating
    except SupplierProfile.DoesNotExist:
        return None


def supplier_profile_of(*, organisation, supplier) -> SupplierProfile | None:
    return SupplierProfile.objects.filter(organisation=organisation, supplier=supplier).first()


def ratings_of(*, organisation, supplier_ids) -> dict[int, Decimal | None]:
    return dict(SupplierProfile.objects.filter(organisation=organisation, supplier_id__in=supplier_ids)
                .values_list("supplier_id", "rating"))


def preferred_offers(*, organisation, product_ids) -> dict[int, SupplierProduct]:
    """The supplier to order each product from: the preferred one, else the cheapest active offer."""
    chosen: dict[int, SupplierProduct] = {}
    offers = (SupplierProduct.objects.filter(organisation=organisation, product_id__in=product_ids, active=True)
              .select_related("supplier").order_by("product_id", "-preferred", "unit_price", "lead_time_days", "id"))
    for offer in offers:
        chosen.setdefault(offer.product_id, offer)
    return chosen


# --- documents ------------------------------------------------------------------------------------------------

def with_status(queryset: QuerySet, *, today: date, warning_days: int) -> QuerySet:
    """Annotate `expiry_status`: expired, expiring (within `warning_days`) or valid."""
    return queryset.annotate(expiry_status=Case(
        When(expires_on__lt=today, then=Value(EXPIRED)),
        When(expires_on__lte=today + timedelta(days=warning_days), then=Value(EXPIRING)),
        default=Value(VALID), output_field=CharField()))


def supplier_document_list(*, organisation, today: date, warning_days: int, supplier=None, kind: str = "",
                           to_renew: bool = False, status: str = "", search: str = "") -> QuerySet:
    """Documents soonest to expire first. `to_renew` keeps those expired or expiring within `warning_days` that
    no later document of the same kind for the same supplier already replaces."""
    queryset = with_status(SupplierDocument.objects.filter(organisation=organisation)
                           .select_related("supplier"), today=today, warning_days=warning_days)
    if supplier is not None:
        queryset = queryset.filter(supplier=supplier)
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(expiry_status=status)
    if to_renew:
        renewed = SupplierDocument.objects.filter(
            organisation=organisation, supplier_id=OuterRef("supplier_id"), kind=OuterRef("kind"),
            expires_on__gt=today + timedelta(days=warning_days))
        queryset = queryset.filter(expires_on__lte=today + timedelta(days=warning_days)).exclude(Exists(renewed))
    if search:
        queryset = queryset.filter(Q(supplier__name__icontains=search) | Q(supplier__code__icontains=search)
                                   | Q(label__icontains=search))
    return queryset.order_by("expires_on", "id")


def documents_to_renew_count(*, organisation, today: date, warning_days: int) -> int:
    return supplier_document_list(organisation=organisation, today=today, warning_days=warning_days,
                                  to_renew=True).count()


def supplier_document_get(*, organisation, pk: int) -> SupplierDocument:
    return SupplierDocument.objects.select_related("supplier").get(organisation=organisation, pk=pk)


def vigilance_missing(*, organisation, supplier_ids, today: date) -> set[int]:
    """Subcontractors among `supplier_ids` without an URSSAF vigilance certificate valid today (Code du travail
    L8222-1: the client must obtain it from its subcontractors, or answer jointly for their undeclared work)."""
    subcontractors = set(Party.objects.filter(organisation=organisation, pk__in=supplier_ids, is_subcontractor=True)
                         .values_list("pk", flat=True))
    if not subcontractors:
        return set()
    covered = set(SupplierDocument.objects.filter(
        organisation=organisation, supplier_id__in=subcontractors, kind=SupplierDocument.Kind.URSSAF_VIGILANCE,
        issued_on__lte=today, expires_on__gte=today).values_list("supplier_id", flat=True))
    return subcontractors - covered
