"""Import of received e-invoices from the screens: the drop zone of the supplier invoice list posts here.

Each file is imported on its own (one transaction each): a refused file does not stop the others, and the
outcome lists every file with its draft invoice or its French reason. htmx requests get the outcome fragment;
a plain form post gets the full page (or, for a single imported file, the draft invoice itself).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse

from agora.core.errors import BusinessError
from agora.core.views import org_view

from ..einvoice.detect import MAX_SIZE
from ..models import PurchaseDocument
from ..services.einvoice import einvoice_import

MAX_FILES = 100


@dataclass
class Outcome:
    filename: str
    document: PurchaseDocument | None = None
    url: str = ""
    error: str = ""


def _import(request, upload) -> Outcome:
    if upload.size > MAX_SIZE:
        return Outcome(upload.name, error=f"Fichier trop volumineux : {MAX_SIZE // 1024 // 1024} Mo au plus.")
    try:
        document = einvoice_import(actor=request.user, organisation=request.organisation, filename=upload.name,
                                   content=upload.read())
    except BusinessError as error:
        return Outcome(upload.name, error=error.message)
    return Outcome(upload.name, document=document, url=document_url(request, document))


def document_url(request, document: PurchaseDocument) -> str:
    return reverse("purchasing:document_detail", kwargs={"org": request.organisation.slug, "pk": document.pk})


@org_view("purchasing.write")
def einvoice_import_view(request, org):
    """GET: the import page; POST: import the files sent as `files` (several allowed)."""
    outcomes = []
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not uploads:
            outcomes = [Outcome("", error="Choisissez au moins un fichier à importer.")]
        elif len(uploads) > MAX_FILES:
            outcomes = [Outcome("", error=f"{len(uploads)} fichiers : {MAX_FILES} au plus par envoi.")]
        else:
            outcomes = [_import(request, upload) for upload in uploads]
        if request.htmx:
            refresh = request.htmx.current_url if any(o.document for o in outcomes) else ""
            return render(request, "purchasing/einvoice_outcome.html", {"outcomes": outcomes, "refresh_url": refresh})
        if len(outcomes) == 1 and outcomes[0].document is not None:
            messages.success(request, f"Facture « {outcomes[0].filename} » importée en brouillon : vérifiez-la, "
                             "puis validez-la.")
            return redirect(outcomes[0].url)
    status = 422 if outcomes and not any(o.document for o in outcomes) else 200
    return render(request, "purchasing/einvoice_import.html", {"outcomes": outcomes}, status=status)


urlpatterns = [
    path("factures/import-electronique/", einvoice_import_view, name="einvoice_import"),
]
