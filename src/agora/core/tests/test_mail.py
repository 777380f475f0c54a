"""mail_send against a real SMTP server (aiosmtpd on 127.0.0.1): the message, its attachment, the log."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from agora.core.errors import BusinessError
from agora.core.mail import mail_send, mails_of, recipients_parse
from agora.core.models import AuditEvent, OutgoingMail
from agora.core.tests.builders import grant, make_organisation, make_user
from agora.parties.services import party_create

PDF = b"%PDF-1.7\n% test attachment\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


class RecordingHandler:
    """Keeps every message received; refuses recipients at the domain refused.example."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                               EMAIL_PORT=port, EMAIL_USE_TLS=False, EMAIL_USE_SSL=False, EMAIL_HOST_USER="",
                               EMAIL_HOST_PASSWORD="", EMAIL_TIMEOUT=5, DEFAULT_FROM_EMAIL="factures@durand.example"):
            yield handler
    finally:
        controller.stop()


@pytest.fixture
def context(db):
    organisation = make_organisation()
    user = grant(make_user("vente"), organisation, "sales")
    party = party_create(actor=None, organisation=organisation,
                         data={"code": "C001", "name": "Client Martin", "is_customer": True,
                               "email": "martin@client.example"})
    return organisation, user, party


def test_mail_goes_through_smtp_with_its_pdf_and_is_logged(smtp_server, context):
    organisation, user, party = context
    log = mail_send(actor=user, organisation=organisation, obj=party, party_id=party.pk,
                    to="martin@client.example, compta@client.example", subject="Votre facture FA-2026-00001",
                    body="Bonjour,\n\nVeuillez trouver ci-joint notre facture.\n\nCordialement,",
                    attachments=[("FA-2026-00001.pdf", PDF, "application/pdf")])

    assert len(smtp_server.messages) == 1
    mail_from, rcpt_tos, content = smtp_server.messages[0]
    assert mail_from == "factures@durand.example"
    assert rcpt_tos == ["martin@client.example", "compta@client.example"]
    message = email.message_from_bytes(content, policy=policy.default)
    assert message["Subject"] == "Votre facture FA-2026-00001"
    assert message["To"] == "martin@client.example, compta@client.example"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Veuillez trouver ci-joint notre facture." in body
    attachments = list(message.iter_attachments())
    assert [(a.get_filename(), a.get_content_type()) for a in attachments] == [
        ("FA-2026-00001.pdf", "application/pdf")]
    assert attachments[0].get_content() == PDF

    log.refresh_from_db()
    assert log.sent_at is not None and log.error == ""
    assert log.sent_by == user
    assert (log.object_type, log.object_id, log.party_id) == ("parties.party", str(party.pk), party.pk)
    assert log.attachments == ["FA-2026-00001.pdf"]
    assert list(mails_of(organisation=organisation, party_id=party.pk)) == [log]
    event = AuditEvent.objects.get(organisation=organisation, action="mail.send")
    assert event.object_id == str(party.pk) and event.after["outgoing_mail"] == log.pk


def test_malformed_address_is_refused_in_french_and_nothing_is_sent_or_logged(smtp_server, context):
    organisation, user, party = context
    with pytest.raises(BusinessError) as refused:
        mail_send(actor=user, organisation=organisation, obj=party, party_id=party.pk,
                  to="martin@client.example, pas-une-adresse", subject="Facture", body="Bonjour",
                  attachments=[("f.pdf", PDF, "application/pdf")])
    assert refused.value.code == "email_invalid"
    assert refused.value.message == "Adresse e-mail invalide : « pas-une-adresse »."
    assert refused.value.field == "to"
    assert smtp_server.messages == []
    assert not OutgoingMail.objects.exists()


def test_address_refused_by_the_server_is_logged_as_not_sent(smtp_server, context):
    organisation, user, party = context
    log = mail_send(actor=user, organisation=organisation, obj=party, party_id=party.pk,
                    to="inconnu@refused.example", subject="Facture", body="Bonjour")
    assert smtp_server.messages == []
    log.refresh_from_db()
    assert log.sent_at is None
    assert log.error == "Le serveur de messagerie a refusé le destinataire (inconnu@refused.example)."
    assert AuditEvent.objects.filter(organisation=organisation, action="mail.fail").count() == 1


def test_unreachable_server_is_logged_in_french(context):
    organisation, user, party = context
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=_free_port(), EMAIL_TIMEOUT=2):
        log = mail_send(actor=user, organisation=organisation, obj=party, party_id=party.pk,
                        to="martin@client.example", subject="Facture", body="Bonjour")
    assert log.sent_at is None
    assert log.error.startswith("Serveur de messagerie injoignable")


def test_recipients_parse():
    assert recipients_parse("a@x.fr; b@y.fr ,") == ["a@x.fr", "b@y.fr"]
    assert recipients_parse(["a@x.fr"]) == ["a@x.fr"]
    with pytest.raises(BusinessError) as missing:
        recipients_parse(" , ")
    assert missing.value.message == "Indiquez l'adresse e-mail du destinataire."
