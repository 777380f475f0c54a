"""The ledger API (/api/v1/orgs/{org}/…) end to end, with hand-worked figures."""

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import Entry, Period
from agora.ledger.services import period_set_state

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db

BASE = "/api/v1/orgs/durand"


@pytest.fixture
def books():
    org, accountant = make_books()
    make_party(org, "C001")
    return org, accountant


@pytest.fixture
def api(books):
    """A client authenticated by the accountant's API token."""
    _, accountant = books
    _, raw = api_token_create(user=accountant, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def send(client, method, url, body=None):
    return getattr(client, method)(url, data=json.dumps(body) if body is not None else None,
                                   content_type="application/json")


DRAFT = {
    "journal": "OD", "date": "2026-03-10", "label": "Frais bancaires", "reference": "REL-03",
    "lines": [{"account": "627", "debit": "1 234,56"}, {"account": "5121", "credit": "1234.56"}],
}


def test_create_draft_then_post_numbers_and_hashes(books, api):
    response = send(api, "post", f"{BASE}/entries", DRAFT)
    assert response.status_code == 201, response.content
    draft = response.json()
    assert (draft["state"], draft["number"], draft["display_number"], draft["hash"]) == ("draft", None, "", "")
    assert [(line["line_no"], line["account"], line["debit"], line["credit"]) for line in draft["lines"]] == [
        (1, "627", "1234.56", "0.00"), (2, "5121", "0.00", "1234.56")]
    assert (draft["total_debit"], draft["total_credit"]) == ("1234.56", "1234.56")
    assert draft["period"] == "03/2026" and draft["fiscal_year"] == "2026"

    response = api.post(f"{BASE}/entries/{draft['id']}/post")
    assert response.status_code == 200, response.content
    posted = response.json()
    assert (posted["state"], posted["number"], posted["display_number"]) == ("posted", 1, "OD-2026-000001")
    assert len(posted["hash"]) == 64 and posted["previous_hash"] == ""
    assert posted["posted_by"] == "compta-durand" and posted["posted_at"]
    entry = Entry.objects.get(pk=draft["id"])
    assert entry.hash == posted["hash"] and entry.is_posted

    got = api.get(f"{BASE}/entries/{draft['id']}").json()
    assert got == posted

    # A posted entry is neither replaced nor deleted through the API.
    assert send(api, "put", f"{BASE}/entries/{draft['id']}", DRAFT).json()["code"] == "posted"
    response = api.delete(f"{BASE}/entries/{draft['id']}")
    assert response.status_code == 422 and response.json()["field"] == "entry"


def test_replace_and_delete_a_draft(books, api):
    draft = send(api, "post", f"{BASE}/entries", DRAFT).json()
    changed = {**DRAFT, "label": "Agios", "lines": [{"account": "627", "debit": "10"}, {"account": "5121",
                                                                                          "credit": "10,00"}]}
    response = send(api, "put", f"{BASE}/entries/{draft['id']}", changed)
    assert response.status_code == 200
    assert response.json()["label"] == "Agios"
    assert [(line["debit"], line["credit"]) for line in response.json()["lines"]] == [("10.00", "0.00"),
                                                                                      ("0.00", "10.00")]
    response = api.delete(f"{BASE}/entries/{draft['id']}")
    assert (response.status_code, response.json()) == (200, {"deleted": True})
    assert not Entry.objects.filter(pk=draft["id"]).exists()
    assert api.get(f"{BASE}/entries/{draft['id']}").status_code == 404


def test_unbalanced_entry_is_refused_with_a_french_message(books, api):
    body = {**DRAFT, "lines": [{"account": "627", "debit": "100.00"}, {"account": "5121", "credit": "99.99"}]}
    draft = send(api, "post", f"{BASE}/entries", body).json()  # a draft may be unbalanced
    response = api.post(f"{BASE}/entries/{draft['id']}/post")
    assert response.status_code == 422
    assert response.json() == {"code": "unbalanced", "field": "lines",
                               "message": "Écriture déséquilibrée : débit 100.00 ≠ crédit 99.99 (écart 0.01)."}
    assert Entry.objects.get(pk=draft["id"]).state == "draft"


def test_malformed_amount_names_the_line_and_column(books, api):
    body = {**DRAFT, "lines": [{"account": "627", "debit": "12,3x"}, {"account": "5121", "credit": "12.30"}]}
    response = send(api, "post", f"{BASE}/entries", body)
    assert response.status_code == 422
    assert response.json() == {"code": "invalid_amount", "field": "lines.1.debit",
                               "message": "Montant illisible : « 12,3x »."}
    # A JSON number with decimals is a float: refused before the service, named the same way (lines from 1).
    body = {**DRAFT, "lines": [{"account": "627", "debit": "12.30"}, {"account": "5121", "credit": 12.3}]}
    response = send(api, "post", f"{BASE}/entries", body)
    assert response.status_code == 422
    assert response.json()["field"] == "lines.2.credit"
    assert response.json()["message"].startswith("lines.2.credit : Valeur invalide : montant à transmettre en chaîne")
    assert Entry.objects.count() == 0


def test_schema_errors_are_french_and_name_the_field(books, api):
    response = send(api, "post", f"{BASE}/entries", {**DRAFT, "date": "10/03/2026"})
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "field": "date",
                               "message": "date : Date invalide : format attendu AAAA-MM-JJ."}
    body = {key: value for key, value in DRAFT.items() if key != "label"}
    assert send(api, "post", f"{BASE}/entries", body).json() == {
        "code": "invalid", "field": "label", "message": "label : Champ obligatoire."}
    assert api.get(f"{BASE}/entries?limit=abc").json()["field"] == "limit"
    garbled = api.post(f"{BASE}/entries", data="{not json", content_type="application/json")
    assert (garbled.status_code, garbled.json()["code"]) == (400, "bad_request")
    assert garbled.json()["message"] == "Corps de requête illisible : JSON attendu."


