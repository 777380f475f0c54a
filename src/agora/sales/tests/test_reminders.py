"""Reminder runs: levels, hand-worked penalties and indemnity, paid invoices leaving the run, review, sending."""

from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, OutgoingMail
from agora.parties.models import Party
from agora.sales.models import DocumentKind, DocumentState, Reminder, ReminderRun, SalesDocument
from agora.sales.selectors.reminders import late_interest, reminders_of_invoice, run_letters, run_totals
from agora.sales.services.reminders import (
    reminder_run_delete,
    reminder_run_pdf,
    reminder_run_prepare,
    reminder_run_send,
    reminder_skip,
    reminder_unskip,
)

from .builders_reminders import make_customer, make_invoice, make_sales_org, pay

pytestmark = pytest.mark.django_db

MARCH_31 = date(2026, 3, 31)


@pytest.fixture
def org():
    return make_sales_org()


def _only(run) -> Reminder:
    reminders = list(run.reminders.all())
    assert len(reminders) == 1
    return reminders[0]


def test_interest_worked_by_hand():
    # 1 200,00 × 12,15 % × 30 / 365 = 11,9835… → 11,98
    assert late_interest(Decimal("1200.00"), Decimal("12.15"), 30) == Decimal("11.98")
    # 500,00 × 12,15 % × 45 / 365 = 7,4897… → 7,49
    assert late_interest(Decimal("500.00"), Decimal("12.15"), 45) == Decimal("7.49")
    # half up, not half even: 1 000,00 × 7,30 % × 5 / 365 = 1,00 exactly; 365,00 × 10 % × 1 / 365 = 0,10
    assert late_interest(Decimal("1000.00"), Decimal("7.30"), 5) == Decimal("1.00")
    # 0,05 / 2 style tie: 18,25 × 10 % × 5 / 365 = 0,025 → 0,03 (half up)
    assert late_interest(Decimal("18.25"), Decimal("10"), 5) == Decimal("0.03")
    assert late_interest(Decimal("1200.00"), Decimal("12.15"), 0) == Decimal("0.00")


def test_run_computes_penalties_and_fee(org):
    organisation, accountant = org
    customer = make_customer(organisation)
    invoice = make_invoice(organisation, customer, total="1200.00", due=date(2026, 3, 1))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    reminder = _only(run)
    assert (reminder.invoice_id, reminder.party_id) == (invoice.pk, customer.pk)
    assert reminder.days_late == 30
    assert reminder.level == 2  # 30 days: past D+21, not yet D+45
    assert reminder.amount_due == Decimal("1200.00")
    assert reminder.interest == Decimal("11.98")
    assert reminder.fixed_fee == Decimal("40.00")
    assert reminder.state == "proposed"
    totals = run_totals(run=run)
    assert (totals["count"], totals["customers"], totals["amount_due"], totals["interest"], totals["fixed_fee"],
            totals["claimed"]) == (1, 1, Decimal("1200.00"), Decimal("11.98"), Decimal("40.00"), Decimal("1251.98"))
    assert AuditEvent.objects.filter(action="reminder_run.prepare", object_id=str(run.pk)).count() == 1


def test_levels_by_delay(org):
    organisation, accountant = org
    customer = make_customer(organisation)
    six = make_invoice(organisation, customer, total="100.00", due=date(2026, 3, 25))     # 6 days: not yet
    seven = make_invoice(organisation, customer, total="100.00", due=date(2026, 3, 24))   # 7 days: level 1
    twenty = make_invoice(organisation, customer, total="100.00", due=date(2026, 3, 11))  # 20 days: level 1
    t_one = make_invoice(organisation, customer, total="100.00", due=date(2026, 3, 10))   # 21 days: level 2
    f_four = make_invoice(organisation, customer, total="100.00", due=date(2026, 2, 15))  # 44 days: level 2
    f_five = make_invoice(organisation, customer, total="500.00", due=date(2026, 2, 14))  # 45 days: notice
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    levels = dict(run.reminders.values_list("invoice_id", "level"))
    assert levels == {seven.pk: 1, twenty.pk: 1, t_one.pk: 2, f_four.pk: 2, f_five.pk: 3}
    assert six.pk not in levels
    notice = run.reminders.get(invoice=f_five)
    assert (notice.days_late, notice.interest, notice.fixed_fee) == (45, Decimal("7.49"), Decimal("40.00"))


