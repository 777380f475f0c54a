"""Open supplier items, read from the ledger: posted credit lines on supplier accounts (401…, 404…) with a party
and a due date, not fully matched — and, for netting in payment runs, the open debit lines on those accounts
(credit notes, payments on account not yet set against an invoice). Works for invoices from the purchasing app
and for those entered directly in the ledger alike; a purchase document, when the entry has one, adds the
supplier's reference and escompte.

Open amount of a line: its credit when unmatched; in a partial matching, its share of what the matching still
owes (−balance × credit / Σ credits of the matching; for a debit line, balance × debit / Σ debits) — exact
when, as payment runs do, one invoice line is matched with its payments. Two readings with the same rule:
`open_item_rows` (one set-based SQL query, for the payment proposal over tens of thousands of items) and
`open_items` (an annotated queryset, for the schedule's filters, pagination and per-period totals). The tests
hold them together.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.db import connection
from django.db.models import Case, Count, DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncWeek

from agora.core.money import ZERO, round_money
from agora.ledger.models import Account, Entry, EntryLine, Matching, MatchingPart
from agora.parties.models import Party

SUPPLIER_PREFIXES = ("401", "404")
PURCHASE_ORIGIN = "purchasing.purchasedocument"
HALF_CENT = Decimal("0.005")
AMOUNT = DecimalField(max_digits=18, decimal_places=2)
PENDING_STATES = ("draft", "approved")


def supplier_account_ids(organisation) -> list[int]:
    return [pk for pk, code in Account.objects.filter(organisation=organisation).values_list("pk", "code")
            if code.startswith(SUPPLIER_PREFIXES)]


# --- the set-based reading (payment proposal) --------------------------------------------------------------------

@dataclass
class OpenItem:
    line_id: int
    entry_id: int
    party_id: int
    date: date
    due_date: date  # a debit item has none in the books: its date stands in
    amount: Decimal  # the line's credit (debit for a debit item)
    open_amount: Decimal
    label: str
    reference: str
    origin_type: str
    origin_id: str


# is_full is CAST to an integer for MAX(): PostgreSQL has no MAX(boolean), SQLite stores 0/1.
_OPEN_SQL = """
SELECT l.id, l.entry_id, l.party_id, l.date, COALESCE(l.due_date, l.date), l.{side}, l.label, e.reference,
       e.origin_type, e.origin_id,
       CASE WHEN mp.id IS NULL THEN l.{side} ELSE l.{side} * m.balance / m.{side}s END AS open_amount
FROM {line} l
JOIN {entry} e ON e.id = l.entry_id
LEFT JOIN {part} mp ON mp.line_id = l.id
LEFT JOIN (SELECT p2.matching_id, SUM(p2.amount) AS balance,
                  SUM(CASE WHEN p2.amount < 0 THEN p2.amount ELSE 0 END) AS credits,
                  SUM(CASE WHEN p2.amount > 0 THEN p2.amount ELSE 0 END) AS debits,
                  MAX(CAST(mm.is_full AS INTEGER)) AS full_flag
           FROM {part} p2 JOIN {matching} mm ON mm.id = p2.matching_id
           WHERE mm.organisation_id = %(org)s AND mm.account_id IN ({accounts})
           GROUP BY p2.matching_id) m ON m.matching_id = mp.matching_id
WHERE l.organisation_id = %(org)s AND l.posted = %(posted)s AND l.account_id IN ({accounts})
  AND l.{side} > 0 AND l.party_id IS NOT NULL {due}
  AND (mp.id IS NULL OR m.full_flag = %(not_full)s)
  {where}
  AND NOT EXISTS (SELECT 1 FROM {payment_line} pl JOIN {payment_run} r ON r.id = pl.run_id
                  WHERE pl.organisation_id = %(org)s AND pl.item_id = l.id AND pl.selected = %(selected)s
                    AND r.state IN ({pending}))
