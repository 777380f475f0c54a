"""VAT returns (CA3, CA12): boxes computed from posted lines, settlement entry, VAT lock of the period."""
from django.apps import AppConfig


class VatConfig(AppConfig):
    name = "agora.vat"
    label = "vat"
    verbose_name = "TVA"

    def ready(self):
        from agora.ledger.hooks import register_posting_guard

        from .guards import vat_period_guard

        register_posting_guard(vat_period_guard)