def test_level_progression_never_repeats_a_level(org):
    organisation, accountant = org
    customer = make_customer(organisation, email="compta@martin.fr")
    invoice = make_invoice(organisation, customer, total="1000.00", due=date(2026, 3, 24))
    first = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert _only(first).level == 1 and _only(first).fixed_fee == Decimal("40.00")
    reminder_run_send(actor=accountant, run=first)

    # 17 days late: level 1 reached, already sent → nothing to remind
    with pytest.raises(BusinessError) as refused:
        reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 4, 10))
    assert refused.value.field == "on"
    assert refused.value.message == "Aucune facture à relancer au 10/04/2026."
    assert ReminderRun.objects.filter(organisation=organisation).count() == 1

    second = reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 4, 14))
    reminder = _only(second)
    # 21 days: level 2; the €40 indemnity was claimed once already (D441-5: once per invoice)
    # 1 000 × 12,15 % × 21 / 365 = 6,9904… → 6,99
    assert (reminder.level, reminder.days_late, reminder.interest, reminder.fixed_fee) == (
        2, 21, Decimal("6.99"), Decimal("0.00"))
    reminder_run_send(actor=accountant, run=second)

    third = reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 5, 8))
    reminder = _only(third)
    # 45 days: formal notice; 1 000 × 12,15 % × 45 / 365 = 14,9794… → 14,98
    assert (reminder.level, reminder.interest, reminder.fixed_fee) == (3, Decimal("14.98"), Decimal("0.00"))
    reminder_run_send(actor=accountant, run=third)

    with pytest.raises(BusinessError):
        reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 9, 1))
    assert list(reminders_of_invoice(invoice=invoice).values_list("level", flat=True)) == [1, 2, 3]


def test_late_invoice_jumps_to_the_level_reached(org):
    organisation, accountant = org
    customer = make_customer(organisation)
    make_invoice(organisation, customer, total="250.00", due=date(2026, 1, 15))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert _only(run).level == 3


def test_paid_and_credited_invoices_never_appear(org):
    organisation, accountant = org
    customer = make_customer(organisation)
    paid = make_invoice(organisation, customer, total="300.00", due=date(2026, 3, 1))
    pay(organisation, paid, "100.10", date(2026, 3, 5))
    pay(organisation, paid, "199.90", date(2026, 3, 20))  # 0.1-style float sums must still count as paid
    partly = make_invoice(organisation, customer, total="1200.00", due=date(2026, 3, 1))
    pay(organisation, partly, "200.00", date(2026, 3, 10))
    credited = make_invoice(organisation, customer, total="480.00", due=date(2026, 3, 1))
    SalesDocument.objects.create(organisation=organisation, kind=DocumentKind.CREDIT_NOTE,
                                 state=DocumentState.VALIDATED, number="AV-2026-00001", date=date(2026, 3, 15),
                                 party=customer, credited_invoice=credited, total=Decimal("480.00"),
                                 net_to_pay=Decimal("480.00"))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    reminder = _only(run)
    assert reminder.invoice_id == partly.pk
    # open 1 000,00 × 12,15 % × 30 / 365 = 9,9863… → 9,99
    assert (reminder.amount_due, reminder.interest) == (Decimal("1000.00"), Decimal("9.99"))


def test_invoice_paid_after_preparation_leaves_the_run(org):
    organisation, accountant = org
    customer = make_customer(organisation, email="compta@martin.fr")
    settled = make_invoice(organisation, customer, total="600.00", due=date(2026, 3, 1))
    partly = make_invoice(organisation, customer, total="1200.00", due=date(2026, 3, 1))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert run.reminders.count() == 2
    pay(organisation, settled, "600.00", date(2026, 4, 1))
    pay(organisation, partly, "200.00", date(2026, 4, 1))
    reminder_run_send(actor=accountant, run=run)
    reminder = _only(run)
    assert (reminder.invoice_id, reminder.state) == (partly.pk, "sent")
    assert (reminder.amount_due, reminder.interest, reminder.fixed_fee) == (
        Decimal("1000.00"), Decimal("9.99"), Decimal("40.00"))
    assert len(mail.outbox) == 1
    assert settled.number not in mail.outbox[0].body


