"""Reads on purchase documents: lists (constant query count), one document, its chain."""

from decimal import Decimal

from django.db.models import F, Q, QuerySet, Sum

from agora.core.errors import BusinessError
from agora.parties.models import Party
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseLine, PurchaseStatus

KIND_ORDER = {k: n for n, k in enumerate(PurchaseKind.values)}
LIST_FIELDS = ("id", "organisation_id", "kind", "status", "number", "issue_date", "due_date", "expected_date",
               "supplier_reference", "order_reference", "total_untaxed", "total_vat", "total_incl_tax", "net_to_pay",
               "source_format", "sent_at", "party__id", "party__code", "party__name", "source__id", "source__kind",
               "source__number")


def document_list(*, organisation, kind, status=None, party=None, date_from=None, date_to=None,
                  search="") -> QuerySet:
    """Documents of one kind, newest first, with their supplier and source (one query whatever the page)."""
    query = (PurchaseDocument.objects.filter(organisation=organisation, kind=kind)
             .select_related("party", "source").only(*LIST_FIELDS))
    if status:
        query = query.filter(status=status)
    if party:
        query = query.filter(party_id=getattr(party, "pk", party))
    if date_from:
        query = query.filter(issue_date__gte=date_from)
    if date_to:
        query = query.filter(issue_date__lte=date_to)
    search = (search or "").strip()
    if search:
        parties = Party.objects.filter(organisation=organisation).filter(
            Q(name__icontains=search) | Q(code__iexact=search)).values("pk")
        query = query.filter(Q(number__icontains=search) | Q(party_id__in=parties)
                             | Q(supplier_reference__icontains=search) | Q(order_reference__icontains=search))
    return query.order_by("-issue_date", "-id")


def document_get(*, organisation, pk) -> PurchaseDocument:
    """One document of the organisation with its lines and tax rows; BusinessError if absent."""
    try:
        return (PurchaseDocument.objects
                .select_related("party", "source", "entry", "validated_by", "created_by", "discrepancies_accepted_by")
                .prefetch_related("lines__vat_category", "lines__product", "lines__order_line", "tax_rows")
                .get(organisation=organisation, pk=pk))
    except (PurchaseDocument.DoesNotExist, ValueError, TypeError):
        raise BusinessError("not_found", "Document introuvable.", field="id") from None


def document_chain(document: PurchaseDocument) -> list[PurchaseDocument]:
    """Every document of the chain (up to the order, then all that follows), in chain order: order,
    receipts, invoices, credit notes; by date within a kind. One query per level."""
    root = document
    seen = {document.pk}
    while root.source_id and root.source_id not in seen:
        root = PurchaseDocument.objects.only("id", "source_id").get(pk=root.source_id)
        seen.add(root.pk)
    found = {root.pk}
    level = [root.pk]
    while level:
        level = [pk for pk in PurchaseDocument.objects.filter(source_id__in=level).values_list("pk", flat=True)
                 if pk not in found]
        found.update(level)
    documents = list(PurchaseDocument.objects.filter(organisation_id=document.organisation_id, pk__in=found))
    return sorted(documents, key=lambda d: (KIND_ORDER[d.kind], d.issue_date, d.pk))



def quantities_on_order(organisation, product_ids) -> dict[int, Decimal]:
    """What is ordered from suppliers and not received yet, per product: confirmed or sent orders, each line's
    quantity less what was received (never below zero) — summed by the database."""
    if not product_ids:
        return {}
    rows = (PurchaseLine.objects.filter(organisation=organisation, document__kind=PurchaseKind.ORDER,
                                        document__status__in=(PurchaseStatus.CONFIRMED, PurchaseStatus.SENT),
                                        product_id__in=product_ids, quantity__gt=F("quantity_received"))
            .order_by().values("product_id").annotate(left=Sum(F("quantity") - F("quantity_received"))))
    return {row["product_id"]: Decimal(str(row["left"])) for row in rows}
