"""Payment runs: proposal from the ledger's open items, review, approval, execution (entry, matching, SEPA file).

Hand working of the main scenario (run of 31/03/2026, BQ1 / 5121):
  F001 Bois & Cie, transfer   FF-A 1 000 HT + 200 TVA = 1 200,00 due 20/03 → paid 1 200,00
                              FF-B   500 HT + 100 TVA =   600,00 due 30/04 → later, not proposed
  F002 Transports Lenoir, no IBAN: FF-C 360,00 due 15/03 → proposed, blocked, left out
  F003 Papeterie Rhône, cheque: FF-D 120,00 due 25/03 → paid by cheque n° 0001234
  Entry BQ1 31/03: 401 F001 D 1 200,00 · 401 F003 D 120,00 · 5121 C 120,00 (chèque) · 5121 C 1 200,00 (virements)
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema

from agora.core.errors import BusinessError
from agora.ledger.models import Entry, EntryLine, MatchingPart
from agora.ledger.services import matching_create
from agora.ledger.tests.builders import post
from agora.treasury.models import PaymentLine, PaymentRun
from agora.treasury.selectors.items import open_item_rows, open_items
from agora.treasury.services.runs import (
    payment_line_update,
    payment_run_approve,
    payment_run_delete,
    payment_run_execute,
    payment_run_propose,
)
from agora.treasury.services.settings import treasury_settings_update

from .builders import IBANS, make_supplier, make_treasury_books, supplier_invoice

pytestmark = pytest.mark.django_db
ON = date(2026, 3, 31)
XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.09.xsd"


@pytest.fixture
def books():
    organisation, accountant, manager = make_treasury_books()
    wood = make_supplier(organisation, "F001", "Bois & Cie")
    carrier = make_supplier(organisation, "F002", "Transports Lenoir", iban="")
    paper = make_supplier(organisation, "F003", "Papeterie Rhône", payment_method="cheque", iban="")
    items = {
        "A": supplier_invoice(organisation, accountant, wood, net="1000.00", vat="200.00", due=date(2026, 3, 20),
                              reference="FF-A"),
        "B": supplier_invoice(organisation, accountant, wood, net="500.00", vat="100.00", due=date(2026, 4, 30),
                              reference="FF-B"),
        "C": supplier_invoice(organisation, accountant, carrier, net="300.00", vat="60.00", due=date(2026, 3, 15),
                              reference="FF-C"),
        "D": supplier_invoice(organisation, accountant, paper, net="100.00", vat="20.00", due=date(2026, 3, 25),
                              reference="FF-D"),
    }
    return organisation, accountant, manager, items


def _line(run, reference) -> PaymentLine:
    return PaymentLine.objects.get(run=run, reference=reference)


def test_proposal_takes_items_due_by_the_date_and_flags_suppliers_without_iban(books):
    organisation, accountant, _, items = books
    run = payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    assert run.number == "PAI-2026-00001" and run.bank_account.journal.code == "BQ1"
    lines = {line.reference: line for line in run.lines.all()}
    assert set(lines) == {"FF-A", "FF-C", "FF-D"}  # FF-B falls due on 30/04
    assert (lines["FF-A"].amount_due, lines["FF-A"].amount, lines["FF-A"].method) == (
        Decimal("1200.00"), Decimal("1200.00"), "transfer")
    assert not lines["FF-C"].selected and "IBAN du fournisseur manquant" in lines["FF-C"].blocked_reason
    assert lines["FF-D"].method == "cheque" and lines["FF-D"].selected and not lines["FF-D"].blocked_reason
    with pytest.raises(BusinessError) as error:
        payment_line_update(actor=accountant, line=lines["FF-C"], selected=True)
    assert error.value.code == "line_blocked"
    # a second proposal does not offer what the first one holds selected
    second = payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    assert set(second.lines.values_list("reference", flat=True)) == {"FF-C"}


def test_execute_posts_matches_and_writes_a_valid_sepa_file(books):
    organisation, accountant, manager, items = books
    run = payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    payment_line_update(actor=accountant, line=_line(run, "FF-D"), cheque_number="0001234")
    with pytest.raises(BusinessError) as error:
        payment_run_execute(actor=accountant, run=run)
    assert error.value.code == "run_not_approved"
    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)

    assert run.state == "executed"
    entry = Entry.objects.get(pk=run.entry_id)
    assert (entry.journal.code, entry.date, entry.reference, entry.origin_type) == (
        "BQ1", ON, "PAI-2026-00001", "treasury.paymentrun")
    rows = [(line.account.code, line.party.code if line.party else "", line.debit, line.credit, line.label)
            for line in entry.lines.select_related("account", "party").order_by("line_no")]
    assert rows == [
        ("401", "F001", Decimal("1200.00"), Decimal("0.00"), "Règlement FF-A Bois & Cie"),
        ("401", "F003", Decimal("120.00"), Decimal("0.00"), "Règlement FF-D Papeterie Rhône"),
        ("5121", "", Decimal("0.00"), Decimal("120.00"), "Chèque 0001234 Papeterie Rhône"),
        ("5121", "", Decimal("0.00"), Decimal("1200.00"), "Virements fournisseurs PAI-2026-00001"),
    ]
    for key in ("A", "D"):
        part = MatchingPart.objects.select_related("matching").get(line=items[key])
        assert part.matching.is_full
    assert not MatchingPart.objects.filter(line=items["C"]).exists()

    xml = run.sepa_file.read()
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())  # raises if invalid
    text = xml.decode()
    assert "pain.001.001.09" in text and f"<MsgId>{run.sepa_message_id}</MsgId>" in text
    assert f"<IBAN>{IBANS[0]}</IBAN>" in text and '<InstdAmt Ccy="EUR">1200.00</InstdAmt>' in text
    assert "<Ustrd>FF-A</Ustrd>" in text and "<NbOfTxs>1</NbOfTxs>" in text  # the cheque is not in it
    assert not open_item_rows(organisation=organisation, due_until=ON, exclude_pending=False)[1:]  # only FF-C

    with pytest.raises(BusinessError) as error:
        payment_run_execute(actor=accountant, run=run)
    assert error.value.code == "run_not_approved"


def test_partial_payment_then_the_rest(books):
    organisation, accountant, manager, items = books
    run = payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    PaymentLine.objects.filter(run=run).exclude(reference="FF-A").update(selected=False)
    with pytest.raises(BusinessError) as error:
        payment_line_update(actor=accountant, line=_line(run, "FF-A"), amount="1200,01")
    assert error.value.code == "amount_above_open" and error.value.field == "amount"
    payment_line_update(actor=accountant, line=_line(run, "FF-A"), amount="500,00")
    payment_run_approve(actor=manager, run=run)
    payment_run_execute(actor=accountant, run=run)
    matching = MatchingPart.objects.get(line=items["A"]).matching
    assert not matching.is_full and matching.display_code == matching.code.lower()

    [item] = [i for i in open_item_rows(organisation=organisation, due_until=ON) if i.line_id == items["A"].pk]
    assert item.open_amount == Decimal("700.00")  # 1 200 − 500
    assert open_items(organisation=organisation).get(pk=items["A"].pk).open_amount == Decimal("700.00")

    second = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 4, 1))
    PaymentLine.objects.filter(run=second).exclude(reference="FF-A").update(selected=False)
    assert _line(second, "FF-A").amount == Decimal("700.00")
    payment_run_approve(actor=manager, run=second)
    payment_run_execute(actor=accountant, run=second)
    matching.refresh_from_db()
    assert matching.is_full and matching.parts.count() == 3


def test_item_paid_elsewhere_since_the_proposal_stops_the_run_and_names_it(books):
    organisation, accountant, manager, items = books
    run = payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    payment_line_update(actor=accountant, line=_line(run, "FF-D"), cheque_number="0001234")
    payment_run_approve(actor=manager, run=run)
    manual = post(organisation, accountant, "BQ1", date(2026, 3, 30), "Virement manuel",
                  ("401", "1200.00", 0, "F001"), ("5121", 0, "1200.00"))
    payment = EntryLine.objects.get(entry=manual, account__code="401")
    matching_create(actor=accountant, organisation=organisation, line_ids=[items["A"].pk, payment.pk])
    entries = Entry.objects.count()
    with pytest.raises(BusinessError) as error:
        payment_run_execute(actor=accountant, run=run)
    assert error.value.code == "item_paid_elsewhere"
    assert "FF-A" in error.value.message and "Bois & Cie" in error.value.message
    assert Entry.objects.count() == entries
    run.refresh_from_db()
    assert run.state == "approved" and not run.sepa_file


def test_cheque_without_number_and_four_eyes(books):
    organisation, accountant, manager, _ = books
    treasury_settings_update(actor=manager, organisation=organisation, four_eyes=True)
    run = payment_run_propose(actor=manager, organisation=organisation, on=ON)
    with pytest.raises(BusinessError) as error:
        payment_run_approve(actor=manager, run=run)
    assert error.value.code == "four_eyes"
    other = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 4, 30))
    payment_run_delete(actor=accountant, run=other)
    payment_run_approve(actor=accountant, run=run)  # another person: accepted
    with pytest.raises(BusinessError) as error:
        payment_run_execute(actor=accountant, run=run)
    assert error.value.code == "cheque_number_missing" and "FF-D" in error.value.message


def test_nothing_to_pay_writes_nothing(books):
    organisation, accountant, _, _ = books
    with pytest.raises(BusinessError) as error:
        payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 3, 1))
    assert error.value.code == "nothing_to_pay"
    assert not PaymentRun.objects.exists()


def test_both_readings_of_open_items_agree_on_a_matching_of_two_invoices(books):
    """Two invoices (1 200 and 600) matched with one payment of 900: the matching owes 900, shared in proportion
    of the credits — 1 200 × 900 / 1 800 = 600,00 and 600 × 900 / 1 800 = 300,00."""
    organisation, accountant, _, items = books
    manual = post(organisation, accountant, "BQ1", date(2026, 3, 30), "Acompte", ("401", "900.00", 0, "F001"),
                  ("5121", 0, "900.00"))
    payment = EntryLine.objects.get(entry=manual, account__code="401")
    matching_create(actor=accountant, organisation=organisation, line_ids=[items["A"].pk, items["B"].pk, payment.pk])
    rows = {item.line_id: item.open_amount for item in open_item_rows(organisation=organisation)}
    annotated = dict(open_items(organisation=organisation).values_list("pk", "open_amount"))
    assert rows[items["A"].pk] == annotated[items["A"].pk] == Decimal("600.00")
    assert rows[items["B"].pk] == annotated[items["B"].pk] == Decimal("300.00")
    assert set(rows) == set(annotated) == {items[k].pk for k in "ABCD"}
