"""Physical counts (inventaire physique): a count sheet with the expected quantities, the counted quantities
entered, then validation, which

1. records each variance as a `count_variance` move at the count date (a shortage valued by the item's method,
   a surplus at the current unit cost) and freezes the items' history up to that date;
2. posts the stock variation entry in journal OD, "inventaire intermittent": for each stock account concerned,
   the stock in the books (the account's balance at the count date: opening stock or the previous count) is
   cancelled — variation account debit / 3x credit — and the stock now valued is recorded — 3x debit /
   variation account credit (6037/37 goods, 6031/31 raw materials, 6032/32x supplies, 713/355 finished
   products). The final stock is the valuation at the count date of every item of the account.
"""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount, round_money
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, EntryLine
from agora.ledger.services import account_create, entries_post

from ..domain.valuation import round_qty
from ..models import Location, MoveKind, StockCount, StockCountLine, StockItem, StockMove
from ..selectors.valuation import value_by_account
from .moves import MoveInput, stock_moves_record

ACCOUNT_LABELS = {"321": "Matières consommables", "322": "Fournitures consommables",
                  "6032": "Variation des stocks des autres approvisionnements",
                  "7135": "Variation des stocks de produits"}


def _balances_at(items: list[StockItem], day: date, location: Location | None) -> dict[int, tuple]:
    """item id → (quantity, unit cost) at the end of `day`, in two queries whatever the number of items (the
    latest move of each item; at one location, the quantity is the sum of that location's moves)."""
    latest = StockMove.objects.filter(item=OuterRef("pk"), date__lte=day).order_by("-date", "-id")
    rows = (StockItem.objects.filter(pk__in=[item.pk for item in items])
            .annotate(q=Subquery(latest.values("quantity_after")[:1]), c=Subquery(latest.values("unit_cost_after")[:1]))
            .values_list("pk", "q", "c", "unit_cost"))
    result = {pk: (q if q is not None else Decimal("0.000"), c if c is not None else cost) for pk, q, c, cost in rows}
    if location is not None:
        held = dict(StockMove.objects.filter(item__in=items, location=location, date__lte=day).order_by()
                    .values("item").annotate(q=Sum("quantity")).values_list("item", "q"))
        result = {pk: (round_qty(held.get(pk) or 0), cost) for pk, (_, cost) in result.items()}
    return result


