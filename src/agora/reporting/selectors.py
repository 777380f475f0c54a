"""Figures of the sales dashboard, each one SQL aggregate (no row is loaded to be summed in Python).

Two sources, each for what it knows best:
- the ledger (posted lines) for the monthly turnover — class 70 accounts of the sales journals, net of
  credit notes; membership fees (756) and donations (754) are class 75, never sales — and for the customer
  receivables and the TTC turnover behind the days sales outstanding;
- the sales documents (validated invoices minus validated credit notes; deposit invoices left out, the final
  invoice carries the sale) for the turnover per product and per customer, the volumes and the average basket.

A document's turnover is its commercial net (after trade reductions, before the cash discount, which is a
financial charge on 665) plus shipping (708x): exactly what its entry credits to class 70.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from agora.core.money import ZERO, round_money
from agora.ledger.models import EntryLine, FiscalYear, Journal
from agora.sales.models import DocumentKind, DocumentState, SalesDocument, SalesLine
from agora.sales.selectors.payments import open_invoices

MONEY = DecimalField(max_digits=18, decimal_places=2)
QUANTITY = DecimalField(max_digits=18, decimal_places=4)
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]
TURNOVER_PREFIX = "70"
NOT_SALES_PREFIXES = ("754", "756")  # donations and membership fees (association chart): never turnover
RECEIVABLE_PREFIXES = ("411", "416")
RANKED = 10


def _money(value) -> Decimal:
    """An aggregate as Decimal cents (SQLite sums decimals in floating point)."""
    if value is None:
        return ZERO
    return round_money(value if isinstance(value, Decimal) else Decimal(str(value)))


def _year_ago(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


# --- ledger: monthly turnover, receivables, DSO ------------------------------------------------------------

def _turnover_lines(organisation):
    """Posted lines of class 70 accounts in the sales journals (credit notes included, as debits)."""
    not_sales = Q()
    for prefix in NOT_SALES_PREFIXES:
        not_sales |= Q(account__code__startswith=prefix)
    return (EntryLine.objects.posted().filter(organisation=organisation, journal__kind=Journal.Kind.SALE,
                                     account__code__startswith=TURNOVER_PREFIX)
            .exclude(not_sales))


@dataclass
class MonthRow:
    month: int
    label: str
    current: Decimal
    previous: Decimal

    @property
    def change(self) -> Decimal | None:
        """Change on last year's month, in % (None when last year is zero)."""
        if not self.previous:
            return None
        return round_money((self.current - self.previous) * 100 / self.previous)


def monthly_turnover(*, organisation, year: int) -> list[MonthRow]:
    """Net turnover HT per calendar month of `year` and of the year before (credits − debits on class 70 of the
    sales journals), in one GROUP BY year, month."""
    sums = (_turnover_lines(organisation).filter(date__gte=date(year - 1, 1, 1), date__lte=date(year, 12, 31))
            .annotate(y=ExtractYear("date"), m=ExtractMonth("date")).order_by().values("y", "m")
            .annotate(credit=Sum("credit"), debit=Sum("debit")))
    table = {(row["y"], row["m"]): _money(row["credit"]) - _money(row["debit"]) for row in sums}
    return [MonthRow(month=m, label=MONTHS[m - 1], current=table.get((year, m), ZERO),
                     previous=table.get((year - 1, m), ZERO)) for m in range(1, 13)]


def _receivable_lines(organisation):
    """Posted lines of the customer accounts; opening entries of later years repeat balances already counted."""
    receivable = Q()
    for prefix in RECEIVABLE_PREFIXES:
        receivable |= Q(account__code__startswith=prefix)
    lines = EntryLine.objects.posted().filter(receivable, organisation=organisation)
    first_year = FiscalYear.objects.filter(organisation=organisation).order_by("start_date").first()
    if first_year is not None:
        lines = lines.exclude(Q(journal__kind=Journal.Kind.OPENING) & ~Q(fiscal_year=first_year))
    return lines


def customer_receivables(*, organisation, as_of: date) -> Decimal:
    """Balance of the customer accounts (411, 416) on `as_of`: what customers owe, TTC."""
    sums = _receivable_lines(organisation).filter(date__lte=as_of).aggregate(d=Sum("debit"), c=Sum("credit"))
    return _money(sums["d"]) - _money(sums["c"])


