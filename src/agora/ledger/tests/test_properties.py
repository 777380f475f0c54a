"""Property tests of posting: whatever valid entries arrive, the books balance and numbers stay gapless;
whatever invalid entry hides in a batch, the whole batch is refused and nothing moves.

Books are created once per test; each Hypothesis example runs inside a savepoint that is rolled back, so
every example starts from empty books in a few milliseconds.
"""

from collections import Counter as Tally
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Counter
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.integrity import verify_books
from agora.ledger.models import Entry, EntryLine
from agora.ledger.services import entries_post, entry_post_new

from .builders import make_books, make_party

pytestmark = pytest.mark.django_db

# (account, party): party accounts always carry one of their parties; 467 is optional.
ACCOUNTS = [("411", "C001"), ("411", "C002"), ("401", "F001"), ("5121", ""), ("530", ""), ("607", ""), ("627", ""),
            ("706", ""), ("44571", ""), ("44566", ""), ("467", ""), ("467", "C001")]
JOURNALS = ["VT", "AC", "BQ1", "CA", "OD", "PA", "AN"]
LABELS = ["Facture", "Règlement client", "Achat marchandises", "Frais bancaires", "Écriture à-nouveau", "Paie"]
YEAR_START = date(2026, 1, 1)
PROPERTY_SETTINGS = settings(max_examples=30, deadline=None, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Module-level strategies: building them once keeps data generation cheap.
amounts = st.integers(min_value=1, max_value=10**9).map(lambda cents: Decimal(cents).scaleb(-2))
days = st.integers(min_value=0, max_value=364).map(lambda n: YEAR_START + timedelta(days=n))
raw_lines = st.lists(st.tuples(st.sampled_from(ACCOUNTS), amounts, st.booleans()), min_size=1, max_size=5)
zero = Decimal("0.00")


@st.composite
def entries(draw) -> EntryInput:
    """A balanced entry: random lines, then one line that makes Σ debit = Σ credit if needed."""
    lines = [LineInput(account=account, party=party, debit=amount if debit else zero,
                       credit=zero if debit else amount)
             for (account, party), amount, debit in draw(raw_lines)]
    gap = sum(line.debit for line in lines) - sum(line.credit for line in lines)
    if gap:
        account, party = draw(st.sampled_from(ACCOUNTS))
        lines.append(LineInput(account=account, party=party, debit=-gap if gap < 0 else zero,
                               credit=gap if gap > 0 else zero))
    return EntryInput(journal=draw(st.sampled_from(JOURNALS)), date=draw(days),
                      label=draw(st.sampled_from(LABELS)), lines=lines)


batches = st.lists(st.lists(entries(), min_size=1, max_size=5), min_size=1, max_size=4)


@dataclass
class Expected:
    """The books as they must be, computed in Python from the inputs."""

    per_account: dict
    per_journal: Tally
    debit: Decimal
    credit: Decimal


def expected_of(posted: list[EntryInput]) -> Expected:
    per_account: dict = defaultdict(lambda: Decimal("0.00"))
    for data in posted:
        for line in data.lines:
            per_account[line.account] += line.debit - line.credit
    return Expected(per_account={code: value for code, value in per_account.items() if value},
                    per_journal=Tally(data.journal for data in posted),
                    debit=sum((line.debit for data in posted for line in data.lines), Decimal("0.00")),
                    credit=sum((line.credit for data in posted for line in data.lines), Decimal("0.00")))


def trial_balance(org) -> dict:
    """Closing balance per account, aggregated in SQL over posted lines (as the report does)."""
    rows = (EntryLine.objects.filter(organisation=org, posted=True).values("account__code")
            .annotate(debit=Sum("debit"), credit=Sum("credit")).order_by("account__code"))
    return {row["account__code"]: row["debit"] - row["credit"] for row in rows
            if row["debit"] != row["credit"]}


def counters_of(org) -> list[tuple]:
    return list(Counter.objects.filter(organisation=org).order_by("series", "fiscal_year")
                .values_list("series", "fiscal_year", "last_value", "chain_hash"))


def assert_books_consistent(org, posted: list[EntryInput]) -> None:
    expected = expected_of(posted)
    # Σ debit = Σ credit for every entry, computed in SQL.
    per_entry = (EntryLine.objects.filter(organisation=org).values("entry_id")
                 .annotate(d=Sum("debit"), c=Sum("credit"), n=Count("id")))
    assert len(per_entry) == len(posted)
    assert all(row["d"] == row["c"] and row["n"] >= 2 for row in per_entry)
    # …and overall, to the cent of what was sent.
    totals = EntryLine.objects.filter(organisation=org, posted=True).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] == expected.debit == expected.credit
    # The trial balance nets to zero and matches the inputs account by account.
    balance = trial_balance(org)
    assert sum(balance.values(), Decimal("0.00")) == Decimal("0.00")
    assert balance == expected.per_account
    # Gapless numbers 1..n per (journal, fiscal year), and the counter agrees.
    numbers: dict[str, list[int]] = defaultdict(list)
    for journal, year, number in (Entry.objects.filter(organisation=org, state=Entry.Status.POSTED)
                                  .values_list("journal__code", "fiscal_year__code", "number")):
        assert year == "2026"
        numbers[journal].append(number)
    assert {journal: sorted(values) for journal, values in numbers.items()} == {
        journal: list(range(1, count + 1)) for journal, count in expected.per_journal.items()}
    assert {(series, year, last) for series, year, last, _ in counters_of(org)} == {
        (f"entry:{journal}", "2026", count) for journal, count in expected.per_journal.items()}
    assert not EntryLine.objects.filter(organisation=org, posted=False).exists()
    assert verify_books(org) == []


