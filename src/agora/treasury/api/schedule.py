"""The supplier payment schedule in the JSON API: open supplier items by due date, with per-period totals."""

from datetime import date

from ninja import Query, Router, Schema

from agora.core.api import ERRORS, Money, organisation_for
from agora.core.views import today
from agora.treasury.selectors.items import open_items, schedule_rows, schedule_summary, schedule_totals

router = Router(tags=["trésorerie — échéancier"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500


class ScheduleFilters(Schema):
    search: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    overdue: bool = False
    period: str = "month"
    limit: int = 100
    offset: int = 0


class ItemOut(Schema):
    line: int
    due_date: date
    party: int
    party_code: str
    party_name: str
    reference: str
    date: date
    label: str
    amount: Money
    open_amount: Money
    overdue: bool


class SchedulePeriodOut(Schema):
    start: date
    count: int
    total: Money


class ScheduleOut(Schema):
    count: int
    total: Money
    overdue: Money
    periods: list[SchedulePeriodOut]
    results: list[ItemOut]


@router.get(PREFIX + "/payment-schedule", response={200: ScheduleOut, **ERRORS}, summary="Échéancier fournisseurs")
def payment_schedule(request, org: str, filters: Query[ScheduleFilters]):
    """Open supplier items (ledger lines on 401/404 not fully matched) by due date; `period`: month or week."""
    organisation = organisation_for(request, org, "treasury.view")
    day = today()
    queryset = open_items(organisation=organisation, search=filters.search or "", date_from=filters.date_from,
                          date_to=filters.date_to, overdue_on=day if filters.overdue else None)
    summary = schedule_summary(queryset, today=day)
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    rows = schedule_rows(queryset)[offset:offset + limit]
    return {"count": summary["count"], "total": summary["total"], "overdue": summary["overdue"],
            "periods": schedule_totals(queryset, period="week" if filters.period == "week" else "month"),
            "results": [{"line": line.pk, "due_date": line.due_date, "party": line.party_id,
                         "party_code": line.party.code, "party_name": line.party.name,
                         "reference": line.entry.reference, "date": line.date, "label": line.label,
                         "amount": line.credit, "open_amount": line.open_amount, "overdue": line.due_date < day}
                        for line in rows]}
