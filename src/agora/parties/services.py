"""Writes on parties."""

import re

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.identifiers import clean_bic, clean_iban, clean_siren, clean_siret, clean_vat_number
from agora.core.money import parse_amount

from .domain import DEFAULT_PAYMENT_TERMS
from .models import Party, PaymentTerm

PARTY_FIELDS = ["code", "name", "kind", "is_customer", "is_prospect", "is_supplier", "is_subcontractor",
                "is_service_provider", "is_member", "is_employee",
                "siren", "siret", "vat_number", "email", "phone", "address_line1", "postal_code", "city", "country",
                "delivery_name", "delivery_address_line1", "delivery_postal_code", "delivery_city", "delivery_country",
                "payment_term", "default_discount_pct", "payment_method", "iban", "bic", "notes",
                "active"]


def _clean(data: dict, organisation) -> dict:
    data = {k: v for k, v in data.items() if k in PARTY_FIELDS}
    if not (data.get("name") or "").strip():
        raise BusinessError("required", "Le nom du tiers est obligatoire.", field="name")
    code = (data.get("code") or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9_-]{1,20}", code):
        raise BusinessError("invalid_code", "Le code auxiliaire : 1 à 20 lettres ou chiffres.", field="code")
    data["code"] = code
    data["siren"] = clean_siren(data.get("siren", ""))
    data["siret"] = clean_siret(data.get("siret", ""))
    if data["siret"] and not data["siren"]:
        data["siren"] = data["siret"][:9]
    data["vat_number"] = clean_vat_number(data.get("vat_number", ""))
    data["iban"] = clean_iban(data.get("iban", ""))
    data["bic"] = clean_bic(data.get("bic", ""))
    if data.get("payment_method") and data["payment_method"] not in Party.PaymentMethod.values:
        raise BusinessError("invalid_payment_method", "Mode de règlement inconnu.", field="payment_method")
    discount = parse_amount(data.get("default_discount_pct") or "0", field="default_discount_pct")
    if not 0 <= discount < 100:
        raise BusinessError("invalid_percentage", "La remise habituelle va de 0 à 100 %.", field="default_discount_pct")
    data["default_discount_pct"] = discount
    term = data.pop("payment_term", None)
    term_id = getattr(term, "pk", term) or None
    if term_id and not PaymentTerm.objects.filter(organisation=organisation, pk=term_id).exists():
        raise BusinessError("unknown_payment_term", "Conditions de paiement inconnues.", field="payment_term")
    data["payment_term_id"] = term_id
    return data


@transaction.atomic
def party_create(*, actor, organisation, data: dict) -> Party:
    data = _clean(data, organisation)
    if Party.objects.filter(organisation=organisation, code=data["code"]).exists():
        raise BusinessError("duplicate_code", f"Le code « {data['code']} » existe déjà.", field="code")
    party = Party.objects.create(organisation=organisation, **data)
    audit_record(organisation=organisation, actor=actor, action="party.create", obj=party,
                 after=snapshot(party, PARTY_FIELDS))
    return party


@transaction.atomic
def party_update(*, actor, party: Party, data: dict) -> Party:
    before = snapshot(party, PARTY_FIELDS)
    data = _clean({**before, **data}, party.organisation)
    if Party.objects.filter(organisation_id=party.organisation_id, code=data["code"]).exclude(pk=party.pk).exists():
        raise BusinessError("duplicate_code", f"Le code « {data['code']} » existe déjà.", field="code")
    for key, value in data.items():
        setattr(party, key, value)
    party.save()
    audit_record(organisation=party.organisation, actor=actor, action="party.update", obj=party,
                 before=before, after=snapshot(party, PARTY_FIELDS))
    return party


@transaction.atomic
def payment_terms_setup(*, organisation) -> None:
    """Seed the usual French payment terms for a new organisation."""
    PaymentTerm.objects.bulk_create([PaymentTerm(organisation=organisation, code=code, label=label, days=days,
                                                 end_of_month=eom) for code, label, days, eom in DEFAULT_PAYMENT_TERMS],
                                    ignore_conflicts=True)
