"""Year-end: compute the result, carry balance-sheet accounts into the next year (à-nouveaux), close.

The result (classes 7 − 6) goes to 120 (profit) or 129 (loss) in the opening entry of the next year; no
closing-out entry of classes 6/7 is posted, so the FEC of the closed year holds only real entries.
"""

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.money import ZERO

from ..domain import EntryInput, LineInput
from ..hooks import closing_checks_run
from ..models import Entry, EntryLine, FiscalYear, Period, State
from .posting import entries_post
from .setup import fiscal_year_create


def fiscal_year_result(fiscal_year: FiscalYear):
    """Σ credit − Σ debit of classes 6 and 7 over the year's posted lines (positive = profit)."""
    totals = EntryLine.objects.posted().filter(
        organisation_id=fiscal_year.organisation_id, fiscal_year=fiscal_year, account__account_class__in=(6, 7),
    ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    return (totals["credit"] or ZERO) - (totals["debit"] or ZERO)


def opening_lines(fiscal_year: FiscalYear) -> list[LineInput]:
    """Balance-sheet balances at year end: open items line by line on reconcilable third-party accounts
    (class 4, so matching goes on next year), one balance per account and party elsewhere (banks included:
    a bank carries its balance); plus the result to 120/129."""
    base = EntryLine.objects.posted().filter(organisation_id=fiscal_year.organisation_id, fiscal_year=fiscal_year,
                                             account__account_class__lte=5)
    lines: list[LineInput] = []
    itemised = {"account__reconcilable": True, "account__account_class": 4}
    open_items = (base.filter(**itemised)
                  .exclude(matching_part__matching__is_full=True)
                  .select_related("account", "party", "entry__journal", "entry__fiscal_year")
                  .order_by("account__code", "party__code", "date", "pk"))
    for item in open_items:
        lines.append(LineInput(account=item.account.code, debit=item.debit, credit=item.credit,
                               party=item.party.code if item.party else "", due_date=item.due_date,
                               label=f"AN {item.entry.display_number} {item.label}"[:200]))
    balances = (base.exclude(**itemised).values("account__code", "party__code")
                .annotate(debit=Sum("debit"), credit=Sum("credit")).order_by("account__code", "party__code"))
    for row in balances:
        amount = (row["debit"] or ZERO) - (row["credit"] or ZERO)
        if amount:
            lines.append(LineInput(account=row["account__code"], debit=max(amount, ZERO),
                                   credit=max(-amount, ZERO), party=row["party__code"] or "",
                                   label=f"À-nouveau {row['account__code']}"))
    result = fiscal_year_result(fiscal_year)
    if result > 0:
        lines.append(LineInput(account="120", credit=result, label=f"Résultat de l'exercice {fiscal_year.code}"))
    elif result < 0:
        lines.append(LineInput(account="129", debit=-result, label=f"Résultat de l'exercice {fiscal_year.code}"))
    return lines


def closing_blockers(fiscal_year: FiscalYear) -> list[str]:
    """What prevents closing, in plain French (shown by the wizard before the accountant confirms)."""
    blockers = []
    if fiscal_year.state != State.OPEN:
        blockers.append(f"L'exercice {fiscal_year.code} est déjà clôturé.")
    earlier = FiscalYear.objects.filter(organisation_id=fiscal_year.organisation_id,
                                        start_date__lt=fiscal_year.start_date, state=State.OPEN)
    if earlier.exists():
        blockers.append("Clôturez d'abord l'exercice précédent.")
    drafts = Entry.objects.filter(fiscal_year=fiscal_year, state=Entry.Status.DRAFT).count()
    if drafts:
        blockers.append(f"{drafts} écriture(s) en brouillard : validez-les ou supprimez-les.")
    unbalanced = (EntryLine.objects.posted().filter(fiscal_year=fiscal_year)
                  .aggregate(d=Sum("debit"), c=Sum("credit")))
    if (unbalanced["d"] or ZERO) != (unbalanced["c"] or ZERO):
        blockers.append("La balance de l'exercice n'est pas équilibrée : lancez « agora verify ».")
    return blockers + closing_checks_run(fiscal_year)


@transaction.atomic
def fiscal_year_close(*, actor, fiscal_year: FiscalYear) -> Entry | None:
    """Close the year: result, opening entry (AN) in the next year (created if needed), periods closed."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    blockers = closing_blockers(fiscal_year)
    if blockers:
        raise BusinessError("cannot_close", " ".join(blockers), field="fiscal_year")
    organisation = fiscal_year.organisation
    next_year = FiscalYear.objects.filter(organisation=organisation, start_date__gt=fiscal_year.end_date).first()
    if next_year is None:
        next_year = fiscal_year_create(actor=actor, organisation=organisation)
    first_day = next_year.start_date
    lines = opening_lines(fiscal_year)
    opening = None
    if lines:
        opening = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
            journal="AN", date=first_day, reference=f"AN{next_year.code}", voucher_date=first_day,
            label=f"À-nouveaux de l'exercice {fiscal_year.code}", lines=lines,
            origin_type="ledger.fiscalyear", origin_id=str(fiscal_year.pk))])[0]
    result = fiscal_year_result(fiscal_year)
    Period.objects.filter(fiscal_year=fiscal_year).update(state=State.CLOSED)
    fiscal_year.state = State.CLOSED
    fiscal_year.result = result
    fiscal_year.closed_at = timezone.now()
    fiscal_year.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    fiscal_year.save()
    audit_record(organisation=organisation, actor=actor, action="fiscal_year.close", obj=fiscal_year,
                 after={"result": str(result), "opening_entry": opening.display_number if opening else ""})
    return opening


@transaction.atomic
def fiscal_year_lock(*, actor, fiscal_year: FiscalYear) -> FiscalYear:
    """Seal a closed year: nothing (not even matching) changes any more."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.state != State.CLOSED:
        raise BusinessError("not_closed", "Seul un exercice clôturé peut être verrouillé.", field="fiscal_year")
    Period.objects.filter(fiscal_year=fiscal_year).update(state=State.LOCKED)
    fiscal_year.state = State.LOCKED
    fiscal_year.save(update_fields=["state"])
    audit_record(organisation=fiscal_year.organisation, actor=actor, action="fiscal_year.lock", obj=fiscal_year,
                 after={"state": State.LOCKED})
    return fiscal_year
