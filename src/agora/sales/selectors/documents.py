"""Reads on sales documents: lists (constant query count), one document, its chain, what is left to do."""

import re
from decimal import Decimal

from django.db.models import Q, QuerySet

from agora.core.errors import BusinessError
from agora.parties.models import Party
from agora.sales.domain import remaining
from agora.sales.models import DocumentKind, SalesDocument

KIND_ORDER = {k: n for n, k in enumerate(DocumentKind.values)}
FULL_NUMBER = re.compile(r"[A-Za-z]{2}-[0-9A-Za-z]{2,20}-[0-9]{5,}")  # FA-2026-00012


def document_list(*, organisation, kind, state=None, party=None, date_from=None, date_to=None,
                  search="") -> QuerySet:
    """Documents of one kind, newest first, with their customer (one query whatever the page size)."""
    query = (SalesDocument.objects.filter(organisation=organisation, kind=kind)
             .select_related("party", "source", "credited_invoice")
             .only("id", "organisation_id", "kind", "state", "number", "date", "valid_until", "due_date",
                   "delivery_date", "is_deposit", "untaxed_total", "tax_total", "total", "net_to_pay",
                   "deposit_deducted", "customer_name", "customer_reference", "sent_at",
                   "party__id", "party__code", "party__name",
                   "source__id", "source__kind", "source__number",
                   "credited_invoice__id", "credited_invoice__number"))
    if state:
        query = query.filter(state=state)
    if party:
        query = query.filter(party_id=getattr(party, "pk", party))
    if date_from:
        query = query.filter(date__gte=date_from)
    if date_to:
        query = query.filter(date__lte=date_to)
    search = (search or "").strip()
    if search and FULL_NUMBER.fullmatch(search):
        # a whole number: the unique (partial) index answers at once
        query = query.filter(number=search.upper()).exclude(number="")
    elif search:
        # The matching customers first (a small table), so that the documents are filtered without a join.
        parties = Party.objects.filter(organisation=organisation).filter(
            Q(name__icontains=search) | Q(code__iexact=search)).values("pk")
        query = query.filter(Q(number__icontains=search) | Q(party_id__in=parties)
                             | Q(customer_reference__icontains=search))
    return query.order_by("-date", "-id")


def document_get(*, organisation, pk) -> SalesDocument:
    """One document of the organisation with its lines and tax rows; BusinessError if absent."""
    try:
        return (SalesDocument.objects.select_related("party", "payment_term", "source", "credited_invoice", "entry",
                                                     "validated_by", "created_by")
                .prefetch_related("lines", "tax_rows").get(organisation=organisation, pk=pk))
    except (SalesDocument.DoesNotExist, ValueError, TypeError):
        raise BusinessError("not_found", "Document introuvable.", field="id") from None


def document_chain(doc) -> list[SalesDocument]:
    """Every document of the chain (ancestors up to the quote or order, then all descendants), in chain
    order: quote, order, deliveries, invoices, credit notes; by date within a kind. One query per level."""
    root = doc
    seen = {doc.pk}
    while root.source_id and root.source_id not in seen:
        root = SalesDocument.objects.only("id", "source_id", "organisation_id").get(pk=root.source_id)
        seen.add(root.pk)
    found = {root.pk}
    level = [root.pk]
    while level:
        level = [pk for pk in SalesDocument.objects.filter(source_id__in=level).values_list("pk", flat=True)
                 if pk not in found]
        found.update(level)
    documents = list(SalesDocument.objects.filter(organisation_id=doc.organisation_id, pk__in=found)
                     .select_related("party"))
    return sorted(documents, key=lambda d: (KIND_ORDER[d.kind], d.date, d.pk))


def remaining_to_deliver(order) -> dict[int, Decimal]:
    """Quantity left to deliver per order line id."""
    return {line.pk: remaining(line.quantity, line.delivered_quantity) for line in order.lines.all()}


def remaining_to_invoice(order_or_delivery) -> dict[int, Decimal]:
    """Quantity left to invoice per line id of an order or a delivery note."""
    return {line.pk: remaining(line.quantity, line.invoiced_quantity) for line in order_or_delivery.lines.all()}
