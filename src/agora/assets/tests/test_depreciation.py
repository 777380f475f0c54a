"""Registering assets, the year-end depreciation run and disposals, with hand-worked entries."""

from datetime import date
from decimal import Decimal

import pytest

from agora.assets.models import Annuity, FixedAsset
from agora.assets.selectors.assets import asset_candidates, asset_schedule, depreciation_missing
from agora.assets.services.assets import asset_create_from_invoice_line, asset_delete, asset_update
from agora.assets.services.depreciation import asset_dispose, depreciation_run
from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.ledger.models import Entry, FiscalYear
from agora.ledger.services import fiscal_year_create
from agora.ledger.tests.builders import make_books

from .builders import entry_rows, make_asset

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    return make_books(year=2026)


def test_year_end_run_posts_each_annuity_once(books):
    """Two assets in 2026: a computer, 12,000 straight-line over 5 years from 15 April (255 days → 1,700.00),
    and a machine, 10,000 declining over 5 years acquired 20 April (35 % × 9/12 → 2,625.00). One OD entry on
    31/12/2026: 6811 debited per depreciation account (28154: 2,625.00; 28183: 1,700.00), 28xx credited per asset."""
    organisation, accountant = books
    computer = make_asset(organisation, accountant)
    machine = make_asset(organisation, accountant, label="Presse plieuse", account_code="2154", cost="10000",
                         acquisition_date=date(2026, 4, 20), in_service_date=date(2026, 5, 2), method="declining")
    year = FiscalYear.objects.get(organisation=organisation)
    assert {a.pk for a in depreciation_missing(year)} == {computer.pk, machine.pk}

    run = depreciation_run(actor=accountant, organisation=organisation, fiscal_year=year)

    assert (run.total, run.asset_count) == (D("4325.00"), 2)
    entry = Entry.objects.get(origin_type="assets.depreciationrun")
    assert (entry.journal.code, entry.date, entry.state) == ("OD", date(2026, 12, 31), "posted")
    assert entry_rows(entry) == [("6811", "2625.00", "0.00", ""), ("6811", "1700.00", "0.00", ""),
                                 ("28183", "0.00", "1700.00", ""), ("28154", "0.00", "2625.00", "")]
    assert depreciation_missing(year) == []
    with pytest.raises(BusinessError) as error:
        depreciation_run(actor=accountant, organisation=organisation, fiscal_year=year)
    assert error.value.code == "already_run"
    assert Annuity.objects.filter(run=run).count() == 2
    assert AuditEvent.objects.filter(action="depreciation.run").count() == 1


def test_disposal_posts_the_complement_then_the_exit_and_the_sale():
    """Cost 6,000, 5 years from 1 January 2025: 2025 run 1,200.00. Sold 30 June 2026 for 3,000 excl. VAT at 20 %:
    complement 1,200 × 180/360 = 600.00; accumulated 1,800.00; net book value 6,000 − 1,800 = 4,200.00;
    exit 28183 D 1,800 / 657 D 4,200 / 2183 C 6,000; sale 462 D 3,600 / 757 C 3,000 / 44571 C 600;
    result 3,000 − 4,200 = −1,200.00 (a loss)."""
    organisation, accountant = make_books(year=2025)
    asset = make_asset(organisation, accountant, cost="6000", acquisition_date=date(2025, 1, 1))
    depreciation_run(actor=accountant, organisation=organisation,
                     fiscal_year=FiscalYear.objects.get(organisation=organisation))
    fiscal_year_create(actor=accountant, organisation=organisation)

    disposal = asset_dispose(actor=accountant, asset=asset, data={
        "date": "2026-06-30", "kind": "sale", "price": "3000.00", "vat_rate": "20"})

    complement, exit_entry = Entry.objects.filter(origin_type="assets.fixedasset").order_by("pk")
    assert entry_rows(complement) == [("6811", "600.00", "0.00", ""), ("28183", "0.00", "600.00", "")]
    assert entry_rows(exit_entry) == [("28183", "1800.00", "0.00", ""), ("657", "4200.00", "0.00", ""),
                                      ("2183", "0.00", "6000.00", ""), ("462", "3600.00", "0.00", ""),
                                      ("757", "0.00", "3000.00", ""), ("44571", "0.00", "600.00", "")]
    assert (disposal.accumulated, disposal.net_book_value, disposal.vat, disposal.result) == (
        D("1800.00"), D("4200.00"), D("600.00"), D("-1200.00"))
    asset.refresh_from_db()
    assert asset.state == FixedAsset.State.DISPOSED
    with pytest.raises(BusinessError) as error:
        asset_dispose(actor=accountant, asset=asset, data={"date": "2026-07-01", "kind": "scrap"})
    assert error.value.code == "already_disposed"
    year_2026 = FiscalYear.objects.get(organisation=organisation, code="2026")
    assert depreciation_missing(year_2026) == []


