"""Reads for payment runs and bank accounts: lists with their totals in SQL, a run's review table and totals."""

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from agora.core.money import ZERO, round_money
from agora.treasury.models import BankAccount, PaymentLine, PaymentMethod, PaymentRun

AMOUNT = DecimalField(max_digits=18, decimal_places=2)


def bank_account_list(*, organisation, active_only: bool = False) -> QuerySet:
    qs = BankAccount.objects.filter(organisation=organisation).select_related("account", "journal")
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("-is_default", "label", "pk")


def bank_account_get(*, organisation, pk) -> BankAccount:
    return BankAccount.objects.select_related("account", "journal").get(organisation=organisation, pk=pk)


def run_list(*, organisation, state: str = "") -> QuerySet:
    """Runs newest first with their selected lines' count and amounts (one query)."""
    kept = Q(lines__selected=True)
    qs = (PaymentRun.objects.filter(organisation=organisation)
          .select_related("bank_account", "bank_account__journal", "created_by", "approved_by")
          .annotate(count=Count("lines", filter=kept),
                    blocked=Count("lines", filter=~Q(lines__blocked_reason="")),
                    amount=Coalesce(Sum("lines__amount", filter=kept), Value(ZERO), output_field=AMOUNT),
                    escompte=Coalesce(Sum("lines__escompte_amount", filter=kept), Value(ZERO), output_field=AMOUNT)))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-date", "-id")


def run_get(*, organisation, pk) -> PaymentRun:
    return (PaymentRun.objects.select_related("bank_account", "bank_account__account", "bank_account__journal",
                                              "entry", "entry__journal", "entry__fiscal_year", "created_by",
                                              "approved_by", "executed_by")
            .get(organisation=organisation, pk=pk))


def run_lines(*, run, selected: bool | None = None, blocked: bool | None = None, search: str = "",
              method: str = "") -> QuerySet:
    """The review table, grouped by supplier then due date."""
    qs = (PaymentLine.objects.filter(organisation_id=run.organisation_id, run=run).select_related("party")
          .order_by("party__name", "party_id", "due_date", "id"))
    if selected is not None:
        qs = qs.filter(selected=selected)
    if blocked is not None:
        qs = qs.exclude(blocked_reason="") if blocked else qs.filter(blocked_reason="")
    if method:
        qs = qs.filter(method=method)
    if search:
        search = search.strip()
        qs = qs.filter(Q(party__name__icontains=search) | Q(party__code__icontains=search)
                       | Q(reference__icontains=search) | Q(supplier_reference__icontains=search))
    return qs


def run_line_get(*, organisation, pk) -> PaymentLine:
    return PaymentLine.objects.select_related("run", "party").get(organisation=organisation, pk=pk)


def run_totals(*, run) -> dict:
    """Selected lines' count, suppliers, amounts due/escompte/paid, per method; blocked lines (one query)."""
    kept = Q(selected=True)
    aggregates = {
        "count": Count("id", filter=kept), "lines": Count("id"),
        "suppliers": Count("party_id", filter=kept, distinct=True),
        "blocked": Count("id", filter=~Q(blocked_reason="")),
        "sum_due": Sum("amount_due", filter=kept), "sum_escompte": Sum("escompte_amount", filter=kept),
        "sum_paid": Sum("amount", filter=kept),
    }
    for method in PaymentMethod:
        aggregates[f"sum_{method.value}"] = Sum("amount", filter=kept & Q(method=method.value))
    found = PaymentLine.objects.filter(organisation_id=run.organisation_id, run=run).aggregate(**aggregates)
    totals = {key: value for key, value in found.items() if not key.startswith("sum_")}
    totals.update(amount_due=round_money(found["sum_due"] or ZERO), escompte=round_money(found["sum_escompte"] or ZERO),
                  amount=round_money(found["sum_paid"] or ZERO))
    totals["methods"] = [(method.label, round_money(found[f"sum_{method.value}"]))
                         for method in PaymentMethod if found[f"sum_{method.value}"]]
    return totals
