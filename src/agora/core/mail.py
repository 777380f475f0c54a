"""Sending one e-mail through Django's mail backend (SMTP in production) and logging it.

Every e-mail Agora sends is logged in `OutgoingMail` on the object it concerns and on the party, with its
sending time or the error the server gave: the log is written whatever happens, so a failed sending is
visible on the document's page. Templates are rendered by the caller (in French); this module only sends.
"""

import smtplib
import socket
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.utils import timezone

from .audit import audit_record
from .errors import BusinessError
from .models import OutgoingMail

Attachment = tuple[str, bytes, str]  # (file name, content, MIME type)


def recipients_parse(to: str | Sequence[str]) -> list[str]:
    """The recipients of `to` ("a@x.fr, b@y.fr" or a list), each checked; refused with a French message."""
    raw = to.replace(";", ",").split(",") if isinstance(to, str) else list(to)
    recipients = [address.strip() for address in raw if address and address.strip()]
    if not recipients:
        raise BusinessError("email_missing", "Indiquez l'adresse e-mail du destinataire.", field="to")
    for address in recipients:
        try:
            validate_email(address)
        except ValidationError:
            raise BusinessError("email_invalid", f"Adresse e-mail invalide : « {address} ».", field="to") from None
    return recipients


def _error_fr(error: Exception) -> str:
    """A French explanation of a sending failure, with the server's own words for the administrator."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(sorted(error.recipients))
        return f"Le serveur de messagerie a refusé le destinataire ({refused})."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"Le serveur de messagerie a refusé l'expéditeur ({error.sender})."
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return "Le serveur de messagerie a refusé l'identification (utilisateur ou mot de passe)."
    if isinstance(error, smtplib.SMTPException):
        return f"Le serveur de messagerie a refusé le message : {error}."
    if isinstance(error, socket.timeout | TimeoutError):
        return "Le serveur de messagerie ne répond pas (délai dépassé)."
    return f"Serveur de messagerie injoignable : {error}."


def mail_send(*, actor, organisation, obj, party_id: int | None, to: str | Sequence[str], subject: str, body: str,
              attachments: Sequence[Attachment] = (), reply_to: str | None = None) -> OutgoingMail:
    """Send one e-mail now and log it. A malformed address is refused before anything is sent or logged
    (BusinessError); a refusal by the server is logged with its error (sent_at stays empty) and the log is
    returned: callers check `sent_at` and tell the user.

    Not wrapped in a transaction on purpose: the log of a failed sending must survive the caller's error.
    """
    recipients = recipients_parse(to)
    subject = " ".join(subject.split())  # no line breaks in a header
    if not subject:
        raise BusinessError("subject_missing", "L'objet de l'e-mail est obligatoire.", field="subject")
    message = EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
                           reply_to=[reply_to] if reply_to else None)
    for filename, content, mimetype in attachments:
        message.attach(filename, content, mimetype)
    log = OutgoingMail(organisation=organisation, object_type=obj._meta.label_lower, object_id=str(obj.pk),
                       party_id=party_id, to=", ".join(recipients)[:300], subject=subject[:300], body=body,
                       attachments=[name for name, _, _ in attachments],
                       sent_by=actor if getattr(actor, "is_authenticated", False) else None)
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        log.error = _error_fr(error)
    else:
        log.sent_at = timezone.now()
    log.save()
    audit_record(organisation=organisation, actor=actor, action="mail.send" if log.sent_at else "mail.fail",
                 obj=obj, after={"outgoing_mail": log.pk, "to": log.to, "subject": log.subject,
                                 "attachments": log.attachments, "error": log.error})
    return log


def mails_of(*, organisation, obj=None, party_id: int | None = None):
    """The e-mails logged on an object or on a party, newest first."""
    mails = OutgoingMail.objects.filter(organisation=organisation)
    if obj is not None:
        mails = mails.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    if party_id is not None:
        mails = mails.filter(party_id=party_id)
    return mails.select_related("sent_by")
