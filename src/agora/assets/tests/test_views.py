"""The screens: every page answers for an allowed user, forms write through the services (French errors,
nothing written on bad input), exports and PDF, permissions (403 without the right), constant queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.assets.models import Annuity, FixedAsset, Provision
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import FiscalYear
from agora.ledger.tests.builders import make_books, make_party, sale

from .builders import make_asset

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"assets:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client):
    organisation, accountant = make_books(year=2026)
    make_party(organisation, "C001", "Bricolage Martin")
    sale(organisation, accountant, date(2026, 2, 10), "C001", "1000.00", "200.00")
    asset = make_asset(organisation, accountant)
    client.force_login(accountant)
    return organisation, accountant, asset, client


def test_every_screen_answers(books):
    organisation, accountant, asset, client = books
    provision = Provision.objects.create(organisation=organisation, kind="risk", label="Litige",
                                         account=asset.account)
    for name, kwargs in (("list", {}), ("new", {}), ("candidates", {}), ("detail", {"pk": asset.pk}),
                         ("edit", {"pk": asset.pk}), ("dispose", {"pk": asset.pk}), ("runs", {}),
                         ("provisions", {}), ("provision_detail", {"pk": provision.pk})):
        response = client.get(url(name, **kwargs))
        assert response.status_code == 200, name
    page = client.get(url("detail", pk=asset.pk)).content.decode()
    assert "Plan d'amortissement" in page and "1\u202f700,00" in page


def test_create_asset_form_and_errors(books):
    _, _, _, client = books
    response = client.post(url("new"), {"label": "Fourgon", "account_code": "2182", "acquisition_date": "2026-05-01",
                                        "in_service_date": "2026-04-01", "cost": "24000", "life_years": "4",
                                        "method": "linear"})
    assert response.status_code == 422
    assert "La mise en service ne peut précéder l&#x27;acquisition." in response.content.decode()
    assert FixedAsset.objects.count() == 1
    response = client.post(url("new"), {"label": "Fourgon", "account_code": "2182", "acquisition_date": "2026-05-01",
                                        "cost": "24 000,00", "life_years": "4", "method": "linear"})
    assert response.status_code == 302
    van = FixedAsset.objects.get(label="Fourgon")
    assert (van.depreciation_account.code, van.cost) == ("28182", 24000)


def test_register_exports_pdf_and_constant_queries(books):
    organisation, accountant, asset, client = books
    for n in range(5):
        make_asset(organisation, accountant, label=f"Poste {n}", cost="1000")
    response = client.get(url("list") + "?format=csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 7 and "IMM-0001" in lines[1]
    assert client.get(url("list") + "?format=xlsx").content[:2] == b"PK"
    response = client.get(url("detail", pk=asset.pk) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"
    assert client.get(url("detail", pk=asset.pk) + "?format=xlsx").content[:2] == b"PK"
    with CaptureQueriesContext(connection) as few:
        client.get(url("list"))
    for n in range(10):
        make_asset(organisation, accountant, label=f"Écran {n}", cost="300")
    with CaptureQueriesContext(connection) as many:
        client.get(url("list"))
    assert len(many) == len(few)


def test_run_disposal_and_provisions_by_hand(books):
    organisation, _, asset, client = books
    year = FiscalYear.objects.get(organisation=organisation)
    assert "1\u202f700,00" in client.get(url("runs")).content.decode()
    assert client.post(url("runs"), {"fiscal_year": year.pk}).status_code == 302
    assert Annuity.objects.filter(asset=asset, amount="1700.00").exists()
    response = client.post(url("dispose", pk=asset.pk), {"date": "2026-06-30", "kind": "scrap", "counterpart": "462"})
    assert response.status_code == 422  # the 2026 annuity is posted: the exit must come after that year
    response = client.post(url("doubtful_new"), {"party_code": "C001", "date": "2026-06-30", "loss_rate": "50"})
    provision = Provision.objects.get(kind="customer")
    assert response.status_code == 302 and provision.amount == 500
    response = client.post(url("provision_detail", pk=provision.pk), {"action": "adjust", "date": "2026-12-31",
                                                                       "loss_rate": "80"})
    assert response.status_code == 302
    provision.refresh_from_db()
    assert provision.amount == 800
    response = client.post(url("provision_new"), {"kind": "risk", "label": "", "amount": "10", "date": "2026-01-05"})
    assert response.status_code == 422
    response = client.post(url("provisions_review"), {"fiscal_year": year.pk, "note": "Revue faite"})
    assert response.status_code == 302
    assert "Revue faite" in client.get(url("provisions")).content.decode()


def test_permissions(books):
    organisation, _, asset, client = books
    client.force_login(grant(make_user("direction"), organisation, "management"))
    assert client.get(url("list")).status_code == 200
    assert client.get(url("new")).status_code == 403
    assert client.post(url("runs"), {"fiscal_year": 1}).status_code == 403
    assert client.post(url("doubtful_new"), {"party_code": "C001"}).status_code == 403
    client.force_login(grant(make_user("ventes"), organisation, "sales"))
    for name, kwargs in (("list", {}), ("detail", {"pk": asset.pk}), ("provisions", {})):
        assert client.get(url(name, **kwargs)).status_code == 403
    assert not Annuity.objects.exists() and not Provision.objects.exists()


def test_register_a_supplier_invoice_line_in_one_click(client):
    """The "à immobiliser" list shows the desk bought on 2184; one click registers it over 10 years."""
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
    paper, desk = make_purchase_products(organisation)
    invoice = make_document(organisation, buyer, make_supplier(organisation), PurchaseKind.INVOICE,
                            [line(paper, 10, "4.50"), line(desk, 2, "350")], supplier_reference="FA-9")
    supplier_invoice_validate(actor=buyer, invoice=invoice, accept_discrepancies=True)
    accountant = grant(make_user("compta"), organisation, "accounting")
    client.force_login(accountant)
    page = client.get(url("candidates")).content.decode()
    assert "Bureau droit 160 cm" in page and "700,00" in page and "Ramette" not in page
    line_id = invoice.lines.get(account="2184").pk
    response = client.post(url("candidates"), {"line_id": line_id, "life_years": "10", "method": "linear"})
    asset = FixedAsset.objects.get()
    assert response.status_code == 302 and (asset.cost, asset.life_months) == (700, 120)
    assert "Aucune ligne à immobiliser" in client.get(url("candidates")).content.decode()
