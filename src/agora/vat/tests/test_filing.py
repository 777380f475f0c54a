"""Filing: the settlement entry line by line (credit and payable cases), the VAT lock of the period, refusals,
quarterly and CA12 periods."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.ledger.models import Entry, EntryLine
from agora.vat.models import VatReturn
from agora.vat.services.returns import (
    vat_return_create,
    vat_return_delete,
    vat_return_file,
    vat_return_update,
    vat_settings_update,
)

from .builders import book, goods_sale, make_vat_books, purchase
from .test_compute import hand_worked_month

pytestmark = pytest.mark.django_db
D = Decimal


def settlement(vat_return):
    return [(line.account.code, line.debit, line.credit, line.due_date)
            for line in EntryLine.objects.filter(entry=vat_return.settlement_entry).select_related("account")
            .order_by("line_no")]


def test_credit_case_settlement_entry_line_by_line():
    """March of the hand-worked month: debit 44571 456.50; credit 44562 600.00 and 44566 171.00; credit 44567
    200.00 (February's credit used); debit 44567 514.50 (credit to carry). Debits 971.00 = credits 971.00."""
    organisation, accountant = make_vat_books()
    february = hand_worked_month(organisation, accountant)
    assert settlement(february) == [("44566", 0, D("200.00"), None), ("44567", D("200.00"), 0, None)]
    march = vat_return_create(actor=accountant, organisation=organisation)
    assert (march.start_date, march.end_date) == (date(2026, 3, 1), date(2026, 3, 31))
    march = vat_return_file(actor=accountant, vat_return=march)
    assert settlement(march) == [("44571", D("456.50"), 0, None), ("44562", 0, D("600.00"), None),
                                 ("44566", 0, D("171.00"), None), ("44567", 0, D("200.00"), None),
                                 ("44567", D("514.50"), 0, None)]
    entry = march.settlement_entry
    assert (entry.journal.code, entry.date, entry.origin_type, entry.state) == (
        "OD", date(2026, 3, 31), "vat.vatreturn", "posted")
    assert march.state == "filed" and march.credit_brought == D("200.00") and march.credit_carried == D("514.50")
    assert march.amount_due == 0 and march.due_date is None
    assert march.boxes.get(code="27").tax == D("514.50")


def test_payable_case_with_deadline_and_regularisations():
    """April: sale 20 % 5000.00 + 1000.00, purchase 20 % 1000.00 + 200.00, line 15 = 30.00 (VAT on a gift
    deducted in March, to repay), line 21 = 12.00 (VAT forgotten on an invoice of January). 16 = 1000 + 30 =
    1030.00; 23 = 200 + 12 = 212.00; TD = 28 = 818.00 to 44551 due 19 May 2026 (the 19th of the next month).
    Entry: D 44571 1000.00 / C 44566 200.00 / D 4458 30.00 / C 4458 12.00 / C 44551 818.00."""
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 4, 3), "5000.00", "1000.00")
    purchase(organisation, accountant, date(2026, 4, 7), "1000.00", "200.00")
    april = vat_return_create(actor=accountant, organisation=organisation, start=date(2026, 4, 1))
    with pytest.raises(BusinessError) as refused:
        vat_return_update(actor=accountant, vat_return=april, regularisation_15="30,00")
    assert refused.value.field == "comment"
    with pytest.raises(BusinessError) as refused:
        vat_return_update(actor=accountant, vat_return=april, regularisation_21="-3", comment="x")
    assert refused.value.field == "regularisation_21"
    vat_return_update(actor=accountant, vat_return=april, regularisation_15="30,00", regularisation_21="12",
                      comment="Cadeau client (TVA déduite en mars) ; facture janvier oubliée.")
    april = vat_return_file(actor=accountant, vat_return=april)
    assert settlement(april) == [("44571", D("1000.00"), 0, None), ("44566", 0, D("200.00"), None),
                                 ("4458", D("30.00"), 0, None), ("4458", 0, D("12.00"), None),
                                 ("44551", 0, D("818.00"), date(2026, 5, 19))]
    assert april.amount_due == D("818.00") and april.due_date == date(2026, 5, 19)


