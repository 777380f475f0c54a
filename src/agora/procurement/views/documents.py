"""Supplier document screens: the list (expired and soon-expiring highlighted, an "à renouveler" filter, exports),
the upload form (PDF or image, checked by content), the download (to members who may see purchases only, never
through a public media URL) and deletion."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, today
from agora.procurement.forms import DocumentFilterForm, DocumentForm
from agora.procurement.models import SupplierDocument
from agora.procurement.selectors import suppliers as selectors
from agora.procurement.selectors.settings import settings_of
from agora.procurement.services import suppliers as services

EXPORT_HEADER = ["Fournisseur (code)", "Fournisseur", "Type", "Intitulé", "Délivré le", "Expire le", "Validité",
                 "Notes"]


def _document(request, pk) -> SupplierDocument:
    try:
        return selectors.supplier_document_get(organisation=request.organisation, pk=pk)
    except SupplierDocument.DoesNotExist:
        raise Http404("Document introuvable") from None


@org_view("purchasing.view")
def document_list(request, org):
    organisation = request.organisation
    warning_days = settings_of(organisation=organisation).document_warning_days
    form = DocumentFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"supplier": data["supplier"], "kind": data["kind"], "status": data["status"],
                   "to_renew": data["a_renouveler"], "search": data["q"].strip()}
    queryset = selectors.supplier_document_list(organisation=organisation, today=today(),
                                                warning_days=warning_days, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([d.supplier.code, d.supplier.name, d.get_kind_display(), d.label, d.issued_on, d.expires_on,
                 selectors.STATUS_LABELS[d.expiry_status], d.notes] for d in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"documents-fournisseurs.{export}", EXPORT_HEADER, rows)
    return render(request, "procurement/documents/list.html", {
        "form": form, "page": paginate(request, queryset), "can_write": can(request, "purchasing.write"),
        "warning_days": warning_days, "status_labels": selectors.STATUS_LABELS,
        "to_renew": selectors.documents_to_renew_count(organisation=organisation, today=today(),
                                                       warning_days=warning_days)})


@org_view("purchasing.write", write="purchasing.write")
def document_new(request, org):
    organisation = request.organisation
    if request.method == "POST":
        form = DocumentForm(request.POST, request.FILES, organisation=organisation)
        if form.is_valid():
            data = dict(form.cleaned_data)
            upload = data.pop("file")
            try:
                document = services.supplier_document_add(actor=request.user, organisation=organisation, data=data,
                                                          upload=upload)
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, f"{document} enregistré.")
                return redirect("procurement:supplier_file", org=org, pk=document.supplier_id)
    else:
        initial = {"supplier": request.GET["supplier"]} if request.GET.get("supplier", "").isdigit() else {}
        if request.GET.get("kind") in SupplierDocument.Kind.values:
            initial["kind"] = request.GET["kind"]
        form = DocumentForm(organisation=organisation, initial=initial)
    return render(request, "procurement/documents/form.html", {"form": form}, status=422 if form.errors else 200)


@org_view("purchasing.view")
def document_file(request, org, pk):
    document = _document(request, pk)
    if not document.file:
        raise Http404("Pas de fichier")
    return FileResponse(document.file.open("rb"), filename=document.file.name.rsplit("/", 1)[-1])


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def document_delete(request, org, pk):
    document = _document(request, pk)
    supplier = document.supplier_id
    services.supplier_document_delete(actor=request.user, document=document)
    messages.success(request, "Document supprimé.")
    return redirect("procurement:supplier_file", org=org, pk=supplier)


urlpatterns = [
    path("documents-fournisseurs/", document_list, name="supplier_documents"),
    path("documents-fournisseurs/nouveau/", document_new, name="supplier_document_new"),
    path("documents-fournisseurs/<int:pk>/fichier/", document_file, name="supplier_document_file"),
    path("documents-fournisseurs/<int:pk>/supprimer/", document_delete, name="supplier_document_delete"),
]
