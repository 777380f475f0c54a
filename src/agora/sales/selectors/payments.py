"""Reads about money in: what an invoice still owes, the open invoices, receipts and deposit slips, the customer
statement (from the ledger's 411 lines) and the aged balance (computed in SQL).

Open amount of an invoice = net to pay − receipts allocated to it − validated credit notes that correct it.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from agora.core.money import ZERO, round_money
from agora.ledger.models import Account, EntryLine, FiscalYear, Journal
from agora.parties.models import Party
from agora.sales.models import (
    DepositSlip,
    DocumentKind,
    DocumentState,
    PaymentMethod,
    Receipt,
    ReceiptAllocation,
    SalesDocument,
)

MONEY_FIELD = DecimalField(max_digits=18, decimal_places=2)
HALF_CENT = Decimal("0.005")  # SQLite sums decimals in floating point: below half a cent is nothing
RECEIVABLE_PREFIXES = ("411", "416")


# --- open amounts ------------------------------------------------------------------------------------------------

def invoice_open_amount(invoice: SalesDocument) -> Decimal:
    """What the customer still owes on this invoice (negative if paid or credited beyond it)."""
    paid = ReceiptAllocation.objects.filter(invoice=invoice).aggregate(s=Sum("amount"))["s"] or ZERO
    credited = (SalesDocument.objects.filter(credited_invoice=invoice, kind=DocumentKind.CREDIT_NOTE,
                                             state=DocumentState.VALIDATED)
                .aggregate(s=Sum("net_to_pay"))["s"] or ZERO)
    return round_money(invoice.net_to_pay - paid - credited)


def _paid_sql(as_of: date | None):
    allocations = ReceiptAllocation.objects.filter(invoice=OuterRef("pk"))
    if as_of is not None:
        allocations = allocations.filter(receipt__date__lte=as_of)
    total = allocations.order_by().values("invoice").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def _credited_sql(as_of: date | None):
    notes = SalesDocument.objects.filter(credited_invoice=OuterRef("pk"), kind=DocumentKind.CREDIT_NOTE,
                                         state=DocumentState.VALIDATED)
    if as_of is not None:
        notes = notes.filter(date__lte=as_of)
    total = notes.order_by().values("credited_invoice").annotate(total=Sum("net_to_pay")).values("total")
    return Coalesce(Subquery(total, output_field=MONEY_FIELD), Value(ZERO), output_field=MONEY_FIELD)


def open_invoices(*, organisation, party: Party | None = None, as_of: date | None = None) -> QuerySet:
    """Validated invoices with something left to pay (as of a date, if given), oldest due date first,
    annotated `paid`, `credited` and `open_amount` — one query, whatever their number."""
    queryset = SalesDocument.objects.filter(organisation=organisation, kind=DocumentKind.INVOICE,
                                            state=DocumentState.VALIDATED)
    if party is not None:
        queryset = queryset.filter(party=party)
    if as_of is not None:
        queryset = queryset.filter(date__lte=as_of)
    return (queryset.select_related("party")
            .annotate(paid=_paid_sql(as_of), credited=_credited_sql(as_of))
            .annotate(open_amount=ExpressionWrapper(F("net_to_pay") - F("paid") - F("credited"),
                                                    output_field=MONEY_FIELD))
            .filter(open_amount__gt=HALF_CENT)
            .order_by(Coalesce("due_date", "date"), "date", "id"))


# --- receipts and deposit slips ----------------------------------------------------------------------------------

def receipt_list(*, organisation, party: Party | None = None, method: str | None = None,
                 date_from: date | None = None, date_to: date | None = None, search: str = "",
                 pending_cheques: bool = False) -> QuerySet:
    queryset = (Receipt.objects.filter(organisation=organisation)
                .select_related("party", "deposit_slip", "entry__journal", "entry__fiscal_year"))
    if party is not None:
        queryset = queryset.filter(party=party)
    if method:
        queryset = queryset.filter(method=method)
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(reference__icontains=search)
                                   | Q(party__name__icontains=search) | Q(party__code__icontains=search))
    if pending_cheques:
        queryset = queryset.filter(method=PaymentMethod.CHEQUE, deposit_slip__isnull=True)
    return queryset.order_by("-date", "-id")


def pending_cheques(*, organisation) -> QuerySet:
    """Cheques received and not yet deposited, oldest first (what a new deposit slip offers)."""
    return (Receipt.objects.filter(organisation=organisation, method=PaymentMethod.CHEQUE, deposit_slip__isnull=True)
            .select_related("party").order_by("date", "id"))


def receipt_get(*, organisation, pk: int) -> Receipt:
    return (Receipt.objects.select_related("party", "deposit_slip", "entry__journal", "entry__fiscal_year",
                                           "created_by").get(organisation=organisation, pk=pk))


def receipt_allocations(receipt: Receipt) -> QuerySet:
    return receipt.allocations.select_related("invoice").order_by("invoice__due_date", "invoice_id")


def receipt_entry_lines(receipt: Receipt) -> QuerySet:
    """The receipt's entry lines with their matching (display code: AA full, aa partial)."""
    if receipt.entry_id is None:
        return EntryLine.objects.none()
    return (EntryLine.objects.filter(organisation_id=receipt.organisation_id, entry_id=receipt.entry_id)
            .select_related("account", "party").annotate(matching_code=_matching_display())
            .order_by("line_no"))


