"""Payment runs set a supplier's credit notes and payments on account against its invoices, and give back the
escompte's VAT where the invoice deducted it.

Hand working, set-off (supplier F001, paid 15/04/2026):
  FF-1 1 200,00 due 10/04 · FF-2 600,00 due 12/04 → 1 800,00 to pay. Credit note AV-1 300,00 (05/04) set off
  in full: the bank pays 1 500,00; entry 401 C 300 (AV-1) · 401 D 1 200 · 401 D 600 · 5121 C 1 500, each item
  fully matched with its line. A credit note dated after the payment date waits.
  With a payment on account of 1 800,00 (02/04, older than AV-1) the acompte takes all 1 800 the run pays and
  AV-1 waits; a net of zero is refused at approval; setting off 1 500 only leaves 300,00 paid and 300,00 of
  the acompte open.
Hand working, escompte on a fixed asset paid in part (F002, computer 2183: 2 000 HT + 400 TVA 44562 =
  2 400; escompte 2 % until 20/04): available 48,00 of which TVA 8,00; discounted balance 2 352,00.
  Paying 1 176,00 (half): escompte 48 × 1 176 / 2 352 = 24,00, TVA 8 × 24 / 48 = 4,00 given back on 44562
  (the invoice deducted on 44562, box 19), 765 C 20,00; 401 D 1 200,00 (1 176 + 24); 1 200 remains open.
"""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Entry, EntryLine, MatchingPart
from agora.ledger.services import entries_post
from agora.treasury.models import PaymentLine
from agora.treasury.selectors import items as item_selectors
from agora.treasury.selectors.items import open_item_rows
from agora.treasury.services import runs as run_services
from agora.treasury.services.runs import payment_line_update, payment_run_approve, payment_run_execute

from .builders import make_supplier, make_treasury_books, supplier_credit_note, supplier_invoice

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2026, 4, 15)


def entry_rows(run):
    entry = Entry.objects.get(pk=run.entry_id)
    return [(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")
            .order_by("line_no")]


@pytest.fixture
def books():
    organisation, accountant, manager = make_treasury_books()
    return organisation, accountant, manager, make_supplier(organisation, "F001", "Bois & Cie")


def test_credit_note_is_set_off_and_the_bank_pays_the_net(books):
    organisation, accountant, manager, supplier = books
    ff1 = supplier_invoice(organisation, accountant, supplier, net="1000.00", vat="200.00", due=date(2026, 4, 10),
                           reference="FF-1")
    ff2 = supplier_invoice(organisation, accountant, supplier, net="500.00", vat="100.00", due=date(2026, 4, 12),
                           reference="FF-2")
    av1 = supplier_credit_note(organisation, accountant, supplier, net="250.00", vat="50.00", day=date(2026, 4, 5),
                               reference="AV-1")
    supplier_credit_note(organisation, accountant, supplier, net="10.00", vat="2.00", day=date(2026, 4, 20),
                         reference="AV-LATER")  # dated after the payment: not set off yet

    run = run_services.payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    lines = {line.reference: line for line in run.lines.all()}
    assert set(lines) == {"FF-1", "FF-2", "AV-1"}
    assert (lines["AV-1"].amount_due, lines["AV-1"].amount, lines["AV-1"].is_set_off) == (D("-300.00"),
                                                                                       D("-300.00"), True)
    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)

    assert entry_rows(run) == [("401", D("0.00"), D("300.00")), ("401", D("1200.00"), D("0.00")),
                               ("401", D("600.00"), D("0.00")), ("5121", D("0.00"), D("1500.00"))]
    for item in (ff1, ff2, av1):
        assert MatchingPart.objects.get(line=item).matching.is_full
    assert '<InstdAmt Ccy="EUR">1500.00</InstdAmt>' in run.sepa_file.read().decode()
    assert [i.reference for i in open_item_rows(organisation=organisation, side="debit")] == ["AV-LATER"]