ORDER BY l.party_id, l.due_date, l.id
"""


def open_item_rows(*, organisation, party_id: int | None = None, due_until: date | None = None,
                   line_ids: list[int] | None = None, exclude_pending: bool = True,
                   side: str = "credit", party_ids: list[int] | None = None) -> list[OpenItem]:
    """Open supplier items in one query (matching balances grouped once, not per line), read from the cursor.

    `side` "credit" reads what is owed to suppliers (invoices, with a due date); "debit" what suppliers owe
    back (credit notes, payments on account). `exclude_pending` leaves out items selected in a run not
    executed yet (proposed once, paid once)."""
    assert side in ("credit", "debit")
    from agora.treasury.models import PaymentLine, PaymentRun

    accounts = supplier_account_ids(organisation)
    if not accounts:
        return []
    quote = connection.ops.quote_name
    params = {"org": organisation.pk, "posted": True, "selected": True, "not_full": 0}
    where = ""
    if party_id is not None:
        where += " AND l.party_id = %(party)s"
        params["party"] = party_id
    if due_until is not None:
        where += f" AND l.{'due_date' if side == 'credit' else 'date'} <= %(due_until)s"
        params["due_until"] = due_until
    if party_ids is not None:
        if not party_ids:
            return []
        where += f" AND l.party_id IN ({', '.join(str(int(pk)) for pk in party_ids)})"
    if line_ids is not None:
        if not line_ids:
            return []
        where += f" AND l.id IN ({', '.join(str(int(pk)) for pk in line_ids)})"
    sql = _OPEN_SQL.format(
        line=quote(EntryLine._meta.db_table), entry=quote(Entry._meta.db_table),
        part=quote(MatchingPart._meta.db_table), matching=quote(Matching._meta.db_table),
        payment_line=quote(PaymentLine._meta.db_table), payment_run=quote(PaymentRun._meta.db_table),
        accounts=", ".join(str(int(pk)) for pk in accounts), where=where, side=side,
        due="AND l.due_date IS NOT NULL" if side == "credit" else "",
        pending=", ".join(f"'{state}'" for state in PENDING_STATES) if exclude_pending else "''",
    )
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for (line_id, entry_id, party, day, due, amount, label, reference, origin_type, origin_id,
                 open_amount) in batch:
                open_amount = round_money(Decimal(repr(open_amount)) if isinstance(open_amount, float)
                                          else Decimal(open_amount))
                if open_amount < HALF_CENT:
                    continue
                out.append(OpenItem(
                    line_id, entry_id, party, day if isinstance(day, date) else date.fromisoformat(day),
                    due if isinstance(due, date) else date.fromisoformat(due),
                    round_money(Decimal(repr(amount)) if isinstance(amount, float) else Decimal(amount)),
                    open_amount, label, reference, origin_type, origin_id))
    return out


@dataclass(frozen=True)
class PurchaseFacts:
    """What a purchase document adds to its ledger item."""

    document_id: int
    number: str
    supplier_reference: str
    escompte_pct: Decimal
    escompte_deadline: date | None
    total: Decimal | None
    vat: Decimal | None


def purchase_model():
    """The purchasing app's document model, or None while it is not there (treasury then reads the ledger only)."""
    try:
        return apps.get_model("purchasing", "PurchaseDocument")
    except LookupError:
        return None


def purchase_facts(*, organisation, items: list[OpenItem]) -> dict[int, PurchaseFacts]:
    """Purchase documents behind the items' entries, by document id (one query, bounded by the oldest item)."""
    model = purchase_model()
    ids = {int(item.origin_id) for item in items
           if item.origin_type == PURCHASE_ORIGIN and str(item.origin_id).isdigit()}
    if model is None or not ids:
        return {}
    oldest = min(item.date for item in items)
    rows = (model.objects.filter(organisation=organisation, issue_date__gte=oldest)
            .values_list("pk", "number", "supplier_reference", "escompte_offered_pct", "escompte_deadline",
                         "total_incl_tax", "total_vat"))
    return {pk: PurchaseFacts(pk, number or "", supplier_reference or "", pct or ZERO, deadline, total, vat)
            for pk, number, supplier_reference, pct, deadline, total, vat in rows.iterator(chunk_size=5000)
            if pk in ids}


