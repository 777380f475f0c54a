"""Registering fixed assets: entered directly, or from a validated supplier invoice line on a class-2 account.

The acquisition itself is in the books already (purchasing posted the invoice, 2xxx and 44562); the register
adds what depreciation needs. An asset taken over from a previous system carries its accumulated depreciation
at the day before the organisation's first fiscal year in Agora (computed from the plan when not given).
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount, round_money
from agora.ledger.models import Account, EntryLine, FiscalYear
from agora.ledger.services import account_create
from agora.parties.models import Party
from agora.purchasing.models import PurchaseLine

from .. import domain
from ..models import Annuity, FixedAsset
from ..selectors.assets import asset_candidates, asset_schedule, year_calendar

FIELDS = ["label", "account", "depreciation_account", "acquisition_date", "in_service_date", "cost",
          "non_deductible_vat", "residual_value", "life_months", "method", "opening_depreciation", "opening_date",
          "state"]
EXPENSE_ACCOUNT = "6811"
ASSET_SERIES = "asset"


def ensure_account(actor, organisation, code: str, label: str) -> Account:
    """The ledger account `code`, created through the ledger services when the chart lacks it (2154, 28154…)."""
    account = Account.objects.filter(organisation=organisation, code=code).first()
    return account or account_create(actor=actor, organisation=organisation, code=code, label=label)


def _date(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError as exc:
        raise BusinessError("invalid_date", f"{label} : date invalide (AAAA-MM-JJ).", field=field) from exc


def _life_months(data: dict) -> int:
    raw = data.get("life_months") or (int(data["life_years"]) * 12 if str(data.get("life_years") or "").strip()
                                      else None)
    try:
        months = int(raw)
    except (TypeError, ValueError) as exc:
        raise BusinessError("required", "Indiquez la durée d'utilisation (en années ou en mois).",
                            field="life_months") from exc
    if not 1 <= months <= 600:
        raise BusinessError("invalid_life", "Durée d'utilisation invalide : de 1 à 600 mois.", field="life_months")
    return months


def _clean(actor, organisation, data: dict) -> dict:
    label = (data.get("label") or "").strip()
    if not label:
        raise BusinessError("required", "La désignation de l'immobilisation est obligatoire.", field="label")
    code = str(data.get("account_code") or "").strip()
    if not (code.startswith("2") and code.isdigit() and not code.startswith(("28", "29"))):
        raise BusinessError("not_asset_account", f"« {code} » n'est pas un compte d'immobilisation (2…, hors 28 et "
                            "29).", field="account_code")
    if code.startswith(("211", "26", "27")):
        raise BusinessError("not_depreciable", f"Le compte {code} (terrains, titres, prêts) ne s'amortit pas.",
                            field="account_code")
    acquired = _date(data.get("acquisition_date"), "acquisition_date", "Date d'acquisition")
    in_service = _date(data.get("in_service_date") or acquired, "in_service_date", "Date de mise en service")
    if in_service < acquired:
        raise BusinessError("in_service_before_acquisition", "La mise en service ne peut précéder l'acquisition.",
                            field="in_service_date")
    cost = parse_amount(data.get("cost"), field="cost")
    if cost <= 0:
        raise BusinessError("invalid_cost", "La valeur d'origine doit être positive.", field="cost")
    residual = parse_amount(data.get("residual_value") or ZERO, field="residual_value")
    if residual < 0 or residual >= cost:
        raise BusinessError("invalid_residual", "La valeur résiduelle doit être comprise entre 0 et la valeur "
                            "d'origine.", field="residual_value")
    method = data.get("method") or FixedAsset.Method.LINEAR
    if method not in FixedAsset.Method.values:
        raise BusinessError("invalid_method", "Mode d'amortissement inconnu : linéaire ou dégressif.", field="method")
    life = _life_months(data)
    if method == FixedAsset.Method.DECLINING:
        domain.declining_coefficient(life)
        if life % 12:
            raise BusinessError("declining_whole_years", "L'amortissement dégressif se calcule en années entières.",
                                field="life_months")
    account = ensure_account(actor, organisation, code, label)
    depreciation_code = domain.depreciation_account(code)
    depreciation = ensure_account(actor, organisation, depreciation_code, f"Amortissements - {account.label}"[:200])
    return {"label": label[:200], "account": account, "depreciation_account": depreciation,
            "expense_account": ensure_account(actor, organisation, EXPENSE_ACCOUNT,
                                              "Dotations aux amortissements des immobilisations"),
            "acquisition_date": acquired, "in_service_date": in_service, "cost": cost, "residual_value": residual,
            "non_deductible_vat": bool(data.get("non_deductible_vat")), "life_months": life, "method": method}


def _opening(organisation, asset: FixedAsset, raw, requested_date=None) -> None:
    """Assets from before the organisation's first fiscal year carry their accumulated depreciation to its eve,
    or to the end of a later year when they joined the books then (`requested_date`, e.g. a contribution)."""
    first = FiscalYear.objects.filter(organisation=organisation).order_by("start_date").first()
    if first is None or min(asset.acquisition_date, asset.in_service_date) >= first.start_date:
        if raw not in (None, "") and parse_amount(raw, field="opening_depreciation") != 0:
            raise BusinessError("opening_not_allowed", "Des amortissements antérieurs ne se reprennent que pour un "
                                "bien acquis avant le premier exercice tenu dans Agora.", field="opening_depreciation")
        return
    asset.opening_date = first.start_date - timedelta(days=1)
    if requested_date not in (None, ""):
        asset.opening_date = _date(requested_date, "opening_date", "Amortissements antérieurs arrêtés au")
        ends = {year.end for year in year_calendar(organisation, asset.acquisition_date, asset.opening_date)}
        if asset.opening_date < asset.in_service_date or asset.opening_date not in ends:
            raise BusinessError("invalid_opening_date", "Les amortissements antérieurs s'arrêtent à la fin d'un "
                                "exercice postérieur à la mise en service.", field="opening_date")
    if raw in (None, ""):
        opening_date, asset.opening_date = asset.opening_date, None
        theoretical = [row for row in asset_schedule(asset) if row.end <= opening_date]
        asset.opening_date = opening_date
        asset.opening_depreciation = theoretical[-1].accumulated if theoretical else ZERO
    else:
        amount = parse_amount(raw, field="opening_depreciation")
        if amount < 0 or amount > asset.base:
            raise BusinessError("opening_too_high", "Les amortissements antérieurs doivent être compris entre 0 et "
                                "la base amortissable.", field="opening_depreciation")
        asset.opening_depreciation = amount


@transaction.atomic
def asset_create(*, actor, organisation, data: dict, purchase_line: PurchaseLine | None = None) -> FixedAsset:
    """Register an asset. data: label, account_code, acquisition_date, in_service_date, cost, residual_value,
    life_years or life_months, method, non_deductible_vat, opening_depreciation (assets taken over)."""
    values = _clean(actor, organisation, data)
    supplier = None
    if data.get("supplier_code"):
        supplier = Party.objects.filter(organisation=organisation, code=str(data["supplier_code"]).upper()).first()
        if supplier is None:
            raise BusinessError("unknown_party", f"Fournisseur inconnu : « {data['supplier_code']} ».",
                                field="supplier_code")
    number = counter_next(organisation=organisation, series=ASSET_SERIES, fiscal_year="*")
    asset = FixedAsset(organisation=organisation, number=number, created_by=_user(actor), supplier=supplier,
                       **values)
    if purchase_line is not None:
        asset.purchase_line, asset.purchase_document = purchase_line, purchase_line.document
        asset.supplier = purchase_line.document.party
    _opening(organisation, asset, data.get("opening_depreciation"), data.get("opening_date"))
    asset.save()
    audit_record(organisation=organisation, actor=actor, action="asset.create", obj=asset,
                 after=snapshot(asset, FIELDS))
    return asset


@transaction.atomic
def asset_create_from_invoice_line(*, actor, organisation, line_id: int, data: dict | None = None) -> FixedAsset:
    """One click from the "à immobiliser" list: cost = the line's net amount (plus its VAT when `data` says it
    is not deductible), dates = the invoice's; the life (5 years unless given) and method can be set."""
    line = (asset_candidates(organisation=organisation).select_for_update(of=("self",)).filter(pk=line_id).first())
    if line is None:
        raise BusinessError("unknown_line", "Cette ligne de facture n'est pas à immobiliser (déjà enregistrée, ou "
                            "pas sur un compte 2…).", field="line")
    data = dict(data or {})
    cost = line.net_amount
    if data.get("non_deductible_vat"):
        cost = cost + round_money(line.net_amount * line.vat_rate / Decimal(100))
    values = {"label": data.get("label") or line.label, "account_code": line.account, "cost": cost,
              "acquisition_date": line.document.issue_date,
              "in_service_date": data.get("in_service_date") or line.document.issue_date,
              "life_months": data.get("life_months"), "life_years": data.get("life_years") or (
                  "" if data.get("life_months") else 5),
              "method": data.get("method") or FixedAsset.Method.LINEAR,
              "non_deductible_vat": bool(data.get("non_deductible_vat")),
              "residual_value": data.get("residual_value") or ZERO}
    return asset_create(actor=actor, organisation=organisation, data=values, purchase_line=line)


