"""Setting up an organisation's books: chart of accounts, journals, fiscal years and periods."""

from datetime import date

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError

from ..charts import JOURNALS, account_traits, chart_for
from ..domain import fiscal_year_bounds, monthly_periods
from ..models import Account, Entry, EntryLine, FiscalYear, Journal, Period, State

ACCOUNT_FIELDS = ["code", "label", "account_class", "kind", "reconcilable", "party_required", "active"]


@transaction.atomic
def ledger_setup(*, actor, organisation, first_year: int) -> FiscalYear:
    """Seed the chart for the organisation's kind, the standard journals and the first fiscal year."""
    accounts = [Account(organisation=organisation, code=code, label=label, **account_traits(code))
                for code, label in chart_for(organisation.kind)]
    Account.objects.bulk_create(accounts)
    by_code = {a.code: a for a in Account.objects.filter(organisation=organisation)}
    Journal.objects.bulk_create([
        Journal(organisation=organisation, code=code, label=label, kind=kind,
                default_account=by_code.get(account) if account else None)
        for code, label, kind, account in JOURNALS
    ])
    audit_record(organisation=organisation, actor=actor, action="ledger.setup", obj=organisation,
                 after={"accounts": len(accounts), "journals": [j[0] for j in JOURNALS]})
    start, end = fiscal_year_bounds(start_month=organisation.fiscal_year_start_month, year=first_year)
    return fiscal_year_create(actor=actor, organisation=organisation, start_date=start, end_date=end)


def _clean_account_code(code: str) -> str:
    code = (code or "").strip()
    if not code.isdigit() or not 3 <= len(code) <= 20 or code[0] == "0" or code[0] == "9":
        raise BusinessError("invalid_account_code",
                            "Numéro de compte invalide : des chiffres, au moins 3, commençant par 1 à 8.",
                            field="code")
    return code


@transaction.atomic
def account_create(*, actor, organisation, code: str, label: str, reconcilable: bool | None = None,
                   party_required: bool | None = None) -> Account:
    """Add an account, typically a sub-account (e.g. 4110001); traits default from its number."""
    code = _clean_account_code(code)
    if not (label or "").strip():
        raise BusinessError("required", "L'intitulé du compte est obligatoire.", field="label")
    if Account.objects.filter(organisation=organisation, code=code).exists():
        raise BusinessError("duplicate_account", f"Le compte {code} existe déjà.", field="code")
    traits = account_traits(code)
    if reconcilable is not None:
        traits["reconcilable"] = reconcilable
    if party_required is not None:
        traits["party_required"] = party_required
    account = Account.objects.create(organisation=organisation, code=code, label=label.strip(), **traits)
    audit_record(organisation=organisation, actor=actor, action="account.create", obj=account,
                 after=snapshot(account, ACCOUNT_FIELDS))
    return account


@transaction.atomic
def account_update(*, actor, account: Account, data: dict) -> Account:
    """Change label and flags; the number only while no line uses the account."""
    before = snapshot(account, ACCOUNT_FIELDS)
    if "code" in data and data["code"] != account.code:
        code = _clean_account_code(data["code"])
        if EntryLine.objects.filter(account=account).exists():
            raise BusinessError("account_used", "Ce compte porte des écritures : son numéro ne peut plus changer.",
                                field="code")
        if Account.objects.filter(organisation_id=account.organisation_id, code=code).exists():
            raise BusinessError("duplicate_account", f"Le compte {code} existe déjà.", field="code")
        account.code = code
        account.account_class = int(code[0])
    if "label" in data:
        if not (data["label"] or "").strip():
            raise BusinessError("required", "L'intitulé du compte est obligatoire.", field="label")
        account.label = data["label"].strip()
    for flag in ("reconcilable", "party_required", "active"):
        if flag in data:
            setattr(account, flag, bool(data[flag]))
    account.save()
    audit_record(organisation=account.organisation, actor=actor, action="account.update", obj=account,
                 before=before, after=snapshot(account, ACCOUNT_FIELDS))
    return account


