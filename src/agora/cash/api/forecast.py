"""Cash position and cash forecast routes of the JSON API, with the forecast's recurring items and manual lines.
treasury.view to read, treasury.write to edit."""

from datetime import date

from django.utils import timezone
from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for

from ..selectors import registers as selectors
from ..selectors.balances import cash_position
from ..selectors.forecast import forecast as forecast_of
from ..services import forecast as services

router = Router(tags=["caisse — trésorerie et budget"])
PREFIX = "/orgs/{org}"


class CashPositionRowOut(Schema):
    kind: str
    label: str
    account_code: str
    balance: Money
    bank_balance: Money | None
    bank_balance_date: date | None


class CashPositionOut(Schema):
    on: date
    rows: list[CashPositionRowOut]
    total: Money


class CashForecastRowOut(Schema):
    category: str
    label: str
    amounts: list[Money]
    total: Money


class CashForecastItemOut(Schema):
    due: date
    category: str
    label: str
    amount: Money
    source: str
    inflow: bool


class CashForecastOut(Schema):
    start: date
    unit: str
    columns: list[str]
    opening: Money
    inflows: list[CashForecastRowOut]
    outflows: list[CashForecastRowOut]
    inflow_totals: list[Money]
    outflow_totals: list[Money]
    net: list[Money]
    openings: list[Money]
    closings: list[Money]
    actual: list[Money | None]
    items: list[CashForecastItemOut]


class CashRecurringIn(Schema):
    label: str
    amount: AmountIn
    direction: str = "out"
    category: str = "autre"
    frequency: str = "monthly"
    day_of_month: int = 1
    start_date: date
    end_date: date | None = None
    active: bool = True


class CashRecurringOut(Schema):
    id: int
    label: str
    amount: Money
    direction: str
    category: str
    frequency: str
    day_of_month: int
    start_date: date
    end_date: date | None
    active: bool


class CashForecastLineIn(Schema):
    date: date
    label: str
    amount: AmountIn
    direction: str = "out"
    category: str = "autre"


class CashForecastLineOut(Schema):
    id: int
    date: date
    label: str
    amount: Money
    direction: str
    category: str


@router.get(PREFIX + "/cash-position", response={200: CashPositionOut, **ERRORS}, summary="Situation de trésorerie")
def position(request, org: str, on: date | None = None):
    """Book balances of bank accounts, cash registers and transfers in transit at the end of `on`."""
    organisation = organisation_for(request, org, "treasury.view")
    result = cash_position(organisation, on or timezone.localdate())
    return {"on": result.on, "rows": [row.__dict__ for row in result.rows], "total": result.total}


def _rows(rows) -> list[dict]:
    return [{"category": r.category, "label": r.label, "amounts": r.amounts, "total": r.total} for r in rows]


@router.get(PREFIX + "/cash-forecast", response={200: CashForecastOut, **ERRORS}, summary="Budget de trésorerie")
def forecast(request, org: str, start: date | None = None, unit: str = "week", count: int | None = None):
    """By week (13 by default) or month (12): the first column holds the overdue items."""
    organisation = organisation_for(request, org, "treasury.view")
    day = timezone.localdate()
    result = forecast_of(organisation, start=start or day, unit=unit, count=min(count or 0, 24) or None, today=day)
    return {"start": result.start, "unit": result.unit, "columns": [c.label for c in result.columns],
            "opening": result.opening, "inflows": _rows(result.inflows), "outflows": _rows(result.outflows),
            "inflow_totals": result.inflow_totals, "outflow_totals": result.outflow_totals, "net": result.net,
            "openings": result.openings, "closings": result.closings, "actual": result.actual,
            "items": [item.__dict__ for item in result.items]}


@router.get(PREFIX + "/cash-recurring-items", response={200: list[CashRecurringOut], **ERRORS},
            summary="Échéances récurrentes du budget")
def recurring(request, org: str):
    organisation = organisation_for(request, org, "treasury.view")
    return list(selectors.recurring_list(organisation=organisation))


@router.post(PREFIX + "/cash-recurring-items", response={201: CashRecurringOut, **BODY_ERRORS},
             summary="Ajouter une échéance récurrente")
def recurring_new(request, org: str, payload: CashRecurringIn):
    organisation = organisation_for(request, org, "treasury.write")
    return Status(201, services.recurring_create(actor=request.auth, organisation=organisation,
                                                 data=payload.dict()))


@router.put(PREFIX + "/cash-recurring-items/{item_id}", response={200: CashRecurringOut, **BODY_ERRORS},
            summary="Modifier une échéance récurrente")
def recurring_put(request, org: str, item_id: int, payload: CashRecurringIn):
    organisation = organisation_for(request, org, "treasury.write")
    item = selectors.recurring_get(organisation=organisation, pk=item_id)
    return services.recurring_update(actor=request.auth, item=item, data=payload.dict())


@router.delete(PREFIX + "/cash-recurring-items/{item_id}", response={204: None, **ERRORS},
               summary="Supprimer une échéance récurrente")
def recurring_delete(request, org: str, item_id: int):
    organisation = organisation_for(request, org, "treasury.write")
    services.recurring_delete(actor=request.auth, item=selectors.recurring_get(organisation=organisation, pk=item_id))
    return Status(204, None)


@router.get(PREFIX + "/cash-forecast-lines", response={200: list[CashForecastLineOut], **ERRORS},
            summary="Lignes prévisionnelles du budget")
def forecast_lines(request, org: str):
    organisation = organisation_for(request, org, "treasury.view")
    return list(selectors.forecast_line_list(organisation=organisation))


@router.post(PREFIX + "/cash-forecast-lines", response={201: CashForecastLineOut, **BODY_ERRORS},
             summary="Ajouter une ligne prévisionnelle")
def forecast_line_new(request, org: str, payload: CashForecastLineIn):
    organisation = organisation_for(request, org, "treasury.write")
    return Status(201, services.forecast_line_create(actor=request.auth, organisation=organisation,
                                                     data=payload.dict()))


@router.delete(PREFIX + "/cash-forecast-lines/{line_id}", response={204: None, **ERRORS},
               summary="Supprimer une ligne prévisionnelle")
def forecast_line_delete(request, org: str, line_id: int):
    organisation = organisation_for(request, org, "treasury.write")
    services.forecast_line_delete(actor=request.auth,
                                  line=selectors.forecast_line_get(organisation=organisation, pk=line_id))
    return Status(204, None)