def test_unknown_account_and_closed_period(books, api):
    org, accountant = books
    body = {**DRAFT, "lines": [{"account": "6279", "debit": "10"}, {"account": "5121", "credit": "10"}]}
    response = send(api, "post", f"{BASE}/entries", body)
    assert (response.status_code, response.json()["field"]) == (422, "lines.1.account")
    assert "compte inconnu « 6279 »" in response.json()["message"]

    draft = send(api, "post", f"{BASE}/entries", DRAFT).json()
    api.delete(f"{BASE}/entries/{draft['id']}")  # closing a period refuses while drafts remain
    period_set_state(actor=accountant, period=Period.objects.get(organisation=org, start_date=date(2026, 3, 1)),
                     state="closed")
    response = send(api, "post", f"{BASE}/entries", DRAFT)
    assert response.status_code == 422
    assert response.json() == {"code": "period_closed", "field": "date",
                               "message": "La période 03/2026 est clôturée : aucune écriture n'y est acceptée."}
    assert Entry.objects.count() == 0


def test_reversal_through_the_api(books, api):
    org, accountant = books
    entry = post(org, accountant, "OD", date(2026, 2, 1), "Frais", ("627", "12.50", 0), ("5121", 0, "12.50"))
    response = send(api, "post", f"{BASE}/entries/{entry.pk}/reverse", {"date": "2026-02-03"})
    assert response.status_code == 201, response.content
    reversal = response.json()
    assert (reversal["number"], reversal["date"], reversal["reversal_of"]) == (2, "2026-02-03", entry.pk)
    assert reversal["label"] == "Extourne de OD-2026-000001 — Frais"
    assert [(line["account"], line["debit"], line["credit"]) for line in reversal["lines"]] == [
        ("627", "0.00", "12.50"), ("5121", "12.50", "0.00")]
    assert api.get(f"{BASE}/entries/{entry.pk}").json()["reversed_by"] == [reversal["id"]]
    again = send(api, "post", f"{BASE}/entries/{entry.pk}/reverse")  # no date: the original's date
    assert again.status_code == 422 and again.json()["code"] == "already_reversed"


def test_sales_role_gets_403_on_ledger_routes(books):
    org, _ = books
    seller = grant(make_user("vendeur"), org, "sales")
    client = Client()
    client.force_login(seller)
    assert client.get(BASE).status_code == 200  # the organisation itself is visible to every role
    for method, url in [("get", "/accounts"), ("get", "/entries"), ("get", "/trial-balance"), ("get", "/fec"),
                        ("get", "/general-ledger"), ("get", "/journals"), ("get", "/fiscal-years")]:
        response = getattr(client, method)(BASE + url)
        assert response.status_code == 403, url
        assert response.json()["code"] == "permission_denied"
    response = send(client, "post", f"{BASE}/entries", DRAFT)
    assert response.status_code == 403
    assert response.json() == {"code": "permission_denied", "field": None,
                               "message": "Vous n'avez pas les droits nécessaires pour cette action."}
    assert Entry.objects.count() == 0


