"""Membership API, under /api/v1/orgs/{org}/: categories, the member register, fees and their payments, renewal
campaigns, donations and their tax receipts. Thin calls to selectors and services.

Permissions: membership.view for reads, membership.write for everything that writes. Objects are looked up
inside the organisation of the path: another organisation's id answers 404.
"""

from datetime import date, datetime

from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.parties.models import Party

from . import selectors, services
from .models import Donation, FeePayment, Member, MembershipCategory, MembershipFee, PaymentMethod, RenewalCampaign

router = Router(tags=["Adhésions et dons"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
Day = date
PDF_RESPONSE = {"responses": {200: {"description": "Document PDF",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}


# --- schemas ---------------------------------------------------------------------------------------------------

class CategoryOut(Schema):
    id: int
    code: str
    label: str
    amount: Money
    account: str
    active: bool


class CategoryIn(Schema):
    code: str
    label: str
    amount: AmountIn
    account: MembershipCategory.Account = MembershipCategory.Account.WITHOUT_CONSIDERATION
    active: bool = True


class CategoryPatch(Schema):
    code: str | None = None
    label: str | None = None
    amount: AmountIn | None = None
    account: MembershipCategory.Account | None = None
    active: bool | None = None


class MemberPartyIn(Schema):
    name: str
    kind: Party.Kind = Party.Kind.INDIVIDUAL
    code: str = ""
    email: str = ""
    phone: str = ""
    address_line1: str = ""
    postal_code: str = ""
    city: str = ""


class PaymentOut(Schema):
    id: int
    date: Day
    method: str
    amount: Money
    reference: str
    entry_id: int
    entry_number: str


class FeeOut(Schema):
    id: int
    member_id: int
    member_number: str
    member_name: str
    year: int
    category: str
    amount: Money
    due_date: Day
    paid_amount: Money
    balance: Money
    state: str


class FeeDetailOut(FeeOut):
    payments: list[PaymentOut]


class FeeTotalsOut(Schema):
    count: int
    amount: Money
    paid: Money
    balance: Money


class FeePageOut(Schema):
    count: int
    limit: int
    offset: int
    totals: FeeTotalsOut
    items: list[FeeOut]


class MemberOut(Schema):
    id: int
    number: str
    party_id: int
    party_code: str
    name: str
    email: str
    category: str
    category_id: int
    joined_on: Day
    left_on: Day | None
    status: str


class MemberDetailOut(MemberOut):
    notes: str
    fees: list[FeeDetailOut]


class MemberPageOut(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberOut]


class MemberIn(Schema):
    category_id: int
    joined_on: Day
    party_id: int | None = None
    party: MemberPartyIn | None = None
    notes: str = ""


class LeaveIn(Schema):
    left_on: Day


class GenerateIn(Schema):
    year: int
    due_date: Day | None = None


class GenerateOut(Schema):
    year: int
    created: int


class PaymentIn(Schema):
    date: Day
    method: PaymentMethod
    amount: AmountIn
    reference: str = ""


class CampaignOut(Schema):
    id: int
    year: int
    created_at: datetime
    due_date: Day
    fees_generated: int
    letters_count: int
    emails_sent: int
    emails_failed: int


class CampaignIn(Schema):
    year: int
    due_date: Day | None = None
    send_emails: bool = True


class DonationOut(Schema):
    id: int
    party_id: int
    party_code: str
    donor: str
    date: Day
    amount: Money
    method: str
    nature: str
    reference: str
    entry_id: int
    entry_number: str
    receipt_number: str
    receipt_issued_at: datetime | None


class DonationTotalsOut(Schema):
    count: int
    amount: Money
    receipted: Money


class DonationPageOut(Schema):
    count: int
    limit: int
    offset: int
    totals: DonationTotalsOut
    items: list[DonationOut]


class DonationIn(Schema):
    party_id: int | None = None
    party: MemberPartyIn | None = None
    date: Day
    amount: AmountIn
    method: PaymentMethod
    reference: str = ""


# --- helpers ---------------------------------------------------------------------------------------------------

def _page_bounds(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    if offset < 0:
        raise BusinessError("invalid_offset", "« offset » est positif ou nul.", field="offset")


def _member_out(m: Member) -> dict:
    return {"id": m.pk, "number": m.number, "party_id": m.party_id, "party_code": m.party.code, "name": m.party.name,
            "email": m.party.email, "category": m.category.label, "category_id": m.category_id,
            "joined_on": m.joined_on, "left_on": m.left_on, "status": m.status}


def _payment_out(p: FeePayment) -> dict:
    return {"id": p.pk, "date": p.date, "method": p.method, "amount": p.amount, "reference": p.reference,
            "entry_id": p.entry_id, "entry_number": p.entry.display_number}


def _fee_out(f: MembershipFee, payments=None) -> dict:
    data = {"id": f.pk, "member_id": f.member_id, "member_number": f.member.number, "member_name": f.member.party.name,
            "year": f.year, "category": f.category.label, "amount": f.amount, "due_date": f.due_date,
            "paid_amount": f.paid_amount, "balance": f.balance, "state": f.state}
    if payments is not None:
        data["payments"] = [_payment_out(p) for p in payments]
    return data


def _donation_out(d: Donation) -> dict:
    return {"id": d.pk, "party_id": d.party_id, "party_code": d.party.code, "donor": d.party.name, "date": d.date,
            "amount": d.amount, "method": d.method, "nature": d.nature, "reference": d.reference,
            "entry_id": d.entry_id, "entry_number": d.entry.display_number, "receipt_number": d.receipt_number,
            "receipt_issued_at": d.receipt_issued_at}


def _party_of(organisation, party_id: int | None, field: str = "party_id") -> Party | None:
    if party_id is None:
        return None
    party = Party.objects.filter(organisation=organisation, pk=party_id).first()
    if party is None:
        raise BusinessError("unknown_party", "Tiers inconnu dans cette organisation.", field=field)
    return party


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- categories ------------------------------------------------------------------------------------------------

@router.get(PREFIX + "/membership/categories", response={200: list[CategoryOut], **ERRORS},
            summary="Catégories d'adhésion")
def category_list(request, org: str):
    organisation = organisation_for(request, org, "membership.view")
    return list(selectors.category_list(organisation=organisation))


@router.post(PREFIX + "/membership/categories", response={201: CategoryOut, **BODY_ERRORS},
             summary="Créer une catégorie d'adhésion")
def category_create(request, org: str, payload: CategoryIn):
    organisation = organisation_for(request, org, "membership.write")
    category = services.category_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, category)


@router.patch(PREFIX + "/membership/categories/{category_id}", response={200: CategoryOut, **BODY_ERRORS},
              summary="Modifier une catégorie d'adhésion")
def category_update(request, org: str, category_id: int, payload: CategoryPatch):
    organisation = organisation_for(request, org, "membership.write")
    category = selectors.category_get(organisation=organisation, pk=category_id)
    return services.category_update(actor=request.auth, category=category,
                                    data=payload.dict(exclude_unset=True, exclude_none=True))


# --- members ---------------------------------------------------------------------------------------------------

class MemberFilters(Schema):
    status: Member.Status | None = None
    category_id: int | None = None
    search: str | None = None
    limit: int = 50
    offset: int = 0


@router.get(PREFIX + "/members", response={200: MemberPageOut, **ERRORS}, summary="Registre des adhérents")
def member_list(request, org: str, filters: Query[MemberFilters]):
    """Members by number, with limit/offset pagination (limit ≤ 500)."""
    organisation = organisation_for(request, org, "membership.view")
    _page_bounds(filters.limit, filters.offset)
    members = selectors.member_list(organisation=organisation, status=filters.status or None,
                                    category=filters.category_id, search=filters.search or "")
    page = members[filters.offset:filters.offset + filters.limit]
    return {"count": members.count(), "limit": filters.limit, "offset": filters.offset,
            "items": [_member_out(m) for m in page]}


def _member_detail(organisation, member_id: int) -> dict:
    member = selectors.member_get(organisation=organisation, pk=member_id)
    fees = selectors.member_fees(member=member)
    return {**_member_out(member), "notes": member.notes,
            "fees": [_fee_out(f, f.payments.all()) for f in fees]}


@router.get(PREFIX + "/members/{member_id}", response={200: MemberDetailOut, **ERRORS},
            summary="Un adhérent, ses cotisations et règlements")
def member_get(request, org: str, member_id: int):
    organisation = organisation_for(request, org, "membership.view")
    return _member_detail(organisation, member_id)


@router.post(PREFIX + "/members", response={201: MemberDetailOut, **BODY_ERRORS}, summary="Inscrire un adhérent")
def member_register(request, org: str, payload: MemberIn):
    """Either `party_id` (an existing party) or `party` (its details: the party is created)."""
    organisation = organisation_for(request, org, "membership.write")
    category = MembershipCategory.objects.filter(organisation=organisation, pk=payload.category_id).first()
    if category is None:
        raise BusinessError("unknown_category", "Catégorie inconnue dans cette organisation.", field="category_id")
    member = services.member_register(
        actor=request.auth, organisation=organisation, category=category, joined_on=payload.joined_on,
        party=_party_of(organisation, payload.party_id), party_data=payload.party.dict() if payload.party else None,
        notes=payload.notes)
    return Status(201, _member_detail(organisation, member.pk))


@router.post(PREFIX + "/members/{member_id}/leave", response={200: MemberDetailOut, **BODY_ERRORS},
             summary="Enregistrer la sortie d'un adhérent")
def member_leave(request, org: str, member_id: int, payload: LeaveIn):
    organisation = organisation_for(request, org, "membership.write")
    member = selectors.member_get(organisation=organisation, pk=member_id)
    services.member_leave(actor=request.auth, member=member, left_on=payload.left_on)
    return _member_detail(organisation, member.pk)


# --- fees ------------------------------------------------------------------------------------------------------

class FeeFilters(Schema):
    year: int | None = None
    state: MembershipFee.State | None = None
    unpaid: bool = False
    search: str | None = None
    limit: int = 50
    offset: int = 0


@router.get(PREFIX + "/membership-fees", response={200: FeePageOut, **ERRORS}, summary="Cotisations")
def fee_list(request, org: str, filters: Query[FeeFilters]):
    """Fees (of a year, a state, or still unpaid) with the totals called, received and outstanding."""
    organisation = organisation_for(request, org, "membership.view")
    _page_bounds(filters.limit, filters.offset)
    fees = selectors.fee_list(organisation=organisation, year=filters.year, state=filters.state or None,
                              search=filters.search or "", unpaid=filters.unpaid)
    page = fees[filters.offset:filters.offset + filters.limit]
    return {"count": fees.count(), "limit": filters.limit, "offset": filters.offset,
            "totals": selectors.fee_totals(fees), "items": [_fee_out(f) for f in page]}


@router.post(PREFIX + "/membership-fees/generate", response={200: GenerateOut, **BODY_ERRORS},
             summary="Appeler les cotisations d'une année")
def fees_generate(request, org: str, payload: GenerateIn):
    """One fee per active member for the year; running it again creates nothing more."""
    organisation = organisation_for(request, org, "membership.write")
    created = services.fees_generate(actor=request.auth, organisation=organisation, year=payload.year,
                                     due_date=payload.due_date)
    return {"year": payload.year, "created": len(created)}


@router.get(PREFIX + "/membership-fees/{fee_id}", response={200: FeeDetailOut, **ERRORS}, summary="Une cotisation")
def fee_get(request, org: str, fee_id: int):
    organisation = organisation_for(request, org, "membership.view")
    fee = selectors.fee_get(organisation=organisation, pk=fee_id)
    return _fee_out(fee, selectors.fee_payments(fee=fee))


@router.post(PREFIX + "/membership-fees/{fee_id}/payments", response={201: FeeDetailOut, **BODY_ERRORS},
             summary="Enregistrer un règlement de cotisation")
def fee_payment_record(request, org: str, fee_id: int, payload: PaymentIn):
    """Posts bank (BQ1) or cash (CA) debit against 7561/7562; more than the balance due is refused (422)."""
    organisation = organisation_for(request, org, "membership.write")
    fee = selectors.fee_get(organisation=organisation, pk=fee_id)
    services.fee_payment_record(actor=request.auth, fee=fee, date=payload.date, method=payload.method,
                                amount=payload.amount, reference=payload.reference)
    fee = selectors.fee_get(organisation=organisation, pk=fee_id)
    return Status(201, _fee_out(fee, selectors.fee_payments(fee=fee)))


@router.post(PREFIX + "/membership-fees/{fee_id}/cancel", response={200: FeeDetailOut, **ERRORS},
             summary="Annuler une cotisation non réglée")
def fee_cancel(request, org: str, fee_id: int):
    organisation = organisation_for(request, org, "membership.write")
    fee = services.fee_cancel(actor=request.auth, fee=selectors.fee_get(organisation=organisation, pk=fee_id))
    fee = selectors.fee_get(organisation=organisation, pk=fee.pk)
    return _fee_out(fee, [])


# --- renewal campaigns -----------------------------------------------------------------------------------------

@router.get(PREFIX + "/renewal-campaigns", response={200: list[CampaignOut], **ERRORS},
            summary="Campagnes de renouvellement")
def campaign_list(request, org: str):
    organisation = organisation_for(request, org, "membership.view")
    return list(selectors.campaign_list(organisation=organisation))


@router.post(PREFIX + "/renewal-campaigns", response={201: CampaignOut, **BODY_ERRORS},
             summary="Lancer la campagne de renouvellement d'une année")
def campaign_run(request, org: str, payload: CampaignIn):
    organisation = organisation_for(request, org, "membership.write")
    campaign = services.renewal_campaign_run(actor=request.auth, organisation=organisation, year=payload.year,
                                             due_date=payload.due_date, send_emails=payload.send_emails)
    return Status(201, campaign)


@router.get(PREFIX + "/renewal-campaigns/{campaign_id}/letters.pdf", response={200: None, **ERRORS},
            summary="Lettres de renouvellement (PDF)", openapi_extra=PDF_RESPONSE)
def campaign_letters(request, org: str, campaign_id: int):
    organisation = organisation_for(request, org, "membership.view")
    campaign: RenewalCampaign = selectors.campaign_get(organisation=organisation, pk=campaign_id)
    return _pdf(services.renewal_letters_pdf(campaign=campaign), f"renouvellement-{campaign.year}.pdf")


# --- donations -------------------------------------------------------------------------------------------------

class DonationFilters(Schema):
    year: int | None = None
    receipt: bool | None = None
    search: str | None = None
    limit: int = 50
    offset: int = 0


@router.get(PREFIX + "/donations", response={200: DonationPageOut, **ERRORS}, summary="Dons")
def donation_list(request, org: str, filters: Query[DonationFilters]):
    """Gifts, latest first, with their totals (all, and those with a receipt issued)."""
    organisation = organisation_for(request, org, "membership.view")
    _page_bounds(filters.limit, filters.offset)
    donations = selectors.donation_list(organisation=organisation, year=filters.year, receipt=filters.receipt,
                                        search=filters.search or "")
    page = donations[filters.offset:filters.offset + filters.limit]
    return {"count": donations.count(), "limit": filters.limit, "offset": filters.offset,
            "totals": selectors.donation_totals(donations), "items": [_donation_out(d) for d in page]}


@router.post(PREFIX + "/donations", response={201: DonationOut, **BODY_ERRORS}, summary="Enregistrer un don")
def donation_record(request, org: str, payload: DonationIn):
    """Either `party_id` or `party` (a new donor). Posts bank/cash debit against 75411 credit."""
    organisation = organisation_for(request, org, "membership.write")
    if (payload.party_id is None) == (payload.party is None):
        raise BusinessError("required", "Indiquez le donateur : « party_id » ou « party ».", field="party_id")
    with transaction.atomic():
        party = _party_of(organisation, payload.party_id) or services.donor_create(
            actor=request.auth, organisation=organisation, data=payload.party.dict())
        donation = services.donation_record(actor=request.auth, organisation=organisation, party=party,
                                            date=payload.date, amount=payload.amount, method=payload.method,
                                            reference=payload.reference)
    return Status(201, _donation_out(selectors.donation_get(organisation=organisation, pk=donation.pk)))


@router.get(PREFIX + "/donations/{donation_id}", response={200: DonationOut, **ERRORS}, summary="Un don")
def donation_get(request, org: str, donation_id: int):
    organisation = organisation_for(request, org, "membership.view")
    return _donation_out(selectors.donation_get(organisation=organisation, pk=donation_id))


@router.post(PREFIX + "/donations/{donation_id}/receipt", response={200: DonationOut, **ERRORS},
             summary="Émettre le reçu fiscal (Cerfa n° 11580)")
def donation_receipt_issue(request, org: str, donation_id: int):
    organisation = organisation_for(request, org, "membership.write")
    donation = selectors.donation_get(organisation=organisation, pk=donation_id)
    services.donation_receipt_issue(actor=request.auth, donation=donation)
    return _donation_out(selectors.donation_get(organisation=organisation, pk=donation_id))


@router.get(PREFIX + "/donations/{donation_id}/receipt.pdf", response={200: None, **ERRORS},
            summary="Reçu fiscal (PDF)", openapi_extra=PDF_RESPONSE)
def donation_receipt_pdf(request, org: str, donation_id: int):
    organisation = organisation_for(request, org, "membership.view")
    donation = selectors.donation_get(organisation=organisation, pk=donation_id)
    if not donation.receipt_number:
        raise BusinessError("no_receipt", "Aucun reçu fiscal n'a été émis pour ce don.", field="donation_id")
    return _pdf(bytes(donation.receipt_pdf), f"recu-fiscal-{donation.receipt_number}.pdf")
