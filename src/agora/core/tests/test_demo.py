"""`agora demo`: two organisations, a user per role, last year closed with its opening entry carried,
the books intact, and a second run that changes nothing."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from agora.core.management.commands.demo import PASSWORD
from agora.core.models import AuditEvent, Membership, Organisation, Role, User
from agora.ledger.integrity import verify_books
from agora.ledger.models import Entry, EntryLine, FiscalYear, Matching, State
from agora.parties.models import Party

TODAY = "2026-11-29"
SUFFIXES = ["admin", "compta", "direction", "ventes", "achats", "rh", "salarie"]


def _counts() -> dict:
    return {model.__name__: model.objects.count()
            for model in (Organisation, User, Membership, Party, Entry, EntryLine, Matching, AuditEvent)}


def _lines(organisation, **filters):
    return EntryLine.objects.filter(organisation=organisation, **filters)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """One demo run for the whole module (it takes seconds), rolled back at the end like a TestCase class."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            out = StringIO()
            call_command("demo", "--today", TODAY, stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def test_demo_builds_two_organisations_with_a_user_per_role(demo):
    durand, jardins = Organisation.objects.get(slug="durand"), Organisation.objects.get(slug="jardins")
    assert (durand.legal_name, durand.kind, durand.legal_form) == ("Durand Équipement SARL", "company", "SARL")
    assert (durand.siren, durand.siret) == ("842319576", "84231957600018")
    assert durand.vat_number.removeprefix("FR") == "03842319576"  # key 03 = (12 + 3 × (SIREN mod 97)) mod 97
    assert (durand.ape_code, durand.rcs_city, durand.share_capital) == ("46.69B", "Lyon", Decimal("20000.00"))
    assert (jardins.legal_name, jardins.kind, jardins.legal_form) == (
        "Les Jardins du Quartier", "association", "Association loi 1901")
    role_by_suffix = dict(zip(SUFFIXES, [Role.ADMIN, Role.ACCOUNTING, Role.MANAGEMENT, Role.SALES,
                                         Role.PURCHASING, Role.HR, Role.EMPLOYEE], strict=True))
    for organisation in (durand, jardins):
        for suffix, role in role_by_suffix.items():
            user = User.objects.get(username=f"{organisation.slug}.{suffix}")
            assert user.check_password(PASSWORD)
            assert set(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == {
                (organisation.slug, role)}
            assert f"{organisation.slug}.{suffix}" in demo
    superuser = User.objects.get(username="demo")
    assert superuser.check_password(PASSWORD)
    assert set(Membership.objects.filter(user=superuser).values_list("organisation__slug", "role")) == {
        ("durand", Role.ADMIN), ("jardins", Role.ADMIN)}
    assert PASSWORD in demo


def test_second_run_changes_nothing(demo):
    before = _counts()
    for _ in range(2):
        out = StringIO()
        call_command("demo", "--if-absent", "--today", TODAY, stdout=out)
        assert _counts() == before
        assert "durand.compta" in out.getvalue() and PASSWORD in out.getvalue()
    with pytest.raises(CommandError):
        call_command("demo", "--today", TODAY, stdout=StringIO())
    assert _counts() == before


def test_books_are_intact_and_last_year_is_closed_into_this_one(demo):
    for slug in ("durand", "jardins"):
        organisation = Organisation.objects.get(slug=slug)
        assert verify_books(organisation) == []
        previous = FiscalYear.objects.get(organisation=organisation, code="2025")
        current = FiscalYear.objects.get(organisation=organisation, code="2026")
        assert previous.state == State.CLOSED and current.state == State.OPEN
        assert not previous.periods.exclude(state=State.CLOSED).exists()
        opening = Entry.objects.get(organisation=organisation, journal__code="AN", fiscal_year=current)
        assert (opening.state, opening.date, opening.number) == (Entry.Status.POSTED, date(2026, 1, 1), 1)
        # The result of 2025 (classes 7 − 6) is the fiscal year's result and sits in 120 of the opening entry.
        totals = _lines(organisation, fiscal_year=previous, account__account_class__in=(6, 7)).aggregate(
            d=Sum("debit"), c=Sum("credit"))
        assert previous.result == totals["c"] - totals["d"] > 0
        assert _lines(organisation, entry=opening, account__code="120").get().credit == previous.result
        # Every balance-sheet account opens 2026 with its 2025 closing balance.
        def balances(organisation=organisation, **filters):
            rows = (_lines(organisation, posted=True, account__account_class__lte=5, **filters)
                    .values("account__code").annotate(d=Sum("debit"), c=Sum("credit")))
            return {r["account__code"]: r["d"] - r["c"] for r in rows if r["d"] != r["c"]}
        carried = balances(entry=opening)
        carried["120"] = carried.get("120", 0) + previous.result  # the result was not in 2025's classes 1–5
        assert {k: v for k, v in carried.items() if v} == balances(fiscal_year=previous)
        # Nothing dated after today; drafts only in the current month. Entries are numbered in the order they
        # were validated (the legal chronology, FEC ValidDate); in sales and payroll the numbers also follow the dates.
        # The other journals also take entries dated earlier than they are validated, as in real books: period-end
        # entries (VAT settlement, bank fees booked from the statement, depreciation) and supplier invoices entered
        # when they arrive.
        assert not Entry.objects.filter(organisation=organisation, date__gt=date(2026, 11, 29)).exists()
        drafts = Entry.objects.filter(organisation=organisation, state=Entry.Status.DRAFT)
        assert drafts.count() == (2 if slug == "durand" else 1)  # sales and fees are no longer keyed as drafts
        assert all(d.date >= date(2026, 11, 1) for d in drafts)
        for journal in {"VT", "AC", "BQ1", "CA", "OD", "PA"}:
            rows = list(Entry.objects.filter(organisation=organisation, journal__code=journal, fiscal_year=current,
                                             state=Entry.Status.POSTED).order_by("number")
                        .values_list("date", "posted_at"))
            assert [posted for _, posted in rows] == sorted(posted for _, posted in rows), journal
            if journal in {"VT", "PA"}:
                assert [day for day, _ in rows] == sorted(day for day, _ in rows), journal
        count = Entry.objects.filter(organisation=organisation, fiscal_year=previous).count()
        assert count >= (500 if slug == "durand" else 150)


def test_company_payroll_reversals_and_matching(demo):
    durand = Organisation.objects.get(slug="durand")
    # December 2025 payroll, hand-worked: gross 2 350 + 2 650 + 3 100 = 8 100; employer 42 % = 3 402;
    # nets at 78 % = 1 833 + 2 067 + 2 418 = 6 318; contributions = 8 100 − 6 318 + 3 402 = 5 184.
    payroll = Entry.objects.get(organisation=durand, journal__code="PA", reference="PAIE202512")
    rows = list(payroll.lines.order_by("line_no").values_list("account__code", "party__code", "debit", "credit"))
    assert rows == [
        ("6411", None, Decimal("8100.00"), Decimal("0.00")), ("6451", None, Decimal("3402.00"), Decimal("0.00")),
        ("431", None, Decimal("0.00"), Decimal("5184.00")), ("421", "S001", Decimal("0.00"), Decimal("1833.00")),
        ("421", "S002", Decimal("0.00"), Decimal("2067.00")), ("421", "S003", Decimal("0.00"), Decimal("2418.00")),
    ]
    # Contributions of December are paid on 15 January: carried as a 431 balance in the opening entry.
    opening = Entry.objects.get(organisation=durand, journal__code="AN", fiscal_year__code="2026")
    assert _lines(durand, entry=opening, account__code="431").get().credit == Decimal("5184.00")
    # 2026 salaries got the 2 % raise: 2 397 + 2 703 + 3 162 = 8 262 (November's payroll falls on the 30th,
    # after today: October is the last one).
    assert _lines(durand, entry__reference="PAIE202610", account__code="6411").get().debit == Decimal("8262.00")
    # Salaries are paid the day they are due and matched: 421 is settled at every month end.
    assert not _lines(durand, account__code="421", matching_part__isnull=True).exists()
    # Two reversals: an invoice keyed twice (2025) and a supplier invoice with a wrong amount (2026).
    reversals = Entry.objects.filter(organisation=durand, reversal_of__isnull=False).order_by("date")
    assert [(r.fiscal_year.code, r.journal.code) for r in reversals] == [("2025", "VT"), ("2026", "AC")]
    for reversal in reversals:
        assert reversal.lines.aggregate(d=Sum("debit"))["d"] == reversal.reversal_of.lines.aggregate(
            c=Sum("credit"))["c"]
    # Partial then full matchings exist; the VAT of every settled month is cleared.
    assert Matching.objects.filter(organisation=durand, is_full=True).count() > 400
    assert Matching.objects.filter(organisation=durand, is_full=False).exists()
    # Every month's return settles its collected VAT (the sales' too) and its deductible VAT; a month with more
    # deductible than collected VAT carries a credit (44567) to the next return.
    for month in range(1, 11):
        for code in ("44571", "44566"):
            vat = _lines(durand, date__year=2026, date__month=month, account__code=code)
            totals = vat.aggregate(d=Sum("debit"), c=Sum("credit"))
            assert totals["d"] == totals["c"] > 0, (month, code)


def test_association_books(demo):
    jardins = Organisation.objects.get(slug="jardins")
    first = Entry.objects.get(organisation=jardins, journal__code="AN", fiscal_year__code="2025")
    assert list(first.lines.order_by("line_no").values_list("account__code", "debit", "credit")) == [
        ("5121", Decimal("14200.00"), Decimal("0.00")), ("530", Decimal("350.00"), Decimal("0.00")),
        ("102", Decimal("0.00"), Decimal("10000.00")), ("110", Decimal("0.00"), Decimal("4550.00"))]
    income = {code: _lines(jardins, fiscal_year__code="2025", account__code=code).aggregate(c=Sum("credit"))["c"]
              for code in ("7561", "75411", "74")}
    assert income["74"] == Decimal("4500.00")  # the city's grant
    assert income["7561"] > 0 and income["75411"] > 0
    assert _lines(jardins, account__code__startswith="445").count() == 0  # no VAT in an association's books
    assert _lines(jardins, fiscal_year__code="2026", account__code="74").get().credit == Decimal("1800.00")


# --- the sales demo (Durand Équipement) --------------------------------------------------------------------


def _sales(organisation, **filters):
    from agora.sales.models import SalesDocument

    return SalesDocument.objects.filter(organisation=organisation, **filters)


def test_sales_catalogue_and_customers(demo):
    from agora.catalog.models import Product

    durand = Organisation.objects.get(slug="durand")
    products = Product.objects.filter(organisation=durand).select_related("vat_category")
    assert products.count() == 16
    assert {p.vat_category.rate for p in products} == {Decimal("20.00"), Decimal("10.00"), Decimal("5.50"),
                                                       Decimal("0.00")}
    assert products.get(reference="FORM-HACCP").vat_category.exemption_mention.startswith("Exonération de TVA")
    assert {p.revenue_account for p in products} == {"706", "707", "708", "7085"}
    customers = Party.objects.filter(organisation=durand, is_customer=True)
    businesses = customers.filter(kind="organisation").exclude(code="C012")
    assert businesses.count() == 10
    for party in businesses:  # SIREN and VAT number, checked by the party service
        assert len(party.siren) == 9 and party.vat_number == f"FR{(12 + 3 * (int(party.siren) % 97)) % 97:02d}" \
            f"{party.siren}"
        assert party.address_line1 and party.payment_term_id
    assert set(customers.filter(kind="individual").values_list("code", flat=True)) == {"C011", "C013", "C014"}
    assert Party.objects.get(organisation=durand, code="P001").is_prospect


def test_sales_document_chain(demo):
    from agora.sales.models import DocumentKind as Kind
    from agora.sales.models import DocumentState as St

    durand = Organisation.objects.get(slug="durand")
    today = date.fromisoformat(TODAY)
    quotes = _sales(durand, kind=Kind.QUOTE)
    states = set(quotes.values_list("state", flat=True))
    assert {St.ACCEPTED, St.REFUSED, St.EXPIRED} <= states
    assert quotes.filter(state=St.ACCEPTED).count() == _sales(durand, kind=Kind.ORDER).count() >= 40
    assert not quotes.filter(state__in=[St.DRAFT, St.SENT], valid_until__lt=today).exists()  # expired
    # Partial deliveries: some orders were delivered in two notes, each invoiced.
    orders = _sales(durand, kind=Kind.ORDER)
    assert sum(1 for o in orders if o.derived.filter(kind=Kind.DELIVERY).count() == 2) >= 3
    for delivery in _sales(durand, kind=Kind.DELIVERY):
        assert delivery.state == St.VALIDATED and delivery.derived.filter(kind=Kind.INVOICE).count() == 1
    # Every invoice and credit note is validated, numbered without gap in date order, and posted in VT.
    for kind, prefix in ((Kind.INVOICE, "FA"), (Kind.CREDIT_NOTE, "AV")):
        documents = list(_sales(durand, kind=kind).order_by("sequence"))
        assert {d.state for d in documents} == {St.VALIDATED}
        assert [d.number for d in documents] == [f"{prefix}-2026-{n:05d}" for n in range(1, len(documents) + 1)]
        assert [d.date for d in documents] == sorted(d.date for d in documents)
        assert all(date(2026, 1, 1) <= d.date <= today and d.entry.journal.code == "VT" for d in documents)
    assert Entry.objects.filter(organisation=durand, journal__code="VT", fiscal_year__code="2026").count() == \
        _sales(durand, kind__in=[Kind.INVOICE, Kind.CREDIT_NOTE]).count()
    assert not _sales(durand, date__gt=today).exists()
    # The hotel's kitchen, hand-worked: lines 7 890 + 1 840 + 12 × 68 + 690 less the customer's 5 % = 10 674,20;
    # "Remise quantité" 3 % → 10 353,97; shipping 120 → base 10 473,97; VAT 20 % 2 094,79; TTC 12 568,76.
    # Deposit 30 % of the base: 3 142,19 + VAT 628,44 = 3 770,63 (credited to 4191), deducted from the final
    # invoice: 12 568,76 − 3 770,63 = 8 798,13 to pay.
    deposit = _sales(durand, is_deposit=True).get()
    assert (deposit.party.code, deposit.untaxed_total, deposit.tax_total, deposit.total) == (
        "C003", Decimal("3142.19"), Decimal("628.44"), Decimal("3770.63"))
    assert deposit.entry.lines.get(account__code="4191").credit == Decimal("3142.19")
    final = _sales(durand, kind=Kind.INVOICE, deposit_deducted__gt=0).get()
    assert (final.untaxed_total, final.total, final.deposit_deducted, final.net_to_pay) == (
        Decimal("10473.97"), Decimal("12568.76"), Decimal("3770.63"), Decimal("8798.13"))
    assert final.entry.lines.get(account__code="4191").debit == Decimal("3142.19")
    assert final.entry.lines.get(account__code="411").debit == Decimal("8798.13")
    # Credit notes: a return (2 × 24,90 + 20 %), a claim (one cabinet 2 190 + 20 %), a rebate on 709.
    notes = {n.credit_kind: n for n in _sales(durand, kind=Kind.CREDIT_NOTE)}
    assert {k: n.total for k, n in notes.items()} == {
        "return": Decimal("59.76"), "claim": Decimal("2628.00"), "rebate": Decimal("504.00")}
    assert notes["rebate"].entry.lines.get(account__code="709").debit == Decimal("420.00")
    assert all(n.credited_invoice.party_id == n.party_id for n in notes.values())


def test_sales_receipts_matching_and_reminders(demo):
    from agora.sales.models import DepositSlip, Receipt, Reminder, ReminderRun
    from agora.sales.selectors.payments import invoice_open_amount

    durand = Organisation.objects.get(slug="durand")
    today = date.fromisoformat(TODAY)
    receipts = Receipt.objects.filter(organisation=durand)
    assert {"cheque", "transfer", "card", "direct_debit"} <= set(receipts.values_list("method", flat=True))
    assert receipts.count() >= 40 and not receipts.filter(date__gt=today).exists()
    # Cheques go to the bank on Fridays: all those received by the last Friday are on a slip, which adds up.
    last_friday = today - timedelta(days=(today.weekday() - 4) % 7)
    assert not receipts.filter(method="cheque", deposit_slip__isnull=True, date__lte=last_friday).exists()
    for slip in DepositSlip.objects.filter(organisation=durand):
        assert slip.date.weekday() == 4 and slip.total == sum(r.amount for r in slip.receipts.all()) > 0
        assert slip.entry.lines.get(account__code="5121").debit == slip.total
    # A paid invoice has its 411 line fully matched (with its receipts and credit notes); an open one has not.
    paid = open_ = 0
    for invoice in _sales(durand, kind="invoice").select_related("entry"):
        line = invoice.entry.lines.get(account__code="411")
        if invoice_open_amount(invoice) == 0:
            paid += 1
            assert line.matching_part.matching.is_full, invoice.number
        else:
            open_ += 1
            # Still owed — unless the customer was declared doubtful: the debt moved to 416 and the transfer
            # matched the 411 line.
            matched = hasattr(line, "matching_part") and line.matching_part.matching.is_full
            assert not matched or line.matching_part.matching.parts.filter(
                line__entry__origin_type="assets.provision").exists(), invoice.number
    assert paid >= 40 and open_ >= 3
    # The customer's 411 balance from the sales documents and receipts is what its open invoices still owe (the
    # books' demo also carries last year's items, and settles some of them this year).
    from agora.sales.selectors.payments import open_invoices

    owed = {}
    for invoice in open_invoices(organisation=durand):
        owed[invoice.party.code] = owed.get(invoice.party.code, Decimal(0)) + invoice.open_amount
    for code, amount in owed.items():
        lines = _lines(durand, fiscal_year__code="2026", party__code=code, account__code="411",
                       entry__origin_type__startswith="sales.")
        totals = lines.aggregate(d=Sum("debit"), c=Sum("credit"))
        assert totals["d"] - totals["c"] == amount, code
    # Two runs sent (July, October) and today's left for review, with letters by e-mail logged.
    runs = list(ReminderRun.objects.filter(organisation=durand).order_by("date").values_list("date", "state"))
    assert runs == [(date(2026, 7, 15), "sent"), (date(2026, 10, 15), "sent"), (today, "draft")]
    assert Reminder.objects.filter(organisation=durand, state="sent").count() >= 3
    assert Reminder.objects.filter(organisation=durand, run__state="draft").exists()
    from agora.core.models import OutgoingMail

    assert OutgoingMail.objects.filter(organisation=durand, object_type="sales.reminderrun").exists()


def test_sales_claims(demo):
    from agora.sales.models import Claim
    from agora.sales.selectors.claims import overdue_claims

    durand = Organisation.objects.get(slug="durand")
    claims = {c.kind: c for c in Claim.objects.filter(organisation=durand)}
    assert set(claims) == {"defect", "delay", "billing"}
    resolved, refused, overdue = claims["defect"], claims["delay"], claims["billing"]
    assert (resolved.status, resolved.outcome) == ("resolved", "credit_note")
    assert resolved.outcome_document.credited_invoice_id == resolved.document_id
    assert resolved.exchanges.count() >= 3
    assert (refused.status, refused.outcome, refused.document.kind) == ("refused", "refusal", "delivery")
    assert "ne pouvons donc pas donner une suite favorable" in refused.reply
    assert overdue.is_dispute and overdue.status == "in_progress" and overdue.deadline < date.fromisoformat(TODAY)
    assert list(overdue_claims(organisation=durand, today=date.fromisoformat(TODAY))) == [overdue]


def test_association_fees_and_gifts_exist_once(demo):
    from agora.membership.models import Donation, FeePayment, Member

    jardins = Organisation.objects.get(slug="jardins")
    assert Member.objects.filter(organisation=jardins).count() == 40
    payments = FeePayment.objects.filter(organisation=jardins)
    gifts = Donation.objects.filter(organisation=jardins)
    assert payments.count() >= 25 and gifts.count() == 10
    assert gifts.exclude(receipt_number="").count() == 8
    fees = _lines(jardins, fiscal_year__code="2026", account__code__in=("7561", "7562"))
    assert fees.aggregate(c=Sum("credit"))["c"] == payments.aggregate(s=Sum("amount"))["s"]
    assert set(fees.values_list("entry__origin_type", flat=True)) == {"membership.feepayment"}
    donations = _lines(jardins, fiscal_year__code="2026", account__code="75411")
    assert donations.aggregate(c=Sum("credit"))["c"] == gifts.aggregate(s=Sum("amount"))["s"]
    assert set(donations.values_list("entry__origin_type", flat=True)) == {"membership.donation"}
    for payment in payments.select_related("entry"):
        assert payment.entry.date == payment.date and payment.entry.state == Entry.Status.POSTED
