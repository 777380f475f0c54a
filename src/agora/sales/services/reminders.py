"""Reminder runs (relances): prepare the run for a date, let the assistant review it (skip / unskip), then send
the letters — one per customer, by e-mail when the customer has an address, on paper otherwise.

A run picks validated invoices left unpaid past the delays of the sales settings (first reminder, second
reminder, formal notice); an invoice gets the highest level its delay has reached and that it was not sent yet,
so a level is never sent twice. Preparing reads the open amounts in SQL and bulk-creates the reminders: a run
over 50,000 open invoices takes a few seconds. Invoices paid between preparation and sending leave the run.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone

from agora.core.audit import audit_fields, audit_record
from agora.core.bulk import load_rows
from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, OutgoingMail
from agora.core.money import format_amount, round_money
from agora.sales.models import Reminder, ReminderRun
from agora.sales.selectors.payments import HALF_CENT
from agora.sales.selectors.reminders import (
    PROPOSED,
    SENT,
    SKIPPED,
    Letter,
    is_professional,
    late_interest,
    level_reached,
    open_amount_sql,
    overdue_invoice_rows,
    run_letters,
    settings_of,
)

DRAFT = "draft"
RUN_SENT = "sent"
BATCH = 2000
REMINDER_FIELDS = ["organisation", "run", "invoice", "party", "level", "days_late", "amount_due", "interest",
                   "fixed_fee", "state"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# --- prepare -------------------------------------------------------------------------------------------------

@transaction.atomic
def reminder_run_prepare(*, actor, organisation, on: date) -> ReminderRun:
    """Create the run of `on` with one proposed reminder per overdue invoice due for a new level."""
    if not isinstance(on, date) or isinstance(on, datetime):
        raise BusinessError("invalid_date", "Indiquez la date de la campagne de relance.", field="on")
    pending = ReminderRun.objects.filter(organisation=organisation, state=DRAFT).order_by("date").first()
    if pending is not None:
        raise BusinessError(
            "reminder_run_pending",
            f"La campagne de relance du {_fr(pending.date)} est encore en revue : envoyez-la ou supprimez-la "
            "avant d'en préparer une autre.", field="on")
    settings = settings_of(organisation)
    rate, fee = settings.late_interest_rate, round_money(settings.fixed_recovery_fee)
    rows = overdue_invoice_rows(organisation=organisation, on=on, first_days=settings.reminder_days_1)
    run = ReminderRun.objects.create(organisation=organisation, date=on, created_by=_user(actor))
    zero = Decimal("0.00")
    reminders = []
    for invoice_id, party_id, party_kind, due_date, open_amount, last_level, fee_charged in rows:
        days_late = (on - due_date).days
        level = level_reached(days_late, settings)
        if level <= last_level:
            continue
        professional = is_professional(party_kind)
        reminders.append((
            organisation.pk, run.pk, invoice_id, party_id, level, days_late, open_amount,
            late_interest(open_amount, rate, days_late) if professional else zero,
            fee if professional and not fee_charged else zero, PROPOSED))
    if not reminders:
        raise BusinessError("nothing_to_remind", f"Aucune facture à relancer au {_fr(on)}.", field="on")
    load_rows(Reminder, REMINDER_FIELDS, reminders)
    audit_record(organisation=organisation, actor=actor, action="reminder_run.prepare", obj=run,
                 after={"date": on, "reminders": len(reminders)})
    return run


# --- review --------------------------------------------------------------------------------------------------

def _draft_reminder(reminder: Reminder) -> Reminder:
    locked = Reminder.objects.select_for_update().select_related("run").get(pk=reminder.pk)
    if locked.run.state != DRAFT:
        raise BusinessError("reminder_run_sent", "Cette campagne de relance est déjà envoyée : elle ne se modifie "
                                                 "plus.", field="reminder")
    return locked


@transaction.atomic
def reminder_skip(*, actor, reminder: Reminder) -> Reminder:
    """Leave an invoice out of this run (a promise of payment, a claim under way…)."""
    reminder = _draft_reminder(reminder)
    if reminder.state != SKIPPED:
        reminder.state = SKIPPED
        reminder.save(update_fields=["state"])
        audit_record(organisation=reminder.run.organisation, actor=actor, action="reminder.skip", obj=reminder,
                     before={"state": PROPOSED}, after={"state": SKIPPED})
    return reminder


@transaction.atomic
def reminder_unskip(*, actor, reminder: Reminder) -> Reminder:
    reminder = _draft_reminder(reminder)
    if reminder.state != PROPOSED:
        reminder.state = PROPOSED
        reminder.save(update_fields=["state"])
        audit_record(organisation=reminder.run.organisation, actor=actor, action="reminder.unskip", obj=reminder,
                     before={"state": SKIPPED}, after={"state": PROPOSED})
    return reminder


@transaction.atomic
def reminder_run_delete(*, actor, run: ReminderRun) -> None:
    """Drop a run still under review (nothing was sent from it)."""
    run = ReminderRun.objects.select_for_update().get(pk=run.pk)
    if run.state != DRAFT:
        raise BusinessError("reminder_run_sent", "Une campagne envoyée ne se supprime pas : elle est l'historique "
                                                 "des relances.", field="run")
    audit_record(organisation=run.organisation, actor=actor, action="reminder_run.delete", obj=run,
                 before={"date": run.date, "reminders": run.reminders.count()})
    run.delete()


def _refresh(run: ReminderRun, settings) -> int:
    """Bring a run up to date before sending: invoices paid (or reminded at that level by another run) since
    preparation leave it; partly paid ones get their amount and penalties recomputed. Returns how many left."""
    already = Reminder.objects.filter(invoice=OuterRef("invoice_id"), state=SENT, level__gte=OuterRef("level"))
    reminders = list(Reminder.objects.filter(run=run, state=PROPOSED).select_related("party")
                     .annotate(current=open_amount_sql(), already=Exists(already)))
    gone, changed = [], []
    for reminder in reminders:
        current = round_money(reminder.current or 0)
        if reminder.already or current < HALF_CENT:
            gone.append(reminder.pk)
        elif current != reminder.amount_due:
            reminder.amount_due = current
            if reminder.interest:
                reminder.interest = late_interest(current, settings.late_interest_rate, reminder.days_late)
            changed.append(reminder)
    if gone:
        for start in range(0, len(gone), BATCH):
            Reminder.objects.filter(pk__in=gone[start:start + BATCH]).delete()
    if changed:
        Reminder.objects.bulk_update(changed, ["amount_due", "interest"], batch_size=BATCH)
    return len(gone)


# --- send ----------------------------------------------------------------------------------------------------

def letters_pdf(*, organisation, letters: list[Letter]) -> bytes:
    """One PDF holding the letters (one per customer, each starting on a new page)."""
    from agora.core.exports import logo_uri, pdf_bytes

    settings = settings_of(organisation)
    return pdf_bytes("sales/reminders/letters/pdf.html", {
        "organisation": organisation, "letters": letters, "settings": settings,
        "rate": _percent(settings.late_interest_rate), "logo_url": logo_uri(organisation) or ""})


def _percent(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def letter_filename(letter: Letter) -> str:
    return f"relance-{letter.party.code}-{letter.on:%Y%m%d}.pdf"


def _mail_body(organisation, letter: Letter) -> str:
    total = letter.total if letter.professional else letter.amount_due
    return render_to_string(f"sales/reminders/mail/level_{letter.level}.txt", {
        "organisation": organisation, "letter": letter, "amount_due": format_amount(letter.amount_due),
        "total": format_amount(total), "deadline": _fr(letter.deadline)}).strip() + "\n"


@transaction.atomic
def reminder_run_send(*, actor, run: ReminderRun) -> ReminderRun:
    """Send the run: e-mail each customer who has an address its letter (PDF attached), mark the reminders sent
    and record them on the invoices and the customers. Letters of customers without e-mail go in the run's PDF
    for postal mailing (`reminder_run_postal_pdf`)."""
    from agora.core.mail import mail_send

    run = ReminderRun.objects.select_for_update().select_related("organisation").get(pk=run.pk)
    organisation = run.organisation
    if run.state != DRAFT:
        raise BusinessError("reminder_run_sent", "Cette campagne de relance a déjà été envoyée.", field="run")
    settings = settings_of(organisation)
    _refresh(run, settings)
    letters = run_letters(run=run, state=PROPOSED)
    if not letters:
        raise BusinessError("nothing_to_send", "Aucune relance à envoyer : toutes sont écartées ou les factures ont "
                                               "été réglées.", field="run")
    now = timezone.now()
    events = []
    for letter in letters:
        email = (letter.party.email or "").strip()
        if email:
            pdf = letters_pdf(organisation=organisation, letters=[letter])
            mail_send(actor=actor, organisation=organisation, obj=run, party_id=letter.party.pk, to=email,
                      subject=letter.subject, body=_mail_body(organisation, letter),
                      attachments=[(letter_filename(letter), pdf, "application/pdf")])
        channel = "e-mail" if email else "courrier"
        for reminder in letter.reminders:
            events.append(AuditEvent(**audit_fields(
                organisation=organisation, actor=actor, action="reminder.send", obj=reminder.invoice,
                after={"level": reminder.level, "amount_due": reminder.amount_due, "interest": reminder.interest,
                       "fixed_fee": reminder.fixed_fee, "run": run.pk, "channel": channel})))
        events.append(AuditEvent(**audit_fields(
            organisation=organisation, actor=actor, action="reminder.letter", obj=letter.party,
            after={"level": letter.level, "invoices": [r.invoice.number for r in letter.reminders],
                   "total": letter.total, "run": run.pk, "channel": channel})))
    Reminder.objects.filter(run=run, state=PROPOSED).update(state=SENT, sent_at=now)
    run.state = RUN_SENT
    run.save(update_fields=["state"])
    AuditEvent.objects.bulk_create(events, batch_size=BATCH)
    audit_record(organisation=organisation, actor=actor, action="reminder_run.send", obj=run,
                 before={"state": DRAFT}, after={"state": RUN_SENT, "letters": len(letters)})
    return run


def mailed_party_ids(*, run: ReminderRun) -> set[int]:
    """Customers whose letter of this run went out by e-mail without error."""
    return set(OutgoingMail.objects.filter(organisation_id=run.organisation_id, object_type=run._meta.label_lower,
                                           object_id=str(run.pk), error="", party_id__isnull=False)
               .values_list("party_id", flat=True))


def reminder_run_pdf(*, run: ReminderRun, postal_only: bool = False) -> bytes:
    """The letters of the whole run in one PDF; `postal_only` keeps those not delivered by e-mail."""
    letters = run_letters(run=run, state=SENT if run.state == RUN_SENT else None)
    if postal_only:
        mailed = mailed_party_ids(run=run)
        letters = [letter for letter in letters if letter.party.pk not in mailed]
    if not letters:
        raise BusinessError("no_letter", "Aucune lettre à imprimer pour cette campagne.", field="run")
    return letters_pdf(organisation=run.organisation, letters=letters)
