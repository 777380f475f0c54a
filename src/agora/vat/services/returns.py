"""Writes of the VAT return: settings, draft, manual regularisations, filing (boxes frozen, settlement entry
posted, period locked for VAT) — each atomic and audited."""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.models import Organisation
from agora.core.money import ZERO, format_amount, parse_amount
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account
from agora.ledger.services import account_create, entries_post
from agora.vat import domain
from agora.vat.models import VatReturn, VatReturnBox, VatSettings
from agora.vat.selectors.returns import (
    ORIGIN_TYPE,
    draft_vat_entries,
    next_period,
    period_of,
    settled_before,
    vat_compute,
    vat_settings_of,
)

SETTLEMENT_JOURNAL = "OD"
COLLECTED = ("output", "intra_eu")
EXTRA_ACCOUNTS = {domain.REGULARISATION_ACCOUNT: "TVA à régulariser ou en attente",
                  domain.INSTALMENT_ACCOUNT: "Acomptes de TVA (régime simplifié)"}
RETURN_FIELDS = ["state", "regularisation_15", "regularisation_21", "comment", "amount_due", "credit_carried",
                 "due_date"]


def _fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _refuse_franchise(organisation) -> None:
    if organisation.vat_regime == Organisation.VatRegime.FRANCHISE:
        raise BusinessError("vat_franchise", "L'organisation est en franchise en base de TVA (art. 293 B du CGI) : "
                            "elle ne dépose pas de déclaration de TVA.", field="organisation")


QUARTERLY_LIMIT = Decimal("4000")


def _check_quarterly_allowed(organisation) -> None:
    """Quarterly CA3 only when the VAT of the last twelve months filed in Agora stayed under 4,000 €."""
    since = timezone.localdate() - timedelta(days=365)
    filed = VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.FILED, end_date__gte=since)
    total = sum((r.amount_due for r in filed.only("amount_due")), ZERO)
    if total >= QUARTERLY_LIMIT:
        raise BusinessError("quarterly_not_allowed", "La TVA déclarée sur les douze derniers mois "
                            f"({format_amount(total)} €) atteint 4 000 € : la CA3 reste mensuelle.", field="quarterly")


@transaction.atomic
def vat_settings_update(*, actor, organisation, quarterly: bool | None = None, deadline_day=None) -> VatSettings:
    settings = vat_settings_of(organisation)
    before = snapshot(settings, ["quarterly", "deadline_day"]) if settings.pk else None
    if quarterly and not settings.quarterly:
        _check_quarterly_allowed(organisation)
    if quarterly is not None:
        settings.quarterly = bool(quarterly)
    if deadline_day not in (None, ""):
        try:
            day = int(deadline_day)
        except (TypeError, ValueError):
            day = 0
        if not 1 <= day <= 31:
            raise BusinessError("invalid_day", "Le jour limite de dépôt est compris entre 1 et 31.",
                                field="deadline_day")
        settings.deadline_day = day
    settings.save()
    audit_record(organisation=organisation, actor=actor, action="vat_settings.update", obj=settings,
                 before=before, after=snapshot(settings, ["quarterly", "deadline_day"]))
    return settings


@transaction.atomic
def vat_return_create(*, actor, organisation, start: date | None = None) -> VatReturn:
    """A draft for the period containing `start` (default: the next period to declare); its figures are read
    from the books each time it is shown, until it is filed."""
    _refuse_franchise(organisation)
    if start is None:
        period = next_period(organisation)
        if period is None:
            raise BusinessError("no_period", "Aucun exercice comptable : créez d'abord l'exercice.", field="start")
    else:
        period = period_of(organisation, start)
    form, start_date, end_date = period
    overlapping = (VatReturn.objects.filter(organisation=organisation, start_date__lte=end_date,
                                            end_date__gte=start_date).first())
    if overlapping:
        raise BusinessError("period_taken", f"Une déclaration existe déjà pour cette période ({overlapping}, "
                            f"{overlapping.get_state_display().lower()}).", field="start")
    vat_return = VatReturn.objects.create(organisation=organisation, form=form, start_date=start_date,
                                          end_date=end_date, created_by=actor)
    audit_record(organisation=organisation, actor=actor, action="vat_return.create", obj=vat_return,
                 after={"form": form, "start_date": str(start_date), "end_date": str(end_date)})
    return vat_return


def _locked(vat_return: VatReturn) -> VatReturn:
    locked = VatReturn.objects.select_for_update().get(pk=vat_return.pk, organisation=vat_return.organisation)
    if not locked.is_draft:
        raise BusinessError("already_filed", f"La déclaration {locked} est déjà déposée : elle ne change plus. "
                            "Une correction se porte sur la déclaration suivante (lignes 15 et 21).", field="state")
    return locked