def test_consumers_are_reminded_without_penalties(org):
    organisation, accountant = org
    person = make_customer(organisation, "P001", "Mme Lucie Bernard", kind=Party.Kind.INDIVIDUAL)
    make_invoice(organisation, person, total="1200.00", due=date(2026, 3, 1))
    reminder = _only(reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31))
    assert (reminder.level, reminder.amount_due, reminder.interest, reminder.fixed_fee) == (
        2, Decimal("1200.00"), Decimal("0.00"), Decimal("0.00"))


def test_settings_drive_rate_fee_and_delays():
    organisation, accountant = make_sales_org(late_interest_rate=Decimal("10.00"), fixed_recovery_fee=Decimal("40"),
                                              reminder_days_1=10, reminder_days_2=30, reminder_days_3=60)
    customer = make_customer(organisation)
    make_invoice(organisation, customer, total="730.00", due=date(2026, 3, 1))
    reminder = _only(reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31))
    # 30 days with D+30 for the second level; 730 × 10 % × 30 / 365 = 6,00
    assert (reminder.level, reminder.interest) == (2, Decimal("6.00"))


def test_other_organisations_are_not_reminded(org):
    organisation, accountant = org
    other, _ = make_sales_org(slug="autre")
    make_invoice(other, make_customer(other), total="900.00", due=date(2026, 1, 1))
    make_invoice(organisation, make_customer(organisation), total="100.00", due=date(2026, 3, 1))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert list(run.reminders.values_list("organisation_id", flat=True)) == [organisation.pk]


def test_bad_input_names_the_field_and_writes_nothing(org):
    organisation, accountant = org
    make_invoice(organisation, make_customer(organisation), total="100.00", due=date(2026, 3, 1))
    with pytest.raises(BusinessError) as refused:
        reminder_run_prepare(actor=accountant, organisation=organisation, on=None)
    assert (refused.value.field, refused.value.message) == ("on", "Indiquez la date de la campagne de relance.")
    with pytest.raises(BusinessError) as nothing:
        reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 3, 5))
    assert nothing.value.field == "on"
    assert ReminderRun.objects.count() == 0 and Reminder.objects.count() == 0


def test_one_run_under_review_at_a_time(org):
    organisation, accountant = org
    make_invoice(organisation, make_customer(organisation), total="100.00", due=date(2026, 3, 1))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    with pytest.raises(BusinessError) as refused:
        reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 4, 2))
    assert refused.value.message.startswith("La campagne de relance du 31/03/2026 est encore en revue")
    reminder_run_delete(actor=accountant, run=run)
    assert ReminderRun.objects.count() == 0 and Reminder.objects.count() == 0
    reminder_run_prepare(actor=accountant, organisation=organisation, on=date(2026, 4, 2))


def test_skip_unskip_and_send(org):
    organisation, accountant = org
    martin = make_customer(organisation, "C001", "Martin Bâtiment", email="compta@martin.fr")
    durand = make_customer(organisation, "C002", "Durand Frères", email="factures@durand.fr")
    postal = make_customer(organisation, "C003", "Boulangerie Petit")  # no e-mail: letter by post
    a1 = make_invoice(organisation, martin, total="1200.00", due=date(2026, 3, 1))
    a2 = make_invoice(organisation, martin, total="500.00", due=date(2026, 2, 14))
    b1 = make_invoice(organisation, durand, total="300.00", due=date(2026, 3, 20))
    make_invoice(organisation, postal, total="80.00", due=date(2026, 3, 20))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert run.reminders.count() == 4

    skipped = reminder_skip(actor=accountant, reminder=run.reminders.get(invoice=b1))
    assert skipped.state == "skipped"
    reminder_unskip(actor=accountant, reminder=skipped)
    reminder_skip(actor=accountant, reminder=skipped)
    totals = run_totals(run=run)
    assert (totals["count"], totals["skipped"], totals["amount_due"]) == (3, 1, Decimal("1780.00"))

    reminder_run_send(actor=accountant, run=run)
    run.refresh_from_db()
    assert run.state == "sent"
    states = dict(run.reminders.values_list("invoice_id", "state"))
    assert states[b1.pk] == "skipped"
    assert states[a1.pk] == states[a2.pk] == "sent"
    assert run.reminders.get(invoice=a1).sent_at is not None

    # one e-mail per customer with an address, grouping its invoices, its letter attached
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["compta@martin.fr"]
    assert message.subject == f"Mise en demeure de payer — factures {a2.number}, {a1.number}"
    # 1 200,00 + 11,98 + 40,00 + 500,00 + 7,49 + 40,00 = 1 799,47
    assert "1\u202f799,47 €" in message.body
    (filename, content, mimetype), = message.attachments
    assert (filename, mimetype) == ("relance-C001-20260331.pdf", "application/pdf")
    assert content.startswith(b"%PDF")

    logged = OutgoingMail.objects.get(organisation=organisation)
    assert (logged.party_id, logged.object_id, logged.attachments) == (martin.pk, str(run.pk),
                                                                       ["relance-C001-20260331.pdf"])
    assert AuditEvent.objects.filter(action="reminder.send", object_type="sales.salesdocument",
                                     object_id=str(a1.pk)).count() == 1
    assert AuditEvent.objects.filter(action="reminder.letter", object_type="parties.party",
                                     object_id=str(postal.pk), after__channel="courrier").count() == 1

    # the postal PDF holds the letter of the customer without e-mail only; the full PDF holds both
    assert reminder_run_pdf(run=run, postal_only=True).startswith(b"%PDF")
    with pytest.raises(BusinessError):
        reminder_skip(actor=accountant, reminder=run.reminders.get(invoice=a1))
    with pytest.raises(BusinessError):
        reminder_run_send(actor=accountant, run=run)
    assert len(mail.outbox) == 1


