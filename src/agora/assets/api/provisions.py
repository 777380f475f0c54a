"""Provision routes of the JSON API, under /api/v1/orgs/{org}/: the provisions and their movements, a doubtful
customer (411 → 416 and 491), a provision for risks or charges (15x), adjustments, the final loss, the état des
provisions of a year and the yearly review. assets.view to read, assets.write to write."""

from datetime import date, datetime

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.ledger.models import FiscalYear
from agora.parties.models import Party

from ..selectors import provisions as selectors
from ..services import provisions as services

router = Router(tags=["provisions"])
PREFIX = "/orgs/{org}"


class ProvisionMovementOut(Schema):
    id: int
    kind: str
    date: date
    amount: Money
    reason: str
    entry_id: int


class ProvisionOut(Schema):
    id: int
    kind: str
    label: str
    account_code: str
    party_code: str | None
    receivable: Money
    receivable_net: Money
    loss_rate: str
    amount: Money
    state: str


class ProvisionDetailOut(ProvisionOut):
    movements: list[ProvisionMovementOut]


class ProvisionDoubtfulIn(Schema):
    party_code: str
    date: date
    loss_rate: AmountIn
    reason: str = ""


class ProvisionIn(Schema):
    kind: str
    label: str
    account_code: str = ""
    amount: AmountIn
    date: date
    reason: str = ""


class ProvisionAdjustIn(Schema):
    date: date
    amount: AmountIn | None = None
    loss_rate: AmountIn | None = None
    reason: str = ""


class ProvisionLossIn(Schema):
    date: date
    reason: str = ""


class ProvisionTableRowOut(Schema):
    label: str
    start: Money
    dotations: Money
    reversals: Money
    end: Money


class ProvisionTableOut(Schema):
    fiscal_year: str
    rows: list[ProvisionTableRowOut]
    total: ProvisionTableRowOut


class ProvisionReviewIn(Schema):
    fiscal_year: str
    note: str = ""


class ProvisionReviewOut(Schema):
    fiscal_year: str
    reviewed_at: datetime
    reviewed_by: str | None
    note: str


def _out(provision) -> dict:
    return {"id": provision.pk, "kind": provision.kind, "label": provision.label,
            "account_code": provision.account.code, "party_code": provision.party.code if provision.party else None,
            "receivable": provision.receivable, "receivable_net": provision.receivable_net,
            "loss_rate": f"{provision.loss_rate:.2f}", "amount": provision.amount, "state": provision.state}


def _detail(organisation, pk: int) -> dict:
    provision = selectors.provision_get(organisation=organisation, pk=pk)
    return {**_out(provision), "movements": [
        {"id": m.pk, "kind": m.kind, "date": m.date, "amount": m.amount, "reason": m.reason, "entry_id": m.entry_id}
        for m in selectors.provision_movements(provision)]}


def _year(organisation, code: str) -> FiscalYear:
    year = FiscalYear.objects.filter(organisation=organisation, code=code).first()
    if year is None:
        raise BusinessError("unknown_fiscal_year", f"Exercice inconnu : « {code} ».", field="fiscal_year")
    return year


def _row(row) -> dict:
    return {"label": row.label, "start": row.start, "dotations": row.dotations, "reversals": row.reversals,
            "end": row.end}


@router.get(PREFIX + "/provisions", response={200: list[ProvisionOut], **ERRORS}, summary="Provisions")
def provisions(request, org: str, state: str = "", kind: str = ""):
    organisation = organisation_for(request, org, "assets.view")
    return [_out(p) for p in selectors.provision_list(organisation=organisation, state=state, kind=kind)]


@router.post(PREFIX + "/provisions", response={201: ProvisionDetailOut, **BODY_ERRORS},
             summary="Constituer une provision pour risques ou charges")
def provision_new(request, org: str, payload: ProvisionIn):
    organisation = organisation_for(request, org, "assets.write")
    provision = services.provision_create(actor=request.auth, organisation=organisation, kind=payload.kind,
                                          label=payload.label, account_code=payload.account_code,
                                          amount=payload.amount, on=payload.date, reason=payload.reason)
    return Status(201, _detail(organisation, provision.pk))


@router.post(PREFIX + "/provisions/doubtful-customers", response={201: ProvisionDetailOut, **BODY_ERRORS},
             summary="Transférer un client en douteux et provisionner")
def doubtful_new(request, org: str, payload: ProvisionDoubtfulIn):
    """411 → 416 for the open balance (matched), then 6817 / 491 on the amount excl. VAT × the loss rate."""
    organisation = organisation_for(request, org, "assets.write")
    party = Party.objects.filter(organisation=organisation, code=payload.party_code.upper()).first()
    if party is None:
        raise BusinessError("unknown_party", f"Client inconnu : « {payload.party_code} ».", field="party_code")
    provision = services.doubtful_customer_mark(actor=request.auth, organisation=organisation, party=party,
                                                on=payload.date, loss_rate=payload.loss_rate, reason=payload.reason)
    return Status(201, _detail(organisation, provision.pk))


@router.get(PREFIX + "/provisions/{provision_id}", response={200: ProvisionDetailOut, **ERRORS},
            summary="Une provision et ses mouvements")
def provision_detail(request, org: str, provision_id: int):
    organisation = organisation_for(request, org, "assets.view")
    return _detail(organisation, provision_id)


@router.post(PREFIX + "/provisions/{provision_id}/adjustments", response={200: ProvisionDetailOut, **BODY_ERRORS},
             summary="Ajuster une provision (complément ou reprise)")
def provision_adjust(request, org: str, provision_id: int, payload: ProvisionAdjustIn):
    organisation = organisation_for(request, org, "assets.write")
    services.provision_adjust(actor=request.auth, provision=selectors.provision_get(
        organisation=organisation, pk=provision_id), on=payload.date, amount=payload.amount,
        loss_rate=payload.loss_rate, reason=payload.reason)
    return _detail(organisation, provision_id)


@router.post(PREFIX + "/provisions/{provision_id}/loss", response={200: ProvisionDetailOut, **BODY_ERRORS},
             summary="Constater la perte définitive d'une créance douteuse")
def provision_loss(request, org: str, provision_id: int, payload: ProvisionLossIn):
    organisation = organisation_for(request, org, "assets.write")
    services.doubtful_customer_loss(actor=request.auth, provision=selectors.provision_get(
        organisation=organisation, pk=provision_id), on=payload.date, reason=payload.reason)
    return _detail(organisation, provision_id)


@router.get(PREFIX + "/provisions-table", response={200: ProvisionTableOut, **ERRORS},
            summary="État des provisions d'un exercice")
def provision_table(request, org: str, fiscal_year: str):
    organisation = organisation_for(request, org, "assets.view")
    table = selectors.provision_table(organisation=organisation, fiscal_year=_year(organisation, fiscal_year))
    return {"fiscal_year": fiscal_year, "rows": [_row(r) for r in table.rows], "total": _row(table.total)}


@router.post(PREFIX + "/provision-reviews", response={201: ProvisionReviewOut, **BODY_ERRORS},
             summary="Enregistrer la revue des provisions de l'exercice")
def review_new(request, org: str, payload: ProvisionReviewIn):
    organisation = organisation_for(request, org, "assets.write")
    review = services.provisions_review(actor=request.auth, organisation=organisation,
                                        fiscal_year=_year(organisation, payload.fiscal_year), note=payload.note)
    return Status(201, {"fiscal_year": payload.fiscal_year, "reviewed_at": review.reviewed_at,
                        "reviewed_by": str(review.reviewed_by) if review.reviewed_by else None, "note": review.note})
