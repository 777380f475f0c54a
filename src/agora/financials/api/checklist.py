"""The year-end checklist in the JSON API: each point's state, and an accountant's override (with a reason) or
its withdrawal."""

from datetime import datetime

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, organisation_for

from ..models import ChecklistOverride
from ..selectors.checklist import year_checklist
from ..services.checklist import checklist_override_create, checklist_override_withdraw
from .statements import PREFIX, fiscal_year_of

router = Router(tags=["états financiers — contrôles de fin d'exercice"])


class FinOverrideOut(Schema):
    id: int
    fiscal_year: str
    item: str
    reason: str
    created_at: datetime
    created_by: str


class FinCheckOut(Schema):
    item: str
    label: str
    status: str
    status_label: str
    detail: str
    blocking: bool
    link: str | None
    override: FinOverrideOut | None


class FinChecklistOut(Schema):
    fiscal_year: str
    state: str
    blocking: int
    items: list[FinCheckOut]


class FinOverrideIn(Schema):
    fiscal_year: str | None = None
    item: str
    reason: str


class FinOverrideDeletedOut(Schema):
    deleted: bool


def _override_out(override: ChecklistOverride) -> dict:
    return {"id": override.pk, "fiscal_year": override.fiscal_year.code, "item": override.item,
            "reason": override.reason, "created_at": override.created_at,
            "created_by": override.created_by.get_full_name() or override.created_by.username}


@router.get(PREFIX + "/checklist", response={200: FinChecklistOut, **ERRORS}, summary="Contrôles de fin d'exercice")
def checklist(request, org: str, fiscal_year: str | None = None):
    """Each point: met, not_met, not_applicable or unverifiable (the app that checks it is missing); `blocking`
    points stop the ledger's closing until met or overridden."""
    organisation = organisation_for(request, org, "financials.view")
    year = fiscal_year_of(organisation, fiscal_year)
    checks = year_checklist(organisation=organisation, fiscal_year=year)
    return {"fiscal_year": year.code, "state": year.state, "blocking": sum(1 for c in checks if c.blocking),
            "items": [{"item": c.item, "label": c.label, "status": c.status, "status_label": c.status_label,
                       "detail": c.detail, "blocking": c.blocking, "link": c.link,
                       "override": _override_out(c.override) if c.override else None} for c in checks]}


@router.post(PREFIX + "/checklist/overrides", response={201: FinOverrideOut, **BODY_ERRORS},
             summary="Lever un point de contrôle (dérogation motivée)")
def override_create(request, org: str, payload: FinOverrideIn):
    organisation = organisation_for(request, org, "financials.override")
    override = checklist_override_create(actor=request.auth, organisation=organisation,
                                         fiscal_year=fiscal_year_of(organisation, payload.fiscal_year),
                                         item=payload.item, reason=payload.reason)
    return Status(201, _override_out(override))


@router.delete(PREFIX + "/checklist/overrides/{override_id}", response={200: FinOverrideDeletedOut, **ERRORS},
               summary="Retirer une dérogation")
def override_withdraw(request, org: str, override_id: int):
    organisation = organisation_for(request, org, "financials.override")
    override = ChecklistOverride.objects.select_related("fiscal_year").get(organisation=organisation, pk=override_id)
    checklist_override_withdraw(actor=request.auth, override=override)
    return {"deleted": True}
