"""Reads of the VAT return: the boxes of a period from posted lines (two GROUP BYs in integer cents), the lines
behind a box, the returns, the next period to declare and the periods left undeclared."""

import calendar
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import BigIntegerField, F, Q, Sum
from django.db.models.functions import Cast, Round

from agora.core.models import Organisation
from agora.core.money import ZERO
from agora.ledger.models import Account, Entry, EntryLine, FiscalYear
from agora.vat import domain
from agora.vat.models import VatReturn, VatSettings

ORIGIN_TYPE = "vat.vatreturn"
Regime = Organisation.VatRegime


def vat_settings_of(organisation) -> VatSettings:
    """The saved settings, or the defaults (monthly, 19th) for an organisation that never changed them."""
    return VatSettings.objects.filter(organisation=organisation).first() or VatSettings(organisation=organisation)


def _cents(expression):
    return Sum(Cast(Round(expression * 100), output_field=BigIntegerField()))


def _account_ids(organisation, prefixes) -> list[int]:
    condition = Q()
    for prefix in prefixes:
        condition |= Q(code__startswith=prefix)
    return list(Account.objects.filter(condition, organisation=organisation).values_list("pk", flat=True))


def _period_lines(organisation, start: date, end: date):
    """Posted lines of the period, without the settlement entries (Agora's own, or a manual OD that moves the
    balance to 44551/44567): those clear the VAT accounts and are no operation of the period."""
    settlement_accounts = _account_ids(organisation, domain.SETTLEMENT_PREFIXES)
    in_period = {"organisation": organisation, "date__gte": start, "date__lte": end}
    return (EntryLine.objects.posted().filter(**in_period)
            .exclude(entry_id__in=EntryLine.objects.filter(account_id__in=settlement_accounts, **in_period)
                     .values("entry_id"))
            .exclude(entry_id__in=Entry.objects.filter(origin_type=ORIGIN_TYPE, **in_period).values("id")))


def settled_before(organisation, start: date, end: date) -> dict[str, Decimal]:
    """Net debit − credit per VAT account of the settlement entries already in the period that are not Agora's
    (a manual OD, a migration): the filing's entry then only clears what they left."""
    accounts = _vat_accounts(organisation)
    settlement_accounts = _account_ids(organisation, domain.SETTLEMENT_PREFIXES)
    in_period = {"organisation": organisation, "date__gte": start, "date__lte": end}
    rows = (EntryLine.objects.posted().filter(account_id__in=list(accounts), **in_period)
            .filter(entry_id__in=EntryLine.objects.filter(account_id__in=settlement_accounts, **in_period)
                    .values("entry_id"))
            .exclude(entry_id__in=Entry.objects.filter(origin_type=ORIGIN_TYPE, **in_period).values("id"))
            .order_by().values("account_id").annotate(net=_cents(F("debit") - F("credit"))))
    return {accounts[row["account_id"]]: Decimal(row["net"] or 0) / 100 for row in rows if row["net"]}


def _vat_accounts(organisation) -> dict[int, str]:
    condition = Q()
    for prefix in domain.VAT_PREFIXES:
        condition |= Q(code__startswith=prefix)
    return dict(Account.objects.filter(condition, organisation=organisation).values_list("pk", "code"))


def vat_rows(organisation, start: date, end: date) -> list[domain.VatRow]:
    """Net debit − credit in cents per (VAT account, box) over the period (one GROUP BY)."""
    accounts = _vat_accounts(organisation)
    rows = (_period_lines(organisation, start, end).filter(account_id__in=list(accounts)).order_by()
            .values("account_id", "vat_box").annotate(net=_cents(F("debit") - F("credit"))))
    return [domain.VatRow(account=accounts[row["account_id"]], vat_box=row["vat_box"], cents=row["net"] or 0)
            for row in rows]


def _base_accounts(organisation) -> list[int]:
    return list(Account.objects.filter(organisation=organisation, account_class__in=(2, 6, 7))
                .values_list("pk", flat=True))


