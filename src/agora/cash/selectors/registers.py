"""Reads of the cash app's own objects, always scoped to the organisation."""

from django.db.models import Q

from ..models import CashCount, CashMovement, CashRegister, ForecastLine, RecurringItem


def register_list(*, organisation, active_only: bool = False):
    queryset = CashRegister.objects.filter(organisation=organisation).select_related("account", "journal")
    return queryset.filter(active=True) if active_only else queryset


def register_get(*, organisation, pk) -> CashRegister:
    return register_list(organisation=organisation).get(pk=pk)


def movement_list(*, register: CashRegister, date_from=None, date_to=None, direction: str = "", search: str = ""):
    queryset = CashMovement.objects.filter(organisation_id=register.organisation_id, register=register).select_related(
        "counter_account", "party", "entry__journal", "entry__fiscal_year")
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if direction:
        queryset = queryset.filter(direction=direction)
    if search:
        queryset = queryset.filter(Q(label__icontains=search) | Q(reference__icontains=search)
                                   | Q(party__name__icontains=search))
    return queryset


def movement_get(*, organisation, pk) -> CashMovement:
    return CashMovement.objects.filter(organisation=organisation).select_related(
        "register", "counter_account", "party", "entry").get(pk=pk)


def count_list(*, register: CashRegister):
    return CashCount.objects.filter(organisation_id=register.organisation_id, register=register).select_related(
        "validated_by")


def count_get(*, organisation, pk) -> CashCount:
    return CashCount.objects.filter(organisation=organisation).select_related(
        "register__account", "register__journal", "entry", "validated_by", "organisation").get(pk=pk)


def recurring_list(*, organisation):
    return RecurringItem.objects.filter(organisation=organisation)


def recurring_get(*, organisation, pk) -> RecurringItem:
    return recurring_list(organisation=organisation).get(pk=pk)


def forecast_line_list(*, organisation):
    return ForecastLine.objects.filter(organisation=organisation)


def forecast_line_get(*, organisation, pk) -> ForecastLine:
    return forecast_line_list(organisation=organisation).get(pk=pk)
