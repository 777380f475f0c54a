"""Reads on sales documents: lists (constant query count), one document, its chain, what is left to do."""

import re
from decimal import Decimal

from django.db import connection
from django.db.models import Func, IntegerField, Q, QuerySet
from django.db.models.lookups import Exact

from agora.core.errors import BusinessError
from agora.parties.models import Party
from agora.sales.domain import remaining
from agora.sales.models import DocumentKind, SalesDocument

KIND_ORDER = {k: n for n, k in enumerate(DocumentKind.values)}
FULL_NUMBER = re.compile(r"[A-Za-z]{2}-[0-9A-Za-z]{2,20}-[0-9]{5,}")  # FA-2026-00012
FEW_MATCHES = 20  # up to this many matching customers and numbers, a text search reads documents by id


def document_list(*, organisation, kind, state=None, party=None, date_from=None, date_to=None,
                  search="") -> QuerySet:
    """Documents of one kind, newest first, with their customer (one query whatever the page size; a text
    search first reads a few matching customers, references and numbers: three more small queries)."""
    search = (search or "").strip()
    if search and FULL_NUMBER.fullmatch(search):
        # a whole number: the unique (partial) index answers at once
        scope = Q(organisation=organisation, number=search.upper()) & ~Q(number="")
    elif search:
        scope = _text_search(organisation, kind, search)
    else:
        scope = Q(organisation=organisation)
    query = (SalesDocument.objects.filter(scope, kind=kind)
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
    return query.order_by("-date", "-id")


class _Unindexed(Func):
    """`+column`: the same value, but SQLite answers no condition on it from an index (its documented hint)."""

    template = "+%(expressions)s"
    output_field = IntegerField()


def _text_search(organisation, kind, search: str) -> Q:
    """The organisation's documents whose customer (name or code), number or customer reference holds `search`.

    A LIKE over the documents' rows reads them all, on the page and again on its count (200,000 invoices: a
    third of a second). So the matches are looked for first in narrow places, a few at most (small queries): the
    customers in their own table, the numbers in the unique number index alone (not when `search` holds a
    space, which no number does), the references in the index of the documents that have one (migration 0003;
    trigram indexes on PostgreSQL). When each part finds few, the documents are taken by id and by customer
    (the (organisation, party, kind) index): they are the only rows read. On SQLite the organisation test is
    then written `+organisation_id`, or its planner, without statistics, would rather walk every document of
    the organisation than fetch a few ids. Otherwise the search is broad and the plain filter is best: the page
    walks the list index and stops at its last row."""
    parties = Party.objects.filter(organisation=organisation).filter(
        Q(name__icontains=search) | Q(code__iexact=search)).order_by().values_list("pk", flat=True)
    same_kind = SalesDocument.objects.filter(organisation=organisation, kind=kind).order_by()
    references = same_kind.filter(customer_reference__icontains=search).exclude(customer_reference="")
    numbers = same_kind.filter(number__icontains=search).exclude(number="")
    spaced = any(c.isspace() for c in search)
    party_ids = list(parties[:FEW_MATCHES + 1])
    ids = list(references.values_list("pk", flat=True)[:FEW_MATCHES + 1])
    number_ids = [] if spaced else list(numbers.values_list("pk", flat=True)[:FEW_MATCHES + 1])
    if max(len(party_ids), len(ids), len(number_ids)) > FEW_MATCHES:
        text = Q(party_id__in=parties) | Q(customer_reference__icontains=search)
        return Q(organisation=organisation) & (text if spaced else text | Q(number__icontains=search))
    ids += number_ids
    if connection.vendor != "sqlite":
        return Q(organisation=organisation) & (Q(party_id__in=party_ids) | Q(pk__in=ids))
    of_parties = same_kind.filter(party_id__in=party_ids).values("pk")
    return Q(Exact(_Unindexed("organisation_id"), organisation.pk)) & (Q(pk__in=ids) | Q(pk__in=of_parties))


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