def facts_of(item: OpenItem, facts: dict[int, PurchaseFacts]) -> PurchaseFacts | None:
    if item.origin_type != PURCHASE_ORIGIN or not str(item.origin_id).isdigit():
        return None
    return facts.get(int(item.origin_id))


# --- the queryset reading (schedule) -------------------------------------------------------------------------------

def _open_amount():
    part = MatchingPart.objects.filter(matching_id=OuterRef("matching_part__matching_id")).order_by()
    balance = Subquery(part.values("matching_id").annotate(s=Sum("amount")).values("s"), output_field=AMOUNT)
    credits = Subquery(part.filter(amount__lt=0).values("matching_id").annotate(s=Sum("amount")).values("s"),
                       output_field=AMOUNT)
    return Case(When(matching_part__isnull=True, then=F("credit")),
                default=F("credit") * balance / credits, output_field=AMOUNT)


def open_items(*, organisation, party=None, date_from: date | None = None, date_to: date | None = None,
               overdue_on: date | None = None, search: str = "") -> QuerySet:
    """Open supplier items as EntryLine rows annotated `open_amount`, by due date (the schedule)."""
    qs = (EntryLine.objects.posted()
          .filter(organisation=organisation, account_id__in=supplier_account_ids(organisation), credit__gt=0,
                  party__isnull=False, due_date__isnull=False)
          .filter(Q(matching_part__isnull=True) | Q(matching_part__matching__is_full=False))
          .annotate(open_amount=_open_amount())
          .filter(open_amount__gte=HALF_CENT))
    if party is not None:
        qs = qs.filter(party=party)
    if date_from:
        qs = qs.filter(due_date__gte=date_from)
    if date_to:
        qs = qs.filter(due_date__lte=date_to)
    if overdue_on:
        qs = qs.filter(due_date__lt=overdue_on)
    if search:
        search = search.strip()
        qs = qs.filter(Q(party__name__icontains=search) | Q(party__code__icontains=search)
                       | Q(entry__reference__icontains=search) | Q(label__icontains=search))
    return qs


def schedule_rows(queryset: QuerySet) -> QuerySet:
    """The schedule's rows with what each shows, in due-date order."""
    return (queryset.select_related("party", "entry", "entry__journal", "account")
            .order_by("due_date", "party__name", "id"))


def schedule_totals(queryset: QuerySet, *, period: str = "month") -> list[dict]:
    """Open amount and count per week or month of due date, summed by the database."""
    trunc = TruncWeek if period == "week" else TruncMonth
    rows = (queryset.order_by().annotate(period=trunc("due_date")).values("period")
            .annotate(total=Coalesce(Sum("open_amount"), Value(ZERO), output_field=AMOUNT), count=Count("id"))
            .order_by("period"))
    out = []
    for row in rows:
        start = row["period"]
        if hasattr(start, "date"):
            start = start.date()
        out.append({"start": start, "total": round_money(Decimal(repr(row["total"])) if isinstance(
            row["total"], float) else row["total"]), "count": row["count"]})
    return out


def schedule_summary(queryset: QuerySet, *, today: date) -> dict:
    """Total open, of which overdue, and counts (one query)."""
    totals = queryset.order_by().aggregate(
        total=Sum("open_amount"), count=Count("id"),
        overdue=Sum("open_amount", filter=Q(due_date__lt=today)), overdue_count=Count("id", filter=Q(
            due_date__lt=today)))
    for key in ("total", "overdue"):
        value = totals[key] or ZERO
        totals[key] = round_money(Decimal(repr(value)) if isinstance(value, float) else value)
    return totals


def suppliers(*, organisation) -> QuerySet:
    return Party.objects.filter(organisation=organisation).filter(
        Q(is_supplier=True) | Q(is_subcontractor=True) | Q(is_service_provider=True)).order_by("name")