def test_period_locked_for_vat_and_filing_refusals():
    """After filing March: a back-dated invoice in March is refused (nothing written); an entry without VAT in
    March is accepted; paying the VAT (44551) and an opening entry stay possible; filing twice and a second
    March draft refused."""
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 3, 3), "100.00", "20.00")
    march = vat_return_file(actor=accountant, vat_return=vat_return_create(
        actor=accountant, organisation=organisation, start=date(2026, 3, 10)))
    before = Entry.objects.filter(organisation=organisation).count()
    with pytest.raises(BusinessError) as refused:
        goods_sale(organisation, accountant, date(2026, 3, 28), "50.00", "10.00")
    assert refused.value.code == "vat_period_filed" and "01/03/2026 au 31/03/2026" in refused.value.message
    assert Entry.objects.filter(organisation=organisation).count() == before
    book(organisation, accountant, "BQ1", date(2026, 3, 30), "Frais bancaires", ("627", "12.00", ""),
         ("5121", "", "12.00"))
    book(organisation, accountant, "BQ1", date(2026, 3, 31), "Paiement TVA", ("44551", "20.00", ""),
         ("5121", "", "20.00"))
    book(organisation, accountant, "AN", date(2026, 3, 1), "Reprise de soldes", ("44574", "", "40.00"),
         ("471", "40.00", ""))  # an opening entry carries balances, not operations
    goods_sale(organisation, accountant, date(2026, 4, 1), "50.00", "10.00")
    with pytest.raises(BusinessError) as refused:
        vat_return_file(actor=accountant, vat_return=march)
    assert refused.value.code == "already_filed"
    with pytest.raises(BusinessError) as refused:
        vat_return_create(actor=accountant, organisation=organisation, start=date(2026, 3, 1))
    assert refused.value.code == "period_taken"
    with pytest.raises(BusinessError):
        vat_return_delete(actor=accountant, vat_return=march)


def test_filing_refuses_earlier_draft_draft_entries_and_unfinished_period():
    organisation, accountant = make_vat_books()
    january = vat_return_create(actor=accountant, organisation=organisation, start=date(2026, 1, 1))
    february = vat_return_create(actor=accountant, organisation=organisation)
    with pytest.raises(BusinessError) as refused:
        vat_return_file(actor=accountant, vat_return=february)
    assert refused.value.code == "earlier_draft"
    from agora.ledger.domain import EntryInput, LineInput
    from agora.ledger.services import entry_draft_save
    entry_draft_save(actor=accountant, organisation=organisation, data=EntryInput(
        journal="VT", date=date(2026, 1, 5), label="Brouillard", lines=[
            LineInput(account="411", debit=D("12.00"), party="C001"), LineInput(account="707", credit=D("10.00")),
            LineInput(account="44571", credit=D("2.00"), tax_role="output_vat", vat_box="08")]))
    with pytest.raises(BusinessError) as refused:
        vat_return_file(actor=accountant, vat_return=january)
    assert refused.value.code == "draft_entries"
    assert VatReturn.objects.get(pk=january.pk).state == "draft"
    december = vat_return_create(actor=accountant, organisation=organisation, start=date(2026, 12, 1))
    vat_return_delete(actor=accountant, vat_return=january)
    vat_return_delete(actor=accountant, vat_return=february)
    with pytest.raises(BusinessError) as refused:
        vat_return_file(actor=accountant, vat_return=december)
    assert refused.value.code == "period_not_over"


def test_quarterly_period_and_franchise():
    organisation, accountant = make_vat_books()
    vat_settings_update(actor=accountant, organisation=organisation, quarterly=True, deadline_day="24")
    goods_sale(organisation, accountant, date(2026, 5, 3), "100.00", "20.00")
    quarter = vat_return_create(actor=accountant, organisation=organisation, start=date(2026, 5, 3))
    assert (quarter.start_date, quarter.end_date) == (date(2026, 4, 1), date(2026, 6, 30))
    quarter = vat_return_file(actor=accountant, vat_return=quarter)
    assert quarter.amount_due == D("20.00") and quarter.due_date == date(2026, 7, 24)
    with pytest.raises(BusinessError) as refused:
        vat_settings_update(actor=accountant, organisation=organisation, deadline_day="40")
    assert refused.value.field == "deadline_day"
    big, big_accountant = make_vat_books(slug="big")
    goods_sale(big, big_accountant, date(2026, 3, 3), "20000.00", "4000.00")
    vat_return_file(actor=big_accountant, vat_return=vat_return_create(actor=big_accountant, organisation=big,
                                                                       start=date(2026, 3, 1)))
    with pytest.raises(BusinessError) as refused:  # 4,000.00 € of VAT within twelve months: monthly it stays
        vat_settings_update(actor=big_accountant, organisation=big, quarterly=True)
    assert refused.value.field == "quarterly"
    association, _ = make_vat_books(slug="assoc", regime="franchise")
    with pytest.raises(BusinessError) as refused:
        vat_return_create(actor=accountant, organisation=association)
    assert refused.value.code == "vat_franchise"


