"""Work on many invoices at once: validation in one transaction, PDFs on every core.

`invoices_validate` runs the same issue path as `invoice_validate` (documents.issue_documents: mentions, gapless
chronological numbers, one `entries_post` call, bulk update and audit) for a whole selection, all or nothing.
`documents_pdf_batch` prints through `output.document_pdf` in a pool of spawned processes: WeasyPrint is pure
Python apart from Pango, so only processes use both cores. A spawned worker imports this module before Django
is set up: hence the model imports inside the functions.
"""

import multiprocessing
import os
import zipfile
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from agora.core.errors import BusinessError

MAX_BATCH = 5000


@transaction.atomic
def invoices_validate(*, actor, organisation, invoices) -> list:
    """Validate many draft invoices of `organisation` (documents or ids) in ONE transaction, all or nothing.

    Numbers follow the invoices' dates (then their ids): consecutive and gapless under one counter lock per
    fiscal year. One refused invoice refuses the batch, with its French message naming the invoice, and nothing
    is written. Returns the invoices in number order."""
    from agora.sales.models import DocumentKind, DocumentState, SalesDocument

    from .documents import _expect, check_deposit, issue_documents, name_in

    ids = list(dict.fromkeys(int(getattr(x, "pk", x)) for x in invoices))
    if not ids:
        raise BusinessError("nothing_selected", "Aucune facture sélectionnée.", field="ids")
    if len(ids) > MAX_BATCH:
        raise BusinessError("too_many", f"Au plus {MAX_BATCH} factures à la fois.", field="ids")
    locked = SalesDocument.objects.select_for_update(of=("self",))  # not the customers: PostgreSQL refuses a lock
    found = {d.pk: d for d in locked.filter(organisation=organisation, pk__in=ids)  # on an outer join's side
             .select_related("party", "payment_term").order_by("pk")}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise BusinessError("not_found", f"Facture introuvable : #{missing[0]}.", field="ids")
    documents = [found[pk] for pk in ids]
    for document in documents:
        document.organisation = organisation
        try:
            _expect(document, DocumentKind.INVOICE, {DocumentState.DRAFT}, "Valider")
            check_deposit(document)
        except BusinessError as error:
            raise name_in(error, document, len(documents) > 1) from None
    return issue_documents(actor=actor, organisation=organisation, documents=documents, action="invoice.validate")


# --- PDF on every core ---------------------------------------------------------------------------------------------

def _worker_setup(settings_module: str, database_name: str) -> None:
    """Runs once in each spawned worker: Django set up on the parent's settings and database (a test database
    included, whose name differs from the settings')."""
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.DATABASES["default"]["NAME"] = database_name
    import django

    django.setup()


def _worker_print(job: tuple[int, str]) -> str:
    from agora.sales.models import SalesDocument
    from agora.sales.services.output import document_filename, document_pdf

    pk, directory = job
    document = SalesDocument.objects.select_related("organisation", "party", "payment_term", "source",
                                                    "credited_invoice").get(pk=pk)
    path = Path(directory) / document_filename(document)
    path.write_bytes(document_pdf(document))
    return str(path)


def pdf_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def documents_pdf_batch(*, organisation, documents, directory, processes: int | None = None) -> list[str]:
    """Print every document (of `organisation`) to `directory`, one PDF each, on all cores; returns the paths
    in the given order. Workers are spawned (no fork of a live database connection) and set Django up once
    each; the documents must be committed, since the workers read them through their own connections."""
    from agora.sales.models import SalesDocument

    ids = list(dict.fromkeys(int(getattr(x, "pk", x)) for x in documents))
    known = set(SalesDocument.objects.filter(organisation=organisation, pk__in=ids).values_list("pk", flat=True))
    if len(known) != len(ids):
        raise BusinessError("not_found", "Document introuvable.", field="ids")
    Path(directory).mkdir(parents=True, exist_ok=True)
    jobs = [(pk, str(directory)) for pk in ids]
    processes = min(processes or pdf_workers(), len(jobs)) or 1
    if processes == 1 or connection.vendor == "sqlite" and connection.is_in_memory_db():
        return [_worker_print(job) for job in jobs]  # nothing to share, or a database other processes cannot open
    context = multiprocessing.get_context("spawn")
    initargs = (settings.SETTINGS_MODULE, str(connection.settings_dict["NAME"]))
    with context.Pool(processes, initializer=_worker_setup, initargs=initargs) as pool:
        return pool.map(_worker_print, jobs, chunksize=max(1, len(jobs) // (processes * 4)))


def documents_pdf_zip(*, organisation, documents, directory, processes: int | None = None) -> Path:
    """The documents' PDFs (printed in parallel) in one ZIP file inside `directory`."""
    folder = Path(directory)
    paths = documents_pdf_batch(organisation=organisation, documents=documents, directory=folder / "pdf",
                                processes=processes)
    archive = folder / "documents.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_STORED) as bundle:  # PDFs are compressed already
        for path in paths:
            bundle.write(path, arcname=Path(path).name)
    return archive