@transaction.atomic
def count_create(*, actor, organisation, day: date, location: Location | None = None, label: str = "",
                 item_ids: list[int] | None = None) -> StockCount:
    """A count sheet for the active items (of a location, or all), with their expected quantities at `day`."""
    if location is not None and location.organisation_id != organisation.pk:
        raise BusinessError("unknown_location", "Emplacement inconnu.", field="location")
    items = StockItem.objects.filter(organisation=organisation, active=True).select_related("product")
    if item_ids:
        items = items.filter(pk__in=item_ids)
    items = list(items.order_by("product__reference"))
    if not items:
        raise BusinessError("nothing_to_count", "Aucun article suivi en stock à inventorier.", field="location")
    count = StockCount.objects.create(organisation=organisation, date=day, location=location,
                                      label=(label or f"Inventaire du {day:%d/%m/%Y}")[:200],
                                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
    balances = _balances_at(items, day, location)
    StockCountLine.objects.bulk_create([
        StockCountLine(count=count, organisation=organisation, item=item, expected_quantity=balances[item.pk][0],
                       unit_cost=balances[item.pk][1]) for item in items])
    audit_record(organisation=organisation, actor=actor, action="stock.count.create", obj=count,
                 after={"date": day, "location": location.code if location else "", "lines": len(items)})
    return count


def _locked_draft(count: StockCount) -> StockCount:
    count = StockCount.objects.select_for_update().get(pk=count.pk)
    if count.status != StockCount.Status.DRAFT:
        raise BusinessError("count_validated", "Cet inventaire est validé : il ne se modifie plus.", field="status")
    return count


@transaction.atomic
def count_quantities_enter(*, actor, count: StockCount, quantities: dict[int, object]) -> StockCount:
    """Enter counted quantities by count line id ("" or None clears a line); variances are recomputed."""
    count = _locked_draft(count)
    lines = {line.pk: line for line in count.lines.select_related("item__product")}
    changed = []
    for line_id, raw in quantities.items():
        line = lines.get(int(line_id))
        if line is None:
            raise BusinessError("unknown_line", "Ligne d'inventaire inconnue.", field=f"lines.{line_id}")
        field = f"lines.{line_id}"
        if raw is None or str(raw).strip() == "":
            line.counted_quantity = None
        else:
            value = parse_amount(raw, field=field, places=3)
            if value < 0:
                raise BusinessError("negative", f"{line.item.product.reference} : quantité comptée négative.",
                                    field=field)
            line.counted_quantity = value
        _variance(line)
        changed.append(line)
    StockCountLine.objects.bulk_update(changed, ["counted_quantity", "variance_quantity", "variance_value"])
    audit_record(organisation=count.organisation, actor=actor, action="stock.count.enter", obj=count,
                 after={str(line.item.product.reference): str(line.counted_quantity) for line in changed})
    return count


def _variance(line: StockCountLine) -> None:
    if line.counted_quantity is None:
        line.variance_quantity, line.variance_value = Decimal("0.000"), ZERO
    else:
        line.variance_quantity = line.counted_quantity - line.expected_quantity
        line.variance_value = round_money(line.variance_quantity * line.unit_cost)


def _ensure_accounts(organisation, actor, codes: set[str]) -> None:
    """Create the stock and variation accounts the chart lacks (321, 322, 6032…) with their PCG labels."""
    existing = set(Account.objects.filter(organisation=organisation, code__in=codes).values_list("code", flat=True))
    for code in sorted(codes - existing):
        account_create(actor=actor, organisation=organisation, code=code,
                       label=ACCOUNT_LABELS.get(code, f"Compte {code}"))


def _ledger_balance(organisation, account: str, day: date) -> Decimal:
    sums = (EntryLine.objects.posted().filter(organisation=organisation, account__code=account, date__lte=day,
                                              fiscal_year__start_date__lte=day, fiscal_year__end_date__gte=day)
            .aggregate(d=Sum("debit"), c=Sum("credit")))
    return round_money((sums["d"] or ZERO) - (sums["c"] or ZERO))


def variation_entry(*, organisation, day: date, accounts: dict[str, str], label: str) -> EntryInput | None:
    """The OD entry bringing each stock account from its book balance to the stock valued at `day`;
    `accounts` maps stock account → variation account. None when nothing changes."""
    final = value_by_account(organisation=organisation, day=day, accounts=set(accounts))
    lines = []
    for stock_account, variation in sorted(accounts.items()):
        opening = _ledger_balance(organisation, stock_account, day)
        if opening > 0:
            lines += [LineInput(account=variation, debit=opening, label=f"Annulation du stock initial {stock_account}"),
                      LineInput(account=stock_account, credit=opening, label="Annulation du stock initial")]
        elif opening < 0:
            lines += [LineInput(account=stock_account, debit=-opening, label="Annulation du stock initial"),
                      LineInput(account=variation, credit=-opening, label="Annulation du stock initial")]
        if final[stock_account] > 0:
            lines += [LineInput(account=stock_account, debit=final[stock_account], label="Stock final"),
                      LineInput(account=variation, credit=final[stock_account],
                                label=f"Constatation du stock final {stock_account}")]
    if not lines:
        return None
    return EntryInput(journal="OD", date=day, label=label[:200], lines=lines)


@transaction.atomic
def count_validate(*, actor, count: StockCount, post: bool = True) -> StockCount:
    """Record the variances, freeze the counted items up to the count date, post the variation entry."""
    count = _locked_draft(count)
    lines = list(count.lines.select_related("item__product").order_by("item__product__reference"))
    missing = [line.item.product.reference for line in lines if line.counted_quantity is None]
    if missing:
        raise BusinessError("not_counted", f"{len(missing)} article(s) non compté(s) : "
                            f"{', '.join(missing[:10])}{'…' if len(missing) > 10 else ''}.", field="lines")
    items = list(StockItem.objects.select_for_update().filter(pk__in=[line.item_id for line in lines])
                 .order_by("pk"))
    balances = _balances_at(items, count.date, count.location)  # moves may have come since the sheet was made
    for line in lines:
        line.expected_quantity, line.unit_cost = balances[line.item_id]
        _variance(line)
    moves = [MoveInput(product_id=line.item.product_id, quantity=line.variance_quantity, kind=MoveKind.COUNT_VARIANCE,
                       date=count.date, location_id=count.location_id, origin_type="stock.count", origin_id=count.pk,
                       label=f"Écart d'inventaire du {count.date:%d/%m/%Y}")
             for line in lines if line.variance_quantity]
    recorded = {move.item_id: move for move in stock_moves_record(actor=actor, organisation=count.organisation,
                                                                  moves=moves)}
    for line in lines:
        if line.item_id in recorded:
            line.variance_value = recorded[line.item_id].value
    StockCountLine.objects.bulk_update(lines, ["expected_quantity", "unit_cost", "variance_quantity",
                                               "variance_value"])
    StockItem.objects.filter(pk__in=[item.pk for item in items]).update(frozen_until=count.date)
    if post:
        accounts: dict[str, str] = defaultdict(str)
        for item in items:
            accounts[item.stock_account] = accounts[item.stock_account] or item.variation_account
        _ensure_accounts(count.organisation, actor, set(accounts) | set(accounts.values()))
        data = variation_entry(organisation=count.organisation, day=count.date, accounts=dict(accounts),
                               label=f"Variation des stocks — inventaire du {count.date:%d/%m/%Y}")
        if data is not None:
            data.origin_type, data.origin_id = "stock.count", str(count.pk)
            data.reference = f"INV-{count.pk}"
            count.entry = entries_post(actor=actor, organisation=count.organisation, entries=[data])[0]
    count.status = StockCount.Status.VALIDATED
    count.validated_at = timezone.now()
    count.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    count.save(update_fields=["status", "validated_at", "validated_by", "entry"])
    audit_record(organisation=count.organisation, actor=actor, action="stock.count.validate", obj=count,
                 after={"moves": len(moves), "entry": count.entry.display_number if count.entry else "",
                        "variance": str(sum((line.variance_value for line in lines), ZERO))})
    return count