def test_ca12_with_instalments():
    """CA12 for 2025 (simplified regime): sales VAT 20 % 3000.00, deductible 20 % 800.00 → TD 2200.00;
    instalments paid (44581 debits) 1100.00 in July + 800.00 in December = 1900.00 → 28 = 300.00, due on the
    second working day of May 2026 (Tuesday 5 May: Friday 1 May is a holiday, 2–3 May a weekend, Monday 4 the
    first). Entry: D 44571
    3000.00 / C 44566 800.00 / C 44581 1900.00 / C 44551 300.00."""
    organisation, accountant = make_vat_books(regime="simplified_yearly", year=2025)
    goods_sale(organisation, accountant, date(2025, 3, 3), "15000.00", "3000.00")
    purchase(organisation, accountant, date(2025, 6, 3), "4000.00", "800.00")
    from agora.ledger.services import account_create
    account_create(actor=accountant, organisation=organisation, code="44581", label="Acomptes")
    book(organisation, accountant, "BQ1", date(2025, 7, 15), "Acompte juillet", ("44581", "1100.00", ""),
         ("5121", "", "1100.00"))
    book(organisation, accountant, "BQ1", date(2025, 12, 15), "Acompte décembre", ("44581", "800.00", ""),
         ("5121", "", "800.00"))
    ca12 = vat_return_create(actor=accountant, organisation=organisation)
    assert (ca12.form, ca12.start_date, ca12.end_date) == ("CA12", date(2025, 1, 1), date(2025, 12, 31))
    ca12 = vat_return_file(actor=accountant, vat_return=ca12)
    assert ca12.boxes.get(code="AC").tax == D("1900.00") and ca12.amount_due == D("300.00")
    assert settlement(ca12) == [("44571", D("3000.00"), 0, None), ("44566", 0, D("800.00"), None),
                                ("44581", 0, D("1900.00"), None), ("44551", 0, D("300.00"), date(2026, 5, 5))]


def test_manual_settlement_already_in_the_period_is_completed_not_doubled():
    """July: sale 20 % 500.00 + 100.00, purchase 20 % 150.00 + 30.00 → TD 70.00. A manual OD already settled
    part of it (D 44571 100.00 / C 44566 30.00 / C 44551 70.00) before a late purchase of 10.00 of VAT: the
    return says 28 = 60.00; the filing's entry only clears what is left: C 44566 10.00 / D 44551 10.00, so the
    period's 44551 credits total 60.00 and 44571, 44566 end at zero."""
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 7, 2), "500.00", "100.00")
    purchase(organisation, accountant, date(2026, 7, 3), "150.00", "30.00")
    book(organisation, accountant, "OD", date(2026, 7, 31), "TVA juillet (saisie manuelle)", ("44571", "100.00", ""),
         ("44566", "", "30.00"), ("44551", "", "70.00"))
    purchase(organisation, accountant, date(2026, 7, 20), "50.00", "10.00")
    july = vat_return_file(actor=accountant, vat_return=vat_return_create(
        actor=accountant, organisation=organisation, start=date(2026, 7, 1)))
    assert july.amount_due == D("60.00")
    assert settlement(july) == [("44566", 0, D("10.00"), None), ("44551", D("10.00"), 0, None)]
    balances = {code: sum(line.debit - line.credit for line in EntryLine.objects.filter(
        organisation=organisation, account__code=code, date__month=7)) for code in ("44571", "44566", "44551")}
    assert balances["44571"] == 0 and balances["44566"] == 0