class _Rollback(Exception):
    """Raised at the end of an example to undo everything it wrote."""


def in_rollback(body):
    """Run body() inside a savepoint that is always rolled back (a fresh set of books per example)."""
    try:
        with transaction.atomic():
            body()
            raise _Rollback
    except _Rollback:
        pass


@pytest.fixture
def books():
    org, user = make_books(slug="proprietes")
    make_party(org, "C001", "Client Martin")
    make_party(org, "C002", "Client Bernard")
    make_party(org, "F001", "Fournisseur Dupont", is_customer=False, is_supplier=True)
    return org, user


def test_any_valid_postings_keep_the_books_balanced_and_gapless(books):
    org, user = books

    @PROPERTY_SETTINGS
    @given(batches=batches, single=st.booleans())
    def check(batches, single):
        def body():
            posted: list[EntryInput] = []
            for batch in batches:
                if single and len(batch) == 1:
                    result = [entry_post_new(actor=user, organisation=org, data=batch[0])]
                else:
                    result = entries_post(actor=user, organisation=org, entries=batch)
                assert [entry.journal.code for entry in result] == [data.journal for data in batch]
                posted.extend(batch)
            assert_books_consistent(org, posted)

        in_rollback(body)

    check()
    assert not Entry.objects.filter(organisation=org).exists()  # every example was rolled back


def _spoil(data: EntryInput, kind: str, at: int, amount: Decimal) -> tuple[str, str]:
    """Make entry `data` invalid in one way; return the expected error code and field."""
    n = at % len(data.lines)
    line = data.lines[n]
    if kind == "unbalanced":
        if line.debit:
            line.debit += amount
        else:
            line.credit += amount
        return "unbalanced", "lines"
    if kind == "unknown_account":
        line.account = "6999999"
        return "unknown_account", f"lines.{n + 1}.account"
    if kind == "negative_amount":
        line.debit, line.credit = -amount, Decimal("0.00")
        return "negative_amount", f"lines.{n + 1}.debit"
    if kind == "debit_and_credit":
        line.debit, line.credit = line.debit or amount, line.credit or amount
        return "debit_and_credit", f"lines.{n + 1}.credit"
    if kind == "party_required":
        line.account, line.party = "411", ""
        return "party_required", f"lines.{n + 1}.party"
    raise AssertionError(kind)


SPOILS = ["unbalanced", "unknown_account", "negative_amount", "debit_and_credit", "party_required"]


def test_any_invalid_entry_refuses_its_whole_batch(books):
    org, user = books

    @PROPERTY_SETTINGS
    @given(before=batches, batch=st.lists(entries(), min_size=1, max_size=5), data=st.data(),
           kind=st.sampled_from(SPOILS), amount=amounts)
    def check(before, batch, data, kind, amount):
        def body():
            posted: list[EntryInput] = []
            for valid in before:
                entries_post(actor=user, organisation=org, entries=valid)
                posted.extend(valid)
            snapshot = (counters_of(org), Entry.objects.count(), EntryLine.objects.count(),
                        AuditEvent.objects.count(), trial_balance(org))
            position = data.draw(st.integers(min_value=0, max_value=len(batch) - 1), label="position")
            at = data.draw(st.integers(min_value=0, max_value=10), label="line")
            code, field = _spoil(batch[position], kind, at, amount)
            with pytest.raises(BusinessError) as caught:
                entries_post(actor=user, organisation=org, entries=batch)
            assert (caught.value.code, caught.value.field) == (code, field)
            if len(batch) > 1:
                assert caught.value.message.startswith(f"Écriture {position + 1} : ")
            # Nothing written, counters unchanged: the books are exactly as before the batch.
            assert (counters_of(org), Entry.objects.count(), EntryLine.objects.count(),
                    AuditEvent.objects.count(), trial_balance(org)) == snapshot
            assert_books_consistent(org, posted)

        in_rollback(body)

    check()
