"""Fixed asset routes of the JSON API, under /api/v1/orgs/{org}/: the register (CRUD), an asset's schedule
(JSON, PDF, XLSX), its disposal, the supplier invoice lines to register, the year-end depreciation run.
assets.view to read, assets.write to write."""

from dataclasses import asdict
from datetime import date

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.ledger.models import FiscalYear

from .. import exports
from ..selectors.assets import (
    annuities_due,
    asset_candidates,
    asset_get,
    asset_list,
    asset_schedule,
    run_list,
)
from ..services.assets import asset_create, asset_create_from_invoice_line, asset_delete, asset_update
from ..services.depreciation import asset_dispose, depreciation_run

router = Router(tags=["immobilisations"])
PREFIX = "/orgs/{org}"
PDF_RESPONSE = {"responses": {200: {"description": "Plan d'amortissement (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}
XLSX_RESPONSE = {"responses": {200: {"description": "Plan d'amortissement (XLSX)", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}}}}


class AssetIn(Schema):
    label: str
    account_code: str
    acquisition_date: date
    in_service_date: date | None = None
    cost: AmountIn
    residual_value: AmountIn = "0"
    life_years: int | None = None
    life_months: int | None = None
    method: str = "linear"
    non_deductible_vat: bool = False
    opening_depreciation: AmountIn | None = None
    opening_date: date | None = None
    supplier_code: str = ""


class AssetPatch(Schema):
    label: str | None = None
    account_code: str | None = None
    acquisition_date: date | None = None
    in_service_date: date | None = None
    cost: AmountIn | None = None
    residual_value: AmountIn | None = None
    life_years: int | None = None
    life_months: int | None = None
    method: str | None = None
    non_deductible_vat: bool | None = None
    opening_depreciation: AmountIn | None = None
    opening_date: date | None = None


class AssetOut(Schema):
    id: int
    number: str
    label: str
    account_code: str
    depreciation_account_code: str
    acquisition_date: date
    in_service_date: date
    cost: Money
    residual_value: Money
    life_months: int
    method: str
    state: str
    opening_depreciation: Money
    opening_date: date | None
    depreciated: Money
    net_book_value: Money
    supplier_code: str | None
    purchase_document_id: int | None


class AssetScheduleRowOut(Schema):
    year: str
    start: date
    end: date
    base: Money
    rate: str
    days: int
    annuity: Money
    accumulated: Money
    net_book_value: Money
    prior: bool


class AssetDisposalIn(Schema):
    date: date
    kind: str = "sale"
    price: AmountIn = "0"
    vat_rate: AmountIn = "0"
    counterpart: str = "462"


class AssetDisposalOut(Schema):
    asset_id: int
    kind: str
    date: date
    price: Money
    vat: Money
    accumulated: Money
    net_book_value: Money
    result: Money
    entry_id: int


class AssetCandidateOut(Schema):
    line_id: int
    document_id: int
    document_number: str
    supplier_reference: str
    supplier_code: str
    issue_date: date
    label: str
    account: str
    net_amount: Money


class AssetFromLineIn(Schema):
    line_id: int
    life_years: int | None = None
    life_months: int | None = None
    method: str = "linear"
    non_deductible_vat: bool = False


class AssetRunIn(Schema):
    fiscal_year: str


class AssetRunOut(Schema):
    id: int
    fiscal_year: str
    total: Money
    asset_count: int


class AssetDueOut(Schema):
    asset_id: int
    number: str
    label: str
    annuity: Money


class AssetDeletedOut(Schema):
    deleted: bool


def _out(organisation, pk: int) -> dict:
    return _as_dict(asset_list(organisation=organisation).get(pk=pk))


def _as_dict(asset) -> dict:
    """An asset of `asset_list` (annotated with what is depreciated) as AssetOut."""
    return {"id": asset.pk, "number": asset.display_number, "label": asset.label, "account_code": asset.account.code,
            "depreciation_account_code": asset.depreciation_account.code, "acquisition_date": asset.acquisition_date,
            "in_service_date": asset.in_service_date, "cost": asset.cost, "residual_value": asset.residual_value,
            "life_months": asset.life_months, "method": asset.method, "state": asset.state,
            "opening_depreciation": asset.opening_depreciation, "opening_date": asset.opening_date,
            "depreciated": asset.depreciated, "net_book_value": asset.net,
            "supplier_code": asset.supplier.code if asset.supplier else None,
            "purchase_document_id": asset.purchase_document_id}


def _year(organisation, code: str) -> FiscalYear:
    year = FiscalYear.objects.filter(organisation=organisation, code=code).first()
    if year is None:
        raise BusinessError("unknown_fiscal_year", f"Exercice inconnu : « {code} ».", field="fiscal_year")
    return year


@router.get(PREFIX + "/assets", response={200: list[AssetOut], **ERRORS}, summary="Registre des immobilisations")
def assets(request, org: str, state: str = "", account: str = "", q: str = ""):
    organisation = organisation_for(request, org, "assets.view")
    return [_as_dict(asset) for asset in asset_list(organisation=organisation, state=state, account=account,
                                                   search=q)]


@router.post(PREFIX + "/assets", response={201: AssetOut, **BODY_ERRORS}, summary="Enregistrer une immobilisation")
def asset_new(request, org: str, payload: AssetIn):
    """Entered directly; the 28xx account follows the 2xxx one (2183 → 28183), created when missing."""
    organisation = organisation_for(request, org, "assets.write")
    asset = asset_create(actor=request.auth, organisation=organisation, data=payload.dict())
    return Status(201, _out(organisation, asset.pk))


@router.get(PREFIX + "/assets/{asset_id}", response={200: AssetOut, **ERRORS}, summary="Une immobilisation")
def asset_detail(request, org: str, asset_id: int):
    organisation = organisation_for(request, org, "assets.view")
    return _out(organisation, asset_get(organisation=organisation, pk=asset_id).pk)


@router.patch(PREFIX + "/assets/{asset_id}", response={200: AssetOut, **BODY_ERRORS},
              summary="Corriger une immobilisation (avant toute dotation)")
def asset_patch(request, org: str, asset_id: int, payload: AssetPatch):
    organisation = organisation_for(request, org, "assets.write")
    asset = asset_get(organisation=organisation, pk=asset_id)
    data = {key: value for key, value in payload.dict().items() if value is not None}
    if data.get("life_years"):
        data.pop("life_months", None)
    asset_update(actor=request.auth, asset=asset, data=data)
    return _out(organisation, asset_id)


@router.delete(PREFIX + "/assets/{asset_id}", response={200: AssetDeletedOut, **ERRORS},
               summary="Supprimer une immobilisation saisie par erreur")
def asset_remove(request, org: str, asset_id: int):
    organisation = organisation_for(request, org, "assets.write")
    asset_delete(actor=request.auth, asset=asset_get(organisation=organisation, pk=asset_id))
    return {"deleted": True}


@router.get(PREFIX + "/assets/{asset_id}/schedule", response={200: list[AssetScheduleRowOut], **ERRORS},
            summary="Plan d'amortissement")
def asset_schedule_json(request, org: str, asset_id: int):
    organisation = organisation_for(request, org, "assets.view")
    rows = asset_schedule(asset_get(organisation=organisation, pk=asset_id))
    return [{**asdict(row), "rate": f"{row.rate:.2f}"} for row in rows]


@router.get(PREFIX + "/assets/{asset_id}/schedule.pdf", response={200: None, **ERRORS},
            summary="Plan d'amortissement (PDF)", openapi_extra=PDF_RESPONSE)
def asset_schedule_pdf(request, org: str, asset_id: int):
    organisation = organisation_for(request, org, "assets.view")
    asset = asset_get(organisation=organisation, pk=asset_id)
    return exports.schedule_pdf(asset, asset_schedule(asset))


@router.get(PREFIX + "/assets/{asset_id}/schedule.xlsx", response={200: None, **ERRORS},
            summary="Plan d'amortissement (XLSX)", openapi_extra=XLSX_RESPONSE)
def asset_schedule_xlsx(request, org: str, asset_id: int):
    organisation = organisation_for(request, org, "assets.view")
    asset = asset_get(organisation=organisation, pk=asset_id)
    return exports.schedule_xlsx(asset, asset_schedule(asset))


@router.post(PREFIX + "/assets/{asset_id}/disposal", response={201: AssetDisposalOut, **BODY_ERRORS},
             summary="Céder ou mettre au rebut")
def asset_disposal(request, org: str, asset_id: int, payload: AssetDisposalIn):
    """Posts the complementary depreciation to the date, then the exit (28xx, 657 / 2xxx) and the price (462 or
    512 / 757, 44571)."""
    organisation = organisation_for(request, org, "assets.write")
    disposal = asset_dispose(actor=request.auth, asset=asset_get(organisation=organisation, pk=asset_id),
                             data=payload.dict())
    return Status(201, {"asset_id": asset_id, "kind": disposal.kind, "date": disposal.date, "price": disposal.price,
                        "vat": disposal.vat, "accumulated": disposal.accumulated,
                        "net_book_value": disposal.net_book_value, "result": disposal.result,
                        "entry_id": disposal.entry_id})


@router.get(PREFIX + "/asset-candidates", response={200: list[AssetCandidateOut], **ERRORS},
            summary="Lignes de factures fournisseurs à immobiliser")
def candidates(request, org: str):
    organisation = organisation_for(request, org, "assets.view")
    return [{"line_id": line.pk, "document_id": line.document_id, "document_number": line.document.number,
             "supplier_reference": line.document.supplier_reference, "supplier_code": line.document.party.code,
             "issue_date": line.document.issue_date, "label": line.label, "account": line.account,
             "net_amount": line.net_amount} for line in asset_candidates(organisation=organisation)]


@router.post(PREFIX + "/asset-candidates", response={201: AssetOut, **BODY_ERRORS},
             summary="Immobiliser une ligne de facture fournisseur")
def candidate_register(request, org: str, payload: AssetFromLineIn):
    organisation = organisation_for(request, org, "assets.write")
    data = payload.dict()
    asset = asset_create_from_invoice_line(actor=request.auth, organisation=organisation,
                                           line_id=data.pop("line_id"), data=data)
    return Status(201, _out(organisation, asset.pk))


@router.get(PREFIX + "/depreciation-runs", response={200: list[AssetRunOut], **ERRORS},
            summary="Dotations annuelles passées")
def runs(request, org: str):
    organisation = organisation_for(request, org, "assets.view")
    return [{"id": run.pk, "fiscal_year": run.fiscal_year.code, "total": run.total, "asset_count": run.asset_count}
            for run in run_list(organisation=organisation)]


@router.get(PREFIX + "/depreciation-runs/due", response={200: list[AssetDueOut], **ERRORS},
            summary="Annuités à passer pour un exercice")
def runs_due(request, org: str, fiscal_year: str):
    organisation = organisation_for(request, org, "assets.view")
    return [{"asset_id": asset.pk, "number": asset.display_number, "label": asset.label, "annuity": amount}
            for asset, amount in annuities_due(organisation=organisation, fiscal_year=_year(organisation,
                                                                                             fiscal_year))]


@router.post(PREFIX + "/depreciation-runs", response={201: AssetRunOut, **BODY_ERRORS},
             summary="Passer les dotations de l'exercice")
def run_new(request, org: str, payload: AssetRunIn):
    """Once per fiscal year (422 `already_run` the second time)."""
    organisation = organisation_for(request, org, "assets.write")
    run = depreciation_run(actor=request.auth, organisation=organisation,
                           fiscal_year=_year(organisation, payload.fiscal_year))
    return Status(201, {"id": run.pk, "fiscal_year": run.fiscal_year.code, "total": run.total,
                        "asset_count": run.asset_count})