def _amount(raw, field: str) -> Decimal:
    value = parse_amount(raw if raw not in (None, "") else "0", field=field)
    if value < 0:
        raise BusinessError("negative_amount", "Le montant de régularisation est positif ou nul.", field=field)
    return value


@transaction.atomic
def vat_return_update(*, actor, vat_return: VatReturn, regularisation_15=None, regularisation_21=None,
                      comment: str | None = None) -> VatReturn:
    """The manual "autres régularisations" of a draft: VAT to repay (15), other VAT to deduct (21), explained."""
    vat_return = _locked(vat_return)
    before = snapshot(vat_return, RETURN_FIELDS)
    if regularisation_15 is not None:
        vat_return.regularisation_15 = _amount(regularisation_15, "regularisation_15")
    if regularisation_21 is not None:
        vat_return.regularisation_21 = _amount(regularisation_21, "regularisation_21")
    if comment is not None:
        vat_return.comment = comment.strip()
    if (vat_return.regularisation_15 or vat_return.regularisation_21) and not vat_return.comment:
        raise BusinessError("comment_required", "Expliquez la régularisation dans le commentaire (pièce, "
                            "facture, motif).", field="comment")
    vat_return.save(update_fields=["regularisation_15", "regularisation_21", "comment"])
    audit_record(organisation=vat_return.organisation, actor=actor, action="vat_return.update", obj=vat_return,
                 before=before, after=snapshot(vat_return, RETURN_FIELDS))
    return vat_return


@transaction.atomic
def vat_return_delete(*, actor, vat_return: VatReturn) -> None:
    vat_return = _locked(vat_return)
    audit_record(organisation=vat_return.organisation, actor=actor, action="vat_return.delete", obj=vat_return,
                 before=snapshot(vat_return, RETURN_FIELDS))
    vat_return.delete()


def payment_deadline(vat_return: VatReturn, settings: VatSettings) -> date:
    """CA3: the setting's day of the month after the period (19 by default, shortened in a short month). CA12:
    the second working day of May after the year (1 and 8 May are public holidays, weekends are skipped)."""
    following = vat_return.end_date + timedelta(days=1)
    if vat_return.form == VatReturn.Form.CA12:
        day, working = date(following.year if following.month <= 5 else following.year + 1, 5, 1), 0
        while True:
            if day.weekday() < 5 and day.day not in (1, 8):
                working += 1
                if working == 2:
                    return day
            day += timedelta(days=1)
    last_day = (following.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return following.replace(day=min(settings.deadline_day, last_day.day))


def _ensure_accounts(actor, organisation, codes) -> None:
    existing = set(Account.objects.filter(organisation=organisation, code__in=list(codes))
                   .values_list("code", flat=True))
    for code in codes:
        if code not in existing:
            account_create(actor=actor, organisation=organisation, code=code, label=EXTRA_ACCOUNTS[code])


def settlement_lines(result: domain.Computation, *, label: str, due_date: date,
                     settled: dict[str, Decimal] | None = None) -> list[LineInput]:
    """The settlement entry (reference §3): debit 44571 and 4452, credit 44566 and 44562 by the amounts the
    return counted, 44567 credited by the credit used (22), 4458 for the manual lines 15/21, 44581 cleared by
    the CA12 instalments; the balance to 44551 payable (with the deadline as due date) or 44567 credit — that
    is line 28, or line 27. What a manual settlement entry of the period (`settled`: net debit − credit per
    account) already cleared is left out, so the period's VAT accounts end at zero either way."""
    settled = settled or {}
    out: list[LineInput] = []

    def add(account: str, amount: Decimal, *, debit: bool, what: str = "", **extra) -> None:
        if not amount:
            return
        if amount < 0:
            amount, debit = -amount, not debit
        out.append(LineInput(account=account, debit=amount if debit else ZERO, credit=ZERO if debit else amount,
                             label=f"{label}{what}"[:200], **extra))

    accounts = set(result.to_debit) | set(result.to_credit) | set(settled)
    for account in sorted(accounts, key=lambda code: (domain.role_of(code) not in COLLECTED, code)):
        if domain.role_of(account) in COLLECTED:
            add(account, result.to_debit.get(account, ZERO) - settled.get(account, ZERO), debit=True)
        else:
            add(account, result.to_credit.get(account, ZERO) + settled.get(account, ZERO), debit=False)
    add(domain.REGULARISATION_ACCOUNT, result.amount("15"), debit=True, what=" — TVA à reverser")
    add(domain.REGULARISATION_ACCOUNT, result.amount("21"), debit=False, what=" — autre TVA à déduire")
    add(domain.CREDIT_ACCOUNT, result.amount("22"), debit=False, what=" — crédit imputé")
    add(domain.INSTALMENT_ACCOUNT, result.amount("AC"), debit=False, what=" — acomptes imputés")
    balance = sum((line.debit - line.credit for line in out), ZERO)
    if result.amount("27") > 0:
        add(domain.CREDIT_ACCOUNT, -balance, debit=True, what=" — crédit à reporter")
    else:
        add(domain.PAYABLE_ACCOUNT, balance, debit=False, what=" — TVA à payer",
            due_date=due_date if balance > 0 else None)
    return out


def _check_can_file(vat_return: VatReturn) -> None:
    organisation = vat_return.organisation
    _refuse_franchise(organisation)
    if vat_return.end_date >= timezone.localdate():
        raise BusinessError("period_not_over", f"La période se termine le {_fr(vat_return.end_date)} : la "
                            "déclaration se dépose une fois la période écoulée.", field="end_date")
    filed = (VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.FILED,
                                      start_date__lte=vat_return.end_date, end_date__gte=vat_return.start_date)
             .exclude(pk=vat_return.pk).first())
    if filed:
        raise BusinessError("period_filed", f"La période recoupe la déclaration déjà déposée {filed}.",
                            field="start_date")
    earlier = (VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.DRAFT,
                                        end_date__lt=vat_return.start_date).order_by("start_date").first())
    if earlier:
        raise BusinessError("earlier_draft", f"Déposez d'abord la déclaration précédente ({earlier}) : son crédit "
                            "éventuel se reporte sur celle-ci.", field="start_date")
    drafts = draft_vat_entries(organisation, vat_return.start_date, vat_return.end_date)
    if drafts:
        raise BusinessError("draft_entries", f"{drafts} écriture(s) en brouillard avec de la TVA sont datées dans "
                            "la période : validez-les ou supprimez-les avant de déposer (la période sera ensuite "
                            "verrouillée pour la TVA).", field="start_date")