def deposit_slip_list(*, organisation) -> QuerySet:
    from django.db.models import Count

    return (DepositSlip.objects.filter(organisation=organisation).select_related("entry__journal",
                                                                                  "entry__fiscal_year")
            .annotate(cheques=Count("receipts")).order_by("-date", "-id"))


def deposit_slip_get(*, organisation, pk: int) -> DepositSlip:
    return DepositSlip.objects.select_related("entry__journal", "entry__fiscal_year").get(organisation=organisation,
                                                                                           pk=pk)


def deposit_slip_cheques(slip: DepositSlip) -> QuerySet:
    return slip.receipts.select_related("party").order_by("date", "id")


# --- customer statement ----------------------------------------------------------------------------------------------

def _matching_display():
    code = F("matching_part__matching__code")
    return Case(When(matching_part__matching__is_full=True, then=code),
                When(matching_part__isnull=False, then=Lower(code)), default=Value(""), output_field=CharField())


@dataclass
class StatementRow:
    date: date
    kind: str
    journal: str
    entry_number: str
    reference: str
    label: str
    due_date: date | None
    debit: Decimal
    credit: Decimal
    balance: Decimal
    matching: str
    entry_id: int


@dataclass
class CustomerStatement:
    party: Party
    date_from: date
    date_to: date
    opening: Decimal
    rows: list[StatementRow] = field(default_factory=list)
    total_debit: Decimal = ZERO
    total_credit: Decimal = ZERO

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_debit - self.total_credit


def _receivable_lines(organisation, party) -> QuerySet:
    accounts = Account.objects.filter(organisation=organisation).filter(
        Q(code__startswith=RECEIVABLE_PREFIXES[0]) | Q(code__startswith=RECEIVABLE_PREFIXES[1])).values("pk")
    lines = EntryLine.objects.posted().filter(organisation=organisation, party=party, account__in=accounts)
    # Opening entries of a year whose previous year is in the books repeat balances already counted.
    first_year = FiscalYear.objects.filter(organisation=organisation).order_by("start_date").first()
    if first_year is not None:
        lines = lines.exclude(Q(journal__kind=Journal.Kind.OPENING) & ~Q(fiscal_year=first_year))
    return lines


def _line_kind(journal_kind: str, origin_type: str, debit: Decimal) -> str:
    if origin_type == "sales.receipt" or journal_kind in (Journal.Kind.BANK, Journal.Kind.CASH):
        return "Règlement"
    if journal_kind == Journal.Kind.SALE:
        return "Facture" if debit else "Avoir"
    if journal_kind == Journal.Kind.OPENING:
        return "À-nouveau"
    return "Opération diverse"


