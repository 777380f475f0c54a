"""Money-in screens and API: receipts list and export, the "Encaisser" form, detail, deposit slips and their PDF,
customer statement and aged balance in every format, permissions; API routes with their French errors."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import Entry
from agora.sales.models import DepositSlip, Receipt
from agora.sales.selectors.payments import invoice_open_amount
from agora.sales.services.receipts import receipt_record

from .builders_receipts import invoice, receipt_books

pytestmark = pytest.mark.django_db

D = Decimal
NB = "\u202f"
BASE = "/o/durand/ventes"
API = "/api/v1/orgs/durand"


@pytest.fixture
def books():
    return receipt_books()


@pytest.fixture
def web(books):
    client = Client()
    client.force_login(books[1])
    return client


@pytest.fixture
def api(books):
    _, raw = api_token_create(user=books[1], name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def paid_invoice(books, amount="500", method="transfer", **extra):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))   # 1 200,00 TTC
    receipt = receipt_record(actor=seller, organisation=org, party=martin, date=date(2026, 3, 20), method=method,
                             amount=amount, allocations=[(inv, amount)], **extra)
    return inv, receipt


def text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8") if response.streaming else response.content.decode()


# --- screens -------------------------------------------------------------------------------------------------------

def test_receipt_list_filters_and_csv(books, web):
    _, receipt = paid_invoice(books)
    page = web.get(f"{BASE}/encaissements/", {"method": "transfer"})
    assert page.status_code == 200 and "RC-2026-00001" in page.content.decode()
    assert "RC-2026-00001" not in web.get(f"{BASE}/encaissements/", {"method": "cheque"}).content.decode()
    csv = text(web.get(f"{BASE}/encaissements/", {"export": "csv"})).lstrip("\ufeff").splitlines()
    assert csv == ["Numéro;Date;Client (code);Client;Mode;Référence;Banque tirée;Montant;Non affecté;Écriture;Remise",
                   "RC-2026-00001;20/03/2026;C001;Martin Industries SAS;Virement;;;500,00;0,00;BQ1-2026-000001;"]
    xlsx = web.get(f"{BASE}/encaissements/", {"export": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"


def test_encaisser_form_allocates_and_refuses_overpayment(books, web):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    form = web.get(f"{BASE}/encaissements/nouveau/", {"party": martin.pk}).content.decode()
    assert inv.number in form and f"1{NB}200,00" in form and f'name="alloc-{inv.pk}"' in form

    data = {"party": martin.pk, "date": "2026-03-20", "method": "transfer", "amount": "1 500,00", "journal": "BQ1",
            f"alloc-{inv.pk}": "1500"}
    refused = web.post(f"{BASE}/encaissements/nouveau/", data)
    assert refused.status_code == 200
    assert f"vous affectez 1{NB}500,00 € à la facture {inv.number}" in refused.content.decode()
    assert Receipt.objects.count() == 0 and not Entry.objects.filter(journal__code="BQ1").exists()

    data.update({"amount": "500,00", f"alloc-{inv.pk}": "500,00"})
    done = web.post(f"{BASE}/encaissements/nouveau/", data)
    receipt = Receipt.objects.get()
    assert done.status_code == 302 and done["Location"] == f"{BASE}/encaissements/{receipt.pk}/"
    assert invoice_open_amount(inv) == D("700.00")
    detail = web.get(done["Location"]).content.decode()
    assert "RC-2026-00001" in detail and "BQ1-2026-000001" in detail and "700,00" in detail
    assert "<td>aa</td>" in detail


def test_deposit_slip_screens_and_pdf(books, web):
    _, cheque = paid_invoice(books, method="cheque", reference="0001234", drawee_bank="BNP Paribas")
    page = web.get(f"{BASE}/remises-cheques/").content.decode()
    assert "0001234" in page and "BNP Paribas" in page
    created = web.post(f"{BASE}/remises-cheques/", {"receipts": [cheque.pk], "date": "2026-03-25", "journal": "BQ1"})
    slip = DepositSlip.objects.get()
    assert created.status_code == 302 and created["Location"] == f"{BASE}/remises-cheques/{slip.pk}/"
    assert (slip.number, slip.total) == ("RM-2026-00001", D("500.00"))
    assert "RM-2026-00001" in web.get(created["Location"]).content.decode()
    pdf = web.get(f"{BASE}/remises-cheques/{slip.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    empty = web.post(f"{BASE}/remises-cheques/", {"date": "2026-03-25", "journal": "BQ1"})
    assert "Cochez au moins un chèque." in empty.content.decode()


def test_statement_screen_and_exports(books, web):
    _, _ = paid_invoice(books)
    martin = books[2]
    query = {"party": martin.pk, "date_from": "2026-03-01", "date_to": "2026-03-31"}
    page = web.get(f"{BASE}/releve-client/", query).content.decode()
    assert f"1{NB}200,00" in page and "700,00" in page
    csv = text(web.get(f"{BASE}/releve-client/", {**query, "format": "csv"})).lstrip("\ufeff").splitlines()
    assert csv[0] == "Date;Nature;Écriture;Pièce;Libellé;Échéance;Débit;Crédit;Solde;Lettrage"
    assert csv[2].startswith("10/03/2026;Facture;VT-2026-000001;FA-2026-00001;")
    assert csv[2].endswith(";09/04/2026;1200,00;0,00;1200,00;aa")
    assert csv[-1] == "31/03/2026;Total;;;Solde de clôture;;1200,00;500,00;700,00;"
    xlsx = web.get(f"{BASE}/releve-client/", {**query, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    pdf = web.get(f"{BASE}/releve-client/", {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_aged_balance_screen_and_exports(books, web):
    paid_invoice(books)   # 700,00 left, due 09/04/2026
    page = web.get(f"{BASE}/balance-agee/", {"as_of": "2026-05-09"}).content.decode()
    assert "Martin Industries SAS" in page and "700,00" in page
    csv = text(web.get(f"{BASE}/balance-agee/", {"as_of": "2026-05-09", "format": "csv"})).lstrip("\ufeff").splitlines()
    assert csv[1] == "C001;Martin Industries SAS;0,00;700,00;0,00;0,00;0,00;700,00;0,00;700,00"  # 30 days late
    assert csv[2] == ";Total;0,00;700,00;0,00;0,00;0,00;700,00;0,00;700,00"
    pdf = web.get(f"{BASE}/balance-agee/", {"as_of": "2026-05-09", "format": "pdf"})
    assert pdf.content.startswith(b"%PDF")
    assert web.get(f"{BASE}/balance-agee/", {"as_of": "2026-05-09", "format": "xlsx"}).content[:2] == b"PK"


def test_permissions(books):
    org = books[0]
    employee, manager = Client(), Client()
    employee.force_login(grant(make_user("salarie"), org, "employee"))
    manager.force_login(grant(make_user("direction"), org, "management"))
    assert employee.get(f"{BASE}/encaissements/").status_code == 403
    assert employee.get(f"{BASE}/balance-agee/").status_code == 403
    assert manager.get(f"{BASE}/encaissements/").status_code == 200
    assert manager.get(f"{BASE}/balance-agee/").status_code == 200
    assert manager.get(f"{BASE}/encaissements/nouveau/").status_code == 403
    assert manager.post(f"{BASE}/remises-cheques/", {"date": "2026-03-25"}).status_code == 403


# --- API -------------------------------------------------------------------------------------------------------------

def send(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


def test_api_receipt_create_detail_and_list(books, api):
    org, seller, martin, _ = books
    inv = invoice(org, seller, martin, "1000", day=date(2026, 3, 10))
    refused = send(api, f"{API}/receipts", {"party": "C001", "date": "2026-03-20", "method": "transfer",
                                            "amount": "1500.00",
                                            "allocations": [{"invoice": inv.pk, "amount": "1500"}]})
    assert refused.status_code == 422
    assert refused.json()["code"] == "paying_more_than_due" and refused.json()["field"] == "allocations.1.amount"
    unknown = send(api, f"{API}/receipts", {"party": "C001", "date": "2026-03-20", "method": "troc", "amount": "10"})
    assert unknown.status_code == 422 and unknown.json() == {
        "code": "unknown_method", "message": "Mode de règlement inconnu : « troc ».", "field": "method"}
    assert Receipt.objects.count() == 0

    created = send(api, f"{API}/receipts", {"party": "C001", "date": "2026-03-20", "method": "cheque",
                                            "amount": "1 200,00", "reference": "77", "drawee_bank": "LCL"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["number"], body["amount"], body["unallocated"], body["entry"]) == (
        "RC-2026-00001", "1200.00", "0.00", "BQ1-2026-000001")
    assert body["allocations"] == [{"invoice": inv.pk, "invoice_number": inv.number, "amount": "1200.00",
                                    "open_amount": "0.00"}]
    assert api.get(f"{API}/receipts/{body['id']}").json()["number"] == "RC-2026-00001"
    listing = api.get(f"{API}/receipts", {"pending_cheques": "true"}).json()
    assert listing["count"] == 1 and listing["items"][0]["deposit_slip"] is None

    slip = send(api, f"{API}/deposit-slips", {"date": "2026-03-21", "receipts": [body["id"]]})
    assert slip.status_code == 201, slip.content
    assert slip.json()["cheques"] == [{"receipt": body["id"], "number": "RC-2026-00001",
                                       "drawer": "Martin Industries SAS", "drawee_bank": "LCL",
                                       "cheque_number": "77", "amount": "1200.00"}]
    assert api.get(f"{API}/deposit-slips").json()[0]["total"] == "1200.00"
    again = send(api, f"{API}/deposit-slips", {"date": "2026-03-21", "receipts": [body["id"]]})
    assert again.status_code == 422 and again.json()["code"] == "already_deposited"


def test_api_open_invoices_statement_and_aged_balance(books, api):
    inv, _ = paid_invoice(books)
    open_list = api.get(f"{API}/open-invoices", {"party": "C001"}).json()
    assert open_list == [{"id": inv.pk, "number": inv.number, "party": "C001", "date": "2026-03-10",
                          "due_date": "2026-04-09", "net_to_pay": "1200.00", "paid": "500.00", "credited": "0.00",
                          "open_amount": "700.00"}]
    statement = api.get(f"{API}/customer-statement", {"party": "C001", "date_from": "2026-03-15",
                                                      "date_to": "2026-03-31"}).json()
    assert (statement["opening"], statement["closing"]) == ("1200.00", "700.00")
    assert [(r["kind"], r["credit"], r["balance"]) for r in statement["rows"]] == [("Règlement", "500.00", "700.00")]
    aged = api.get(f"{API}/aged-balance", {"as_of": "2026-07-09"}).json()   # 91 days after 09/04
    assert aged["rows"][0]["over_90"] == "700.00" and aged["totals"]["total"] == "700.00"
    assert api.get("/api/v1/orgs/inconnue/aged-balance", {"as_of": "2026-07-09"}).status_code == 404
    bad = api.get(f"{API}/customer-statement", {"party": "ZZZ", "date_from": "2026-03-15", "date_to": "2026-03-31"})
    assert bad.status_code == 422 and bad.json()["field"] == "party"


def test_api_routes_in_the_openapi(books, api):
    paths = api.get("/api/v1/openapi.json").json()["paths"]
    for route in ("receipts", "receipts/{receipt_id}", "deposit-slips", "deposit-slips/{slip_id}", "open-invoices",
                  "customer-statement", "aged-balance"):
        assert f"/api/v1/orgs/{{org}}/{route}" in paths
    assert set(paths["/api/v1/orgs/{org}/receipts"]) == {"get", "post"}
