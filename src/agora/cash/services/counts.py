"""Cash counts (contrôle de caisse): a count sheet by denomination, then its validation against the book balance,
posting the variance: shortfall debit 658 / credit 530, surplus debit 530 / credit 758 (reference §7).
A validated sheet never changes."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.services import entries_post

from ..domain import DENOMINATIONS, count_total
from ..models import CashCount, CashCountLine, CashRegister
from ..selectors.balances import register_balance
from .movements import check_floor

FIELDS = ["register", "date", "counter_name", "note", "state", "counted_total", "book_balance", "variance", "entry"]
SHORTFALL_ACCOUNT, SURPLUS_ACCOUNT = "658", "758"


def _quantities(raw: dict) -> dict[Decimal, int]:
    """{face value: quantity} from keys given as Decimal, number or text ("0.50", "0,5"); missing ones are 0."""
    out = {value: 0 for value in DENOMINATIONS}
    for key, quantity in (raw or {}).items():
        try:
            value = Decimal(str(key).replace(",", ".")).quantize(Decimal("0.01"))
        except ArithmeticError as error:
            raise BusinessError("invalid_denomination", f"Valeur faciale illisible : « {key} ».",
                                field="lines") from error
        if isinstance(quantity, str):
            quantity = int(quantity) if quantity.strip().isdigit() else quantity
        out[value] = 0 if quantity in (None, "") else quantity
    return out


def _fill(count: CashCount, data: dict) -> dict[Decimal, int]:
    if not isinstance(data.get("date"), date):
        raise BusinessError("invalid_date", "Date du comptage invalide.", field="date")
    counter_name = (data.get("counter_name") or "").strip()
    if not counter_name:
        raise BusinessError("required", "Indiquez qui a compté la caisse (nom du signataire).", field="counter_name")
    quantities = _quantities(data.get("quantities") or {})
    count.counted_total = count_total(quantities)
    count.date, count.counter_name, count.note = data["date"], counter_name[:100], (data.get("note") or "")[:300]
    return quantities


def _save_lines(count: CashCount, quantities: dict[Decimal, int]) -> None:
    count.lines.all().delete()
    CashCountLine.objects.bulk_create([CashCountLine(count=count, denomination=value, quantity=quantity)
                                       for value, quantity in sorted(quantities.items(), reverse=True)])


@transaction.atomic
def count_create(*, actor, register: CashRegister, data: dict) -> CashCount:
    """A draft count sheet. data: date, counter_name, note, quantities {face value: quantity}."""
    count = CashCount(organisation=register.organisation, register=register,
                      created_by=actor if getattr(actor, "is_authenticated", False) else None)
    quantities = _fill(count, data)
    count.save()
    _save_lines(count, quantities)
    audit_record(organisation=register.organisation, actor=actor, action="cash_count.create", obj=count,
                 after={**snapshot(count, FIELDS), "quantities": {str(k): v for k, v in quantities.items()}})
    return count


def _locked_draft(count: CashCount) -> CashCount:
    count = CashCount.objects.select_for_update().select_related("register__account", "register__journal",
                                                                 "organisation").get(pk=count.pk)
    if count.state != CashCount.State.DRAFT:
        raise BusinessError("count_validated", "Ce contrôle de caisse est validé : il ne change plus.",
                            field="state")
    return count


@transaction.atomic
def count_update(*, actor, count: CashCount, data: dict) -> CashCount:
    count = _locked_draft(count)
    before = snapshot(count, FIELDS)
    quantities = _fill(count, data)
    count.save()
    _save_lines(count, quantities)
    audit_record(organisation=count.organisation, actor=actor, action="cash_count.update", obj=count, before=before,
                 after={**snapshot(count, FIELDS), "quantities": {str(k): v for k, v in quantities.items()}})
    return count


@transaction.atomic
def count_delete(*, actor, count: CashCount) -> None:
    count = _locked_draft(count)
    audit_record(organisation=count.organisation, actor=actor, action="cash_count.delete", obj=count,
                 before=snapshot(count, FIELDS))
    count.delete()


def variance_entry(count: CashCount, variance: Decimal) -> EntryInput:
    register = count.register
    label = f"Contrôle de caisse du {count.date:%d/%m/%Y} — " + ("manquant" if variance < 0 else "excédent")
    cash = register.account.code
    if variance < 0:
        lines = [LineInput(account=SHORTFALL_ACCOUNT, debit=-variance, label=label),
                 LineInput(account=cash, credit=-variance, label=label)]
    else:
        lines = [LineInput(account=cash, debit=variance, label=label),
                 LineInput(account=SURPLUS_ACCOUNT, credit=variance, label=label)]
    return EntryInput(journal=register.journal.code, date=count.date, label=label, lines=lines,
                      reference=f"CTRL{count.pk}", origin_type="cash.cashcount", origin_id=str(count.pk))


@transaction.atomic
def count_validate(*, actor, count: CashCount) -> CashCount:
    """Freeze the sheet: book balance at the count's date, variance = counted − book, posted when not zero."""
    CashRegister.objects.select_for_update().filter(pk=count.register_id).first()  # serialise with movements
    count = _locked_draft(count)
    before = snapshot(count, FIELDS)
    count.book_balance = register_balance(count.register, count.date)
    count.variance = count.counted_total - count.book_balance
    if count.variance < 0:
        check_floor(count.register, count.date, -count.variance)
    if count.variance:
        count.entry = entries_post(actor=actor, organisation=count.organisation,
                                   entries=[variance_entry(count, count.variance)])[0]
    count.state = CashCount.State.VALIDATED
    count.validated_at = timezone.now()
    count.validated_by = actor if getattr(actor, "is_authenticated", False) else None
    count.save()
    audit_record(organisation=count.organisation, actor=actor, action="cash_count.validate", obj=count,
                 before=before, after=snapshot(count, FIELDS))
    return count