def test_scrapping_a_fully_depreciated_asset_posts_no_loss(books):
    """Taken over: cost 2,400, 3 years from 1 January 2023, fully depreciated at 31/12/2025 (opening 2,400).
    Scrapped 15 March 2026: no complement (nothing left to depreciate), 28183 D 2,400 / 2183 C 2,400, no 657."""
    organisation, accountant = books
    asset = make_asset(organisation, accountant, cost="2400", acquisition_date=date(2023, 1, 1), life_years=3)
    assert (asset.opening_depreciation, asset.opening_date) == (D("2400.00"), date(2025, 12, 31))
    disposal = asset_dispose(actor=accountant, asset=asset, data={"date": date(2026, 3, 15), "kind": "scrap"})
    assert entry_rows(disposal.entry) == [("28183", "2400.00", "0.00", ""), ("2183", "0.00", "2400.00", "")]
    assert disposal.result == D("0.00")


def test_opening_depreciation_defaults_to_the_plan_and_the_run_continues_it(books):
    """Cost 8,400 (2183), 5 years from 1 January 2023: 1,680 a year, 5,040.00 at 31/12/2025 taken over;
    the 2026 run posts 1,680.00."""
    organisation, accountant = books
    asset = make_asset(organisation, accountant, cost="8400", acquisition_date=date(2023, 1, 1))
    assert asset.opening_depreciation == D("5040.00")
    rows = asset_schedule(asset)
    assert [(r.year, r.annuity) for r in rows] == [("antérieur", D("5040.00")), ("2026", D("1680.00")),
                                                   ("2027", D("1680.00"))]
    run = depreciation_run(actor=accountant, organisation=organisation,
                           fiscal_year=FiscalYear.objects.get(organisation=organisation))
    assert run.total == D("1680.00")


@pytest.mark.parametrize(("data", "field", "code"), [
    ({"method": "declining", "life_years": 2}, "life_months", "declining_too_short"),
    ({"in_service_date": date(2026, 4, 1)}, "in_service_date", "in_service_before_acquisition"),
    ({"cost": "-100"}, "cost", "invalid_cost"),
    ({"cost": "abc"}, "cost", "invalid_amount"),
    ({"account_code": "606"}, "account_code", "not_asset_account"),
    ({"account_code": "211"}, "account_code", "not_depreciable"),
    ({"label": " "}, "label", "required"),
    ({"life_years": ""}, "life_months", "required"),
    ({"acquisition_date": date(2023, 1, 1), "opening_date": date(2025, 6, 30)}, "opening_date",
     "invalid_opening_date"),
    ({"opening_depreciation": "100"}, "opening_depreciation", "opening_not_allowed"),
])
def test_bad_input_is_refused_and_writes_nothing(books, data, field, code):
    organisation, accountant = books
    with pytest.raises(BusinessError) as error:
        make_asset(organisation, accountant, **data)
    assert (error.value.field, error.value.code) == (field, code)
    assert not FixedAsset.objects.exists()


def test_update_and_delete_only_before_anything_is_posted(books):
    organisation, accountant = books
    asset = make_asset(organisation, accountant)
    asset = asset_update(actor=accountant, asset=asset, data={"life_years": 4, "label": "Serveur"})
    assert (asset.life_months, asset.label) == (48, "Serveur")
    depreciation_run(actor=accountant, organisation=organisation,
                     fiscal_year=FiscalYear.objects.get(organisation=organisation))
    for call in (lambda: asset_update(actor=accountant, asset=asset, data={"label": "X"}),
                 lambda: asset_delete(actor=accountant, asset=asset)):
        with pytest.raises(BusinessError) as error:
            call()
        assert error.value.code == "asset_posted"