def customer_statement(*, organisation, party: Party, date_from: date, date_to: date) -> CustomerStatement:
    """The customer's account (relevé de compte) from the ledger: opening balance, each invoice, credit note and
    payment on 411 in the period, with the running balance (positive: the customer owes us)."""
    lines = _receivable_lines(organisation, party)
    before = lines.filter(date__lt=date_from).aggregate(d=Sum("debit"), c=Sum("credit"))
    opening = round_money((before["d"] or ZERO) - (before["c"] or ZERO))
    statement = CustomerStatement(party=party, date_from=date_from, date_to=date_to, opening=opening)
    balance = opening
    period = (lines.filter(date__gte=date_from, date__lte=date_to)
              .select_related("entry", "journal", "fiscal_year").annotate(matching=_matching_display())
              .order_by("date", "entry__number", "entry_id", "line_no"))
    for line in period:
        balance += line.debit - line.credit
        statement.total_debit += line.debit
        statement.total_credit += line.credit
        entry = line.entry
        statement.rows.append(StatementRow(
            date=line.date, kind=_line_kind(line.journal.kind, entry.origin_type, line.debit),
            journal=line.journal.code, entry_number=f"{line.journal.code}-{line.fiscal_year.code}-{entry.number:06d}",
            reference=entry.reference, label=line.label, due_date=line.due_date, debit=line.debit,
            credit=line.credit, balance=balance, matching=line.matching or "", entry_id=entry.pk))
    return statement


STATEMENT_HEADER = ["Date", "Nature", "Écriture", "Pièce", "Libellé", "Échéance", "Débit", "Crédit", "Solde",
                    "Lettrage"]


def statement_table(statement: CustomerStatement) -> tuple[list[str], list[list]]:
    rows = [[statement.date_from, "Solde au " + f"{statement.date_from:%d/%m/%Y}", "", "", "Solde d'ouverture",
             None, ZERO, ZERO, statement.opening, ""]]
    rows += [[r.date, r.kind, r.entry_number, r.reference, r.label, r.due_date, r.debit, r.credit, r.balance,
              r.matching] for r in statement.rows]
    rows.append([statement.date_to, "Total", "", "", "Solde de clôture", None, statement.total_debit,
                 statement.total_credit, statement.closing, ""])
    return STATEMENT_HEADER, rows


# --- aged balance ------------------------------------------------------------------------------------------------

BUCKETS = [("not_due", "Non échu"), ("d1_30", "1 à 30 jours"), ("d31_60", "31 à 60 jours"),
           ("d61_90", "61 à 90 jours"), ("over_90", "Plus de 90 jours")]


@dataclass
class AgedRow:
    party_id: int
    party_code: str
    party_name: str
    not_due: Decimal = ZERO
    d1_30: Decimal = ZERO
    d31_60: Decimal = ZERO
    d61_90: Decimal = ZERO
    over_90: Decimal = ZERO
    unallocated: Decimal = ZERO  # customer credit: receipts not allocated to any invoice

    @property
    def total(self) -> Decimal:
        return self.not_due + self.d1_30 + self.d31_60 + self.d61_90 + self.over_90

    @property
    def balance(self) -> Decimal:
        return self.total - self.unallocated


@dataclass
class AgedBalance:
    as_of: date
    rows: list[AgedRow]
    totals: AgedRow


def _money(value) -> Decimal:
    """A sum read by raw SQL: a Decimal on PostgreSQL, an int or float on SQLite."""
    if value is None:
        return ZERO
    return round_money(value if isinstance(value, Decimal) else Decimal(str(value)))


