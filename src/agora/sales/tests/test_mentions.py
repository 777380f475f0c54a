"""The mandatory mentions check (french-rules-2026.md §1): what is required of whom."""

from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.services import organisation_update
from agora.sales.domain import missing_mentions
from agora.sales.services.documents import (
    credit_note_from_invoice,
    invoice_validate,
    pending_mentions,
)

from .builders import line, make_customer, make_individual, make_invoice, make_products, make_sales_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, seller = make_sales_books()
    return organisation, seller, make_customer(organisation), *make_products(organisation)


def test_complete_invoice_has_nothing_missing(books):
    organisation, seller, customer, goods, *_ = books
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1)])
    assert pending_mentions(invoice) == []
    # before the customer snapshot and the due date, the raw document lacks the due date only
    assert missing_mentions(invoice, organisation) == ["Date d'échéance du paiement"]


def test_seller_identity_mentions(books):
    organisation, seller, customer, goods, *_ = books
    organisation_update(actor=None, organisation=organisation, data={
        "share_capital": None, "rcs_city": "", "vat_number": "", "siren": "", "siret": ""})
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1)])
    assert pending_mentions(invoice) == [
        "Capital social du vendeur", "SIREN du vendeur", "Ville d'immatriculation au RCS du vendeur",
        "Numéro de TVA intracommunautaire du vendeur"]


def test_sole_trader_in_franchise_needs_no_capital_rcs_or_vat_number_but_the_exemption_mention(books):
    organisation, seller, customer, *_ = books
    organisation_update(actor=None, organisation=organisation, data={
        "legal_form": "EI", "share_capital": None, "rcs_city": "", "vat_number": "", "vat_regime": "franchise"})
    invoice = make_invoice(organisation, seller, customer, [
        {"description": "Conseil", "kind": "service", "quantity": "2", "unit_price": "50", "vat_rate": "0",
         "vat_mention": ""}])
    assert pending_mentions(invoice) == ["Mention d'exonération de TVA (ligne 1 à 0 %)"]
    fixed = make_invoice(organisation, seller, customer, [
        {"description": "Conseil", "kind": "service", "quantity": "2", "unit_price": "50", "vat_rate": "0",
         "vat_mention": "TVA non applicable, art. 293 B du CGI"}])
    assert pending_mentions(fixed) == []


def test_b2b_needs_siren_and_penalties_b2c_does_not(books):
    organisation, seller, _customer, goods, *_ = books
    settings = organisation.sales_settings
    settings.late_interest_rate = Decimal(0)
    settings.fixed_recovery_fee = Decimal(0)
    settings.cash_discount_terms = ""
    settings.save()
    b2b = make_customer(organisation, code="C002", siren="")
    b2c = make_individual(organisation)
    assert pending_mentions(make_invoice(organisation, seller, b2b, [line(goods, 1)])) == [
        "SIREN du client (client professionnel)", "Conditions d'escompte (ou « pas d'escompte »)",
        "Taux des pénalités de retard", "Indemnité forfaitaire de 40 € pour frais de recouvrement"]
    assert pending_mentions(make_invoice(organisation, seller, b2c, [line(goods, 1)])) == [
        "Conditions d'escompte (ou « pas d'escompte »)"]


def test_validation_message_lists_the_missing_mentions(books):
    organisation, seller, _customer, goods, *_ = books
    nameless = make_customer(organisation, code="C003", address_line1="", postal_code="", city="")
    invoice = make_invoice(organisation, seller, nameless, [line(goods, 1)])
    with pytest.raises(BusinessError) as error:
        invoice_validate(actor=seller, invoice=invoice)
    assert (error.value.code, error.value.field) == ("missing_mentions", "mentions")
    assert error.value.message == "Mentions obligatoires manquantes : Adresse du client."


def test_credit_note_refers_to_its_invoice(books):
    organisation, seller, customer, goods, *_ = books
    invoice = invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer, [line(goods, 1)]))
    credit = credit_note_from_invoice(actor=seller, invoice=invoice, reason="Geste", kind_of_credit="rebate")
    assert pending_mentions(credit) == []
    credit.credited_invoice = None
    assert "Référence de la facture d'origine (numéro et date)" in missing_mentions(credit, organisation)