def test_management_reads_but_does_not_write(books):
    org, _ = books
    boss = grant(make_user("gerant"), org, "management")
    client = Client()
    client.force_login(boss)
    assert client.get(f"{BASE}/entries").status_code == 200
    assert send(client, "post", f"{BASE}/entries", DRAFT).status_code == 403


def test_accounts_journals_fiscal_years(books, api):
    accounts = api.get(f"{BASE}/accounts?search=411").json()
    assert [a["code"] for a in accounts if a["code"] == "411"] == ["411"]
    assert all(a["code"].startswith("411") or "411" in a["label"] for a in accounts)
    assert {a["account_class"] for a in api.get(f"{BASE}/accounts?account_class=7").json()} == {7}
    response = send(api, "post", f"{BASE}/accounts", {"code": "4110001", "label": "Client Martin"})
    assert response.status_code == 201
    created = response.json()
    assert (created["code"], created["account_class"], created["kind"]) == ("4110001", 4, "receivable")
    duplicate = send(api, "post", f"{BASE}/accounts", {"code": "4110001", "label": "Encore"})
    assert (duplicate.status_code, duplicate.json()["field"]) == (422, "code")

    journals = {j["code"] for j in api.get(f"{BASE}/journals").json()}
    assert {"VT", "AC", "BQ1", "CA", "OD", "PA", "AN"} <= journals
    years = api.get(f"{BASE}/fiscal-years").json()
    assert [(y["code"], y["start_date"], y["end_date"], y["state"], len(y["periods"])) for y in years] == [
        ("2026", "2026-01-01", "2026-12-31", "open", 12)]
    assert years[0]["periods"][1] == {"id": years[0]["periods"][1]["id"], "start_date": "2026-02-01",
                                      "end_date": "2026-02-28", "state": "open"}


