"""Printed documents (WeasyPrint → pdftotext), sending by e-mail through a real SMTP server, screens and API."""

import email
import io
import json
import statistics
import subprocess
import time
from datetime import date
from email import policy

import facturx
import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import Image

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, OutgoingMail
from agora.core.tests.builders import grant, make_user
from agora.core.tests.test_mail import smtp_server  # noqa: F401 - the real SMTP server fixture
from agora.sales.models import DocumentKind, DocumentState, SalesSettings
from agora.sales.services.output import document_pdf, document_send
from agora.sales.tests.builders_output import make_customer, make_document, make_mixed_invoice, make_seller

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as pdftotext reads it, spaces normalised (narrow no-break spaces in amounts)."""
    out = subprocess.run(["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    text = out.stdout.decode("utf-8").replace("\u202f", " ").replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.splitlines())


@pytest.fixture
def seller():
    organisation, user = make_seller()
    return organisation, user, make_customer(organisation)


def test_invoice_pdf_shows_every_mandatory_mention_and_the_foot_step_by_step(seller):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    pdf = document_pdf(invoice)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for expected in [
        # seller
        "Durand SARL", "SARL au capital de 10 000,00 €", "12 rue de la République", "69002 Lyon",
        "SIREN 732829320 RCS Lyon", "N° TVA intracommunautaire : FR44732829320",
        # document
        "FACTURE", "N° FA-2026-00001", "Date d'émission : 16/03/2026", "Date de livraison : 12/03/2026",
        "Échéance : 30/04/2026", "Votre commande : BC-7781",
        # customer
        "Martin Équipement SAS", "5 avenue Foch", "75008 Paris", "SIREN : 552100554",
        "N° TVA intracommunautaire : FR96552100554", "ADRESSE DE LIVRAISON", "Entrepôt Martin", "91300 Massy",
        "Nature de l'opération : Opération mixte",
        # lines: ref, description, qty, unit, unit price, discount, rate, amount
        "CHA-01 Chaise de bureau ergonomique 4 u 125,00 10 % 20 % 450,00",
        "LIV-01 Livre « Gestion de la PME » 3 u 19,90 5,5 % 59,70",
        "INST Installation et mise en service 2,5 h 60,00 20 % 150,00",
        # the foot, step by step
        "Total brut HT 659,70 €", "Remise 5 % -32,99 €", "Rabais 2 % -12,53 €", "Net commercial HT 614,18 €",
        "Escompte 1 % -6,15 €", "Net financier HT 608,03 €", "Frais de port HT 20,00 €", "Total HT 628,03 €",
        "TVA 20 % sur 571,20 114,24 €", "TVA 5,5 % sur 56,83 3,13 €", "Total TTC 745,40 €",
        "Acompte déjà versé -100,00 €", "Net à payer 645,40 €",
        # VAT table and payment block
        "20 % 571,20 114,24", "5,5 % 56,83 3,13",
        "Net à payer : 645,40 € — à régler au plus tard le 30/04/2026",
        "Conditions de règlement : 30 jours fin de mois",
        "Escompte de 1 % pour paiement anticipé, déjà déduit du net financier.",
        "pénalités au taux annuel de 12,15 %",
        "Indemnité forfaitaire pour frais de recouvrement : 40 €",
    ]:
        assert expected in text, expected
    assert "BROUILLON" not in text
    assert "Option pour le paiement de la taxe d'après les débits" not in text


def test_no_escompte_debits_option_and_exemption_mentions(seller):
    organisation, user, party = seller
    invoice = make_document(organisation, user, party, operation_category="services", vat_on_debits=True, lines=[
        {"reference": "FORM", "description": "Formation professionnelle continue", "kind": "service",
         "quantity": "2", "unit": "j", "unit_price": "700.0000", "vat_rate": "0",
         "vat_mention": "Exonération de TVA, article 261 du CGI"},
        {"reference": "CONS", "description": "Conseil", "kind": "service", "quantity": "3", "unit": "h",
         "unit_price": "90.0000", "vat_rate": "20"}])
    text = pdf_text(document_pdf(invoice))
    for expected in ["Pas d'escompte pour paiement anticipé.", "Option pour le paiement de la taxe d'après les débits",
                     "Exonération de TVA, article 261 du CGI", "Nature de l'opération : Prestation de services",
                     "Date d'exécution : 12/03/2026", "Total HT 1 670,00 €", "TVA 20 % sur 270,00 54,00 €",
                     "TVA 0 % sur 1 400,00 0,00 €", "Total TTC 1 724,00 €", "Net à payer 1 724,00 €"]:
        assert expected in text, expected
    assert "Net commercial" not in text and "Escompte 1" not in text


def test_credit_note_refers_to_the_invoice(seller):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    credit_note = make_document(organisation, user, party, kind=DocumentKind.CREDIT_NOTE, number="AV-2026-00001",
                                lines=[{"reference": "CHA-01", "description": "Chaise de bureau ergonomique",
                                        "quantity": "1", "unit_price": "125.0000", "discount_pct": "10",
                                        "vat_rate": "20"}],
                                credited_invoice=invoice, credit_reason="Retour de marchandises : pied cassé")
    text = pdf_text(document_pdf(credit_note))
    for expected in ["AVOIR", "N° AV-2026-00001",
                     "Avoir sur la facture n° FA-2026-00001 du 16/03/2026 — motif : Retour de marchandises : pied "
                     "cassé", "Total HT 112,50 €", "TVA 20 % sur 112,50 22,50 €", "Montant de l'avoir TTC 135,00 €",
                     "SIREN 732829320 RCS Lyon", "SIREN : 552100554"]:
        assert expected in text, expected


def test_quote_delivery_note_and_draft(seller):
    organisation, user, party = seller
    quote = make_document(organisation, user, party, kind=DocumentKind.QUOTE, number="DE-2026-00004",
                          state=DocumentState.SENT, valid_until=date(2026, 3, 30))
    text = pdf_text(document_pdf(quote))
    assert "DEVIS" in text and "Valable jusqu'au : 30/03/2026" in text and "Bon pour accord" in text
    assert "Indemnité forfaitaire" not in text

    delivery = make_document(organisation, user, party, kind=DocumentKind.DELIVERY, number="BL-2026-00002")
    text = pdf_text(document_pdf(delivery))
    assert "BON DE LIVRAISON" in text and "CHA-01 Chaise de bureau ergonomique 4 u" in text
    assert "PU HT" not in text and "Total HT" not in text and "125,00" not in text

    draft = make_document(organisation, user, party, number="", state=DocumentState.DRAFT)
    text = pdf_text(document_pdf(draft))
    assert "Brouillon (non numéroté)" in text and "BROUILLON" in text


def test_the_logo_is_printed(seller, settings, tmp_path):
    organisation, user, party = seller
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (31, 95, 168)).save(buffer, format="PNG")
    organisation.logo.save("logo.png", ContentFile(buffer.getvalue()), save=True)
    invoice = make_mixed_invoice(organisation, user, party)
    with_logo = document_pdf(invoice)
    assert b"/Subtype /Image" in with_logo
    organisation.logo = ""
    organisation.save()
    invoice.organisation.refresh_from_db()
    assert b"/Subtype /Image" not in document_pdf(invoice)


def pdf_fonts(pdf: bytes) -> set[str]:
    """The embedded fonts' names as pdffonts lists them, without the subset tag ("ABCDEF+")."""
    out = subprocess.run(["/usr/bin/pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return {row.split()[0].split("+")[-1] for row in out.splitlines()[2:] if row.strip()}


def test_the_shipped_print_font_is_embedded_and_a_rare_character_falls_back(seller):
    """The small Agora Sans (static/sales/fonts) prints every French document whole; a character it lacks
    (Cyrillic here) is drawn by the system's DejaVu Sans, subset, and the text stays intact."""
    organisation, user, party = seller
    plain = document_pdf(make_mixed_invoice(organisation, user, party))
    assert pdf_fonts(plain) == {"Agora-Sans", "Agora-Sans-Bold"}
    rare = make_document(organisation, user, party, number="FA-2026-00002", lines=[
        {"reference": "SAM", "description": "Samovar « Самовар » électrique", "quantity": "1",
         "unit_price": "80.0000", "vat_rate": "20"}])
    pdf = document_pdf(rare)
    assert "SAM Samovar « Самовар » électrique 1 u 80,00 20 % 80,00" in pdf_text(pdf)
    assert {"Agora-Sans", "Agora-Sans-Bold"} < pdf_fonts(pdf) and any("DejaVu" in f for f in pdf_fonts(pdf))
    assert len(pdf) < 3 * len(plain)  # the fallback font is subset, not embedded whole


def test_pdf_time_per_invoice(seller, capsys):
    """Target ≤ 150 ms per invoice (issue §10; the bench is `make bench`). Measured as CPU time, which the
    other processes of a busy machine do not inflate; the ceiling here only catches a gross regression."""
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    document_pdf(invoice)  # fonts and stylesheets warm up once per process
    cpu, wall = [], []
    for _ in range(5):
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        document_pdf(invoice)
        cpu.append(time.process_time() - start_cpu)
        wall.append(time.perf_counter() - start_wall)
    with capsys.disabled():
        print(f"\n  invoice PDF: median {statistics.median(cpu) * 1000:.0f} ms CPU, "
              f"{statistics.median(wall) * 1000:.0f} ms wall")
    assert statistics.median(cpu) < 1.0


# --- sending ---------------------------------------------------------------------------------------------------

def test_invoice_sent_through_smtp_with_its_factur_x_and_logged(seller, smtp_server):  # noqa: F811
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    log = document_send(actor=user, document=invoice, message="Suite à notre échange téléphonique.")

    assert len(smtp_server.messages) == 1
    _, rcpt_tos, content = smtp_server.messages[0]
    assert rcpt_tos == ["compta@martin.example"]
    message = email.message_from_bytes(content, policy=policy.default)
    assert message["Subject"] == "Facture n° FA-2026-00001 — Durand SARL"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Suite à notre échange téléphonique." in body
    assert ("Veuillez trouver ci-joint notre facture n° FA-2026-00001 du 16/03/2026, d'un montant de 645,40 € à "
            "régler au plus tard le 30/04/2026.") in body.replace("\u202f", " ")
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Facture-FA-2026-00001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    filename, xml = facturx.get_facturx_xml_from_pdf(attachment.get_content(), check_xsd=True)
    assert filename == "factur-x.xml" and b"<ram:ID>FA-2026-00001</ram:ID>" in xml

    log.refresh_from_db()
    invoice.refresh_from_db()
    assert log.sent_at is not None and invoice.sent_at == log.sent_at
    assert (log.object_type, log.object_id, log.party_id) == ("sales.salesdocument", str(invoice.pk), party.pk)
    assert log.attachments == ["Facture-FA-2026-00001.pdf"]
    assert list(AuditEvent.objects.filter(organisation=organisation, object_id=str(invoice.pk),
                                          object_type="sales.salesdocument").values_list("action", flat=True)
                .order_by("id")) == ["mail.send", "sales_document.send"]


def test_quote_sent_with_its_plain_pdf(seller, smtp_server):  # noqa: F811
    organisation, user, party = seller
    quote = make_document(organisation, user, party, kind=DocumentKind.QUOTE, number="DE-2026-00001",
                          state=DocumentState.DRAFT)
    document_send(actor=user, document=quote, to="achats@martin.example")
    message = email.message_from_bytes(smtp_server.messages[0][2], policy=policy.default)
    assert message["Subject"] == "Devis n° DE-2026-00001 — Durand SARL"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Devis-DE-2026-00001.pdf"
    assert "DEVIS" in pdf_text(attachment.get_content())
    quote.refresh_from_db()
    assert quote.sent_at is not None and quote.state == DocumentState.SENT


def test_invalid_address_gives_a_french_error_and_nothing_is_sent(seller, smtp_server):  # noqa: F811
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    with pytest.raises(BusinessError) as refused:
        document_send(actor=user, document=invoice, to="compta@@martin")
    assert refused.value.message == "Adresse e-mail invalide : « compta@@martin »."
    assert smtp_server.messages == []
    assert not OutgoingMail.objects.filter(sent_at__isnull=False).exists()
    invoice.refresh_from_db()
    assert invoice.sent_at is None

    with pytest.raises(BusinessError) as refused:
        document_send(actor=user, document=invoice, to="inconnu@refused.example")
    assert refused.value.code == "mail_failed"
    assert refused.value.message == ("L'e-mail n'a pas été envoyé. Le serveur de messagerie a refusé le destinataire "
                                     "(inconnu@refused.example).")
    [log] = OutgoingMail.objects.all()
    assert log.sent_at is None and "refusé le destinataire" in log.error
    invoice.refresh_from_db()
    assert invoice.sent_at is None


def test_draft_invoice_and_missing_address_are_refused(seller):
    organisation, user, party = seller
    draft = make_document(organisation, user, party, number="", state=DocumentState.DRAFT)
    with pytest.raises(BusinessError) as refused:
        document_send(actor=user, document=draft)
    assert refused.value.code == "not_validated"
    party.email = ""
    party.save()
    invoice = make_mixed_invoice(organisation, user, party)
    with pytest.raises(BusinessError) as refused:
        document_send(actor=user, document=invoice)
    assert refused.value.message == "Le client n'a pas d'adresse e-mail : indiquez le destinataire."
    assert not OutgoingMail.objects.exists()


# --- screens and API -------------------------------------------------------------------------------------------

def _url(name: str, organisation, document) -> str:
    return reverse(f"sales:{name}", kwargs={"org": organisation.slug, "pk": document.pk})


def test_downloads_on_screen(seller, client):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    client.force_login(user)
    response = client.get(_url("document_pdf", organisation, invoice))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Facture-FA-2026-00001.pdf"'
    assert response.content.startswith(b"%PDF-")
    response = client.get(_url("document_xml", organisation, invoice))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert facturx.xml_check_xsd(response.content, flavor="factur-x", level="en16931") is True
    response = client.get(_url("document_facturx", organisation, invoice))
    assert response.status_code == 200
    assert facturx.get_facturx_xml_from_pdf(response.content)[0] == "factur-x.xml"

    other, other_user = make_seller("autre")
    foreign = make_mixed_invoice(other, other_user, make_customer(other))
    assert client.get(reverse("sales:document_pdf", kwargs={"org": organisation.slug, "pk": foreign.pk})) \
        .status_code == 404
    employee = grant(make_user("salarie"), organisation, "employee")
    client.force_login(employee)
    assert client.get(_url("document_pdf", organisation, invoice)).status_code == 403


def test_send_form_on_screen(seller, client, smtp_server):  # noqa: F811
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    client.force_login(user)
    url = _url("document_send", organisation, invoice)
    page = client.get(url)
    assert page.status_code == 200
    assert "compta@martin.example" in page.content.decode() and "Facture-FA-2026-00001.pdf" in page.content.decode()

    response = client.post(url, {"to": "pas une adresse", "message": ""})
    assert response.status_code == 200
    assert "Adresse e-mail invalide : « pas une adresse »." in response.content.decode()
    assert smtp_server.messages == []

    response = client.post(url, {"to": "compta@martin.example", "message": "Bonne réception.", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert len(smtp_server.messages) == 1
    assert OutgoingMail.objects.get().sent_by == user

    director = grant(make_user("direction"), organisation, "management")
    client.force_login(director)
    assert client.get(url).status_code == 200
    assert client.post(url, {"to": "compta@martin.example"}).status_code == 403
    assert len(smtp_server.messages) == 1


def test_api(seller, client, smtp_server):  # noqa: F811
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    client.force_login(user)
    base = f"/api/v1/orgs/{organisation.slug}/sales-documents/{invoice.pk}"
    response = client.get(base + "/xml")
    assert response.status_code == 200 and b"<ram:ID>FA-2026-00001</ram:ID>" in response.content
    response = client.get(base + "/pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    response = client.get(base + "/facturx")
    assert response.status_code == 200 and facturx.get_facturx_xml_from_pdf(response.content)[0] == "factur-x.xml"
    assert client.get(f"/api/v1/orgs/{organisation.slug}/sales-documents/999999/pdf").status_code == 404

    response = client.post(base + "/send", json.dumps({"to": "faux"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json() == {"code": "email_invalid", "message": "Adresse e-mail invalide : « faux ».",
                               "field": "to"}
    response = client.post(base + "/send", json.dumps({}), content_type="application/json")
    assert response.status_code == 200
    body = response.json()
    assert body["to"] == "compta@martin.example" and body["attachments"] == ["Facture-FA-2026-00001.pdf"]
    assert body["subject"] == "Facture n° FA-2026-00001 — Durand SARL" and body["sent_at"]
    assert len(smtp_server.messages) == 1


def test_settings_drive_the_payment_mentions(seller):
    organisation, user, party = seller
    SalesSettings.objects.filter(organisation=organisation).update(
        late_interest_rate="10.50", cash_discount_terms="Escompte de 2 % pour paiement sous 8 jours.",
        invoice_footer="Banque Populaire — IBAN FR76 1234")
    invoice = make_document(organisation, user, party)
    text = pdf_text(document_pdf(invoice))
    assert "pénalités au taux annuel de 10,5 %" in text
    assert "Escompte de 2 % pour paiement sous 8 jours." in text
    assert "Banque Populaire — IBAN FR76 1234" in text


def test_document_buttons_include(seller, rf):
    organisation, user, party = seller
    invoice = make_mixed_invoice(organisation, user, party)
    request = rf.get("/")
    request.user, request.organisation = user, organisation
    html = render_to_string("sales/output/_document_buttons.html", {"document": invoice, "request": request})
    for name in ("document_pdf", "document_facturx", "document_xml", "document_send"):
        assert f'href="{_url(name, organisation, invoice)}' in html
    assert ">Envoyer par e-mail<" in html
    draft = make_document(organisation, user, party, number="", state=DocumentState.DRAFT)
    html = render_to_string("sales/output/_document_buttons.html", {"document": draft, "request": request})
    assert ">PDF<" in html and "Factur-X" not in html and "Envoyer par e-mail" not in html
