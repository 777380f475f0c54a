"""Escompte: the annualised rate of paying early, the proposal taking it when worth it, its posting.

Hand working (invoice FF-E: 1 000,00 HT + 200,00 TVA = 1 200,00, due 10/05/2026, escompte 2 % until 10/04):
  paying on 01/04 gains 39 days: 0,02 / 0,98 × 365 / 39 = 0,190999… → 19,10 % a year > 5 % → taken;
  escompte TTC = 1 200 × 2 % = 24,00, of which TVA 24 × 200 / 1 200 = 4,00 and HT 20,00; paid 1 176,00.
  Entry BQ1: 401 D 1 200,00 · 765 C 20,00 · 44566 C 4,00 · 5121 C 1 176,00.
"""

from datetime import date
from decimal import Decimal

import pytest

from agora.ledger.models import Entry, MatchingPart
from agora.treasury.domain import escompte_annual_rate, escompte_offer, remittance, to_cents
from agora.treasury.selectors import items as item_selectors
from agora.treasury.services import runs as run_services
from agora.treasury.services.runs import payment_line_update, payment_run_approve, payment_run_execute

from .builders import make_supplier, make_treasury_books, supplier_invoice

FIVE = Decimal("5.00")


def test_annual_rate_of_an_escompte():
    assert escompte_annual_rate(Decimal("2"), 39) == Decimal("19.10")
    assert escompte_annual_rate(Decimal("1"), 5) == Decimal("73.74")  # 0,01/0,99 × 73
    assert escompte_annual_rate(Decimal("0.5"), 60) == Decimal("3.06")  # 0,005/0,995 × 365/60 = 3,057 %
    assert escompte_annual_rate(Decimal("2"), 0) is None  # on or after the due date: nothing to weigh


def test_escompte_offer_rules():
    common = {"due_date": date(2026, 5, 10), "open_amount": Decimal("1200.00"), "invoice_total": Decimal("1200.00"),
              "invoice_vat": Decimal("200.00"), "reference_rate": FIVE}
    offer = escompte_offer(pct=Decimal("2"), deadline=date(2026, 4, 10), pay_on=date(2026, 4, 1), **common)
    assert (offer.available, offer.vat, offer.rate, offer.worth_it) == (
        Decimal("24.00"), Decimal("4.00"), Decimal("19.10"), True)
    late = escompte_offer(pct=Decimal("2"), deadline=date(2026, 4, 10), pay_on=date(2026, 4, 11), **common)
    assert late.available == 0 and not late.worth_it
    cheap = escompte_offer(pct=Decimal("0.5"), deadline=date(2026, 4, 10), pay_on=date(2026, 3, 11), **common)
    assert cheap.rate == Decimal("3.06") and not cheap.worth_it  # 60 days early for 0,5 %


def test_cents_and_remittance():
    assert to_cents(Decimal("1176.00")) == 117600 and to_cents(Decimal("0.07")) == 7
    with pytest.raises(ValueError):
        to_cents(Decimal("1.005"))
    refs = [f"FACTURE-2026-{n:05d}" for n in range(10)]
    text = remittance(refs)
    assert len(text) <= 140 and text.endswith(" ...") and text.startswith("FACTURE-2026-00000, ")


@pytest.mark.django_db
def test_proposal_takes_a_worthwhile_escompte_and_execution_posts_765_and_44566(monkeypatch):
    organisation, accountant, manager = make_treasury_books()
    supplier = make_supplier(organisation, "F001", "Bois & Cie")
    cheap_supplier = make_supplier(organisation, "F002", "Métaux du Rhône")
    item = supplier_invoice(organisation, accountant, supplier, net="1000.00", vat="200.00",
                            due=date(2026, 5, 10), reference="FF-E", origin=("purchasing.purchasedocument", "41"))
    supplier_invoice(organisation, accountant, cheap_supplier, net="1000.00", vat="200.00",
                     due=date(2026, 5, 31), reference="FF-F", origin=("purchasing.purchasedocument", "42"))
    facts = {41: item_selectors.PurchaseFacts(41, "FF-2026-00041", "BC-778", Decimal("2"), date(2026, 4, 10),
                                              Decimal("1200.00"), Decimal("200.00")),
             42: item_selectors.PurchaseFacts(42, "FF-2026-00042", "MR-12", Decimal("0.5"), date(2026, 4, 10),
                                              Decimal("1200.00"), Decimal("200.00"))}
    monkeypatch.setattr(run_services, "purchase_facts", lambda **kwargs: facts)

    run = run_services.payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 4, 1))
    [line] = run.lines.all()  # FF-F: 0,5 % for 60 days early is 3,06 % a year, below 5 %: not proposed
    assert (line.reference, line.supplier_reference, line.escompte_rate) == ("FF-2026-00041", "BC-778",
                                                                             Decimal("19.10"))
    assert (line.amount_due, line.escompte_amount, line.escompte_vat, line.amount) == (
        Decimal("1200.00"), Decimal("24.00"), Decimal("4.00"), Decimal("1176.00"))
    # paying less keeps the escompte on the part paid early: 24 × 1 000 / 1 176 = 20.408… → 20.41 (1 020.41
    # settled = 2 % of it); paying more than the discounted balance gives it up; the discounted amount takes it all
    payment_line_update(actor=accountant, line=line, amount="1000")
    line.refresh_from_db()
    assert line.escompte_amount == Decimal("20.41")
    payment_line_update(actor=accountant, line=line, amount="1180")
    line.refresh_from_db()
    assert line.escompte_amount == 0
    payment_line_update(actor=accountant, line=line, amount="1176.00")
    line.refresh_from_db()
    assert line.escompte_amount == Decimal("24.00")

    payment_run_approve(actor=manager, run=run)
    run = payment_run_execute(actor=accountant, run=run)
    entry = Entry.objects.get(pk=run.entry_id)
    rows = [(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")
            .order_by("line_no")]
    assert rows == [("401", Decimal("1200.00"), Decimal("0.00")), ("765", Decimal("0.00"), Decimal("20.00")),
                    ("44566", Decimal("0.00"), Decimal("4.00")), ("5121", Decimal("0.00"), Decimal("1176.00"))]
    assert MatchingPart.objects.get(line=item).matching.is_full  # 1 200 settled: 1 176 paid + 24 escompte
    text = run.sepa_file.read().decode()
    assert '<InstdAmt Ccy="EUR">1176.00</InstdAmt>' in text and "<Ustrd>BC-778</Ustrd>" in text
