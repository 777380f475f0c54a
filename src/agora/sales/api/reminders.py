"""Reminder routes of the JSON API, under /api/v1/orgs/{org}/: prepare a run, review it (skip / unskip), send it,
download its letters. sales.view to read, sales.write to prepare and review, sales.validate to send."""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, Money, organisation_for
from agora.sales.models import Reminder
from agora.sales.selectors import reminders as selectors
from agora.sales.services import reminders as services

router = Router(tags=["ventes — relances"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
PDF_RESPONSE = {"responses": {200: {"description": "Lettres de relance (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}


class PrepareIn(Schema):
    on: date


class RunOut(Schema):
    id: int
    date: date
    state: str
    count: int
    skipped: int
    customers: int
    amount_due: Money
    interest: Money
    fixed_fee: Money
    claimed: Money
    created_at: datetime


class ReminderOut(Schema):
    id: int
    run: int
    invoice: int
    invoice_number: str
    due_date: date | None
    party: int
    party_code: str
    party_name: str
    level: int
    level_label: str
    days_late: int
    amount_due: Money
    interest: Money
    fixed_fee: Money
    state: str
    sent_at: datetime | None


class ReminderPageOut(Schema):
    count: int
    results: list[ReminderOut]


class ReminderFilters(Schema):
    state: str | None = None
    level: int | None = None
    search: str | None = None
    limit: int = 100
    offset: int = 0


class RunDeletedOut(Schema):
    deleted: bool


def _run_out(run) -> dict:
    totals = selectors.run_totals(run=run)
    return {"id": run.pk, "date": run.date, "state": run.state, "created_at": run.created_at,
            **{key: totals[key] for key in ("count", "skipped", "customers", "amount_due", "interest", "fixed_fee",
                                            "claimed")}}


def _reminder_out(r: Reminder) -> dict:
    return {"id": r.pk, "run": r.run_id, "invoice": r.invoice_id, "invoice_number": r.invoice.number,
            "due_date": r.invoice.due_date, "party": r.party_id, "party_code": r.party.code,
            "party_name": r.party.name, "level": r.level, "level_label": r.get_level_display(),
            "days_late": r.days_late, "amount_due": r.amount_due, "interest": r.interest, "fixed_fee": r.fixed_fee,
            "state": r.state, "sent_at": r.sent_at}


def _reminder(organisation, reminder_id: int) -> Reminder:
    return Reminder.objects.select_related("invoice", "party", "run").get(organisation=organisation,
                                                                          pk=reminder_id)


@router.get(PREFIX + "/reminder-runs", response={200: list[RunOut], **ERRORS}, summary="Campagnes de relance")
def run_list(request, org: str):
    organisation = organisation_for(request, org, "sales.view")
    return [_run_out(run) for run in selectors.run_list(organisation=organisation)[:MAX_LIMIT]]


@router.post(PREFIX + "/reminder-runs", response={201: RunOut, **BODY_ERRORS}, summary="Préparer une campagne")
def run_prepare(request, org: str, payload: PrepareIn):
    """Propose a reminder for every validated invoice overdue at `on` and due for a new level."""
    organisation = organisation_for(request, org, "sales.write")
    run = services.reminder_run_prepare(actor=request.auth, organisation=organisation, on=payload.on)
    return Status(201, _run_out(run))


@router.get(PREFIX + "/reminder-runs/{run_id}", response={200: RunOut, **ERRORS}, summary="Une campagne")
def run_detail(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "sales.view")
    return _run_out(selectors.run_get(organisation=organisation, pk=run_id))


@router.get(PREFIX + "/reminder-runs/{run_id}/reminders", response={200: ReminderPageOut, **ERRORS},
            summary="Relances d'une campagne")
def run_reminders(request, org: str, run_id: int, filters: Query[ReminderFilters]):
    organisation = organisation_for(request, org, "sales.view")
    run = selectors.run_get(organisation=organisation, pk=run_id)
    queryset = selectors.run_reminders(run=run, state=filters.state, level=filters.level,
                                       search=(filters.search or "").strip())
    limit, offset = max(1, min(filters.limit, MAX_LIMIT)), max(0, filters.offset)
    return {"count": queryset.count(), "results": [_reminder_out(r) for r in queryset[offset:offset + limit]]}


@router.post(PREFIX + "/reminders/{reminder_id}/skip", response={200: ReminderOut, **ERRORS},
             summary="Écarter une relance")
def reminder_skip(request, org: str, reminder_id: int):
    organisation = organisation_for(request, org, "sales.write")
    services.reminder_skip(actor=request.auth, reminder=_reminder(organisation, reminder_id))
    return _reminder_out(_reminder(organisation, reminder_id))


@router.post(PREFIX + "/reminders/{reminder_id}/unskip", response={200: ReminderOut, **ERRORS},
             summary="Réintégrer une relance")
def reminder_unskip(request, org: str, reminder_id: int):
    organisation = organisation_for(request, org, "sales.write")
    services.reminder_unskip(actor=request.auth, reminder=_reminder(organisation, reminder_id))
    return _reminder_out(_reminder(organisation, reminder_id))


@router.post(PREFIX + "/reminder-runs/{run_id}/send", response={200: RunOut, **ERRORS},
             summary="Envoyer une campagne")
def run_send(request, org: str, run_id: int):
    """E-mail each customer with an address its letter (PDF attached) and mark the reminders sent."""
    organisation = organisation_for(request, org, "sales.validate")
    run = services.reminder_run_send(actor=request.auth, run=selectors.run_get(organisation=organisation,
                                                                               pk=run_id))
    return _run_out(run)


@router.delete(PREFIX + "/reminder-runs/{run_id}", response={200: RunDeletedOut, **ERRORS},
               summary="Supprimer une campagne en revue")
def run_delete(request, org: str, run_id: int):
    organisation = organisation_for(request, org, "sales.write")
    services.reminder_run_delete(actor=request.auth, run=selectors.run_get(organisation=organisation, pk=run_id))
    return {"deleted": True}


@router.get(PREFIX + "/reminder-runs/{run_id}/letters.pdf", response={200: None, **ERRORS},
            summary="Lettres de relance (PDF)", openapi_extra=PDF_RESPONSE)
def run_letters_pdf(request, org: str, run_id: int, postal: bool = False):
    """All the letters of the run; `postal=true`: only those not delivered by e-mail."""
    organisation = organisation_for(request, org, "sales.view")
    run = selectors.run_get(organisation=organisation, pk=run_id)
    response = HttpResponse(services.reminder_run_pdf(run=run, postal_only=postal), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="relances-{run.date:%Y%m%d}.pdf"'
    return response
