"""Reads for reminder runs: the overdue invoices (open amount computed in SQL), a run's review table and totals,
the letters a run produces (one per customer), and the reminders of an invoice or a party.

Late-payment rules (C. com. L441-10, D441-5): penalties run from the day after the due date at the rate of the
sales settings, `open × rate × days / 365`; the €40 fixed recovery indemnity is due once per late invoice.
Both are owed by professional customers only: a consumer (party of kind "individual") is reminded without them.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from agora.core.money import ZERO, round_money
from agora.parties.models import Party
from agora.sales.models import (
    Reminder,
    ReminderLevel,
    ReminderRun,
    SalesDocument,
    SalesSettings,
)
from agora.sales.selectors.payments import HALF_CENT, MONEY_FIELD, _credited_sql, _paid_sql, open_invoices

FORMAL_NOTICE_DAYS = 8  # deadline given by a formal notice (mise en demeure)

PROPOSED, SENT, SKIPPED = "proposed", "sent", "skipped"


def settings_of(organisation) -> SalesSettings:
    """The organisation's sales settings (the model defaults when none were saved yet)."""
    found = SalesSettings.objects.filter(organisation=organisation).first()
    return found or SalesSettings(organisation=organisation)


# --- overdue invoices, in SQL -----------------------------------------------------------------------------------

def _last_sent_level_sql():
    sent = (Reminder.objects.filter(invoice=OuterRef("pk"), state=SENT).order_by().values("invoice")
            .annotate(level=Max("level")).values("level"))
    return Coalesce(Subquery(sent, output_field=IntegerField()), Value(0), output_field=IntegerField())


def overdue_invoices(*, organisation, on: date, first_days: int) -> QuerySet:
    """Validated invoices due at least `first_days` days before `on` with something left to pay, annotated
    with `open_amount`, `last_level` (highest level already sent, 0 if none) and `fee_charged`. Invoices already
    given a formal notice are kept here (the caller skips them): filtering on `last_level` in SQL would make
    SQLite evaluate that subquery twice per invoice."""
    fee_charged = Reminder.objects.filter(invoice=OuterRef("pk"), state=SENT, fixed_fee__gt=0)
    return (open_invoices(organisation=organisation)
            .filter(due_date__isnull=False, due_date__lte=on - timedelta(days=first_days))
            .annotate(last_level=_last_sent_level_sql(), fee_charged=Exists(fee_charged))
            .order_by("party_id", "due_date", "id"))


_OVERDUE_SQL = """
SELECT d.id, d.party_id, p.kind, d.due_date,
       d.net_to_pay - COALESCE(a.paid, 0) - COALESCE(c.credited, 0) AS open_amount,
       COALESCE(r.level, 0) AS last_level, COALESCE(r.fee, 0) AS fee_charged
FROM {document} d
JOIN {party} p ON p.id = d.party_id
LEFT JOIN (SELECT al.invoice_id, SUM(al.amount) AS paid
           FROM {allocation} al JOIN {receipt} rc ON rc.id = al.receipt_id
           WHERE rc.organisation_id = %(org)s GROUP BY al.invoice_id) a ON a.invoice_id = d.id
LEFT JOIN (SELECT cn.credited_invoice_id, SUM(cn.net_to_pay) AS credited
           FROM {document} cn
           WHERE cn.organisation_id = %(org)s AND cn.kind = %(credit_note)s AND cn.state = %(validated)s
             AND cn.credited_invoice_id IS NOT NULL
           GROUP BY cn.credited_invoice_id) c ON c.credited_invoice_id = d.id
LEFT JOIN (SELECT rm.invoice_id, MAX(rm.level) AS level, MAX(CASE WHEN rm.fixed_fee > 0 THEN 1 ELSE 0 END) AS fee
           FROM {reminder} rm
           WHERE rm.organisation_id = %(org)s AND rm.state = %(sent)s GROUP BY rm.invoice_id) r ON r.invoice_id = d.id
WHERE d.organisation_id = %(org)s AND d.kind = %(invoice)s AND d.state = %(validated)s
  AND d.due_date IS NOT NULL AND d.due_date <= %(until)s
  AND d.net_to_pay - COALESCE(a.paid, 0) - COALESCE(c.credited, 0) > CAST(%(half_cent)s AS NUMERIC)
ORDER BY d.party_id, d.due_date, d.id
"""