def test_entry_list_filters_pagination_and_constant_queries(books):
    org, accountant = books
    client = Client()
    client.force_login(accountant)
    sale(org, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(org, accountant, "OD", date(2026, 4, 1), "Frais", ("627", "12.50", 0), ("5121", 0, "12.50"))

    with CaptureQueriesContext(connection) as few:
        page = client.get(f"{BASE}/entries").json()
    assert page["count"] == 2
    assert [(e["display_number"], e["date"], e["total"]) for e in page["items"]] == [
        ("OD-2026-000001", "2026-04-01", "12.50"), ("VT-2026-000001", "2026-03-05", "1200.00")]
    for day in range(1, 9):
        post(org, accountant, "OD", date(2026, 5, day), "Frais", ("627", "1.00", 0), ("5121", 0, "1.00"))
    with CaptureQueriesContext(connection) as many:
        page = client.get(f"{BASE}/entries").json()
    assert page["count"] == 10 and len(many) == len(few)

    page = client.get(f"{BASE}/entries?journal=VT").json()
    assert [e["display_number"] for e in page["items"]] == ["VT-2026-000001"]
    page = client.get(f"{BASE}/entries?date_from=2026-05-03&date_to=2026-05-04&state=posted").json()
    assert [e["date"] for e in page["items"]] == ["2026-05-04", "2026-05-03"]
    page = client.get(f"{BASE}/entries?limit=3&offset=2&fiscal_year=2026").json()
    assert (page["count"], page["limit"], page["offset"], len(page["items"])) == (10, 3, 2, 3)
    assert page["items"][0]["date"] == "2026-05-06"
    assert client.get(f"{BASE}/entries?limit=501").json()["field"] == "limit"


def test_matching_then_unmatching(books, api):
    org, accountant = books
    invoice = sale(org, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(org, accountant, "BQ1", date(2026, 3, 20), "Règlement", ("5121", "1200.00", 0), ("411", 0, "1200.00", "C001"))
    open_lines = api.get(f"{BASE}/matching/open-lines?account=411&party=C001").json()
    assert [(line["journal"], line["debit"], line["credit"], line["matching"]) for line in open_lines] == [
        ("VT", "1200.00", "0.00", None), ("BQ1", "0.00", "1200.00", None)]
    assert open_lines[0]["entry_id"] == invoice.pk

    response = send(api, "post", f"{BASE}/matchings", {"lines": [line["id"] for line in open_lines]})
    assert response.status_code == 201, response.content
    matching = response.json()
    assert (matching["code"], matching["is_full"], matching["balance"], matching["account"], matching["party"]) == (
        "AA", True, "0.00", "411", "C001")
    assert matching["date"] == "2026-03-20"
    assert api.get(f"{BASE}/matching/open-lines?account=411&party=C001").json() == []

    response = api.delete(f"{BASE}/matchings/{matching['id']}")
    assert (response.status_code, response.json()) == (200, {"deleted": True})
    assert len(api.get(f"{BASE}/matching/open-lines?account=411").json()) == 2
    missing = api.get(f"{BASE}/matching/open-lines?account=999999")
    assert (missing.status_code, missing.json()["field"]) == (422, "account")


def test_trial_balance_general_and_auxiliary(books, api):
    org, accountant = books
    sale(org, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    report = api.get(f"{BASE}/trial-balance?fiscal_year=2026").json()
    assert [(r["account"], r["debit"], r["credit"], r["closing_debit"], r["closing_credit"]) for r in report["rows"]] \
        == [("411", "1200.00", "0.00", "1200.00", "0.00"), ("44571", "0.00", "200.00", "0.00", "200.00"),
            ("706", "0.00", "1000.00", "0.00", "1000.00")]
    assert report["totals"] == {"opening_debit": "0.00", "opening_credit": "0.00", "debit": "1200.00",
                                "credit": "1200.00", "closing_debit": "1200.00", "closing_credit": "1200.00"}
    assert report["balanced"] is True
    assert [(t["account_class"], t["debit"], t["credit"]) for t in report["class_totals"]] == [
        (4, "1200.00", "200.00"), (7, "0.00", "1000.00")]
    customers = api.get(f"{BASE}/trial-balance?auxiliary=customer").json()
    assert [(r["party"], r["account"], r["closing_debit"]) for r in customers["rows"]] == [("C001", "411", "1200.00")]
    assert customers["fiscal_year"] == "2026"  # default: the year containing today, else the latest
    bad = api.get(f"{BASE}/trial-balance?auxiliary=members")
    assert (bad.status_code, bad.json()["field"]) == (422, "auxiliary")
    unknown = api.get(f"{BASE}/trial-balance?fiscal_year=1999")
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_fiscal_year")


def test_general_ledger_streams_json_lines_with_running_balance(books, api):
    org, accountant = books
    sale(org, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(org, accountant, "BQ1", date(2026, 3, 20), "Acompte", ("5121", "500.00", 0), ("411", 0, "500.00", "C001"))
    response = api.get(f"{BASE}/general-ledger?fiscal_year=2026&account_from=411&account_to=411")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/jsonl")
    rows = [json.loads(line) for line in b"".join(response.streaming_content).decode().splitlines()]
    assert [(r["kind"], r["account"], r["journal"], r["debit"], r["credit"], r["balance"]) for r in rows] == [
        ("opening", "411", "", "0.00", "0.00", "0.00"),
        ("line", "411", "VT", "1200.00", "0.00", "1200.00"),
        ("line", "411", "BQ1", "0.00", "500.00", "700.00"),
        ("total", "411", "", "1200.00", "500.00", "700.00")]
    assert rows[1]["entry_number"] == "VT-2026-000001" and rows[1]["party"] == "C001"


def test_fec_download(books, api):
    org, accountant = books
    sale(org, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    response = api.get(f"{BASE}/fec?fiscal_year=2026")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="732829320FEC20261231.txt"'
    text = b"".join(response.streaming_content).decode()
    lines = text.splitlines()
    assert lines[0].split("|")[:3] == ["JournalCode", "JournalLib", "EcritureNum"]
    assert len(lines[0].split("|")) == 18
    assert len(lines) == 4 and lines[1].split("|")[2] == "VT-2026-000001"


def test_openapi_documents_every_error(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)
    entry = schema["components"]["schemas"]["EntryOut"]["properties"]
    assert entry["total_debit"] == {"title": "Total Debit", "type": "string"}
    assert client.get("/api/v1/docs").status_code == 200