@transaction.atomic
def vat_return_file(*, actor, vat_return: VatReturn) -> VatReturn:
    """File the return: freeze its boxes, post the settlement entry dated the period's last day, lock the period
    for VAT (see agora.vat.guards). Nothing is written if any check fails."""
    vat_return = _locked(vat_return)
    organisation = vat_return.organisation
    _check_can_file(vat_return)
    before = snapshot(vat_return, RETURN_FIELDS)
    result = vat_compute(organisation=organisation, start=vat_return.start_date, end=vat_return.end_date,
                         form=vat_return.form, regularisation_15=vat_return.regularisation_15,
                         regularisation_21=vat_return.regularisation_21)
    due_date = payment_deadline(vat_return, vat_settings_of(organisation))
    label = f"Déclaration de TVA {vat_return.form} {_fr(vat_return.start_date)}–{_fr(vat_return.end_date)}"
    lines = settlement_lines(result, label=label, due_date=due_date, settled=settled_before(
        organisation, vat_return.start_date, vat_return.end_date))
    if lines:
        _ensure_accounts(actor, organisation, {line.account for line in lines} & set(EXTRA_ACCOUNTS))
        entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
            journal=SETTLEMENT_JOURNAL, date=vat_return.end_date, label=label, lines=lines,
            reference=f"{vat_return.form}-{vat_return.end_date:%Y%m}", voucher_date=vat_return.end_date,
            origin_type=ORIGIN_TYPE, origin_id=str(vat_return.pk))])[0]
        vat_return.settlement_entry = entry
    VatReturnBox.objects.bulk_create([VatReturnBox(organisation=organisation, vat_return=vat_return, code=box.code,
                                                   base=box.base, tax=box.tax) for box in result.boxes.values()])
    vat_return.credit_brought = result.amount("22")
    vat_return.amount_due = result.amount("32")
    vat_return.credit_carried = result.amount("27")
    vat_return.due_date = due_date if vat_return.amount_due else None
    vat_return.state = VatReturn.State.FILED
    vat_return.filed_at = timezone.now()
    vat_return.filed_by = actor
    vat_return.save()
    audit_record(organisation=organisation, actor=actor, action="vat_return.file", obj=vat_return, before=before,
                 after={**snapshot(vat_return, RETURN_FIELDS),
                        "settlement_entry": vat_return.settlement_entry_id})
    return vat_return
