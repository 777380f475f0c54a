"""Reads about provisions: the list, the état des provisions of a fiscal year (start, dotations, reversals,
end, per category, summed in SQL), the customers the aged balance shows as overdue, and the yearly review."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from agora.core.money import ZERO
from agora.ledger.models import FiscalYear
from agora.sales.selectors.payments import aged_balance

from ..models import Provision, ProvisionMovement, ProvisionReview

CATEGORIES = [(Provision.Kind.RISK, "Provisions pour risques (15…)"),
              (Provision.Kind.CHARGE, "Provisions pour charges (15…)"),
              (Provision.Kind.CUSTOMER, "Dépréciations des comptes clients (491)")]


@dataclass
class ProvisionTableRow:
    label: str
    start: Decimal = ZERO
    dotations: Decimal = ZERO
    reversals: Decimal = ZERO

    @property
    def end(self) -> Decimal:
        return self.start + self.dotations - self.reversals


@dataclass
class ProvisionTable:
    fiscal_year: FiscalYear
    rows: list[ProvisionTableRow] = field(default_factory=list)
    total: ProvisionTableRow = field(default_factory=lambda: ProvisionTableRow("Total"))


def provision_list(*, organisation, state: str = "", kind: str = "") -> QuerySet:
    queryset = Provision.objects.filter(organisation=organisation).select_related("account", "party")
    if state:
        queryset = queryset.filter(state=state)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("state", "kind", "label", "pk")


def provision_get(*, organisation, pk: int) -> Provision:
    return Provision.objects.select_related("account", "party").get(organisation=organisation, pk=pk)


def provision_movements(provision: Provision) -> QuerySet:
    return provision.movements.select_related("entry", "entry__journal").order_by("date", "pk")


def _signed(kind: str, before: date | None = None, start: date | None = None, end: date | None = None):
    condition = Q(movements__kind=kind)
    if before is not None:
        condition &= Q(movements__date__lt=before)
    if start is not None:
        condition &= Q(movements__date__gte=start, movements__date__lte=end)
    return Sum("movements__amount", filter=condition)


def provision_table(*, organisation, fiscal_year: FiscalYear) -> ProvisionTable:
    """The état des provisions for the year: one aggregate query grouped by category."""
    start, end = fiscal_year.start_date, fiscal_year.end_date
    grouped = {row["kind"]: row for row in Provision.objects.filter(organisation=organisation).order_by()
               .values("kind").annotate(
                   before_up=_signed(ProvisionMovement.Kind.DOTATION, before=start),
                   before_down=_signed(ProvisionMovement.Kind.REVERSAL, before=start),
                   up=_signed(ProvisionMovement.Kind.DOTATION, start=start, end=end),
                   down=_signed(ProvisionMovement.Kind.REVERSAL, start=start, end=end))}
    table = ProvisionTable(fiscal_year=fiscal_year)
    for kind, label in CATEGORIES:
        values = grouped.get(kind, {})
        row = ProvisionTableRow(label, start=(values.get("before_up") or ZERO) - (values.get("before_down") or ZERO),
                                dotations=values.get("up") or ZERO, reversals=values.get("down") or ZERO)
        table.rows.append(row)
        table.total.start += row.start
        table.total.dotations += row.dotations
        table.total.reversals += row.reversals
    return table


def overdue_customers(*, organisation, as_of: date) -> list:
    """Customers with invoices overdue by more than 60 days (the aged balance), not already doubtful."""
    doubtful = set(Provision.objects.filter(organisation=organisation, kind=Provision.Kind.CUSTOMER,
                                            state=Provision.State.OPEN).values_list("party_id", flat=True))
    report = aged_balance(organisation=organisation, as_of=as_of)
    return [row for row in report.rows if row.party_id not in doubtful and (row.d61_90 + row.over_90) > 0]


def provisions_reviewed(fiscal_year: FiscalYear) -> ProvisionReview | None:
    """The latest review recorded for the year, or None (the year-end checklist's question)."""
    return (ProvisionReview.objects.filter(organisation_id=fiscal_year.organisation_id, fiscal_year=fiscal_year)
            .select_related("reviewed_by").order_by("-reviewed_at").first())