def test_disposal_bad_input(books):
    organisation, accountant = books
    asset = make_asset(organisation, accountant)
    for data, field in (({"date": "2026-04-01"}, "date"), ({"date": "2026-05-01", "price": "-5"}, "price"),
                        ({"date": "2026-05-01", "kind": "scrap", "price": "10"}, "price"),
                        ({"date": "2026-05-01", "counterpart": "411"}, "counterpart"),
                        ({"date": "31/05/2026"}, "date"), ({"date": "2027-05-01"}, "date")):
        with pytest.raises(BusinessError) as error:
            asset_dispose(actor=accountant, asset=asset, data=data)
        assert error.value.field == field, data
    assert not Entry.objects.filter(origin_type="assets.fixedasset").exists()


def test_asset_from_a_supplier_invoice_line():
    """A validated supplier invoice with a desk on 2184 (350.00 excl. VAT) is listed "à immobiliser"; one click
    registers it (cost 350.00, dates of the invoice) and it leaves the list."""
    from agora.purchasing.models import PurchaseKind
    from agora.purchasing.services.invoices import supplier_invoice_validate
    from agora.purchasing.tests.builders import (
        line,
        make_document,
        make_purchase_products,
        make_purchasing_books,
        make_supplier,
    )

    organisation, buyer = make_purchasing_books()
    supplier = make_supplier(organisation)
    paper, desk = make_purchase_products(organisation)
    invoice = make_document(organisation, buyer, supplier, PurchaseKind.INVOICE,
                            [line(paper, 10, "4.50"), line(desk, 1, "350")], supplier_reference="FA-77")
    supplier_invoice_validate(actor=buyer, invoice=invoice, accept_discrepancies=True)
    candidates = list(asset_candidates(organisation=organisation))
    assert [(c.account, c.net_amount) for c in candidates] == [("2184", D("350.00"))]

    asset = asset_create_from_invoice_line(actor=buyer, organisation=organisation, line_id=candidates[0].pk)

    assert (asset.account.code, asset.depreciation_account.code, asset.cost, asset.life_months) == (
        "2184", "28184", D("350.00"), 60)
    assert (asset.acquisition_date, asset.supplier, asset.purchase_document) == (date(2026, 3, 10), supplier,
                                                                              invoice)
    assert not asset_candidates(organisation=organisation).exists()
    with pytest.raises(BusinessError):
        asset_create_from_invoice_line(actor=buyer, organisation=organisation, line_id=candidates[0].pk)


def test_recording_an_annuity_already_in_the_books():
    """Books from 2025 holding the 2025 depreciation of a computer (1,680.00 on 28183, AMO2025): registered in 2026
    (taken over at 31/12/2024), the 2025 annuity is recorded against that entry; a wrong amount or account is
    refused."""
    from agora.assets.services.assets import annuity_record_posted
    from agora.ledger.tests.builders import post

    organisation, accountant = make_books(year=2025)
    entry = post(organisation, accountant, "OD", date(2025, 12, 31), "Dotation 2025", ("6811", "1680.00", 0),
                 ("28183", 0, "1680.00"), reference="AMO2025")
    fiscal_year_create(actor=accountant, organisation=organisation)
    year_2025 = FiscalYear.objects.get(organisation=organisation, code="2025")
    asset = make_asset(organisation, accountant, cost="8400", acquisition_date=date(2024, 1, 1))
    assert (asset.opening_depreciation, asset.opening_date) == (D("1680.00"), date(2024, 12, 31))
    assert [a.pk for a in depreciation_missing(year_2025)] == [asset.pk]
    with pytest.raises(BusinessError) as error:
        annuity_record_posted(actor=accountant, asset=asset, fiscal_year=year_2025, amount="2000", entry=entry)
    assert error.value.field == "entry"
    annuity_record_posted(actor=accountant, asset=asset, fiscal_year=year_2025, amount="1680.00", entry=entry)
    assert depreciation_missing(year_2025) == []
