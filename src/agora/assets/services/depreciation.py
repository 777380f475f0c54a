"""The year-end depreciation run and disposals.

The run posts, in OD on the fiscal year's last day, one entry "Dotations aux amortissements" holding one credit
line 28xx per asset (labelled with its number, so the journal reads asset by asset) and one debit 6811 per
depreciation account; more than 5,000 assets are split into several entries of that size. Every posted annuity
is recorded (`Annuity`), and a second run for the same year is refused.

A disposal first posts the year's complementary depreciation up to the disposal date, then the exit: debit 28xx
(all accumulated depreciation) and 657 (net book value), credit 2xxx (cost); and for a sale, debit 462 (TTC),
credit 757 (price excl. VAT) and 44571 (VAT when the sale bears it) — the 2025 chart's 657/757.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction

from agora.core.audit import audit_record
from agora.core.bulk import load_rows
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount, round_money
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import FiscalYear, State
from agora.ledger.services import entries_post

from .. import domain
from ..models import Annuity, DepreciationRun, Disposal, FixedAsset
from ..selectors.assets import annuities_due, asset_schedule, posted_depreciation
from .assets import ensure_account

JOURNAL = "OD"
ASSETS_PER_ENTRY = 5000
VAT_BOXES = {Decimal("20"): "08", Decimal("10"): "9B", Decimal("5.5"): "09", Decimal("2.1"): "10"}


def _entry_lines(items: list[tuple[FixedAsset, Decimal]]) -> list[LineInput]:
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    credits = []
    for asset, amount in items:
        code = asset.depreciation_account.code
        by_account[code] += amount
        credits.append(LineInput(account=code, credit=amount, label=f"{asset.display_number} {asset.label}"[:200]))
    debits = [LineInput(account=items[0][0].expense_account.code, debit=total, label=f"Dotation {code}")
              for code, total in sorted(by_account.items())]
    return debits + credits


@transaction.atomic
def depreciation_run(*, actor, organisation, fiscal_year: FiscalYear) -> DepreciationRun:
    """Post the year's annuities of every asset in service; refused when the year was already run."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk, organisation=organisation)
    if fiscal_year.state != State.OPEN:
        raise BusinessError("year_closed", f"L'exercice {fiscal_year.code} est clôturé.", field="fiscal_year")
    if DepreciationRun.objects.filter(organisation=organisation, fiscal_year=fiscal_year).exists():
        raise BusinessError("already_run", f"Les dotations de l'exercice {fiscal_year.code} sont déjà "
                            "comptabilisées.", field="fiscal_year")
    due = annuities_due(organisation=organisation, fiscal_year=fiscal_year)
    if not due:
        raise BusinessError("nothing_due", f"Aucune dotation à comptabiliser pour l'exercice {fiscal_year.code}.",
                            field="fiscal_year")
    by_expense: dict[str, list] = defaultdict(list)
    for asset, amount in due:
        by_expense[asset.expense_account.code].append((asset, amount))
    chunks = [items[start:start + ASSETS_PER_ENTRY] for items in by_expense.values()
              for start in range(0, len(items), ASSETS_PER_ENTRY)]
    entries = entries_post(actor=actor, organisation=organisation, entries=[
        EntryInput(journal=JOURNAL, date=fiscal_year.end_date, reference=f"AMO{fiscal_year.code}"[:40],
                   label=f"Dotations aux amortissements {fiscal_year.code}", lines=_entry_lines(chunk),
                   origin_type="assets.depreciationrun")
        for chunk in chunks])
    total = sum((amount for _, amount in due), ZERO)
    run = DepreciationRun.objects.create(organisation=organisation, fiscal_year=fiscal_year, total=total,
                                         asset_count=len(due), posted_by=_user(actor))
    load_rows(Annuity, ["organisation", "asset", "fiscal_year", "amount", "run", "entry"], [
        (organisation.pk, asset.pk, fiscal_year.pk, amount, run.pk, entry.pk)
        for entry, chunk in zip(entries, chunks, strict=True) for asset, amount in chunk])
    audit_record(organisation=organisation, actor=actor, action="depreciation.run", obj=run,
                 after={"fiscal_year": fiscal_year.code, "assets": len(due), "total": str(total),
                        "entries": [entry.pk for entry in entries]})
    return run


def _disposal_year(organisation, asset: FixedAsset, on: date) -> FiscalYear:
    year = FiscalYear.objects.filter(organisation=organisation, start_date__lte=on, end_date__gte=on).first()
    if year is None:
        raise BusinessError("no_period", f"Aucun exercice ne contient le {on:%d/%m/%Y}.", field="date")
    if Annuity.objects.filter(asset=asset, fiscal_year=year).exists():
        raise BusinessError("year_already_depreciated", f"La dotation {year.code} de ce bien est déjà passée : "
                            "la sortie se date après cet exercice.", field="date")
    return year