def test_letters_group_invoices_and_speak_per_level(org):
    organisation, accountant = org
    martin = make_customer(organisation, "C001", "Martin Bâtiment", email="compta@martin.fr")
    petit = make_customer(organisation, "C003", "Boulangerie Petit")
    a1 = make_invoice(organisation, martin, total="1200.00", due=date(2026, 3, 1))
    a2 = make_invoice(organisation, martin, total="500.00", due=date(2026, 2, 14))
    make_invoice(organisation, petit, total="80.00", due=date(2026, 3, 20))
    run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    letters = run_letters(run=run)
    assert [(letter.party.code, letter.level, len(letter.reminders)) for letter in letters] == [
        ("C003", 1, 1), ("C001", 3, 2)]
    notice = letters[1]
    assert (notice.amount_due, notice.interest, notice.fixed_fee, notice.total) == (
        Decimal("1700.00"), Decimal("19.47"), Decimal("80.00"), Decimal("1799.47"))
    html = render_to_string("sales/reminders/letters/pdf.html", {
        "organisation": organisation, "letters": letters, "rate": "12,15",
        "settings": organisation.sales_settings})
    assert "Lettre recommandée avec accusé de réception" in html
    assert "mettons en demeure" in html
    assert "au plus tard le 08/04/2026" in html
    assert "1\u202f799,47 €" in html
    assert "pénalités de retard au taux de 12,15 %" in html
    assert a1.number in html and a2.number in html
    assert "Il s'agit probablement d'un simple oubli" in html  # the first reminder's courteous tone


def test_prepare_runs_a_constant_number_of_queries(org):
    organisation, accountant = org
    customer = make_customer(organisation)
    make_invoice(organisation, customer, total="100.00", due=date(2026, 3, 1))
    with CaptureQueriesContext(connection) as one:
        run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    reminder_run_delete(actor=accountant, run=run)
    for n in range(30):
        make_invoice(organisation, customer, total=f"{100 + n}.00", due=date(2026, 3, 1))
    with CaptureQueriesContext(connection) as many:
        run = reminder_run_prepare(actor=accountant, organisation=organisation, on=MARCH_31)
    assert run.reminders.count() == 31
    assert len(many) == len(one)


