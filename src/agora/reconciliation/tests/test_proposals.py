"""Automatic proposals (one per reason), accepting them, and entries created from statement lines: bank fees
through a rule, a customer receipt through the sales service, a supplier payment with its 401 matching."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.ledger.models import EntryLine, MatchingPart
from agora.reconciliation.models import Reconciliation
from agora.reconciliation.selectors.proposals import proposals_for
from agora.reconciliation.services.entries import entry_from_line, supplier_payment_from_line
from agora.reconciliation.services.proposals import proposal_accept, proposals_accept_all
from agora.reconciliation.services.reconcile import reconciliation_create, reconciliation_delete
from agora.reconciliation.services.rules import rule_create
from agora.sales.models import ReceiptAllocation
from agora.sales.services.documents import invoice_validate
from agora.sales.tests.builders import line, make_customer, make_invoice, make_products
from agora.treasury.tests.builders import make_supplier, supplier_invoice

from .builders import bank_entry, make_reconciliation_books, make_statement, statement_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    """A cheque (reference 1234567) and a transfer in the books, an invoice of 120,00 to Martin Industries SAS, a
    supplier invoice of 600,00 from Bois & Cie, a rule for the bank fees; and a statement with one line for each
    (plus one nobody recognises)."""
    organisation, accountant, bank = make_reconciliation_books()
    customer = make_customer(organisation)
    goods, _, _ = make_products(organisation)
    invoice = make_invoice(organisation, accountant, customer, [line(goods, 1, "100")], day=date(2026, 3, 2))
    invoice = invoice_validate(actor=accountant, invoice=invoice)
    supplier = make_supplier(organisation, "F001", "Bois & Cie")
    item = supplier_invoice(organisation, accountant, supplier, net="500.00", vat="100.00", due=date(2026, 3, 31),
                            reference="FF-88")
    cheque = bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567",
                        reference="1234567")
    transfer = bank_entry(organisation, accountant, bank, date(2026, 3, 5), "-75.00", "Virement loyer parking")
    rule_create(actor=accountant, organisation=organisation, data={
        "name": "Frais bancaires", "label_contains": "frais tenue", "sign": "out", "account": "627"})
    statement = make_statement(bank, lines=[
        (date(2026, 3, 6), "-250.00", "CHEQUE 1234567"),
        (date(2026, 3, 9), "-75.00", "PRLV PARKING"),
        (date(2026, 3, 12), "120.00", "VIR SEPA MARTIN INDUSTRIES", "", "MARTIN INDUSTRIES SAS"),
        (date(2026, 3, 20), "-600.00", "VIR EMIS BOIS ET CIE FF-88"),
        (date(2026, 3, 31), "-9.90", "FRAIS TENUE DE COMPTE"),
        (date(2026, 3, 31), "-33.00", "PRLV INCONNU")])
    return organisation, accountant, bank, statement, {"cheque": cheque, "transfer": transfer, "item": item,
                                                       "invoice": invoice}


def test_one_proposal_per_reason(books):
    _, _, bank, statement, found = books
    invoice_line = EntryLine.objects.get(entry=found["invoice"].entry, account__code="411")
    proposals = proposals_for(bank_account=bank)
    got = {statement_line(statement, label).pk: label for label in (
        "CHEQUE 1234567", "PRLV PARKING", "VIR SEPA MARTIN INDUSTRIES", "VIR EMIS BOIS ET CIE FF-88",
        "FRAIS TENUE DE COMPTE")}
    assert {got[pk]: (p.kind, p.targets, p.reason, p.score) for pk, p in proposals.items()} == {
        "CHEQUE 1234567": ("entry", (found["cheque"].pk,), "reference", 100),
        "PRLV PARKING": ("entry", (found["transfer"].pk,), "amount_date", 76),  # 4 days apart: 80 − 4
        "VIR SEPA MARTIN INDUSTRIES": ("customer", (invoice_line.pk,), "amount_name", 60),
        "VIR EMIS BOIS ET CIE FF-88": ("supplier", (found["item"].pk,), "reference", 100),
        "FRAIS TENUE DE COMPTE": ("rule", (proposals[statement_line(statement, "FRAIS TENUE DE COMPTE").pk]
                                           .targets[0],), "rule", 50),
    }
    assert proposals[statement_line(statement, "FRAIS TENUE DE COMPTE").pk].reason_label == "règle : Frais bancaires"


def test_date_window_is_respected(books):
    """The parking transfer is 4 days from its statement line: proposed within ±5 days, not within ±3."""
    _, _, bank, statement, _ = books
    assert statement_line(statement, "PRLV PARKING").pk not in proposals_for(bank_account=bank, window=3)


def test_accept_all_then_nothing_is_proposed_twice(books):
    """Accepting everything: 2 links, a receipt through sales (the invoice is paid), a supplier payment with the
    401 lines matched, the fee entry 627/512 — and the unknown direct debit stays open."""
    organisation, _, bank, statement, found = books
    counts = proposals_accept_all(actor=found["cheque"].entry.posted_by, bank_account=bank)
    assert counts == {"entry": 2, "customer": 1, "supplier": 1, "rule": 1}
    assert proposals_for(bank_account=bank) == {}
    assert Reconciliation.objects.filter(organisation=organisation).count() == 5
    allocation = ReceiptAllocation.objects.get(invoice=found["invoice"])
    assert (allocation.amount, allocation.receipt.journal, allocation.receipt.method) == (
        Decimal("120.00"), "BQ1", "transfer")
    assert MatchingPart.objects.filter(line__entry=found["invoice"].entry, line__account__code="411",
                                       matching__is_full=True).exists()
    assert MatchingPart.objects.filter(line=found["item"], matching__is_full=True).exists()
    fee = EntryLine.objects.get(account__code="627", organisation=organisation)
    assert (fee.debit, fee.entry.journal.code, fee.date) == (Decimal("9.90"), "BQ1", date(2026, 3, 31))
    assert not hasattr(statement_line(statement, "PRLV INCONNU"), "reconciled")


def test_manual_one_with_several_and_wrong_sum(books):
    """The −325,00 statement line is neither book line alone but both: −250,00 + −75,00 = −325,00; the same line
    against the cheque alone (−250,00) is refused and nothing is written."""
    organisation, accountant, bank, _, found = books
    statement = make_statement(bank, reference="R2", lines=[(date(2026, 3, 10), "-325.00", "REMISE GROUPEE")])
    line_id = statement.lines.get().pk
    with pytest.raises(BusinessError) as refused:
        reconciliation_create(actor=accountant, bank_account=bank, statement_line_ids=[line_id],
                              entry_line_ids=[found["cheque"].pk])
    assert refused.value.code == "unbalanced" and refused.value.field == "entry_lines"
    assert "(écart -75,00 €)" in refused.value.message
    assert not Reconciliation.objects.exists()
    group = reconciliation_create(actor=accountant, bank_account=bank, statement_line_ids=[line_id],
                                  entry_line_ids=[found["cheque"].pk, found["transfer"].pk])
    assert group.amount == Decimal("-325.00") and group.entry_links.count() == 2
    with pytest.raises(BusinessError) as again:
        reconciliation_create(actor=accountant, bank_account=bank, statement_line_ids=[line_id],
                              entry_line_ids=[found["cheque"].pk])
    assert again.value.code == "already_reconciled"
    reconciliation_delete(actor=accountant, reconciliation=group)
    assert not Reconciliation.objects.exists()
    assert AuditEvent.objects.filter(action="reconciliation.delete").count() == 1


def test_telephone_direct_debit_splits_vat(books):
    """A telephone direct debit of 60,00 TTC at 20 %: net = 60 / 1,2 = 50,00 on 626, VAT 10,00 on 44566, bank
    credit 60,00."""
    organisation, accountant, bank, _, _ = books
    statement = make_statement(bank, reference="R3", lines=[(date(2026, 3, 15), "-60.00", "PRLV ORANGE")])
    group = entry_from_line(actor=accountant, statement_line=statement.lines.get(), account="626",
                            label="Téléphone mars", vat_rate="20")
    entry = group.entry_links.get().entry_line.entry
    assert sorted((x.account.code, x.debit, x.credit) for x in entry.lines.select_related("account")) == [
        ("44566", Decimal("10.00"), Decimal("0.00")), ("5121", Decimal("0.00"), Decimal("60.00")),
        ("626", Decimal("50.00"), Decimal("0.00"))]


def test_bad_input_writes_nothing(books):
    _, accountant, bank, statement, found = books
    fees = statement_line(statement, "FRAIS TENUE DE COMPTE")
    with pytest.raises(BusinessError) as unknown:
        entry_from_line(actor=accountant, statement_line=fees, account="999999")
    assert unknown.value.field == "account"
    with pytest.raises(BusinessError) as rate:
        entry_from_line(actor=accountant, statement_line=fees, account="627", vat_rate="abc")
    assert rate.value.field == "vat_rate"
    with pytest.raises(BusinessError) as wrong_sum:
        supplier_payment_from_line(actor=accountant, statement_line=statement_line(statement, "PRLV PARKING"),
                                   item_ids=[found["item"].pk])
    assert wrong_sum.value.code == "unbalanced"
    with pytest.raises(BusinessError) as kind:
        proposal_accept(actor=accountant, statement_line=fees, kind="nimporte", targets=[1])
    assert kind.value.field == "kind"
    assert not Reconciliation.objects.exists()
    assert not EntryLine.objects.filter(account__code="627").exists()