@transaction.atomic
def asset_dispose(*, actor, asset: FixedAsset, data: dict) -> Disposal:
    """Sell or scrap an asset. data: date, kind (sale/scrap), price (excl. VAT, 0 for scrap), vat_rate (percent,
    0 when the sale bears no VAT), counterpart ("462" receivable, or a 512 bank account)."""
    asset = (FixedAsset.objects.select_for_update().select_related("account", "depreciation_account",
                                                                  "expense_account", "organisation").get(pk=asset.pk))
    organisation = asset.organisation
    if asset.state != FixedAsset.State.IN_SERVICE:
        raise BusinessError("already_disposed", "Cette immobilisation est déjà sortie du patrimoine.", field="asset")
    on = data.get("date")
    if not isinstance(on, date):
        try:
            on = date.fromisoformat(str(on or ""))
        except ValueError as exc:
            raise BusinessError("invalid_date", "Date de sortie invalide (AAAA-MM-JJ).", field="date") from exc
    if on < asset.in_service_date:
        raise BusinessError("disposal_before_service", "La sortie ne peut précéder la mise en service.",
                            field="date")
    kind = data.get("kind") or Disposal.Kind.SALE
    if kind not in Disposal.Kind.values:
        raise BusinessError("invalid_kind", "Type de sortie inconnu : cession ou mise au rebut.", field="kind")
    price = parse_amount(data.get("price") or ZERO, field="price")
    rate = parse_amount(data.get("vat_rate") or ZERO, field="vat_rate")
    if price < 0 or rate < 0:
        raise BusinessError("negative_amount", "Le prix et le taux de TVA sont positifs.", field="price")
    if kind == Disposal.Kind.SCRAP and price:
        raise BusinessError("scrap_with_price", "Une mise au rebut ne rapporte rien : prix 0.", field="price")
    counterpart = str(data.get("counterpart") or "462").strip()
    if not (counterpart == "462" or counterpart.startswith("512")):
        raise BusinessError("invalid_counterpart", "Contrepartie du prix : 462 (créance sur cession) ou un compte "
                            "512.", field="counterpart")
    year = _disposal_year(organisation, asset, on)
    rows = asset_schedule(asset)
    complement = domain.disposal_annuity(rows=rows, year=domain.YearBounds(year.code, year.start_date,
                                                                           year.end_date),
                                         method=asset.method, in_service=asset.in_service_date, on=on)
    accumulated = posted_depreciation(asset) + complement
    nbv = asset.cost - accumulated
    vat = round_money(price * rate / 100)
    label = f"{asset.display_number} {asset.label}"[:120]
    entries = []
    if complement:
        entries.append(EntryInput(journal=JOURNAL, date=on, label=f"Dotation complémentaire {label}",
                                  reference=asset.display_number, origin_type="assets.fixedasset",
                                  origin_id=str(asset.pk), lines=[
                                      LineInput(account=asset.expense_account.code, debit=complement, label=label),
                                      LineInput(account=asset.depreciation_account.code, credit=complement,
                                                label=label)]))
    ensure_account(actor, organisation, "657", "Valeurs comptables des actifs cédés")
    lines = [LineInput(account=asset.depreciation_account.code, debit=accumulated, label=label),
             LineInput(account="657", debit=nbv, label=label),
             LineInput(account=asset.account.code, credit=asset.cost, label=label)]
    if price:
        ensure_account(actor, organisation, "757", "Produits des cessions d'éléments d'actif")
        ensure_account(actor, organisation, counterpart, "Créances sur cessions d'immobilisations")
        lines.append(LineInput(account=counterpart, debit=price + vat, label=f"Prix de cession {label}"))
        lines.append(LineInput(account="757", credit=price, label=f"Prix de cession {label}"))
        if vat:
            lines.append(LineInput(account="44571", credit=vat, label=f"TVA sur cession {label}",
                                   tax_role="output_vat", vat_box=VAT_BOXES.get(rate.normalize(), "08")))
    lines = [line for line in lines if line.debit or line.credit]
    title = "Cession" if kind == Disposal.Kind.SALE else "Mise au rebut"
    entries.append(EntryInput(journal=JOURNAL, date=on, label=f"{title} {label}", reference=asset.display_number,
                              origin_type="assets.fixedasset", origin_id=str(asset.pk), lines=lines))
    posted = entries_post(actor=actor, organisation=organisation, entries=entries)
    if complement:
        Annuity.objects.create(organisation=organisation, asset=asset, fiscal_year=year, amount=complement,
                               entry=posted[0])
    disposal = Disposal.objects.create(organisation=organisation, asset=asset, kind=kind, date=on, price=price,
                                       vat=vat, accumulated=accumulated, net_book_value=nbv, entry=posted[-1],
                                       created_by=_user(actor))
    asset.state = FixedAsset.State.DISPOSED
    asset.save(update_fields=["state"])
    audit_record(organisation=organisation, actor=actor, action="asset.dispose", obj=asset,
                 after={"date": on.isoformat(), "kind": kind, "price": str(price), "vat": str(vat),
                        "complement": str(complement), "accumulated": str(accumulated),
                        "net_book_value": str(nbv), "result": str(price - nbv)})
    return disposal


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