def test_set_based_query_agrees_with_the_open_amount_of_receipts(org):
    """The run's raw query and payments.open_invoices define the open amount the same way."""
    from agora.sales.selectors.payments import invoice_open_amount, open_invoices
    from agora.sales.selectors.reminders import overdue_invoice_rows, overdue_invoices

    organisation, accountant = org
    customer = make_customer(organisation)
    other, _ = make_sales_org(slug="autre")
    make_invoice(other, make_customer(other), total="70.00", due=date(2026, 1, 5))
    invoices = [make_invoice(organisation, customer, total=f"{100 * n}.10", due=date(2026, 1, n)) for n in range(1, 8)]
    pay(organisation, invoices[0], "100.10", date(2026, 2, 1))
    pay(organisation, invoices[1], "50.00", date(2026, 2, 1))
    pay(organisation, invoices[1], "0.05", date(2026, 2, 2))
    SalesDocument.objects.create(organisation=organisation, kind=DocumentKind.CREDIT_NOTE,
                                 state=DocumentState.VALIDATED, number="AV-2026-00009", date=date(2026, 2, 1),
                                 party=customer, credited_invoice=invoices[2], total=Decimal("100.00"),
                                 net_to_pay=Decimal("100.00"))
    rows = list(overdue_invoice_rows(organisation=organisation, on=MARCH_31, first_days=7))
    expected = {inv.pk: invoice_open_amount(inv) for inv in invoices if invoice_open_amount(inv) > 0}
    assert {r[0]: r[4] for r in rows} == expected
    assert expected[invoices[1].pk] == Decimal("150.05") and expected[invoices[2].pk] == Decimal("200.10")
    reference = {inv.pk: inv.open_amount for inv in open_invoices(organisation=organisation)}
    assert {pk: round(amount, 2) for pk, amount in reference.items()} == expected
    via_orm = {inv.pk: inv.open_amount for inv in overdue_invoices(organisation=organisation, on=MARCH_31,
                                                                   first_days=7)}
    assert {pk: round(amount, 2) for pk, amount in via_orm.items()} == expected


def test_through_the_real_chain_receipts_credit_note_and_claim():
    """Invoice validated and paid through the real services; a claim ends in a credit note; the runs follow."""
    from datetime import timedelta

    from agora.sales.models import Claim
    from agora.sales.services.claims import claim_credit_note, claim_open, claim_resolve
    from agora.sales.services.documents import credit_note_validate, invoice_validate
    from agora.sales.services.receipts import receipt_record

    from .builders import line, make_products, make_sales_books
    from .builders import make_customer as make_b2b
    from .builders import make_invoice as draft_invoice

    organisation, seller = make_sales_books()
    customer = make_b2b(organisation, email="compta@martin-industries.fr")
    goods, _, _ = make_products(organisation)
    invoice = invoice_validate(actor=seller, invoice=draft_invoice(organisation, seller, customer, [line(goods, 10)]))
    assert invoice.net_to_pay == Decimal("1200.00")
    receipt_record(actor=seller, organisation=organisation, party=customer, date=invoice.due_date, method="transfer",
                   amount="200.00", allocations=[(invoice, Decimal("200.00"))])

    on = invoice.due_date + timedelta(days=30)
    run = reminder_run_prepare(actor=seller, organisation=organisation, on=on)
    reminder = _only(run)
    # 1 000,00 open × 12,15 % × 30 / 365 = 9,9863… → 9,99; the €40 indemnity
    assert (reminder.level, reminder.amount_due, reminder.interest, reminder.fixed_fee) == (
        2, Decimal("1000.00"), Decimal("9.99"), Decimal("40.00"))
    reminder_run_send(actor=seller, run=run)
    assert mail.outbox[-1].to == ["compta@martin-industries.fr"]

    claim = claim_open(actor=seller, organisation=organisation, party=customer, document=invoice,
                       kind=Claim.Kind.DEFECT, subject="Une chaise abîmée", opened_on=on)
    # credit one chair of the ten
    note = claim_credit_note(actor=seller, claim=claim, quantities={invoice.lines.get().pk: Decimal("1")})
    assert (note.kind, note.credited_invoice_id, note.state) == ("credit_note", invoice.pk, "draft")
    note = credit_note_validate(actor=seller, credit_note=note)
    assert note.net_to_pay == Decimal("120.00")
    claim = claim_resolve(actor=seller, claim=claim, outcome=Claim.Outcome.CREDIT_NOTE, outcome_document=note)
    assert claim.status == Claim.Status.RESOLVED

    later = reminder_run_prepare(actor=seller, organisation=organisation, on=invoice.due_date + timedelta(days=45))
    reminder = _only(later)
    # 880,00 open × 12,15 % × 45 / 365 = 13,1819… → 13,18; indemnity already claimed
    assert (reminder.level, reminder.amount_due, reminder.interest, reminder.fixed_fee) == (
        3, Decimal("880.00"), Decimal("13.18"), Decimal("0.00"))
    reminder_run_delete(actor=seller, run=later)
    receipt_record(actor=seller, organisation=organisation, party=customer, date=on, method="transfer",
                   amount="880.00", allocations=[(invoice, Decimal("880.00"))])
    with pytest.raises(BusinessError):
        reminder_run_prepare(actor=seller, organisation=organisation, on=invoice.due_date + timedelta(days=45))
