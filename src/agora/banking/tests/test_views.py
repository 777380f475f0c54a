"""Banking screens: list with last balances, import (drag and drop form, format detected, the CSV mapping step on
a first CSV), statement detail with running balance and report, exports, mappings; permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agora.banking.models import BankStatement, CsvMapping, StatementLine
from agora.core.tests.builders import grant, make_user

from .builders import bank_account, make_banking_books, sample

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"banking:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client):
    organisation, accountant, manager = make_banking_books()
    client.force_login(accountant)
    return organisation, accountant, manager, client


def upload(client, name, **data):
    return client.post(url("statement_import"), {"file": SimpleUploadedFile(name, sample(name)), **data})


def test_import_then_detail_and_list(books):
    """CAMT .02: 5 000,00 opening, running balance 6 500,00 → 6 179,60 → 6 167,60."""
    organisation, _, _, client = books
    assert client.get(url("statement_import")).status_code == 200
    response = upload(client, "camt053-001-02.xml")
    statement = BankStatement.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == url("statement_detail", pk=statement.pk)
    page = client.get(response["Location"]).content.decode()
    assert "6\u202f500,00" in page and "6\u202f179,60" in page and "6\u202f167,60" in page
    assert "3 lignes importées, 0 doublon ignoré" in page
    listing = client.get(url("statements")).content.decode()
    assert "31/03/2026" in listing and "6\u202f167,60" in listing
    again = client.get(upload(client, "camt053-001-02.xml")["Location"]).content.decode()
    assert "Lignes ignorées (déjà importées)" in again and "20260312-000045" in again
    assert client.get(url("statements"), {"account": bank_account(organisation).pk,
                                          "date_from": "2026-04-01"}).status_code == 200


def test_exports(books):
    organisation, _, _, client = books
    upload(client, "releve-ofx1.ofx")
    statement = BankStatement.objects.get(organisation=organisation)
    csv = b"".join(client.get(url("statement_detail", pk=statement.pk), {"export": "csv"}).streaming_content)
    assert b"FRAIS TENUE DE COMPTE" in csv and b"1934,50" in csv.replace(b"\xe2\x80\xaf", b"")
    xlsx = client.get(url("statement_detail", pk=statement.pk), {"export": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_bad_file_shows_the_line_and_writes_nothing(books):
    _, _, _, client = books
    bad = sample("releve-cfonb120.txt").replace(b"090626PRLV", b"320626PRLV")
    response = client.post(url("statement_import"), {"file": SimpleUploadedFile("r.txt", bad)})
    assert response.status_code == 422 and "Ligne 4 : date illisible" in response.content.decode()
    assert StatementLine.objects.count() == 0


def test_first_csv_goes_through_the_mapping_step(books):
    organisation, _, _, client = books
    account = bank_account(organisation)
    response = upload(client, "releve-banque.csv", bank_account=account.pk)
    assert response.status_code == 302 and response["Location"] == url("import_mapping")
    page = client.get(url("import_mapping")).content.decode()
    assert "VIR SEPA DURAND PERE ET FILS" in page and "Colonne 6" in page  # cp1252 preview decoded
    bad = client.post(url("import_mapping"), {"name": "Export", "delimiter": ";", "encoding": "cp1252",
                                              "date_format": "%d/%m/%Y", "skip_rows": 1, "col_date": "0"})
    assert bad.status_code == 422 and "Modèle CSV incomplet" in bad.content.decode()
    response = client.post(url("import_mapping"), {
        "name": "Export", "delimiter": ";", "encoding": "cp1252", "date_format": "%d/%m/%Y", "decimal_comma": "on",
        "skip_rows": 1, "col_date": "0", "col_value_date": "1", "col_label": "2", "col_debit": "3",
        "col_credit": "4", "col_reference": "5"})
    assert response.status_code == 302 and StatementLine.objects.count() == 3
    mapping = CsvMapping.objects.get(bank_account=account)
    assert mapping.columns["credit"] == 4
    upload(client, "releve-banque.csv", bank_account=account.pk)  # the saved mapping is reused: all duplicates
    assert BankStatement.objects.order_by("-id").first().duplicate_count == 3
    assert client.get(url("mappings")).status_code == 200
    assert client.get(url("mapping_edit", pk=mapping.pk)).status_code == 200
    edited = client.post(url("mapping_edit", pk=mapping.pk), {
        "name": "Export BP", "delimiter": ";", "encoding": "cp1252", "date_format": "%d/%m/%Y", "skip_rows": 1,
        "col_date": "0", "col_label": "2", "col_amount": "4"})
    assert edited.status_code == 302
    mapping.refresh_from_db()
    assert mapping.name == "Export BP" and mapping.columns == {"date": 0, "label": 2, "amount": 4}
    client.post(url("mapping_edit", pk=mapping.pk), {"delete": "1"})
    assert not CsvMapping.objects.exists()


def test_permissions(books, client):
    organisation, _, manager, _ = books
    client.force_login(manager)  # management: may read, not import
    assert client.get(url("statements")).status_code == 200
    assert client.get(url("statement_import")).status_code == 403
    seller = grant(make_user("vendeur"), organisation, "sales")
    client.force_login(seller)
    assert client.get(url("statements")).status_code == 403
    assert client.get(url("mappings")).status_code == 403
