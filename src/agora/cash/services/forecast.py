"""The cash forecast's own data: recurring items (rent, salaries, subscriptions…) and one-off manual lines."""

from datetime import date

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount

from ..models import Category, Direction, ForecastLine, RecurringItem

RECURRING_FIELDS = ["label", "amount", "direction", "category", "frequency", "day_of_month", "start_date",
                    "end_date", "active"]
LINE_FIELDS = ["date", "label", "amount", "direction", "category"]


def _common(data: dict) -> dict:
    label = (data.get("label") or "").strip()
    if not label:
        raise BusinessError("required", "Le libellé est obligatoire.", field="label")
    amount = parse_amount(data.get("amount"), field="amount")
    if amount <= 0:
        raise BusinessError("invalid_amount", "Le montant doit être positif ; le sens dit s'il entre ou sort.",
                            field="amount")
    direction = data.get("direction") or Direction.OUTFLOW
    if direction not in Direction.values:
        raise BusinessError("invalid_direction", "Sens inconnu : encaissement ou décaissement.", field="direction")
    category = data.get("category") or Category.OTHER
    if category not in Category.values:
        raise BusinessError("invalid_category", f"Catégorie inconnue : « {category} ».", field="category")
    return {"label": label[:100], "amount": amount, "direction": direction, "category": category}


def _recurring_values(data: dict) -> dict:
    values = _common(data)
    frequency = data.get("frequency") or RecurringItem.Frequency.MONTHLY
    if frequency not in RecurringItem.Frequency.values:
        raise BusinessError("invalid_frequency", f"Périodicité inconnue : « {frequency} ».", field="frequency")
    day = data.get("day_of_month") or 1
    if not isinstance(day, int) or not 1 <= day <= 31:
        raise BusinessError("invalid_day", "Le jour du mois va de 1 à 31 (31 : le dernier jour du mois).",
                            field="day_of_month")
    start, end = data.get("start_date"), data.get("end_date")
    if not isinstance(start, date):
        raise BusinessError("invalid_date", "Indiquez la date de début.", field="start_date")
    if end is not None and (not isinstance(end, date) or end < start):
        raise BusinessError("invalid_date", "La date de fin précède la date de début.", field="end_date")
    return {**values, "frequency": frequency, "day_of_month": day, "start_date": start, "end_date": end,
            "active": bool(data.get("active", True))}


@transaction.atomic
def recurring_create(*, actor, organisation, data: dict) -> RecurringItem:
    item = RecurringItem.objects.create(organisation=organisation, **_recurring_values(data))
    audit_record(organisation=organisation, actor=actor, action="cash_recurring.create", obj=item,
                 after=snapshot(item, RECURRING_FIELDS))
    return item


@transaction.atomic
def recurring_update(*, actor, item: RecurringItem, data: dict) -> RecurringItem:
    item = RecurringItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, RECURRING_FIELDS)
    current = {field: getattr(item, field) for field in RECURRING_FIELDS}
    for field, value in _recurring_values({**current, **data}).items():
        setattr(item, field, value)
    item.save()
    audit_record(organisation=item.organisation, actor=actor, action="cash_recurring.update", obj=item,
                 before=before, after=snapshot(item, RECURRING_FIELDS))
    return item


@transaction.atomic
def recurring_delete(*, actor, item: RecurringItem) -> None:
    audit_record(organisation=item.organisation, actor=actor, action="cash_recurring.delete", obj=item,
                 before=snapshot(item, RECURRING_FIELDS))
    item.delete()


@transaction.atomic
def forecast_line_create(*, actor, organisation, data: dict) -> ForecastLine:
    values = _common(data)
    if not isinstance(data.get("date"), date):
        raise BusinessError("invalid_date", "Indiquez la date prévue.", field="date")
    line = ForecastLine.objects.create(organisation=organisation, date=data["date"], **values)
    audit_record(organisation=organisation, actor=actor, action="cash_forecast_line.create", obj=line,
                 after=snapshot(line, LINE_FIELDS))
    return line


@transaction.atomic
def forecast_line_delete(*, actor, line: ForecastLine) -> None:
    audit_record(organisation=line.organisation, actor=actor, action="cash_forecast_line.delete", obj=line,
                 before=snapshot(line, LINE_FIELDS))
    line.delete()