def test_payment_on_account_fits_what_is_paid_and_the_rest_stays_open(books):
    organisation, accountant, manager, supplier = books
    supplier_invoice(organisation, accountant, supplier, net="1000.00", vat="200.00", due=date(2026, 4, 10),
                     reference="FF-1")
    supplier_invoice(organisation, accountant, supplier, net="500.00", vat="100.00", due=date(2026, 4, 12),
                     reference="FF-2")
    acompte = entries_post(actor=accountant, organisation=organisation, entries=[EntryInput(
        journal="BQ1", date=date(2026, 4, 2), label="Acompte Bois & Cie", reference="ACPT", lines=[
            LineInput(account="401", debit=D("1800.00"), party="F001", label="Acompte sur commande"),
            LineInput(account="5121", credit=D("1800.00"), label="Acompte Bois & Cie")])])[0]
    supplier_credit_note(organisation, accountant, supplier, net="250.00", vat="50.00", day=date(2026, 4, 5),
                         reference="AV-1")

    run = run_services.payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    lines = {line.reference: line for line in run.lines.all()}
    assert set(lines) == {"FF-1", "FF-2", "ACPT"}  # the acompte (oldest) takes all 1 800: AV-1 waits
    assert lines["ACPT"].amount == D("-1800.00")
    with pytest.raises(BusinessError) as error:  # nothing left to pay: a run never pays zero or less
        payment_run_approve(actor=manager, run=run)
    assert error.value.code == "set_off_above_payment"

    payment_line_update(actor=accountant, line=lines["ACPT"], amount="1500")
    with pytest.raises(BusinessError) as error:
        payment_line_update(actor=accountant, line=lines["ACPT"], amount="1900")
    assert error.value.field == "amount"
    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)
    assert entry_rows(run)[0] == ("401", D("0.00"), D("1500.00"))
    assert entry_rows(run)[-1] == ("5121", D("0.00"), D("300.00"))
    acompte_line = EntryLine.objects.get(entry=acompte, account__code="401")
    [open_acompte] = [i for i in open_item_rows(organisation=organisation, side="debit")
                      if i.line_id == acompte_line.pk]
    assert open_acompte.open_amount == D("300.00")


def test_set_off_follows_the_invoices_method(books):
    organisation, accountant, manager, supplier = books
    supplier_invoice(organisation, accountant, supplier, net="1000.00", vat="200.00", due=date(2026, 4, 10),
                     reference="FF-1")
    supplier_credit_note(organisation, accountant, supplier, net="100.00", vat="20.00", day=date(2026, 4, 5),
                         reference="AV-1")
    run = run_services.payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    invoice, credit_note = (run.lines.get(reference="FF-1"), run.lines.get(reference="AV-1"))
    with pytest.raises(BusinessError):
        payment_line_update(actor=accountant, line=credit_note, method="cheque")
    payment_line_update(actor=accountant, line=invoice, method="cheque", cheque_number="0001234")
    assert PaymentLine.objects.get(pk=credit_note.pk).method == "cheque"
    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)
    assert entry_rows(run)[-1] == ("5121", D("0.00"), D("1080.00"))  # one cheque, net of the credit note


def test_partial_payment_of_a_fixed_asset_keeps_the_escompte_and_gives_back_44562(monkeypatch):
    organisation, accountant, manager = make_treasury_books()
    supplier = make_supplier(organisation, "F002", "Informatique Lyonnaise")
    item = supplier_invoice(organisation, accountant, supplier, net="2000.00", vat="400.00", due=date(2026, 5, 20),
                            reference="FF-PC", account="2183", vat_account="44562",
                            origin=("purchasing.purchasedocument", "7"))
    facts = {7: item_selectors.PurchaseFacts(7, "FF-2026-00007", "IL-88", D("2"), date(2026, 4, 20), D("2400.00"),
                                             D("400.00"))}
    monkeypatch.setattr(run_services, "purchase_facts", lambda **kwargs: facts)
    run = run_services.payment_run_propose(actor=accountant, organisation=organisation, on=ON)
    [line] = run.lines.all()
    assert (line.escompte_available, line.escompte_vat, line.amount) == (D("48.00"), D("8.00"), D("2352.00"))
    payment_line_update(actor=accountant, line=line, amount="1176.00")
    assert PaymentLine.objects.get(pk=line.pk).escompte_amount == D("24.00")
    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)
    assert entry_rows(run) == [("401", D("1200.00"), D("0.00")), ("765", D("0.00"), D("20.00")),
                               ("44562", D("0.00"), D("4.00")), ("5121", D("0.00"), D("1176.00"))]
    vat_line = EntryLine.objects.get(entry_id=run.entry_id, account__code="44562")
    assert (vat_line.tax_role, vat_line.vat_box) == ("input_vat", "19")
    [still_open] = open_item_rows(organisation=organisation, line_ids=[item.pk])
    assert still_open.open_amount == D("1200.00")
