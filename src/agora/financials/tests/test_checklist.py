"""The year-end checklist: each point met, not met, not applicable or not verifiable; the ledger's closing
refuses to pass a blocking point until it is met or overridden with a reason."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from agora.banking.models import BankStatement
from agora.catalog.services import vat_categories_setup
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.ledger.models import FiscalYear
from agora.ledger.services import fiscal_year_close
from agora.ledger.tests.builders import make_books, make_party, post, sale
from agora.stock.models import StockCount
from agora.stock.tests.builders import make_item
from agora.treasury.models import BankAccount
from agora.treasury.services.bank_accounts import bank_account_create
from agora.treasury.tests.builders import COMPANY_IBAN

from ..models import ChecklistOverride
from ..selectors.checklist import SOURCES, closing_blockers, year_checklist
from ..services.checklist import checklist_override_create, checklist_override_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, accountant = make_books()
    vat_categories_setup(organisation=organisation)
    return organisation, accountant, FiscalYear.objects.get(organisation=organisation, code="2026")


def statuses(organisation, year):
    return {check.item: check.status for check in year_checklist(organisation=organisation, fiscal_year=year)}


def fake_model(found: bool):
    """Stands for another app's model (VatReturn, FixedAsset): whether the organisation keeps that part in
    Agora, set directly."""
    seen = []

    def filter_(**kwargs):
        seen.append(kwargs)
        return SimpleNamespace(exists=lambda: found)

    return SimpleNamespace(objects=SimpleNamespace(filter=filter_), seen=seen)


def test_books_without_those_parts_have_nothing_applicable_and_close(books):
    organisation, accountant, year = books
    assert set(statuses(organisation, year).values()) == {"not_applicable"}
    assert closing_blockers(year) == []
    fiscal_year_close(actor=accountant, fiscal_year=year)


def test_stock_not_counted_blocks_the_closing_until_overridden_with_a_reason(books):
    organisation, accountant, year = books
    make_item(organisation, "ART1")
    assert statuses(organisation, year)["stock"] == "not_met"
    with pytest.raises(BusinessError) as refused:
        fiscal_year_close(actor=accountant, fiscal_year=year)
    assert "Stock inventorié" in refused.value.message and "motif" in refused.value.message
    with pytest.raises(BusinessError) as no_reason:
        checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year, item="stock",
                                  reason="  ")
    assert no_reason.value.field == "reason"
    with pytest.raises(BusinessError) as not_applicable:
        checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year, item="vat",
                                  reason="Pas de TVA ici, vraiment.")
    assert not_applicable.value.code == "nothing_to_override"
    assert not ChecklistOverride.objects.exists()
    override = checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year,
                                         item="stock", reason="Inventaire tournant du 15 décembre sur papier.")
    check = next(c for c in year_checklist(organisation=organisation, fiscal_year=year) if c.item == "stock")
    assert check.override == override and not check.blocking
    assert [e.action for e in history_of(organisation=organisation, obj=override)] == [
        "financials.checklist_override"]
    with pytest.raises(BusinessError):
        checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year, item="stock",
                                  reason="Une seconde fois, pour voir.")
    fiscal_year_close(actor=accountant, fiscal_year=year)
    year.refresh_from_db()
    assert year.state == "closed"
    with pytest.raises(BusinessError) as closed:
        checklist_override_withdraw(actor=accountant, override=override)
    assert closed.value.code == "year_closed"


def test_closing_wizard_lists_the_blocking_points_then_the_lifted_ones(books, client):
    organisation, accountant, year = books
    make_item(organisation, "ART1")
    client.force_login(accountant)
    url = reverse("ledger:closing", kwargs={"org": organisation.slug}) + f"?fiscal_year={year.pk}"
    assert "Stock inventorié" in client.get(url).content.decode()
    checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year, item="stock",
                              reason="Inventaire tournant du 15 décembre sur papier.")
    page = client.get(url).content.decode()
    assert "Aucun obstacle" in page and "Inventaire tournant du 15 décembre sur papier." in page


def test_withdrawn_override_blocks_again(books):
    organisation, accountant, year = books
    make_item(organisation, "ART1")
    override = checklist_override_create(actor=accountant, organisation=organisation, fiscal_year=year,
                                         item="stock", reason="Inventaire tournant sur papier.")
    checklist_override_withdraw(actor=accountant, override=override)
    assert not ChecklistOverride.objects.exists()
    assert len(closing_blockers(year)) == 1


def test_stock_count_of_the_last_month_meets_the_point(books):
    """A validated count on 1 December counts; one of 30 November (before the last month) or a draft does not."""
    organisation, _, year = books
    make_item(organisation, "ART1")
    StockCount.objects.create(organisation=organisation, date=date(2026, 11, 30), status="validated")
    StockCount.objects.create(organisation=organisation, date=date(2026, 12, 20), status="draft")
    assert statuses(organisation, year)["stock"] == "not_met"
    StockCount.objects.create(organisation=organisation, date=date(2026, 12, 1), status="validated")
    assert statuses(organisation, year)["stock"] == "met"


def test_bank_accounts_with_statements_reconciled_to_the_last_day(books, monkeypatch):
    organisation, accountant, year = books
    bank_account_create(actor=accountant, organisation=organisation, data={
        "label": "Compte courant", "bank_name": "Banque Populaire", "iban": COMPANY_IBAN, "bic": "CCBPFRPPLYO"})
    assert statuses(organisation, year)["bank"] == "not_applicable"  # no statement imported yet
    account = BankAccount.objects.get(organisation=organisation)
    BankStatement.objects.create(organisation=organisation, bank_account=account, format="ofx",
                                 start_date=date(2026, 12, 1), end_date=date(2026, 12, 31))
    monkeypatch.setitem(SOURCES, "reconciled_until", ("agora.reconciliation.absent",))
    assert statuses(organisation, year)["bank"] == "unverifiable"
    assert "reconciled_until" in closing_blockers(year)[0]
    monkeypatch.setitem(SOURCES, "reconciled_until", ("agora.reconciliation.selectors",))
    monkeypatch.setattr("agora.reconciliation.selectors.reconciled_until", lambda a: date(2026, 12, 30),
                        raising=False)
    check = next(c for c in year_checklist(organisation=organisation, fiscal_year=year) if c.item == "bank")
    assert check.status == "not_met" and "rapproché au 30/12/2026" in check.detail
    monkeypatch.setattr("agora.reconciliation.selectors.reconciled_until", lambda a: date(2026, 12, 31),
                        raising=False)
    assert statuses(organisation, year)["bank"] == "met"
    assert closing_blockers(year) == []


def test_vat_returns(books, monkeypatch):
    organisation, _, year = books
    model = fake_model(found=True)
    monkeypatch.setattr("agora.vat.models.VatReturn", model, raising=False)
    monkeypatch.setattr("agora.vat.selectors.vat_returns_missing",
                        lambda org, start, end: [(date(2026, 11, 1), date(2026, 11, 30))], raising=False)
    check = next(c for c in year_checklist(organisation=organisation, fiscal_year=year) if c.item == "vat")
    assert check.status == "not_met" and "du 01/11/2026 au 30/11/2026" in check.detail
    assert model.seen == [{"organisation": organisation, "state": "filed"}]
    monkeypatch.setattr("agora.vat.selectors.vat_returns_missing", lambda org, start, end: [], raising=False)
    assert statuses(organisation, year)["vat"] == "met"
    monkeypatch.setattr("agora.vat.models.VatReturn", fake_model(found=False), raising=False)
    assert statuses(organisation, year)["vat"] == "not_applicable"
    organisation.vat_regime = "franchise"
    assert statuses(organisation, year)["vat"] == "not_applicable"


def test_depreciation(books, monkeypatch):
    organisation, _, year = books
    monkeypatch.setattr("agora.assets.models.FixedAsset", fake_model(found=True), raising=False)
    monkeypatch.setattr("agora.assets.selectors.depreciation_missing", lambda y: ["IMMO-1 Ordinateur"],
                        raising=False)
    check = next(c for c in year_checklist(organisation=organisation, fiscal_year=year) if c.item == "depreciation")
    assert check.status == "not_met" and "IMMO-1 Ordinateur" in check.detail
    monkeypatch.setattr("agora.assets.selectors.depreciation_missing", lambda y: [], raising=False)
    assert statuses(organisation, year)["depreciation"] == "met"
    monkeypatch.setitem(SOURCES, "depreciation_missing", ("agora.assets.absent",))
    assert statuses(organisation, year)["depreciation"] == "unverifiable"


def test_provisions_apply_with_open_customers_and_provisions_kept(books, monkeypatch):
    """Open customer items alone do not make the point apply (the ledger's own closing tests have some); a
    provision account posted to does."""
    organisation, accountant, year = books
    monkeypatch.setattr("agora.assets.models.FixedAsset", fake_model(found=False), raising=False)
    make_party(organisation, "C001")
    sale(organisation, accountant, date(2026, 3, 1), "C001", "1000.00", "200.00")
    assert statuses(organisation, year)["provisions"] == "not_applicable"
    post(organisation, accountant, "OD", date(2026, 12, 31), "Dépréciation", ("6817", 100, 0), ("491", 0, 100))
    monkeypatch.setattr("agora.assets.selectors.provisions_reviewed", lambda y: False, raising=False)
    assert statuses(organisation, year)["provisions"] == "not_met"
    monkeypatch.setattr("agora.assets.selectors.provisions_reviewed", lambda y: True, raising=False)
    assert statuses(organisation, year)["provisions"] == "met"
