"""Income statement, balance sheet, SIG and CAF, financial balance and ratios, periodic cash
statement and the year-end checklist."""
from django.apps import AppConfig


class FinancialsConfig(AppConfig):
    name = "agora.financials"
    label = "financials"
    verbose_name = "États financiers"

    def ready(self):
        # The ledger's closing refuses to pass while a point of the year-end checklist blocks.
        from agora.ledger.hooks import register_closing_check, register_closing_note

        from .selectors.checklist import closing_blockers, closing_notes

        register_closing_check(closing_blockers)
        register_closing_note(closing_notes)
