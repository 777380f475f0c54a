"""Party routes of the JSON API, under /api/v1/orgs/{org}/: parties (list, filter, get, create, update) and
payment terms. Permissions: parties.view to read, parties.manage to write. Another organisation's id → 404."""

from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError

from . import selectors, services
from .models import Party, PaymentTerm

router = Router(tags=["tiers"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500


class PaymentTermOut(Schema):
    id: int
    code: str
    label: str
    days: int
    end_of_month: bool


class PartyOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    is_customer: bool
    is_prospect: bool
    is_supplier: bool
    is_subcontractor: bool
    is_service_provider: bool
    is_member: bool
    is_employee: bool
    siren: str
    siret: str
    vat_number: str
    email: str
    phone: str
    address_line1: str
    postal_code: str
    city: str
    country: str
    delivery_name: str
    delivery_address_line1: str
    delivery_postal_code: str
    delivery_city: str
    delivery_country: str
    payment_term: str | None
    default_discount_pct: Money
    payment_method: str
    iban: str
    bic: str
    notes: str
    active: bool


class PartyPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[PartyOut]


class PartyIn(Schema):
    """A party's fields; on update only the fields sent change. `payment_term` is a payment term code
    ("30JFM"), empty for the organisation's default; `kind` is "organisation" (B2B) or "individual" (B2C)."""

    code: str | None = None
    name: str | None = None
    kind: str | None = None
    is_customer: bool | None = None
    is_prospect: bool | None = None
    is_supplier: bool | None = None
    is_subcontractor: bool | None = None
    is_service_provider: bool | None = None
    is_member: bool | None = None
    siren: str | None = None
    siret: str | None = None
    vat_number: str | None = None
    email: str | None = None
    phone: str | None = None
    address_line1: str | None = None
    postal_code: str | None = None
    city: str | None = None
    country: str | None = None
    delivery_name: str | None = None
    delivery_address_line1: str | None = None
    delivery_postal_code: str | None = None
    delivery_city: str | None = None
    delivery_country: str | None = None
    payment_term: str | None = None
    default_discount_pct: AmountIn | None = None
    payment_method: str | None = None
    iban: str | None = None
    bic: str | None = None
    notes: str | None = None
    active: bool | None = None


class PartyFilters(Schema):
    role: str | None = None
    search: str | None = None
    active: bool | None = None
    limit: int = 50
    offset: int = 0


def _party_out(party: Party) -> dict:
    data = {name: getattr(party, name) for name in PartyOut.model_fields if name != "payment_term"}
    data["payment_term"] = party.payment_term.code if party.payment_term_id else None
    return data


def _data(organisation, payload: PartyIn) -> dict:
    data = payload.model_dump(exclude_unset=True)
    if data.get("kind") is not None and data["kind"] not in Party.Kind.values:
        raise BusinessError("invalid_kind", "Type de tiers inconnu : « organisation » ou « individual ».",
                            field="kind")
    for name in ("kind", "code", "name"):  # null means "not given" for the identity fields
        if name in data and data[name] is None:
            del data[name]
    if "payment_term" in data:
        code = data["payment_term"] or ""
        term = None
        if code:
            term = PaymentTerm.objects.filter(organisation=organisation, code=code).first()
            if term is None:
                raise BusinessError("unknown_payment_term", f"Conditions de paiement inconnues : « {code} ».",
                                    field="payment_term")
        data["payment_term"] = term
    return {key: ("" if value is None and key not in {"payment_term", "active"} else value)
            for key, value in data.items() if not (key == "active" and value is None)}


@router.get(PREFIX + "/parties", response={200: PartyPageOut, **ERRORS}, summary="Tiers")
def party_list(request, org: str, filters: Query[PartyFilters]):
    """Parties by name; `role` = customer, prospect, supplier, member or employee; `search` matches the name, the
    code, the SIREN/SIRET, the e-mail or the city; limit/offset pagination (limit ≤ 500)."""
    organisation = organisation_for(request, org, "parties.view")
    if filters.role and filters.role not in selectors.ROLES:
        raise BusinessError("invalid_role", "Rôle inconnu : customer, prospect, supplier, member ou employee.",
                            field="role")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    if filters.offset < 0:
        raise BusinessError("invalid_offset", "« offset » est positif ou nul.", field="offset")
    parties = selectors.party_list(organisation=organisation, search=filters.search or "", role=filters.role or "",
                                   active=filters.active)
    page = parties[filters.offset:filters.offset + filters.limit]
    return {"count": parties.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_party_out(p) for p in page]}


@router.get(PREFIX + "/parties/{party_id}", response={200: PartyOut, **ERRORS}, summary="Un tiers")
def party_get(request, org: str, party_id: int):
    organisation = organisation_for(request, org, "parties.view")
    return _party_out(selectors.party_get(organisation=organisation, pk=party_id))


@router.post(PREFIX + "/parties", response={201: PartyOut, **BODY_ERRORS}, summary="Créer un tiers")
def party_create(request, org: str, payload: PartyIn):
    organisation = organisation_for(request, org, "parties.manage")
    party = services.party_create(actor=request.auth, organisation=organisation, data=_data(organisation, payload))
    return Status(201, _party_out(selectors.party_get(organisation=organisation, pk=party.pk)))


@router.patch(PREFIX + "/parties/{party_id}", response={200: PartyOut, **BODY_ERRORS}, summary="Modifier un tiers")
def party_update(request, org: str, party_id: int, payload: PartyIn):
    """Only the fields sent change."""
    organisation = organisation_for(request, org, "parties.manage")
    party = selectors.party_get(organisation=organisation, pk=party_id)
    services.party_update(actor=request.auth, party=party, data=_data(organisation, payload))
    return _party_out(selectors.party_get(organisation=organisation, pk=party.pk))


@router.get(PREFIX + "/payment-terms", response={200: list[PaymentTermOut], **ERRORS},
            summary="Conditions de paiement")
def payment_term_list(request, org: str):
    organisation = organisation_for(request, org, "parties.view")
    return list(selectors.payment_term_list(organisation=organisation))