def overdue_invoice_rows(*, organisation, on: date, first_days: int):
    """The rows of `overdue_invoices` — (invoice id, party id, party kind, due date, open amount, last level
    sent, indemnity already claimed) — from one set-based query: grouped receipts, credit notes and reminders
    joined once (PostgreSQL runs correlated subqueries once per invoice, too slow over 50,000 of them), read
    straight from the cursor (Django's per-value converters cost more than the query). Same open amount as
    `payments.open_invoices`; the tests hold the two together."""
    from django.db import connection

    from agora.sales.models import DocumentKind, DocumentState, Receipt, ReceiptAllocation

    quote = connection.ops.quote_name
    sql = _OVERDUE_SQL.format(document=quote(SalesDocument._meta.db_table), party=quote(Party._meta.db_table),
                              allocation=quote(ReceiptAllocation._meta.db_table),
                              receipt=quote(Receipt._meta.db_table), reminder=quote(Reminder._meta.db_table))
    params = {"org": organisation.pk, "credit_note": DocumentKind.CREDIT_NOTE.value,
              "validated": DocumentState.VALIDATED.value, "sent": SENT, "invoice": DocumentKind.INVOICE.value,
              "until": on - timedelta(days=first_days), "half_cent": HALF_CENT}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            for invoice_id, party_id, party_kind, due_date, open_amount, last_level, fee_charged in batch:
                if not isinstance(due_date, date):
                    due_date = date.fromisoformat(due_date)  # SQLite returns text
                if not isinstance(open_amount, Decimal):
                    open_amount = Decimal(repr(open_amount))  # SQLite sums in floating point
                yield (invoice_id, party_id, party_kind, due_date, round_money(open_amount), int(last_level),
                       bool(fee_charged))


def open_amount_sql(invoice_ref: str = "invoice_id") -> Subquery:
    """The open amount of the invoice `invoice_ref` points to (NULL once nothing is left to pay)."""
    return Subquery(SalesDocument.objects.filter(pk=OuterRef(invoice_ref)).annotate(
        paid=_paid_sql(None), credited=_credited_sql(None))
        .values(open=ExpressionWrapper(F("net_to_pay") - F("paid") - F("credited"), output_field=MONEY_FIELD))[:1],
        output_field=MONEY_FIELD)


# --- the arithmetic ------------------------------------------------------------------------------------------------

def level_reached(days_late: int, settings: SalesSettings) -> int:
    """The highest level whose delay has run (0 when not late enough for a first reminder)."""
    if days_late >= settings.reminder_days_3:
        return ReminderLevel.FORMAL_NOTICE
    if days_late >= settings.reminder_days_2:
        return ReminderLevel.SECOND
    if days_late >= settings.reminder_days_1:
        return ReminderLevel.FIRST
    return 0


def late_interest(open_amount: Decimal, rate_pct: Decimal, days_late: int) -> Decimal:
    """Late-payment penalties: open × rate × days / 365, rounded half up to the cent (L441-10)."""
    if days_late <= 0 or open_amount <= 0:
        return ZERO
    return round_money(Decimal(open_amount) * Decimal(rate_pct) * days_late / (Decimal(100) * 365))


def is_professional(party_kind: str) -> bool:
    return party_kind != Party.Kind.INDIVIDUAL


# --- a run -------------------------------------------------------------------------------------------------------

def run_list(*, organisation) -> QuerySet:
    """Runs newest first, with their count and amount of reminders (skipped ones left out)."""
    kept = ~Q(reminders__state=SKIPPED)
    return (ReminderRun.objects.filter(organisation=organisation).select_related("created_by")
            .annotate(count=Count("reminders", filter=kept),
                      skipped=Count("reminders", filter=Q(reminders__state=SKIPPED)),
                      amount_due=Coalesce(Sum("reminders__amount_due", filter=kept), Value(ZERO),
                                          output_field=MONEY_FIELD))
            .order_by("-date", "-id"))


def run_get(*, organisation, pk: int) -> ReminderRun:
    return ReminderRun.objects.select_related("created_by").get(organisation=organisation, pk=pk)


def run_reminders(*, run, state: str | None = None, level: int | None = None, search: str = "") -> QuerySet:
    """The review table: one row per invoice, grouped by customer."""
    queryset = (Reminder.objects.filter(organisation_id=run.organisation_id, run=run)
                .select_related("invoice", "party").order_by("party__name", "party_id", "invoice__due_date",
                                                            "invoice_id"))
    if state:
        queryset = queryset.filter(state=state)
    if level:
        queryset = queryset.filter(level=level)
    if search:
        queryset = queryset.filter(Q(party__name__icontains=search) | Q(party__code__icontains=search)
                                   | Q(invoice__number__icontains=search))
    return queryset


