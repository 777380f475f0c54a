"""Writing the organisation's procurement settings: approval threshold and document expiry warning."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.procurement.inputs import parse_days
from agora.procurement.models import ProcurementSettings

FIELDS = ["approval_threshold", "document_warning_days"]


@transaction.atomic
def procurement_settings_update(*, actor, organisation, data: dict) -> ProcurementSettings:
    settings, _ = ProcurementSettings.objects.get_or_create(organisation=organisation)
    before = snapshot(settings, FIELDS)
    threshold = parse_amount(data.get("approval_threshold", settings.approval_threshold), field="approval_threshold")
    if threshold < 0:
        raise BusinessError("negative_amount", "Le seuil d'approbation ne peut pas être négatif.",
                            field="approval_threshold")
    days = parse_days(data.get("document_warning_days", settings.document_warning_days),
                      field="document_warning_days", required=True)
    settings.approval_threshold, settings.document_warning_days = threshold, days
    settings.save()
    audit_record(organisation=organisation, actor=actor, action="procurement.settings", obj=settings,
                 before=before, after=snapshot(settings, FIELDS))
    return settings
