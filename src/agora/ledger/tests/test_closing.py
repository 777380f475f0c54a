"""Year-end closing, hand-worked: result to 120/129 in the AN entry of the next year, open items carried
line by line, and what closed and locked years refuse."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.ledger import selectors
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Entry, EntryLine, FiscalYear, Period, State
from agora.ledger.services import (
    closing_blockers,
    entry_draft_delete,
    entry_draft_save,
    fiscal_year_close,
    fiscal_year_create,
    fiscal_year_lock,
    fiscal_year_result,
    matching_create,
    matching_delete,
)

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db
D = Decimal


def an_lines(entry):
    return [(line.account.code, line.party.code if line.party else "", line.debit, line.credit, line.label)
            for line in entry.lines.select_related("account", "party").order_by("line_no")]


@pytest.fixture
def profit_year():
    """2025: sale 1 000 HT + 200 VAT to C001, 500 of it paid (partial matching); purchase 300 + 60 VAT
    from F001, unpaid. Result = 1 000 − 300 = 700 (profit)."""
    org, user = make_books(year=2025)
    make_party(org, "C001", "Client Martin")
    make_party(org, "F001", "Fournisseur Dupont", is_customer=False, is_supplier=True)
    invoice = sale(org, user, date(2025, 3, 1), "C001", "1000.00", "200.00", "Facture F1")
    post(org, user, "AC", date(2025, 3, 10), "Facture FA-1", ("607", 300, 0), ("44566", 60, 0),
         ("401", 0, 360, "F001"))
    payment = post(org, user, "BQ1", date(2025, 4, 2), "Acompte Martin", ("5121", 500, 0), ("411", 0, 500, "C001"))
    partial = matching_create(actor=user, organisation=org, line_ids=[
        EntryLine.objects.get(entry=invoice, account__code="411").pk,
        EntryLine.objects.get(entry=payment, account__code="411").pk])
    assert not partial.is_full
    return org, user, FiscalYear.objects.get(organisation=org, code="2025"), partial


def test_profit_goes_to_120_and_open_items_are_carried_line_by_line(profit_year):
    org, user, year, _ = profit_year
    assert fiscal_year_result(year) == D(700)
    opening = fiscal_year_close(actor=user, fiscal_year=year)
    assert (opening.display_number, opening.date, opening.reference, opening.label) == (
        "AN-2026-000001", date(2026, 1, 1), "AN2026", "À-nouveaux de l'exercice 2025")
    assert an_lines(opening) == [
        ("401", "F001", D(0), D(360), "AN AC-2025-000001 Facture FA-1"),
        ("411", "C001", D(1200), D(0), "AN VT-2025-000001 Facture F1"),
        ("411", "C001", D(0), D(500), "AN BQ1-2025-000001 Acompte Martin"),
        ("44566", "", D(60), D(0), "À-nouveau 44566"),
        ("44571", "", D(0), D(200), "À-nouveau 44571"),
        ("5121", "", D(500), D(0), "À-nouveau 5121"),
        ("120", "", D(0), D(700), "Résultat de l'exercice 2025"),
    ]
    year.refresh_from_db()
    assert (year.state, year.result, year.closed_by) == (State.CLOSED, D(700), user)
    assert set(Period.objects.filter(fiscal_year=year).values_list("state", flat=True)) == {State.CLOSED}
    # The new year's opening balance equals the old year's closing balance, account by account.
    year_2026 = FiscalYear.objects.get(organisation=org, code="2026")
    before = selectors.trial_balance(organisation=org, fiscal_year=year)
    after = selectors.trial_balance(organisation=org, fiscal_year=year_2026)
    closing = {r.account_code: r.closing_debit - r.closing_credit for r in before.rows if r.account_class <= 5}
    reopened = {r.account_code: r.opening_debit - r.opening_credit for r in after.rows}
    assert reopened == {**closing, "120": D(-700)}
    assert after.totals.debit == after.totals.credit == D(0)


def test_loss_goes_to_129():
    org, user = make_books(year=2025)
    post(org, user, "BQ1", date(2025, 6, 1), "Loyer juin", ("6132", 800, 0), ("5121", 0, 800))
    post(org, user, "BQ1", date(2025, 6, 20), "Prestation", ("5121", 300, 0), ("706", 0, 300))
    year = FiscalYear.objects.get(organisation=org, code="2025")
    assert fiscal_year_result(year) == D(-500)
    opening = fiscal_year_close(actor=user, fiscal_year=year)
    assert an_lines(opening) == [
        ("5121", "", D(0), D(500), "À-nouveau 5121"),  # 300 received − 800 paid
        ("129", "", D(500), D(0), "Résultat de l'exercice 2025"),
    ]
    year.refresh_from_db()
    assert year.result == D(-500)


def test_closed_year_refuses_postings_and_locked_year_refuses_matching(profit_year):
    org, user, year, partial = profit_year
    fiscal_year_close(actor=user, fiscal_year=year)
    with pytest.raises(BusinessError, match="L'exercice 2025 est clôturé") as caught:
        post(org, user, "OD", date(2025, 12, 31), "Oubli", ("627", 5, 0), ("5121", 0, 5))
    assert caught.value.code == "year_closed"
    with pytest.raises(BusinessError, match="ne peut plus être défait"):
        matching_delete(actor=user, matching=partial)
    fiscal_year_lock(actor=user, fiscal_year=year)
    year.refresh_from_db()
    assert year.state == State.LOCKED
    invoice_line = EntryLine.objects.get(fiscal_year=year, account__code="411", debit=D(1200))
    rest = post(org, user, "BQ1", date(2026, 2, 1), "Solde Martin", ("5121", 700, 0), ("411", 0, 700, "C001"))
    rest_line = EntryLine.objects.get(entry=rest, account__code="411")
    with pytest.raises(BusinessError, match="exercice verrouillé") as caught:
        matching_create(actor=user, organisation=org, line_ids=[invoice_line.pk, rest_line.pk])
    assert caught.value.code == "year_locked"
    with pytest.raises(BusinessError, match="déjà clôturé"):
        fiscal_year_close(actor=user, fiscal_year=year)
    # The carried items match in the new year instead: 1 200 − 500 − 700 = 0, full.
    carried = EntryLine.objects.filter(entry__journal__code="AN", account__code="411").order_by("line_no")
    matching = matching_create(actor=user, organisation=org, line_ids=[*carried.values_list("pk", flat=True),
                                                                       rest_line.pk])
    assert matching.is_full and matching.display_code == "AB"


def test_closing_blockers_with_drafts_and_earlier_year(profit_year):
    org, user, year, _ = profit_year
    draft = entry_draft_save(actor=user, organisation=org, data=EntryInput(
        journal="OD", date=date(2025, 12, 31), label="Provision à revoir",
        lines=[LineInput("6815", D(100), D(0)), LineInput("151", D(0), D(100))]))
    assert closing_blockers(year) == ["1 écriture(s) en brouillard : validez-les ou supprimez-les."]
    with pytest.raises(BusinessError) as caught:
        fiscal_year_close(actor=user, fiscal_year=year)
    assert caught.value.code == "cannot_close" and "brouillard" in caught.value.message
    assert not Entry.objects.filter(organisation=org, journal__code="AN").exists()
    next_year = fiscal_year_create(actor=user, organisation=org)
    assert closing_blockers(next_year) == ["Clôturez d'abord l'exercice précédent."]
    entry_draft_delete(actor=user, entry=draft)
    assert closing_blockers(year) == []
