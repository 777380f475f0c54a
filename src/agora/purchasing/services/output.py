"""The purchase order leaving Agora: its PDF (WeasyPrint through core.exports, with the organisation's logo)
and its sending to the supplier by e-mail (core.mail, logged on the order and the supplier)."""


from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.core.exports import logo_uri, pdf_bytes
from agora.core.mail import mail_send
from agora.core.models import OutgoingMail
from agora.purchasing.models import PurchaseDocument

from .documents import Kind, Status, audit, expect, locked, snapshot, totals_of

PDF_TYPE = "application/pdf"


def order_filename(order: PurchaseDocument) -> str:
    return f"Commande-{order.number or f'brouillon-{order.pk}'}.pdf"


def order_context(order: PurchaseDocument) -> dict:
    lines = list(order.lines.select_related("product").order_by("position"))
    return {"document": order, "organisation": order.organisation, "party": order.party, "lines": lines,
            "totals": totals_of(order, lines), "logo_uri": logo_uri(order.organisation),
            "is_draft": order.status == Status.DRAFT}


def order_pdf(order: PurchaseDocument) -> bytes:
    """The printed purchase order (a draft prints with a BROUILLON mark)."""
    if order.kind != Kind.ORDER:
        raise BusinessError("wrong_kind", "Seule une commande fournisseur s'imprime ici.", field="kind")
    return pdf_bytes("purchasing/output/order.html", order_context(order))


def order_send(*, actor, order: PurchaseDocument, to: str | None = None, message: str = "") -> OutgoingMail:
    """E-mail the confirmed order to the supplier (or to `to`) with its PDF; the order becomes "sent".

    A failed sending is logged (with the server's reason) and then refused with a French message.
    """
    expect(order, Kind.ORDER, {Status.CONFIRMED, Status.SENT}, "Envoyer")
    to = (to or "").strip() or order.party.email
    if not to:
        raise BusinessError("email_missing", "Le fournisseur n'a pas d'adresse e-mail : indiquez le destinataire.",
                            field="to")
    context = order_context(order) | {"message": (message or "").strip()}
    subject = f"Commande {order.number} — {order.organisation.legal_name}"
    body = render_to_string("purchasing/output/order_mail.txt", context)
    log = mail_send(actor=actor, organisation=order.organisation, obj=order, party_id=order.party_id, to=to,
                    subject=subject, body=body, attachments=[(order_filename(order), order_pdf(order), PDF_TYPE)])
    if log.sent_at is None:
        raise BusinessError("mail_failed", f"L'e-mail n'a pas été envoyé. {log.error}", field="to")
    with transaction.atomic():
        order = locked(order)
        before = snapshot(order)
        order.status = Status.SENT
        order.sent_at = log.sent_at or timezone.now()
        order.save(update_fields=["status", "sent_at"])
        audit(order, actor, "order.send", before)
    return log