@transaction.atomic
def journal_create(*, actor, organisation, code: str, label: str, kind: str,
                   default_account: Account | None = None) -> Journal:
    code = (code or "").strip().upper()
    if not code.isalnum() or len(code) > 6:
        raise BusinessError("invalid_journal_code", "Code journal : 1 à 6 lettres ou chiffres.", field="code")
    if kind not in Journal.Kind.values:
        raise BusinessError("invalid_kind", f"Type de journal inconnu : « {kind} ».", field="kind")
    if Journal.objects.filter(organisation=organisation, code=code).exists():
        raise BusinessError("duplicate_journal", f"Le journal {code} existe déjà.", field="code")
    journal = Journal.objects.create(organisation=organisation, code=code, label=label, kind=kind,
                                     default_account=default_account)
    audit_record(organisation=organisation, actor=actor, action="journal.create", obj=journal,
                 after={"code": code, "label": label, "kind": kind})
    return journal


@transaction.atomic
def fiscal_year_create(*, actor, organisation, start_date: date | None = None,
                       end_date: date | None = None) -> FiscalYear:
    """Open a fiscal year with its monthly periods; by default the one after the latest."""
    latest = FiscalYear.objects.filter(organisation=organisation).order_by("-start_date").first()
    if start_date is None:
        if latest is None:
            raise BusinessError("required", "Indiquez la date de début de l'exercice.", field="start_date")
        start_date = date.fromordinal(latest.end_date.toordinal() + 1)
    if end_date is None:
        end_date = fiscal_year_bounds(start_month=start_date.month, year=start_date.year)[1]
    if end_date <= start_date:
        raise BusinessError("invalid_dates", "La fin de l'exercice doit suivre son début.", field="end_date")
    if (end_date.year - start_date.year) * 12 + end_date.month - start_date.month >= 24:
        raise BusinessError("too_long", "Un exercice dure au plus 24 mois.", field="end_date")
    if latest is not None and start_date.toordinal() != latest.end_date.toordinal() + 1:
        raise BusinessError("not_contiguous", f"Le nouvel exercice doit commencer le lendemain du précédent "
                            f"({latest.end_date:%d/%m/%Y}).", field="start_date")
    code = str(end_date.year) if start_date.month == 1 else f"{start_date.year}-{end_date.year}"
    if FiscalYear.objects.filter(organisation=organisation, code=code).exists():
        code = f"{start_date:%Y%m}-{end_date:%Y%m}"
    year = FiscalYear.objects.create(organisation=organisation, code=code, start_date=start_date,
                                     end_date=end_date)
    Period.objects.bulk_create([
        Period(organisation=organisation, fiscal_year=year, start_date=s, end_date=e)
        for s, e in monthly_periods(start_date, end_date)
    ])
    audit_record(organisation=organisation, actor=actor, action="fiscal_year.create", obj=year,
                 after={"code": code, "start": start_date, "end": end_date})
    return year


@transaction.atomic
def period_set_state(*, actor, period: Period, state: str) -> Period:
    """open ⇄ closed; closed → locked for good. Closing refuses while drafts remain in the period."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    allowed = {State.OPEN: {State.CLOSED}, State.CLOSED: {State.OPEN, State.LOCKED}, State.LOCKED: set()}
    if state not in allowed[period.state]:
        raise BusinessError("invalid_transition", f"Période {period} : passage de « {period.get_state_display()} »"
                            f" à « {State(state).label} » impossible.", field="state")
    if state == State.OPEN and period.fiscal_year.state != State.OPEN:
        raise BusinessError("year_closed", "L'exercice est clôturé : ses périodes ne se rouvrent plus.",
                            field="state")
    if state == State.CLOSED and Entry.objects.filter(period=period, state=Entry.Status.DRAFT).exists():
        raise BusinessError("drafts_left", f"Période {period} : validez ou supprimez d'abord les brouillards.",
                            field="state")
    before = period.state
    period.state = state
    period.save(update_fields=["state"])
    audit_record(organisation=period.organisation, actor=actor, action=f"period.{state}", obj=period,
                 before={"state": before}, after={"state": state})
    return period
