"""API of a sales document's output: PDF, Factur-X PDF, CII XML, and sending by e-mail.

Paths under /api/v1/orgs/{org}/sales-documents/{document_id}/…; "sales.view" to download, "sales.write" to send.
"""

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, organisation_for

from ..models import SalesDocument
from ..services import output

router = Router(tags=["ventes : éditions et envois"])
PREFIX = "/orgs/{org}/sales-documents/{document_id}"


def _document(organisation, document_id: int) -> SalesDocument:
    """The document of this organisation (DoesNotExist → 404, also for another organisation's id)."""
    return SalesDocument.objects.select_related("organisation", "party", "payment_term", "credited_invoice").get(
        organisation=organisation, pk=document_id)


def _file(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename.encode("ascii", "replace").decode()}"'
    return response


def _binary(description: str, media_type: str) -> dict:
    return {"responses": {200: {"description": description,
                                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}}


@router.get(PREFIX + "/pdf", response={200: None, **ERRORS}, summary="PDF d'un document de vente",
            openapi_extra=_binary("Le document imprimable (PDF)", output.PDF_TYPE))
def document_pdf(request, org: str, document_id: int):
    organisation = organisation_for(request, org, "sales.view")
    document = _document(organisation, document_id)
    return _file(output.document_pdf(document), output.document_filename(document), output.PDF_TYPE)


@router.get(PREFIX + "/facturx", response={200: None, **ERRORS}, summary="Facture Factur-X (PDF/A-3 + XML)",
            openapi_extra=_binary("Le PDF/A-3 avec la facture électronique EN 16931 intégrée", output.PDF_TYPE))
def document_facturx(request, org: str, document_id: int):
    organisation = organisation_for(request, org, "sales.view")
    document = _document(organisation, document_id)
    return _file(output.invoice_facturx_pdf(document), output.document_filename(document), output.PDF_TYPE)


@router.get(PREFIX + "/xml", response={200: None, **ERRORS}, summary="Facture électronique (XML CII EN 16931)",
            openapi_extra=_binary("Le XML CII (profil Factur-X EN16931)", output.XML_TYPE))
def document_xml(request, org: str, document_id: int):
    organisation = organisation_for(request, org, "sales.view")
    document = _document(organisation, document_id)
    return _file(output.invoice_facturx_xml(document), output.document_filename(document, "xml"), output.XML_TYPE)


class SendIn(Schema):
    to: str | None = None
    message: str | None = None


class MailOut(Schema):
    id: int
    to: str
    subject: str
    attachments: list[str]
    sent_at: datetime | None


@router.post(PREFIX + "/send", response={200: MailOut, **BODY_ERRORS}, summary="Envoyer par e-mail")
def document_send(request, org: str, document_id: int, payload: SendIn):
    """E-mail the document (Factur-X PDF for invoices and credit notes) to the customer or to `to`."""
    organisation = organisation_for(request, org, "sales.write")
    document = _document(organisation, document_id)
    log = output.document_send(actor=request.auth, document=document, to=payload.to, message=payload.message)
    return Status(200, {"id": log.pk, "to": log.to, "subject": log.subject, "attachments": log.attachments,
                         "sent_at": log.sent_at})