def turnover_ttc_12_months(*, organisation, as_of: date) -> Decimal:
    """Invoiced TTC minus credited TTC over the twelve months up to `as_of` (411 side of the sales journals)."""
    sums = (_receivable_lines(organisation)
            .filter(journal__kind=Journal.Kind.SALE, date__gt=_year_ago(as_of), date__lte=as_of)
            .aggregate(d=Sum("debit"), c=Sum("credit")))
    return _money(sums["d"]) - _money(sums["c"])


def days_sales_outstanding(*, receivables: Decimal, turnover_ttc: Decimal) -> Decimal | None:
    """DSO = receivables / TTC turnover of the last 12 months × 365, in days (one decimal)."""
    if turnover_ttc <= 0:
        return None
    return (receivables * 365 / turnover_ttc).quantize(Decimal("0.1"))


# --- sales documents: per product, per customer, volumes -----------------------------------------------------

def _sales_documents(organisation, date_from: date, date_to: date):
    return SalesDocument.objects.filter(organisation=organisation, state=DocumentState.VALIDATED,
                                        kind__in=[DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE], is_deposit=False,
                                        date__gte=date_from, date__lte=date_to)


@dataclass
class ProductRow:
    product_id: int | None
    reference: str
    label: str
    quantity: Decimal
    turnover: Decimal
    invoices: int


@dataclass
class CustomerRow:
    party_id: int
    code: str
    name: str
    turnover: Decimal
    invoices: int
    credit_notes: int

    @property
    def average_basket(self) -> Decimal | None:
        return round_money(self.turnover / self.invoices) if self.invoices else None


def turnover_by_product(*, organisation, date_from: date, date_to: date) -> list[ProductRow]:
    """Per article: quantity sold and line net HT (invoices − credit notes), highest first. Line amounts are
    before the document-level trade reductions; free lines (no article) make one row."""
    lines = SalesLine.objects.filter(document__in=_sales_documents(organisation, date_from, date_to).values("pk"),
                                     organisation=organisation)
    sign_kind = "document__kind"
    rows = (lines.order_by().values("product_id", "product__reference", "product__label")
            .annotate(quantity=Sum(Case(When(**{sign_kind: DocumentKind.CREDIT_NOTE}, then=-F("quantity")),
                                        default=F("quantity"), output_field=QUANTITY)),
                      turnover=Sum(Case(When(**{sign_kind: DocumentKind.CREDIT_NOTE}, then=-F("net_amount")),
                                        default=F("net_amount"), output_field=MONEY)),
                      invoices=Count("document", distinct=True,
                                     filter=Q(document__kind=DocumentKind.INVOICE))))
    out = [ProductRow(product_id=r["product_id"], reference=r["product__reference"] or "",
                      label=r["product__label"] or "Lignes sans article",
                      quantity=Decimal(str(r["quantity"] or 0)).quantize(Decimal("0.0001")),
                      turnover=_money(r["turnover"]), invoices=r["invoices"]) for r in rows]
    out.sort(key=lambda r: (-r.turnover, r.reference))
    return out


def turnover_by_customer(*, organisation, date_from: date, date_to: date) -> list[CustomerRow]:
    """Per customer: turnover HT (invoices − credit notes), number of invoices and credit notes, highest first."""
    amount = F("commercial_net") + F("shipping")
    rows = (_sales_documents(organisation, date_from, date_to).order_by()
            .values("party_id", "party__code", "party__name")
            .annotate(turnover=Sum(Case(When(kind=DocumentKind.CREDIT_NOTE, then=-amount), default=amount,
                                        output_field=MONEY)),
                      invoices=Count("id", filter=Q(kind=DocumentKind.INVOICE)),
                      credit_notes=Count("id", filter=Q(kind=DocumentKind.CREDIT_NOTE))))
    out = [CustomerRow(party_id=r["party_id"], code=r["party__code"], name=r["party__name"],
                       turnover=_money(r["turnover"]), invoices=r["invoices"], credit_notes=r["credit_notes"])
           for r in rows]
    out.sort(key=lambda r: (-r.turnover, r.code))
    return out


@dataclass
class Volume:
    invoices: int
    credit_notes: int
    invoiced: Decimal  # HT of the invoices
    credited: Decimal  # HT of the credit notes
    quantity: Decimal  # units on invoice lines minus credit note lines

    @property
    def turnover(self) -> Decimal:
        return self.invoiced - self.credited

    @property
    def average_basket(self) -> Decimal | None:
        """Turnover HT / number of invoices."""
        return round_money(self.turnover / self.invoices) if self.invoices else None