# Signed amounts per invoice (its net to pay, minus each allocation, minus each credit note) gathered by UNION ALL
# and summed per invoice: the only joins go from allocations and credit notes to their invoice by primary key,
# so the plan stays linear whatever the planner's statistics (joining aggregated derived tables does not: with
# stale statistics PostgreSQL chose nested loops over them, minutes for 50,000 invoices).
_INVOICE_FILTER = "d.kind = %(invoice)s AND d.state = %(validated)s AND d.date <= %(as_of)s"
_AGED_SQL = """
SELECT s.party_id,
       SUM(CASE WHEN s.due >= %(as_of)s THEN s.open_amount ELSE 0 END),
       SUM(CASE WHEN s.due < %(as_of)s AND s.due >= %(d30)s THEN s.open_amount ELSE 0 END),
       SUM(CASE WHEN s.due < %(d30)s AND s.due >= %(d60)s THEN s.open_amount ELSE 0 END),
       SUM(CASE WHEN s.due < %(d60)s AND s.due >= %(d90)s THEN s.open_amount ELSE 0 END),
       SUM(CASE WHEN s.due < %(d90)s THEN s.open_amount ELSE 0 END)
FROM (
    SELECT u.invoice_id, u.party_id, u.due, SUM(u.amount) AS open_amount
    FROM (
        SELECT d.id AS invoice_id, d.party_id AS party_id, COALESCE(d.due_date, d.date) AS due,
               d.net_to_pay AS amount
        FROM {documents} d
        WHERE d.organisation_id = %(org)s AND {invoice_filter}
        UNION ALL
        SELECT d.id, d.party_id, COALESCE(d.due_date, d.date), -ra.amount
        FROM {allocations} ra
        JOIN {receipts} r ON r.id = ra.receipt_id
        JOIN {documents} d ON d.id = ra.invoice_id
        WHERE r.organisation_id = %(org)s AND r.date <= %(as_of)s AND {invoice_filter}
        UNION ALL
        SELECT d.id, d.party_id, COALESCE(d.due_date, d.date), -n.net_to_pay
        FROM {documents} n
        JOIN {documents} d ON d.id = n.credited_invoice_id
        WHERE n.organisation_id = %(org)s AND n.kind = %(credit_note)s AND n.state = %(validated)s
          AND n.date <= %(as_of)s AND {invoice_filter}
    ) u
    GROUP BY u.invoice_id, u.party_id, u.due
    HAVING SUM(u.amount) > 0.005
) s
GROUP BY s.party_id
"""


def aged_balance(*, organisation, as_of: date) -> AgedBalance:
    """Open amounts per customer by age past the due date (not due, 1–30, 31–60, 61–90, > 90 days), as of a
    date: one aggregate query (bucket limits are dates, so each CASE compares a date column), then the
    customers' names and their unallocated credit."""
    adapt = connection.ops.adapt_datefield_value
    params = {"org": organisation.pk, "as_of": adapt(as_of), "d30": adapt(as_of - timedelta(days=30)),
              "d60": adapt(as_of - timedelta(days=60)), "d90": adapt(as_of - timedelta(days=90)),
              "invoice": DocumentKind.INVOICE.value, "credit_note": DocumentKind.CREDIT_NOTE.value,
              "validated": DocumentState.VALIDATED.value}
    sql = _AGED_SQL.format(documents=SalesDocument._meta.db_table, allocations=ReceiptAllocation._meta.db_table,
                           receipts=Receipt._meta.db_table, invoice_filter=_INVOICE_FILTER)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        buckets = {row[0]: [_money(v) for v in row[1:]] for row in cursor.fetchall()}
    credits = dict(Receipt.objects.filter(organisation=organisation, date__lte=as_of, unallocated__gt=0)
                   .order_by().values("party_id").annotate(s=Sum("unallocated")).values_list("party_id", "s"))
    parties = Party.objects.filter(organisation=organisation, pk__in=set(buckets) | set(credits)) \
        .values_list("pk", "code", "name")
    rows = []
    for pk, code, name in parties:
        values = buckets.get(pk, [ZERO] * 5)
        rows.append(AgedRow(pk, code, name, *values, unallocated=_money(credits.get(pk))))
    rows.sort(key=lambda r: (r.party_name.lower(), r.party_code))
    totals = AgedRow(0, "", "Total")
    for row in rows:
        for key, _ in BUCKETS:
            setattr(totals, key, getattr(totals, key) + getattr(row, key))
        totals.unallocated += row.unallocated
    return AgedBalance(as_of=as_of, rows=rows, totals=totals)


AGED_HEADER = ["Code", "Client"] + [label for _, label in BUCKETS] + ["Total échu et non échu",
                                                                       "Avances non affectées", "Solde"]


def aged_balance_table(report: AgedBalance) -> tuple[list[str], list[list]]:
    rows = [[r.party_code, r.party_name, r.not_due, r.d1_30, r.d31_60, r.d61_90, r.over_90, r.total, r.unallocated,
             r.balance] for r in report.rows]
    t = report.totals
    rows.append(["", "Total", t.not_due, t.d1_30, t.d31_60, t.d61_90, t.over_90, t.total, t.unallocated, t.balance])
    return AGED_HEADER, rows
