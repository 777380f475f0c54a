"""Treasury screens: bank accounts, the schedule (totals, overdue, exports, constant queries), a payment run from
proposal to advices, permissions."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.models import OutgoingMail
from agora.core.tests.builders import grant, make_user
from agora.treasury.models import BankAccount, PaymentLine, PaymentRun

from .builders import make_supplier, make_treasury_books, supplier_invoice

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"treasury:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def books(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation, accountant, manager = make_treasury_books()
    wood = make_supplier(organisation, "F001", "Bois & Cie")
    paper = make_supplier(organisation, "F002", "Papeterie Rhône", iban="")
    supplier_invoice(organisation, accountant, wood, net="1000.00", vat="200.00", due=date(2026, 3, 20),
                     reference="FF-A")
    supplier_invoice(organisation, accountant, paper, net="100.00", vat="20.00", due=date(2026, 4, 25),
                     reference="FF-D")
    client.force_login(accountant)
    return organisation, accountant, manager, client


def test_bank_account_pages_and_invalid_iban(books):
    organisation, _, _, client = books
    page = client.get(url("bank_accounts")).content.decode()
    assert "FR76 3000 6000 0112 3456 7890 189" in page and "par défaut" in page
    response = client.post(url("bank_account_new"), {"label": "Livret", "iban": "FR76 1234", "active": "on"})
    assert response.status_code == 422
    assert "IBAN invalide" in response.content.decode()
    assert BankAccount.objects.count() == 1
    response = client.post(url("bank_account_new"), {"label": "Livret", "iban": "FR7630004000031234567890143",
                                                     "active": "on"})
    assert response.status_code == 302
    assert BankAccount.objects.get(label="Livret").journal.code == "BQ2"
    account = BankAccount.objects.get(label="Livret")
    response = client.post(url("bank_account_edit", pk=account.pk), {
        "label": "Livret pro", "iban": account.iban, "account_code": "5122", "active": "on"})
    assert response.status_code == 302 and BankAccount.objects.get(pk=account.pk).label == "Livret pro"


def test_schedule_totals_overdue_exports_and_constant_queries(books, monkeypatch):
    organisation, accountant, _, client = books
    monkeypatch.setattr("agora.treasury.views.schedule.today", lambda: date(2026, 4, 1))
    page = client.get(url("payment_schedule")).content.decode()
    assert "1\u202f320,00 €" in page  # 1 200 + 120
    assert "en retard" in page and "FF-A" in page
    assert "mars 2026" in page.lower() and "avril 2026" in page.lower()
    page = client.get(url("payment_schedule") + "?overdue=on").content.decode()
    assert "FF-A" in page and "FF-D" not in page
    csv = b"".join(client.get(url("payment_schedule") + "?export=csv").streaming_content).decode()
    assert "20/03/2026;F001;Bois & Cie;FF-A" in csv and ";1200,00;1200,00;oui" in csv
    xlsx = client.get(url("payment_schedule") + "?export=xlsx&period=week")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")

    with CaptureQueriesContext(connection) as few:
        client.get(url("payment_schedule"))
    supplier = make_supplier(organisation, "F003", "Métaux du Rhône")
    for n in range(6):
        supplier_invoice(organisation, accountant, supplier, net="10.00", vat="2.00", due=date(2026, 5, n + 1),
                         reference=f"FF-M{n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url("payment_schedule"))
    assert len(many) == len(few)


def test_run_from_proposal_to_advices(books):
    organisation, accountant, manager, client = books
    response = client.post(url("payment_runs"), {"on": "2026-03-31", "due_until": "2026-04-30",
                                                 "bank_account": BankAccount.objects.get().pk})
    run = PaymentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == url("payment_run", pk=run.pk)
    page = client.get(url("payment_run", pk=run.pk)).content.decode()
    assert "FF-A" in page and "IBAN du fournisseur manquant" in page and "1\u202f200,00" in page

    line = PaymentLine.objects.get(run=run, reference="FF-A")
    row = client.post(url("payment_line_edit", pk=line.pk), {"selected": "on", "amount": "1 500,00",
                                                             "method": "transfer"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 422 and "dépasse le reste dû" in row.content.decode()
    row = client.post(url("payment_line_edit", pk=line.pk), {"selected": "on", "amount": "1 000,00",
                                                             "method": "transfer"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and row.content.decode().startswith(f'<tr id="ligne-{line.pk}"')
    assert PaymentLine.objects.get(pk=line.pk).amount == 1000

    assert client.post(url("payment_run_approve", pk=run.pk)).status_code == 403  # accounting: not management
    client.force_login(manager)
    client.post(url("payment_run_approve", pk=run.pk))
    assert PaymentRun.objects.get().state == "approved"
    client.force_login(accountant)
    client.post(url("payment_run_execute", pk=run.pk))
    run.refresh_from_db()
    assert run.state == "executed" and run.entry_id
    sepa = client.get(url("payment_run_sepa", pk=run.pk))
    assert sepa.status_code == 200 and b"<InstdAmt Ccy=\"EUR\">1000.00</InstdAmt>" in b"".join(sepa.streaming_content)
    pdf = client.get(url("payment_advice_pdf", pk=run.pk, party=line.party_id))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    client.post(url("payment_run_advices", pk=run.pk))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["compta@f001.example.fr"] and "PAI-2026-00001" in message.subject
    assert "1 000,00 €" in message.body.replace("\u202f", " ") and message.attachments[0][0].endswith(".pdf")
    assert OutgoingMail.objects.filter(object_id=str(run.pk), party_id=line.party_id).exists()
    page = client.get(url("payment_run", pk=run.pk)).content.decode()
    assert "Avis de paiement envoyés" in page and run.entry.display_number in page


def test_list_pages_keep_a_constant_query_count(books):
    organisation, accountant, manager, client = books
    from agora.treasury.services.runs import payment_run_propose

    payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 3, 31))
    client.get(url("payment_runs"))  # warm-up: session and user are loaded once
    with CaptureQueriesContext(connection) as few:
        client.get(url("payment_runs"))
    run = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 4, 30))
    with CaptureQueriesContext(connection) as many:
        client.get(url("payment_runs"))
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as detail:
        client.get(url("payment_run", pk=run.pk))
    supplier = make_supplier(organisation, "F003", "Métaux du Rhône")
    for n in range(5):
        supplier_invoice(organisation, accountant, supplier, net="10.00", vat="2.00", due=date(2026, 4, 1),
                         reference=f"FF-M{n}")
    bigger = payment_run_propose(actor=accountant, organisation=organisation, on=date(2026, 4, 30))
    with CaptureQueriesContext(connection) as detail_more:
        client.get(url("payment_run", pk=bigger.pk))
    assert len(detail_more) == len(detail)


def test_permissions_and_settings(books):
    organisation, _, manager, client = books
    seller = grant(make_user("vendeur"), organisation, "sales")
    client.force_login(seller)
    for name in ("payment_schedule", "payment_runs", "bank_accounts"):
        assert client.get(url(name)).status_code == 403
    client.force_login(manager)
    assert client.get(url("payment_runs")).status_code == 200
    assert client.post(url("payment_runs"), {"on": "2026-03-31"}).status_code == 403  # management only approves
    response = client.post(url("settings"), {"reference_rate": "4,5", "four_eyes": "on"})
    assert response.status_code == 302
    settings = organisation.treasury_settings
    settings.refresh_from_db()
    assert settings.four_eyes and str(settings.reference_rate) == "4.50"