def base_rows(organisation, start: date, end: date) -> dict[str, int]:
    """Net debit − credit in cents of the base lines carrying a box without rate (exports, exempt…)."""
    rows = (_period_lines(organisation, start, end)
            .filter(account_id__in=_base_accounts(organisation), tax_role="base", vat_box__in=domain.BASE_BOXES)
            .order_by().values("vat_box").annotate(net=_cents(F("debit") - F("credit"))))
    return {row["vat_box"]: row["net"] or 0 for row in rows}


def instalments_paid(organisation, start: date, end: date) -> Decimal:
    """CA12 instalments: what was debited to 44581 over the year (the settlement, which clears it, is left out)."""
    accounts = _account_ids(organisation, (domain.INSTALMENT_ACCOUNT,))
    cents = (_period_lines(organisation, start, end).filter(account_id__in=accounts)
             .aggregate(net=_cents(F("debit") - F("credit")))["net"]) or 0
    return Decimal(cents) / 100


def credit_brought(organisation, start: date) -> Decimal:
    """Line 22: the credit to carry (line 27) of the last filed return before the period."""
    previous = (VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.FILED, end_date__lt=start)
                .order_by("-end_date").first())
    return previous.credit_carried if previous else ZERO


def vat_compute(*, organisation, start: date, end: date, form: str = "CA3", regularisation_15: Decimal = ZERO,
                regularisation_21: Decimal = ZERO, credit: Decimal | None = None) -> domain.Computation:
    """Every box of the period from the posted lines (a draft's figures, or a preview for the API)."""
    return domain.compute(
        vat_rows=vat_rows(organisation, start, end), base_rows=base_rows(organisation, start, end),
        regularisation_15=regularisation_15, regularisation_21=regularisation_21,
        credit_brought=credit_brought(organisation, start) if credit is None else credit,
        instalments=instalments_paid(organisation, start, end) if form == VatReturn.Form.CA12 else ZERO)


def return_computation(vat_return: VatReturn) -> domain.Computation:
    """A draft is computed from the books now; a filed return reads its frozen boxes."""
    if vat_return.is_draft:
        return vat_compute(organisation=vat_return.organisation, start=vat_return.start_date,
                           end=vat_return.end_date, form=vat_return.form,
                           regularisation_15=vat_return.regularisation_15,
                           regularisation_21=vat_return.regularisation_21)
    out = domain.Computation(boxes={code: domain.Box(code) for code in domain.BOX_CODES})
    for stored in vat_return.boxes.all():
        out.boxes[stored.code] = domain.Box(stored.code, base=stored.base, tax=stored.tax)
    return out


def box_lines(*, organisation, start: date, end: date, box: str):
    """The posted lines behind a box (drill-down), oldest first; their net sums to the box's amount (or, for
    A1 and B2, to the VAT from which the base is reconstituted)."""
    accounts = _vat_accounts(organisation)
    by_role: dict[str, list[int]] = {}
    for pk, code in accounts.items():
        by_role.setdefault(domain.role_of(code), []).append(pk)
    lines = _period_lines(organisation, start, end)
    output = by_role.get("output", []) + by_role.get("intra_eu", [])
    if box in domain.RATE_BOXES:
        in_box = Q(vat_box=box) if box != "08" else ~Q(vat_box__in=[b for b in domain.RATE_BOXES if b != "08"])
        lines = lines.filter(in_box, account_id__in=output)
    elif box == "A1":
        lines = lines.filter(account_id__in=by_role.get("output", []))
    elif box in ("B2", "17"):
        lines = lines.filter(account_id__in=by_role.get("intra_eu", []))
    elif box in ("19", "20"):
        lines = lines.filter(account_id__in=by_role.get("assets" if box == "19" else "other_input", []))
    elif box in domain.BASE_BOXES:
        lines = lines.filter(account_id__in=_base_accounts(organisation), tax_role="base", vat_box=box)
    else:
        return EntryLine.objects.none()
    return (lines.select_related("entry__journal", "entry__fiscal_year", "account", "journal")
            .order_by("date", "entry_id", "line_no"))


