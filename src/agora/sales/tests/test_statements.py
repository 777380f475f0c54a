"""Customer statement (from the ledger's 411 lines) and aged balance (in SQL), with hand-worked figures."""

import time
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agora.core.bulk import insert_rows
from agora.core.money import ZERO
from agora.sales.models import DocumentKind, DocumentState, PaymentMethod, Receipt, ReceiptAllocation, SalesDocument
from agora.sales.selectors.payments import aged_balance, customer_statement, open_invoices
from agora.sales.services.receipts import receipt_record

from .builders_receipts import credit_note, invoice, receipt_books

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def books():
    return receipt_books()


def test_statement_opening_rows_and_running_balance(books):
    org, seller, martin, dupont = books
    first = invoice(org, seller, martin, "1000", day=date(2026, 3, 2))    # 1 200,00, before the period
    second = invoice(org, seller, martin, "500", day=date(2026, 3, 10))   # 600,00
    invoice(org, seller, dupont, "700", day=date(2026, 3, 11))            # another customer: not on the statement
    receipt_record(actor=seller, organisation=org, party=martin, date=date(2026, 3, 15), method="transfer",
                   amount="500", allocations=[(first, "500")])
    note = credit_note(seller, second, day=date(2026, 3, 20))             # 600,00 back
    invoice(org, seller, martin, "100", day=date(2026, 4, 2))             # after the period

    statement = customer_statement(organisation=org, party=martin, date_from=date(2026, 3, 5),
                                   date_to=date(2026, 3, 31))
    assert statement.opening == D("1200.00")
    assert [(r.date, r.kind, r.reference, r.debit, r.credit, r.balance) for r in statement.rows] == [
        (date(2026, 3, 10), "Facture", second.number, D("600.00"), D("0.00"), D("1800.00")),
        (date(2026, 3, 15), "Règlement", "RC-2026-00001", D("0.00"), D("500.00"), D("1300.00")),
        (date(2026, 3, 20), "Avoir", note.number, D("0.00"), D("600.00"), D("700.00")),
    ]
    assert (statement.total_debit, statement.total_credit, statement.closing) == (
        D("600.00"), D("1100.00"), D("700.00"))
    assert statement.rows[0].due_date == date(2026, 4, 9)
    assert statement.rows[1].matching == "aa"  # the receipt partly settles the first invoice
    assert statement.rows[1].entry_number == "BQ1-2026-000001"

    whole = customer_statement(organisation=org, party=martin, date_from=date(2026, 1, 1), date_to=date(2026, 12, 31))
    assert whole.opening == ZERO and whole.closing == D("820.00")  # 1 200 + 600 − 500 − 600 + 120
    assert [r.balance for r in whole.rows] == [D("1200.00"), D("1800.00"), D("1300.00"), D("700.00"), D("820.00")]


def _aged(report):
    return [(r.party_code, r.not_due, r.d1_30, r.d31_60, r.d61_90, r.over_90, r.total, r.unallocated, r.balance)
            for r in report.rows]