def sales_volume(*, organisation, date_from: date, date_to: date) -> Volume:
    amount = F("commercial_net") + F("shipping")
    documents = _sales_documents(organisation, date_from, date_to)
    sums = documents.aggregate(
        invoices=Count("id", filter=Q(kind=DocumentKind.INVOICE)),
        credit_notes=Count("id", filter=Q(kind=DocumentKind.CREDIT_NOTE)),
        invoiced=Coalesce(Sum(amount, filter=Q(kind=DocumentKind.INVOICE), output_field=MONEY), Value(ZERO),
                          output_field=MONEY),
        credited=Coalesce(Sum(amount, filter=Q(kind=DocumentKind.CREDIT_NOTE), output_field=MONEY), Value(ZERO),
                          output_field=MONEY))
    quantity = (SalesLine.objects.filter(organisation=organisation, document__in=documents.values("pk"))
                .aggregate(q=Sum(Case(When(document__kind=DocumentKind.CREDIT_NOTE, then=-F("quantity")),
                                      default=F("quantity"), output_field=QUANTITY)))["q"])
    return Volume(invoices=sums["invoices"], credit_notes=sums["credit_notes"], invoiced=_money(sums["invoiced"]),
                  credited=_money(sums["credited"]),
                  quantity=Decimal(str(quantity or 0)).quantize(Decimal("0.0001")))


# --- overdue -------------------------------------------------------------------------------------------------

@dataclass
class Overdue:
    count: int
    amount: Decimal
    invoices: list = field(default_factory=list)  # the oldest ones, annotated open_amount (sales selectors)


def overdue_invoices(*, organisation, as_of: date, shown: int = RANKED) -> Overdue:
    """Validated invoices past their due date on `as_of` with an open amount (sales.selectors.payments)."""
    late = open_invoices(organisation=organisation, as_of=as_of).filter(due_date__lt=as_of)
    sums = late.aggregate(count=Count("id"), amount=Sum("open_amount"))
    invoices = list(late[:shown])
    for invoice in invoices:
        invoice.days_late = (as_of - invoice.due_date).days
    return Overdue(count=sums["count"] or 0, amount=_money(sums["amount"]), invoices=invoices)


# --- the whole dashboard --------------------------------------------------------------------------------------

@dataclass
class SalesDashboard:
    year: int
    as_of: date
    months: list[MonthRow]
    products: list[ProductRow]
    customers: list[CustomerRow]
    volume: Volume
    overdue: Overdue
    receivables: Decimal
    turnover_ttc_12_months: Decimal
    dso: Decimal | None

    @property
    def ledger_turnover(self) -> Decimal:
        return sum((m.current for m in self.months), ZERO)

    @property
    def ledger_turnover_previous(self) -> Decimal:
        return sum((m.previous for m in self.months), ZERO)

    @property
    def ledger_turnover_previous_to_date(self) -> Decimal:
        """Last year over the same months (January to the month of `as_of`), for a fair comparison."""
        last = self.as_of.month if self.as_of.year == self.year else 12
        return sum((m.previous for m in self.months if m.month <= last), ZERO)


def dashboard_as_of(year: int, today: date) -> date:
    """The day the dashboard of `year` is computed at: today within the current year, else 31 December."""
    if year >= today.year:
        return today if year == today.year else date(year, 12, 31)
    return date(year, 12, 31)


def sales_dashboard(*, organisation, year: int, as_of: date) -> SalesDashboard:
    date_from, date_to = date(year, 1, 1), date(year, 12, 31)
    receivables = customer_receivables(organisation=organisation, as_of=as_of)
    turnover_ttc = turnover_ttc_12_months(organisation=organisation, as_of=as_of)
    return SalesDashboard(
        year=year, as_of=as_of,
        months=monthly_turnover(organisation=organisation, year=year),
        products=turnover_by_product(organisation=organisation, date_from=date_from, date_to=date_to),
        customers=turnover_by_customer(organisation=organisation, date_from=date_from, date_to=date_to),
        volume=sales_volume(organisation=organisation, date_from=date_from, date_to=date_to),
        overdue=overdue_invoices(organisation=organisation, as_of=as_of),
        receivables=receivables, turnover_ttc_12_months=turnover_ttc,
        dso=days_sales_outstanding(receivables=receivables, turnover_ttc=turnover_ttc),
    )


def dashboard_years(*, organisation, today: date) -> list[int]:
    """Years offered by the filter: those of the fiscal years, and the current one, newest first."""
    years = {today.year}
    for start, end in FiscalYear.objects.filter(organisation=organisation).values_list("start_date", "end_date"):
        years.update(range(start.year, end.year + 1))
    return sorted(years, reverse=True)
