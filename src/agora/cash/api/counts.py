"""Cash count routes of the JSON API: count sheets of a register, their edition while a draft, validation
(variance posted to 658/758) and deletion of a draft. cash.view to read, cash.write to write."""

from datetime import date

from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, Money, organisation_for

from ..selectors import registers as selectors
from ..selectors.balances import register_balance
from ..services.counts import count_create, count_delete, count_update, count_validate

router = Router(tags=["caisse — contrôles de caisse"])
PREFIX = "/orgs/{org}"


class CashCountIn(Schema):
    date: date
    counter_name: str
    note: str = ""
    quantities: dict[str, int]  # face value ("50", "0.20") → number of notes or coins


class CashCountLineOut(Schema):
    denomination: str
    quantity: int
    amount: Money


class CashCountOut(Schema):
    id: int
    register_id: int
    date: date
    counter_name: str
    note: str
    state: str
    counted_total: Money
    book_balance: Money
    variance: Money
    entry_id: int | None
    lines: list[CashCountLineOut]


def _out(count) -> dict:
    book = count.book_balance if count.book_balance is not None else register_balance(count.register, count.date)
    return {"id": count.pk, "register_id": count.register_id, "date": count.date, "counter_name": count.counter_name,
            "note": count.note, "state": count.state, "counted_total": count.counted_total, "book_balance": book,
            "variance": count.counted_total - book, "entry_id": count.entry_id,
            "lines": [{"denomination": f"{line.denomination:.2f}", "quantity": line.quantity, "amount": line.amount}
                      for line in count.lines.all()]}


@router.get(PREFIX + "/cash-registers/{register_id}/counts", response={200: list[CashCountOut], **ERRORS},
            summary="Contrôles d'une caisse")
def counts(request, org: str, register_id: int):
    organisation = organisation_for(request, org, "cash.view")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    return [_out(count) for count in selectors.count_list(register=register).prefetch_related("lines")]


@router.post(PREFIX + "/cash-registers/{register_id}/counts", response={201: CashCountOut, **BODY_ERRORS},
             summary="Saisir un comptage de caisse")
def count_new(request, org: str, register_id: int, payload: CashCountIn):
    organisation = organisation_for(request, org, "cash.write")
    register = selectors.register_get(organisation=organisation, pk=register_id)
    count = count_create(actor=request.auth, register=register, data=payload.dict())
    return Status(201, _out(selectors.count_get(organisation=organisation, pk=count.pk)))


@router.get(PREFIX + "/cash-counts/{count_id}", response={200: CashCountOut, **ERRORS}, summary="Un comptage")
def count_detail(request, org: str, count_id: int):
    organisation = organisation_for(request, org, "cash.view")
    return _out(selectors.count_get(organisation=organisation, pk=count_id))


@router.put(PREFIX + "/cash-counts/{count_id}", response={200: CashCountOut, **BODY_ERRORS},
            summary="Modifier un comptage en brouillon")
def count_put(request, org: str, count_id: int, payload: CashCountIn):
    organisation = organisation_for(request, org, "cash.write")
    count = count_update(actor=request.auth, count=selectors.count_get(organisation=organisation, pk=count_id),
                         data=payload.dict())
    return _out(selectors.count_get(organisation=organisation, pk=count.pk))


@router.post(PREFIX + "/cash-counts/{count_id}/validate", response={200: CashCountOut, **ERRORS},
             summary="Valider un comptage (écart passé en 658 ou 758)")
def count_validate_route(request, org: str, count_id: int):
    organisation = organisation_for(request, org, "cash.write")
    count = count_validate(actor=request.auth, count=selectors.count_get(organisation=organisation, pk=count_id))
    return _out(selectors.count_get(organisation=organisation, pk=count.pk))


@router.delete(PREFIX + "/cash-counts/{count_id}", response={204: None, **ERRORS},
               summary="Supprimer un comptage en brouillon")
def count_delete_route(request, org: str, count_id: int):
    organisation = organisation_for(request, org, "cash.write")
    count_delete(actor=request.auth, count=selectors.count_get(organisation=organisation, pk=count_id))
    return Status(204, None)