@transaction.atomic
def asset_update(*, actor, asset: FixedAsset, data: dict) -> FixedAsset:
    """Correct an asset while nothing was posted for it (no annuity, no disposal): the plan follows."""
    asset = FixedAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.annuities.exists() or asset.state != FixedAsset.State.IN_SERVICE:
        raise BusinessError("asset_posted", "Des amortissements ont été comptabilisés pour cette immobilisation : "
                            "elle ne se modifie plus (cédez-la ou passez une écriture corrective).", field="asset")
    before = snapshot(asset, FIELDS)
    current = {"label": asset.label, "account_code": asset.account.code, "acquisition_date": asset.acquisition_date,
               "in_service_date": asset.in_service_date, "cost": asset.cost, "residual_value": asset.residual_value,
               "life_months": asset.life_months, "method": asset.method,
               "non_deductible_vat": asset.non_deductible_vat}
    merged = {**current, **{key: value for key, value in data.items() if value is not None}}
    if "life_years" in data and data["life_years"] not in (None, ""):
        merged["life_months"] = int(data["life_years"]) * 12
    for key, value in _clean(actor, asset.organisation, merged).items():
        setattr(asset, key, value)
    opening = data.get("opening_depreciation", asset.opening_depreciation if asset.opening_date else None)
    previous = asset.opening_date
    requested = data.get("opening_date") or (previous if previous and previous >= asset.in_service_date else None)
    asset.opening_date = None
    _opening(asset.organisation, asset, opening, requested)
    asset.save()
    audit_record(organisation=asset.organisation, actor=actor, action="asset.update", obj=asset, before=before,
                 after=snapshot(asset, FIELDS))
    return asset


