"""`agora demo`: two organisations, a user per role, last year closed with its opening entry carried,
the books intact, and a second run that changes nothing."""

from datetime import date
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
        # Nothing dated after today; drafts only in the current month; numbers follow dates in each journal.
        assert not Entry.objects.filter(organisation=organisation, date__gt=date(2026, 11, 29)).exists()
        drafts = Entry.objects.filter(organisation=organisation, state=Entry.Status.DRAFT)
        assert drafts.count() == (3 if slug == "durand" else 2)
        assert all(d.date >= date(2026, 11, 1) for d in drafts)
        for journal in {"VT", "AC", "BQ1", "CA", "OD", "PA"}:
            dates = list(Entry.objects.filter(organisation=organisation, journal__code=journal, fiscal_year=current,
                                              state=Entry.Status.POSTED).order_by("number")
                         .values_list("date", flat=True))
            assert dates == sorted(dates)
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
    for month in range(1, 11):
        vat = _lines(durand, date__year=2026, date__month=month, account__code__in=("44571", "44566"))
        assert vat.aggregate(d=Sum("debit"))["d"] == vat.aggregate(c=Sum("credit"))["c"] or (
            vat.aggregate(d=Sum("debit"))["d"] is None)


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
