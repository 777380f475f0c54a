"""The organisation's procurement settings, or the defaults when they were never saved."""

from agora.procurement.models import ProcurementSettings


def settings_of(*, organisation) -> ProcurementSettings:
    """Saved settings, else an unsaved row holding the defaults (reading never writes)."""
    return (ProcurementSettings.objects.filter(organisation=organisation).first()
            or ProcurementSettings(organisation=organisation))
