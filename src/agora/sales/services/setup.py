"""Seeding the sales side of an organisation: VAT categories, payment terms and sales settings."""

from django.db import transaction

from agora.catalog.services import vat_categories_setup
from agora.core.audit import audit_record, snapshot
from agora.parties.models import PaymentTerm
from agora.parties.services import payment_terms_setup
from agora.sales.models import SalesSettings

SETTINGS_FIELDS = ["vat_on_debits", "late_interest_rate", "fixed_recovery_fee", "cash_discount_terms",
                   "default_payment_term", "quote_validity_days"]


@transaction.atomic
def sales_setup(*, actor, organisation) -> SalesSettings:
    """VAT categories, the usual payment terms and the sales settings (30 days by default). Idempotent."""
    vat_categories_setup(organisation=organisation)
    payment_terms_setup(organisation=organisation)
    settings = SalesSettings.objects.filter(organisation=organisation).first()
    if settings is None:
        term = PaymentTerm.objects.filter(organisation=organisation, code="30J").first()
        settings = SalesSettings.objects.create(organisation=organisation, default_payment_term=term)
        audit_record(organisation=organisation, actor=actor, action="sales.setup", obj=settings,
                     after=snapshot(settings, SETTINGS_FIELDS))
    elif settings.default_payment_term_id is None:
        settings.default_payment_term = PaymentTerm.objects.filter(organisation=organisation, code="30J").first()
        settings.save(update_fields=["default_payment_term"])
        audit_record(organisation=organisation, actor=actor, action="sales.setup", obj=settings,
                     after=snapshot(settings, SETTINGS_FIELDS))
    organisation.sales_settings = settings
    return settings
