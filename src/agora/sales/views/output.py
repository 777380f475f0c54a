"""Output screens of a sales document: PDF, Factur-X PDF and XML downloads, and the e-mail sending form.

Downloads need "sales.view"; sending needs "sales.write". Documents are looked up inside the organisation of the
URL, so another organisation's id answers 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from agora.core.errors import BusinessError, PermissionDenied
from agora.core.mail import mails_of
from agora.core.permissions import require

from ..models import SalesDocument
from ..services import output


def _document(request, pk: int) -> SalesDocument:
    return get_object_or_404(SalesDocument.objects.select_related("organisation", "party", "payment_term",
                                                                  "credited_invoice", "source"),
                             organisation=request.organisation, pk=pk)


def _gate(request, permission: str) -> None:
    try:
        require(request.user, request.organisation, permission)
    except PermissionDenied as denied:
        raise Forbidden(denied.message) from denied


def _file(content: bytes, filename: str, content_type: str, *, inline: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    return response


def _detail_url(request, document: SalesDocument) -> str:
    """Where to go back to: the `next` parameter if it is ours, else the document's page (documents screens)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    try:
        return reverse("sales:document_detail", kwargs={"org": request.organisation.slug, "pk": document.pk})
    except NoReverseMatch:
        return reverse("sales:document_send", kwargs={"org": request.organisation.slug, "pk": document.pk})


def _refused(request, document: SalesDocument, error: BusinessError):
    messages.error(request, error.message)
    return redirect(_detail_url(request, document))


@login_required
def document_pdf(request, org, pk):
    _gate(request, "sales.view")
    document = _document(request, pk)
    return _file(output.document_pdf(document), output.document_filename(document), output.PDF_TYPE,
                 inline=request.GET.get("inline") == "1")


@login_required
def document_facturx(request, org, pk):
    _gate(request, "sales.view")
    document = _document(request, pk)
    try:
        content = output.invoice_facturx_pdf(document)
    except BusinessError as error:
        return _refused(request, document, error)
    return _file(content, output.document_filename(document), output.PDF_TYPE, inline=False)


@login_required
def document_xml(request, org, pk):
    _gate(request, "sales.view")
    document = _document(request, pk)
    try:
        content = output.invoice_facturx_xml(document)
    except BusinessError as error:
        return _refused(request, document, error)
    return _file(content, output.document_filename(document, "xml"), output.XML_TYPE, inline=False)


class SendForm(forms.Form):
    to = forms.CharField(label="Destinataire(s)", max_length=300,
                         help_text="Plusieurs adresses séparées par des virgules.")
    message = forms.CharField(label="Message personnel (facultatif)", required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))


@login_required
def document_send(request, org, pk):
    _gate(request, "sales.view")
    document = _document(request, pk)
    if request.method == "POST":
        _gate(request, "sales.write")
        form = SendForm(request.POST)
        if form.is_valid():
            try:
                log = output.document_send(actor=request.user, document=document, to=form.cleaned_data["to"],
                                           message=form.cleaned_data["message"])
            except BusinessError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, error.message)
            else:
                messages.success(request, f"{output.document_title(document)} envoyé(e) à {log.to}.")
                return redirect(_detail_url(request, document))
    else:
        form = SendForm(initial={"to": document.party.email})
    subject, body = output.document_mail(document)
    return render(request, "sales/output/send.html", {
        "document": document, "form": form, "title": output.document_title(document), "subject": subject,
        "body": body, "mails": mails_of(organisation=request.organisation, obj=document)[:20],
        "attachment": output.document_filename(document), "next": request.GET.get("next", "")})


urlpatterns = [
    path("documents/<int:pk>/pdf/", document_pdf, name="document_pdf"),
    path("documents/<int:pk>/facturx/", document_facturx, name="document_facturx"),
    path("documents/<int:pk>/xml/", document_xml, name="document_xml"),
    path("documents/<int:pk>/envoyer/", document_send, name="document_send"),
]