def run_totals(*, run) -> dict:
    """Totals of the run per level and overall, skipped reminders left out (one SQL query)."""
    kept = ~Q(state=SKIPPED)
    aggregates = {"count": Count("id", filter=kept), "skipped": Count("id", filter=Q(state=SKIPPED)),
                  "customers": Count("party_id", filter=kept, distinct=True),
                  "amount_due": Sum("amount_due", filter=kept), "interest": Sum("interest", filter=kept),
                  "fixed_fee": Sum("fixed_fee", filter=kept)}
    for level in ReminderLevel:
        aggregates[f"count_{level.value}"] = Count("id", filter=kept & Q(level=level.value))
    totals = Reminder.objects.filter(organisation_id=run.organisation_id, run=run).aggregate(**aggregates)
    for key in ("amount_due", "interest", "fixed_fee"):
        totals[key] = round_money(totals[key] or ZERO)
    totals["claimed"] = totals["amount_due"] + totals["interest"] + totals["fixed_fee"]
    totals["levels"] = [(level.label, totals[f"count_{level.value}"]) for level in ReminderLevel]
    return totals


# --- letters -----------------------------------------------------------------------------------------------------

@dataclass
class Letter:
    """One customer's letter: its invoices, the tone of its highest level, what is claimed and by when."""

    party: Party
    level: int
    reminders: list = field(default_factory=list)
    on: date | None = None
    deadline: date | None = None

    @property
    def amount_due(self) -> Decimal:
        return sum((r.amount_due for r in self.reminders), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((r.interest for r in self.reminders), ZERO)

    @property
    def fixed_fee(self) -> Decimal:
        return sum((r.fixed_fee for r in self.reminders), ZERO)

    @property
    def total(self) -> Decimal:
        return self.amount_due + self.interest + self.fixed_fee

    @property
    def professional(self) -> bool:
        """Penalties and the fixed indemnity are claimed from professional customers only."""
        return is_professional(self.party.kind)

    @property
    def level_label(self) -> str:
        return ReminderLevel(self.level).label

    @property
    def template(self) -> str:
        return f"sales/reminders/letters/level_{self.level}.html"

    @property
    def subject(self) -> str:
        numbers = ", ".join(r.invoice.number for r in self.reminders)
        plural = "s" if len(self.reminders) > 1 else ""
        if self.level == ReminderLevel.FORMAL_NOTICE:
            return f"Mise en demeure de payer — facture{plural} {numbers}"
        if self.level == ReminderLevel.SECOND:
            return f"Deuxième relance — facture{plural} {numbers} impayée{plural}"
        return f"Rappel — facture{plural} {numbers} arrivée{plural} à échéance"


def run_letters(*, run, party_ids: list[int] | None = None, state: str | None = None) -> list[Letter]:
    """The letters of a run, one per customer, skipped reminders left out (`state` narrows further)."""
    queryset = (Reminder.objects.filter(organisation_id=run.organisation_id, run=run).exclude(state=SKIPPED)
                .select_related("invoice", "party").order_by("party__name", "party_id", "invoice__due_date",
                                                            "invoice_id"))
    if state:
        queryset = queryset.filter(state=state)
    if party_ids is not None:
        queryset = queryset.filter(party_id__in=party_ids)
    letters: dict[int, Letter] = {}
    for reminder in queryset:
        letter = letters.get(reminder.party_id)
        if letter is None:
            letter = letters[reminder.party_id] = Letter(party=reminder.party, level=reminder.level, on=run.date)
        letter.reminders.append(reminder)
        letter.level = max(letter.level, reminder.level)
    for letter in letters.values():
        letter.deadline = run.date + timedelta(days=FORMAL_NOTICE_DAYS)
    return list(letters.values())


# --- on an invoice, on a party -------------------------------------------------------------------------------

def reminders_of_invoice(*, invoice) -> QuerySet:
    """Reminders sent on an invoice, oldest first (shown on the invoice page)."""
    return (Reminder.objects.filter(organisation_id=invoice.organisation_id, invoice=invoice, state=SENT)
            .select_related("run").order_by("sent_at", "id"))


def reminders_of_party(*, organisation, party) -> QuerySet:
    """Reminders sent to a customer, newest first (shown on the customer page)."""
    return (Reminder.objects.filter(organisation=organisation, party=party, state=SENT)
            .select_related("invoice", "run").order_by("-sent_at", "-id"))