def vat_return_list(*, organisation, state: str = "", form: str = ""):
    returns = VatReturn.objects.filter(organisation=organisation).select_related("settlement_entry", "filed_by")
    if state:
        returns = returns.filter(state=state)
    if form:
        returns = returns.filter(form=form)
    return returns


def vat_return_get(*, organisation, pk) -> VatReturn:
    return VatReturn.objects.select_related("settlement_entry__journal", "settlement_entry__fiscal_year",
                                            "filed_by", "created_by").get(organisation=organisation, pk=pk)


# --- periods ------------------------------------------------------------------------------------------------------

def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_of(organisation, day: date, settings: VatSettings | None = None) -> tuple[str, date, date]:
    """(form, start, end) of the return period containing `day` for the organisation's regime."""
    if organisation.vat_regime == Regime.SIMPLIFIED_YEARLY:
        year = FiscalYear.objects.filter(organisation=organisation, start_date__lte=day, end_date__gte=day).first()
        if year:
            return VatReturn.Form.CA12, year.start_date, year.end_date
        return VatReturn.Form.CA12, date(day.year, 1, 1), date(day.year, 12, 31)
    settings = settings or vat_settings_of(organisation)
    if settings.quarterly:
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return VatReturn.Form.CA3, first, month_end(first.replace(month=first.month + 2))
    return VatReturn.Form.CA3, day.replace(day=1), month_end(day)


def next_period(organisation) -> tuple[str, date, date] | None:
    """The period after the last return (filed or draft); without any, the first of the earliest open year.
    None for an organisation under the franchise (it files no return)."""
    if organisation.vat_regime == Regime.FRANCHISE:
        return None
    last = VatReturn.objects.filter(organisation=organisation).order_by("-end_date").first()
    if last:
        return period_of(organisation, last.end_date + timedelta(days=1))
    year = (FiscalYear.objects.filter(organisation=organisation, state="open").order_by("start_date").first()
            or FiscalYear.objects.filter(organisation=organisation).order_by("-start_date").first())
    return period_of(organisation, year.start_date) if year else None


def vat_returns_missing(organisation, start: date, end: date) -> list[tuple[date, date]]:
    """Complete return periods within [start, end] with no filed return — for the year-end checklist. Empty
    for an organisation under the franchise, and for one that never filed a return in Agora ("non applicable")."""
    if organisation.vat_regime == Regime.FRANCHISE:
        return []
    filed = list(VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.FILED)
                 .values_list("start_date", "end_date"))
    if not filed:
        return []
    settings = vat_settings_of(organisation)
    missing, day = [], start
    while day <= end:
        _, period_start, period_end = period_of(organisation, day, settings)
        if period_start >= start and period_end <= end and not any(
                s <= period_start and period_end <= e for s, e in filed):
            missing.append((period_start, period_end))
        day = period_end + timedelta(days=1)
    return missing


def filed_periods(organisation) -> list[tuple[date, date, int]]:
    """(start, end, pk) of the filed returns: the periods locked for VAT."""
    return list(VatReturn.objects.filter(organisation=organisation, state=VatReturn.State.FILED)
                .values_list("start_date", "end_date", "pk"))


def draft_vat_entries(organisation, start: date, end: date) -> int:
    """Draft entries dated in the period with a VAT line: filing would lock them out of the period."""
    vat_accounts = _account_ids(organisation, domain.LOCKED_PREFIXES)
    return (Entry.objects.filter(organisation=organisation, state=Entry.Status.DRAFT, date__gte=start,
                                 date__lte=end)
            .filter(Q(lines__account_id__in=vat_accounts) | ~Q(lines__tax_role="")).distinct().count())


def box_totals(lines) -> dict:
    """Debit and credit totals of a drill-down (summed by the database, in cents)."""
    sums = lines.order_by().aggregate(debit=_cents(F("debit")), credit=_cents(F("credit")))
    debit, credit = Decimal(sums["debit"] or 0) / 100, Decimal(sums["credit"] or 0) / 100
    return {"debit": debit, "credit": credit, "net": credit - debit}
