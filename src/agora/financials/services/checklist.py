"""Overrides of the year-end checklist: an accountant declares a point acceptable, with a reason, so that the
ledger's closing passes it. Permission (`financials.override`) is checked by the caller."""

from django.db import IntegrityError, transaction

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.ledger.models import FiscalYear, State

from ..models import ChecklistItem, ChecklistOverride
from ..selectors.checklist import MET, NOT_APPLICABLE, year_checklist

MIN_REASON = 10


def _open_year(fiscal_year: FiscalYear) -> None:
    if fiscal_year.state != State.OPEN:
        raise BusinessError("year_closed", f"L'exercice {fiscal_year.code} est clôturé : sa liste de contrôle "
                            "ne change plus.", field="fiscal_year")


@transaction.atomic
def checklist_override_create(*, actor, organisation, fiscal_year: FiscalYear, item: str,
                              reason: str) -> ChecklistOverride:
    """Record the override of one point not met (or not verifiable) of the year's checklist."""
    if fiscal_year.organisation_id != organisation.pk:
        raise BusinessError("unknown_fiscal_year", "Exercice inconnu.", field="fiscal_year")
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    _open_year(fiscal_year)
    if item not in ChecklistItem.values:
        raise BusinessError("unknown_item", f"Point de contrôle inconnu : « {item} ».", field="item")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON:
        raise BusinessError("reason_required", f"Indiquez le motif de la dérogation ({MIN_REASON} caractères au "
                            "moins).", field="reason")
    check = next(c for c in year_checklist(organisation=organisation, fiscal_year=fiscal_year) if c.item == item)
    if check.status in (MET, NOT_APPLICABLE):
        raise BusinessError("nothing_to_override", f"« {check.label} » est {check.status_label.lower()} : il n'y a "
                            "rien à lever.", field="item")
    if check.override is not None:
        raise BusinessError("already_overridden", f"« {check.label} » est déjà levé par une dérogation.",
                            field="item")
    try:
        with transaction.atomic():
            override = ChecklistOverride.objects.create(organisation=organisation, fiscal_year=fiscal_year,
                                                        item=item, reason=reason, created_by=actor)
    except IntegrityError as exc:
        raise BusinessError("already_overridden", f"« {check.label} » est déjà levé par une dérogation.",
                            field="item") from exc
    audit_record(organisation=organisation, actor=actor, action="financials.checklist_override", obj=override,
                 after={"fiscal_year": fiscal_year.code, "item": item, "reason": reason,
                        "status": check.status, "detail": check.detail})
    return override


@transaction.atomic
def checklist_override_withdraw(*, actor, override: ChecklistOverride) -> None:
    """Withdraw an override while the year is open: the point blocks the closing again until it is met."""
    override = ChecklistOverride.objects.select_for_update().select_related("fiscal_year").get(pk=override.pk)
    _open_year(override.fiscal_year)
    audit_record(organisation=override.organisation, actor=actor, action="financials.checklist_override_withdraw",
                 obj=override, before={"fiscal_year": override.fiscal_year.code, "item": override.item,
                                       "reason": override.reason})
    override.delete()
