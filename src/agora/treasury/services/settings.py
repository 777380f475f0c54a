"""Treasury settings: the reference rate an early payment must beat to take an escompte, four-eyes approval."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.treasury.models import TreasurySettings

SETTINGS_FIELDS = ["reference_rate", "four_eyes"]


def treasury_settings_of(organisation) -> TreasurySettings:
    """The organisation's treasury settings (model defaults when none were saved)."""
    return (TreasurySettings.objects.filter(organisation=organisation).first()
            or TreasurySettings(organisation=organisation))


@transaction.atomic
def treasury_settings_update(*, actor, organisation, reference_rate=None, four_eyes: bool | None = None
                             ) -> TreasurySettings:
    settings = treasury_settings_of(organisation)
    before = snapshot(settings, SETTINGS_FIELDS) if settings.pk else None
    if reference_rate is not None:
        rate = parse_amount(reference_rate, field="reference_rate")
        if rate < 0 or rate > 100:
            raise BusinessError("invalid_rate", "Le taux de référence est compris entre 0 et 100 %.",
                                field="reference_rate")
        settings.reference_rate = rate
    if four_eyes is not None:
        settings.four_eyes = bool(four_eyes)
    settings.save()
    audit_record(organisation=organisation, actor=actor, action="treasury_settings.update", obj=settings,
                 before=before, after=snapshot(settings, SETTINGS_FIELDS))
    return settings
