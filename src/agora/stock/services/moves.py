"""Recording stock moves: the one door through which stock changes (receipts, deliveries, returns, adjustments,
count variances, production, transfers). Other apps (purchasing, sales) call `stock_moves_record`.

Concurrency: the items concerned are locked (SELECT … FOR UPDATE, in id order: no deadlock) before anything
is read, so two parallel exits of the same item see each other's result and never drive it below zero
(unless the item allows negative stock). Each move is valued by the item's method (domain/valuation.py) and
stores the item's balance after it.

Back-dated moves (dated before the item's latest move) are accepted and re-value the item's later moves: their
running balances are recomputed from the balance just before the new move, and every later balance is checked
against negative stock. Two limits: nothing is accepted on or before the date of a validated count of the item
(the count froze that history), and at most REPLAY_LIMIT later moves are re-valued (beyond, the move is refused:
record it at today's date instead).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from agora.core.audit import audit_bulk
from agora.core.errors import BusinessError
from agora.core.money import parse_amount

from ..domain.valuation import Balance, round_qty, value_move
from ..models import Location, MoveKind, StockItem, StockMove
from .items import default_location

IN_KINDS = {MoveKind.RECEIPT, MoveKind.RETURN_IN, MoveKind.TRANSFER_IN, MoveKind.ADJUSTMENT_IN,
            MoveKind.PRODUCTION_IN}
OUT_KINDS = {MoveKind.DELIVERY, MoveKind.RETURN_OUT, MoveKind.TRANSFER_OUT, MoveKind.ADJUSTMENT_OUT,
             MoveKind.PRODUCTION_OUT}
REPLAY_LIMIT = 20_000
RESULT_FIELDS = ["unit_cost", "value", "quantity_after", "value_after", "unit_cost_after", "state_after"]


@dataclass(frozen=True)
class MoveInput:
    product_id: int
    quantity: Decimal  # > 0; the kind gives the direction (count_variance: signed, the variance itself)
    kind: str
    date: date
    unit_cost: Decimal | None = None  # entries: cost per unit; exits: None → valued by the item's method
    location_id: int | None = None  # None → the item's default location
    origin_type: str = ""  # "purchasing.receipt", "sales.delivery", "stock.count"…
    origin_id: int | None = None
    label: str = ""


def _signed_quantity(n: int, data: MoveInput) -> Decimal:
    field = f"moves.{n}.quantity"
    quantity = parse_amount(data.quantity, field=field, places=3)
    if data.kind == MoveKind.COUNT_VARIANCE:
        if not quantity:
            raise BusinessError("zero_quantity", f"Mouvement {n} : écart nul.", field=field)
        return quantity
    if data.kind not in IN_KINDS | OUT_KINDS:
        raise BusinessError("invalid_kind", f"Mouvement {n} : nature de mouvement inconnue « {data.kind} ».",
                            field=f"moves.{n}.kind")
    if quantity <= 0:
        raise BusinessError("invalid_quantity", f"Mouvement {n} : la quantité doit être positive.", field=field)
    return quantity if data.kind in IN_KINDS else -quantity


def _cost(n: int, data: MoveInput, quantity: Decimal) -> Decimal | None:
    if data.unit_cost is None or data.unit_cost == "":
        return None
    field = f"moves.{n}.unit_cost"
    if quantity < 0:
        raise BusinessError("cost_on_exit", f"Mouvement {n} : une sortie est valorisée par la méthode de l'article, "
                            "sans coût unitaire saisi.", field=field)
    cost = parse_amount(data.unit_cost, field=field, places=4)
    if cost < 0:
        raise BusinessError("negative_cost", f"Mouvement {n} : coût unitaire négatif.", field=field)
    return cost


def _locked_items(organisation, product_ids: set[int]) -> dict[int, StockItem]:
    items = (StockItem.objects.select_for_update().select_related("product")
             .filter(organisation=organisation, product_id__in=product_ids).order_by("pk"))
    return {item.product_id: item for item in items}


def _balance_of(move: StockMove | None) -> Balance:
    if move is None:
        return Balance()
    return Balance.restore(move.quantity_after, move.value_after, move.unit_cost_after, move.state_after)


def _apply(item: StockItem, move: StockMove, before: Balance, cost: Decimal | None) -> Balance:
    valued = value_move(item.valuation_method, before, kind=move.kind, quantity=move.quantity, unit_cost=cost,
                        day=move.date)
    after = valued.balance
    move.unit_cost, move.value = valued.unit_cost, valued.value
    move.quantity_after, move.value_after, move.unit_cost_after = after.quantity, after.value, after.unit_cost
    move.state_after = after.state()
    if valued.consumed:
        move.state_after["consumed"] = [[str(q), str(c)] for q, c in valued.consumed]
    return after


def _refuse_shortage(item: StockItem, move: StockMove, n: int | None) -> None:
    where = f"Mouvement {n} : " if n else ""
    raise BusinessError(
        "insufficient_stock",
        f"{where}stock insuffisant pour {item.product.reference} le {move.date:%d/%m/%Y} : il manquerait "
        f"{-move.quantity_after:f} {item.product.unit} (stock négatif non autorisé pour cet article).",
        field=f"moves.{n}.quantity" if n else "quantity")


def _held(pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Decimal]:
    """Current quantity per (item, location) for these pairs, in one GROUP BY."""
    if not pairs:
        return {}
    rows = (StockMove.objects.filter(item_id__in={i for i, _ in pairs}, location_id__in={loc for _, loc in pairs})
            .order_by().values_list("item_id", "location_id").annotate(held=Sum("quantity")))
    return {(i, loc): round_qty(held) for i, loc, held in rows}  # SQLite sums decimals as floats


def _check_location(item: StockItem, move: StockMove, pending: dict, n: int) -> None:
    """An exit may not take more than its location holds (current quantity, earlier moves of this call
    included)."""
    key = (item.pk, move.location_id)
    pending[key] = pending.get(key, Decimal("0.000")) + move.quantity
    if move.quantity < 0 and pending[key] < 0:
        raise BusinessError(
            "insufficient_location_stock",
            f"Mouvement {n} : l'emplacement {move.location.code} ne contient que "
            f"{round_qty(pending[key] - move.quantity):f} {item.product.unit} de {item.product.reference}.",
            field=f"moves.{n}.quantity")


def _check_transfers(records: list[StockMove]) -> None:
    """Transfers come in pairs (out of one location, into another): per item, they must cancel out."""
    balance: dict[int, Decimal] = defaultdict(Decimal)
    for move in records:
        if move.kind in (MoveKind.TRANSFER_IN, MoveKind.TRANSFER_OUT):
            balance[move.item_id] += move.quantity
    if any(balance.values()):
        raise BusinessError("unbalanced_transfer", "Un transfert sort d'un emplacement et entre dans un autre la "
                            "même quantité : utilisez l'écran ou la route des transferts.", field="moves")


def _replay(item: StockItem, new_moves: list[tuple[int, StockMove, Decimal | None]], *,
            recost: dict[int, Decimal] | None = None, first_day: date | None = None) -> list[StockMove]:
    """Insert back-dated moves of one item (and/or give entries already recorded a new unit cost: `recost`, by
    move id) and re-value every later move, from the balance before the first."""
    recost = recost or {}
    first_day = min([move.date for _, move, _ in new_moves] + ([first_day] if first_day else []))
    previous = (StockMove.objects.filter(item=item, date__lt=first_day).order_by("-date", "-id").first())
    later = list(StockMove.objects.filter(item=item, date__gte=first_day).order_by("date", "id")[:REPLAY_LIMIT + 1])
    if len(later) > REPLAY_LIMIT:
        raise BusinessError("too_far_back", f"{item.product.reference} : ce mouvement antidaté obligerait à "
                            f"revaloriser plus de {REPLAY_LIMIT} mouvements ; enregistrez-le à une date récente.",
                            field="date")
    sequence = [(move.date, 0, move.pk, None, move, recost.get(move.pk, move.unit_cost if move.cost_given else None))
                for move in later]
    sequence += [(move.date, 1, index, n, move, cost) for index, (n, move, cost) in enumerate(new_moves)]
    sequence.sort(key=lambda row: row[:3])  # date, then existing moves before the new ones of the same day
    balance = _balance_of(previous)
    for _, _, _, n, move, cost in sequence:
        balance = _apply(item, move, balance, cost)
        if balance.quantity < 0 and not item.allow_negative and move.quantity < 0:
            _refuse_shortage(item, move, n)
    StockMove.objects.bulk_update(later, RESULT_FIELDS, batch_size=500)
    _set_balance(item, balance, max(sequence[-1][0], item.last_move_date or sequence[-1][0]))
    return [move for _, move, _ in new_moves]


@transaction.atomic
def stock_moves_recost(*, actor, organisation, costs: dict[int, Decimal], reason: str) -> list[str]:
    """Give recorded entries a corrected unit cost (the supplier invoice's purchase cost replacing the order's)
    and re-value every later move of their items. An item counted since the entry keeps its history (the count
    froze it): it is skipped and named in the list returned, for the caller to report."""
    moves = list(StockMove.objects.filter(organisation=organisation, pk__in=list(costs), cost_given=True)
                 .select_related("item__product"))
    items = _locked_items(organisation, {move.item.product_id for move in moves})
    skipped, changed = [], []
    for item in sorted(items.values(), key=lambda i: i.pk):
        own = [move for move in moves if move.item_id == item.pk and costs[move.pk] != move.unit_cost]
        if not own:
            continue
        first_day = min(move.date for move in own)
        if item.frozen_until and first_day <= item.frozen_until:
            skipped.append(f"{item.product.reference} : inventorié le {item.frozen_until:%d/%m/%Y}, coût d'entrée "
                           "non corrigé")
            continue
        _replay(item, [], recost={move.pk: costs[move.pk] for move in own}, first_day=first_day)
        changed.append((item, own))
    StockItem.objects.bulk_update([item for item, _ in changed], ["quantity", "value", "unit_cost", "state",
                                                                  "last_move_date"], batch_size=500)
    audit_bulk(organisation=organisation, actor=actor, action="stock.move.recost", items=[
        (move, {"item": item.product.reference, "unit_cost": str(costs[move.pk]), "reason": reason})
        for item, own in changed for move in own])
    return skipped


def _set_balance(item: StockItem, balance: Balance, last_day: date) -> None:
    item.quantity, item.value, item.unit_cost = balance.quantity, balance.value, balance.unit_cost
    item.state, item.last_move_date = balance.state(), last_day


@transaction.atomic
def stock_moves_record(*, actor, organisation, moves: list[MoveInput]) -> list[StockMove]:
    """Record moves (all or nothing), valued by each item's method; returns them in input order."""
    if not moves:
        return []
    product_ids = {data.product_id for data in moves}
    items = _locked_items(organisation, product_ids)
    wanted = {d.location_id for d in moves if d.location_id} | {i.default_location_id for i in items.values()}
    locations = {loc.pk: loc for loc in Location.objects.filter(organisation=organisation, pk__in=wanted - {None})}
    fallback = None
    per_item: dict[int, list] = defaultdict(list)
    records = []
    for n, data in enumerate(moves, start=1):
        item = items.get(data.product_id)
        if item is None:
            raise BusinessError("not_tracked", f"Mouvement {n} : cet article n'est pas suivi en stock.",
                                field=f"moves.{n}.product_id")
        if not isinstance(data.date, date):
            raise BusinessError("invalid_date", f"Mouvement {n} : date invalide.", field=f"moves.{n}.date")
        if item.frozen_until and data.date <= item.frozen_until:
            raise BusinessError("frozen", f"Mouvement {n} : {item.product.reference} a été inventorié le "
                                f"{item.frozen_until:%d/%m/%Y} ; aucun mouvement n'est plus accepté à cette date "
                                "ni avant.", field=f"moves.{n}.date")
        quantity = _signed_quantity(n, data)
        cost = _cost(n, data, quantity)
        if data.location_id:
            location = locations.get(data.location_id)
            if location is None or not location.active:
                raise BusinessError("unknown_location", f"Mouvement {n} : emplacement inconnu ou inactif.",
                                    field=f"moves.{n}.location_id")
        elif item.default_location_id:
            location = locations[item.default_location_id]
        else:
            fallback = fallback or default_location(organisation)
            location = fallback
        move = StockMove(organisation=organisation, item=item, location=location, date=data.date, kind=data.kind,
                         quantity=quantity, cost_given=cost is not None, origin_type=data.origin_type[:40],
                         origin_id=data.origin_id, label=(data.label or MoveKind(data.kind).label)[:200],
                         created_by=actor if getattr(actor, "is_authenticated", False) else None)
        per_item[item.pk].append((n, move, cost))
        records.append(move)
    _check_transfers(records)
    pending = _held({(move.item_id, move.location_id) for move in records if not move.item.allow_negative})
    for item in sorted({items[d.product_id] for d in moves}, key=lambda i: i.pk):
        group = per_item[item.pk]
        if item.last_move_date and min(move.date for _, move, _ in group) < item.last_move_date:
            _replay(item, group)
        else:
            group.sort(key=lambda row: row[1].date)
            balance = Balance.restore(item.quantity, item.value, item.unit_cost, item.state)
            for n, move, cost in group:
                balance = _apply(item, move, balance, cost)
                if balance.quantity < 0 and move.quantity < 0 and not item.allow_negative:
                    _refuse_shortage(item, move, n)
            _set_balance(item, balance, group[-1][1].date)
        if not item.allow_negative:
            for n, move, _ in group:
                _check_location(item, move, pending, n)
    StockMove.objects.bulk_create(records, batch_size=500)
    StockItem.objects.bulk_update(list({items[d.product_id] for d in moves}),
                                  ["quantity", "value", "unit_cost", "state", "last_move_date"], batch_size=500)
    audit_bulk(organisation=organisation, actor=actor, action="stock.move.record", items=[
        (move, {"item": move.item.product.reference, "kind": move.kind, "date": move.date.isoformat(),
                "quantity": str(move.quantity), "value": str(move.value), "origin": move.origin_type})
        for move in records])
    return records


@transaction.atomic
def stock_transfer_record(*, actor, organisation, product_id: int, quantity: Decimal, from_location_id: int,
                          to_location_id: int, day: date, label: str = "") -> list[StockMove]:
    """Move stock between two locations: an exit and an entry of the same quantity (the item's value and
    balance do not change)."""
    if from_location_id == to_location_id:
        raise BusinessError("same_location", "Choisissez deux emplacements différents.", field="to_location_id")
    text = label or "Transfert interne"
    return stock_moves_record(actor=actor, organisation=organisation, moves=[
        MoveInput(product_id=product_id, quantity=quantity, kind=MoveKind.TRANSFER_OUT, date=day,
                  location_id=from_location_id, origin_type="stock.transfer", label=text),
        MoveInput(product_id=product_id, quantity=quantity, kind=MoveKind.TRANSFER_IN, date=day,
                  location_id=to_location_id, origin_type="stock.transfer", label=text),
    ])


def moves_of_origin(*, organisation, origin_type: str, origin_id: int):
    """Moves recorded for one source document (what a receipt or a delivery note did to stock)."""
    return StockMove.objects.filter(organisation=organisation, origin_type=origin_type, origin_id=origin_id)