@transaction.atomic
def asset_delete(*, actor, asset: FixedAsset) -> None:
    """Remove an asset registered by mistake, while nothing was posted for it; its number is not reused."""
    asset = FixedAsset.objects.select_for_update().get(pk=asset.pk)
    if asset.annuities.exists() or asset.state != FixedAsset.State.IN_SERVICE:
        raise BusinessError("asset_posted", "Des écritures portent sur cette immobilisation : elle ne se supprime "
                            "pas.", field="asset")
    audit_record(organisation=asset.organisation, actor=actor, action="asset.delete", obj=asset,
                 before=snapshot(asset, FIELDS))
    asset.delete()


@transaction.atomic
def annuity_record_posted(*, actor, asset: FixedAsset, fiscal_year: FiscalYear, amount, entry) -> Annuity:
    """Record a year's annuity already in the books (posted before the asset was registered, e.g. by the former
    practice), so that the register, the checklist and a later disposal count it: the entry must be a posted
    entry of the organisation crediting the asset's depreciation account by at least that amount."""
    amount = parse_amount(amount, field="amount")
    credited = sum((line.credit for line in EntryLine.objects.filter(
        entry=entry, organisation=asset.organisation_id, posted=True,
        account=asset.depreciation_account_id)), ZERO)
    if amount <= 0 or credited < amount or entry.fiscal_year_id != fiscal_year.pk:
        raise BusinessError("annuity_not_in_books", f"L'écriture ne crédite pas le compte "
                            f"{asset.depreciation_account.code} de {amount} € dans l'exercice {fiscal_year.code}.",
                            field="entry")
    if Annuity.objects.filter(asset=asset, fiscal_year=fiscal_year).exists():
        raise BusinessError("already_recorded", "L'annuité de cet exercice est déjà enregistrée.", field="fiscal_year")
    annuity = Annuity.objects.create(organisation=asset.organisation, asset=asset, fiscal_year=fiscal_year,
                                     amount=amount, entry=entry)
    audit_record(organisation=asset.organisation, actor=actor, action="asset.annuity_recorded", obj=asset,
                 after={"fiscal_year": fiscal_year.code, "amount": str(amount), "entry": entry.pk})
    return annuity


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