def test_aged_balance_buckets_at_a_fixed_date(books):
    org, seller, martin, dupont = books
    due_now = "RECEPTION"  # due on the invoice date: the age is counted from it

    def inv(party, net, day, term=due_now):
        return invoice(org, seller, party, net, day=date(2026, *day), term=term)

    inv(martin, "100", (1, 15))                   # A 120,00 due 15/01: 166 days on 30/06 → > 90
    inv(martin, "10", (3, 31))                    # H  12,00 due 31/03: 91 days → > 90
    inv(dupont, "1000", (3, 31), term="30J")      # F 1 200,00 due 30/04: 61 days → 61–90
    inv(martin, "20", (4, 1))                     # I  24,00 due 01/04: 90 days → 61–90
    inv(martin, "200", (4, 10))                   # B 240,00 due 10/04: 81 days → 61–90
    c = inv(martin, "300", (5, 15))               # C 360,00 due 15/05: 46 days → 31–60, 60,00 paid on 01/06
    inv(martin, "30", (5, 31))                    # J  36,00 due 31/05: 30 days → 1–30
    inv(dupont, "50", (6, 1), term="30J")         # G  60,00 due 01/07: not due
    inv(martin, "400", (6, 10))                   # D 480,00 due 10/06: 20 days → 1–30
    inv(martin, "500", (6, 30))                   # E 600,00 due 30/06: 0 days → not due
    receipt_record(actor=seller, organisation=org, party=martin, date=date(2026, 6, 1), method="cheque",
                   amount="60", allocations=[(c, "60")])
    receipt_record(actor=seller, organisation=org, party=dupont, date=date(2026, 6, 15), method="transfer",
                   amount="25", allocations=[], allow_credit=True)

    report = aged_balance(organisation=org, as_of=date(2026, 6, 30))
    #                  code    not due        1–30          31–60         61–90           > 90          total
    assert _aged(report) == [
        ("C002", D("60.00"), D("0.00"), D("0.00"), D("1200.00"), D("0.00"), D("1260.00"), D("25.00"),
         D("1235.00")),
        ("C001", D("600.00"), D("516.00"), D("300.00"), D("264.00"), D("132.00"), D("1812.00"), D("0.00"),
         D("1812.00")),
    ]
    t = report.totals
    assert (t.not_due, t.d1_30, t.d31_60, t.d61_90, t.over_90, t.total, t.unallocated, t.balance) == (
        D("660.00"), D("516.00"), D("300.00"), D("1464.00"), D("132.00"), D("3072.00"), D("25.00"), D("3047.00"))

    # Earlier: the invoices of June, the payment of 01/06 and the credit of 15/06 did not exist yet.
    earlier = aged_balance(organisation=org, as_of=date(2026, 5, 20))
    assert _aged(earlier) == [
        ("C002", D("0.00"), D("1200.00"), D("0.00"), D("0.00"), D("0.00"), D("1200.00"), D("0.00"), D("1200.00")),
        ("C001", D("0.00"), D("360.00"), D("276.00"), D("0.00"), D("120.00"), D("756.00"), D("0.00"), D("756.00")),
    ]
    assert [i.open_amount for i in open_invoices(organisation=org, party=martin, as_of=date(2026, 5, 20))] == [
        D("120.00"), D("12.00"), D("24.00"), D("240.00"), D("360.00")]


def test_open_invoices_in_one_query(books):
    org, seller, martin, dupont = books
    for n, party in enumerate([martin, dupont, martin]):
        invoice(org, seller, party, "100", day=date(2026, 3, 10 + n))
    with CaptureQueriesContext(connection) as queries:
        rows = [(i.number, i.party.code, i.open_amount) for i in open_invoices(organisation=org)]
    assert len(queries) == 1
    assert [r[1:] for r in rows] == [("C001", D("120.00")), ("C002", D("120.00")), ("C001", D("120.00"))]


def test_aged_balance_of_50000_open_invoices_well_under_a_second(books):
    """The target of the issue: 50,000 open invoices. Rows are written straight into the tables (the services
    would take minutes); the report is checked against the same figures computed in Python."""
    org, seller, martin, dupont = books
    as_of = date(2026, 12, 31)
    now = timezone.now()
    rows = [(org.pk, DocumentKind.INVOICE.value, DocumentState.VALIDATED.value, f"FA-2026-{n + 1:05d}",
             date(2026, 1, 1) + timedelta(days=n % 300), date(2026, 1, 31) + timedelta(days=n % 330),
             (martin, dupont)[n % 2].pk, D("120.00") + n % 7, D("120.00") + n % 7, now) for n in range(50_000)]
    insert_rows(SalesDocument, ["organisation", "kind", "state", "number", "date", "due_date", "party", "total",
                                "net_to_pay", "created_at"], rows)
    receipt = Receipt.objects.create(organisation=org, number="RC-2026-99999", party=martin, date=date(2026, 6, 1),
                                     method=PaymentMethod.TRANSFER, amount=D("100000.00"))
    ids = list(SalesDocument.objects.filter(organisation=org, party=martin).order_by("pk").values_list("pk", flat=True))
    insert_rows(ReceiptAllocation, ["receipt", "invoice", "amount"],
                [(receipt.pk, pk, D("20.00")) for pk in ids[:5000]])

    expected = {martin.pk: [ZERO] * 5, dupont.pk: [ZERO] * 5}
    for n, row in enumerate(rows):
        due, party_id, amount = row[5], row[6], row[8]
        if n % 2 == 0 and n < 10_000:  # Martin's first 5,000 invoices (even n) got 20,00 each
            amount -= D("20.00")
        days = (as_of - due).days
        bucket = 0 if days <= 0 else 1 if days <= 30 else 2 if days <= 60 else 3 if days <= 90 else 4
        expected[party_id][bucket] += amount

    started = time.perf_counter()
    report = aged_balance(organisation=org, as_of=as_of)
    elapsed = time.perf_counter() - started
    got = {r.party_id: [r.not_due, r.d1_30, r.d31_60, r.d61_90, r.over_90] for r in report.rows}
    assert got == expected
    assert elapsed < 1.0, f"balance âgée : {elapsed:.3f} s pour 50 000 factures"
