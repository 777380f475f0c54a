"""Work on many invoices at once: validation in one transaction, PDFs on every core.

`invoices_validate` runs the same issue path as `invoice_validate` (documents.issue_documents: mentions, gapless
chronological numbers, one `entries_post` call, bulk update and audit) for a whole selection, all or nothing.
`documents_pdf_batch` renders the documents' HTML here and turns it into PDFs here and in spawned processes:
WeasyPrint is pure Python apart from Pango, so only processes use every core.
"""

import multiprocessing
import os
import zipfile
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from django.db import transaction

from agora.core.errors import BusinessError
from agora.sales.models import DocumentKind, DocumentState, SalesDocument
from agora.sales.services.documents import _expect, check_deposit, issue_documents, name_in
from agora.sales.services.output import document_filename, document_html
from agora.sales.services.printing import html_pdf_file, print_resources

MAX_BATCH = 5000


@transaction.atomic
def invoices_validate(*, actor, organisation, invoices) -> list:
    """Validate many draft invoices of `organisation` (documents or ids) in ONE transaction, all or nothing.

    Numbers follow the invoices' dates (then their ids): consecutive and gapless under one counter lock per
    fiscal year. One refused invoice refuses the batch, with its French message naming the invoice, and nothing
    is written. Returns the invoices in number order."""
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

def pdf_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def documents_pdf_batch(*, organisation, documents, directory, processes: int | None = None) -> list[str]:
    """Print every document (of `organisation`) to `directory`, one PDF each, on `processes` cores (all by
    default); returns the paths in the given order.

    This process reads the documents and renders their HTML (a few milliseconds each); WeasyPrint's HTML → PDF,
    which is nearly all the work, runs both here and in `processes - 1` spawned workers that import only
    services.printing (no Django, no database: no connection is forked, and SQLite in memory works too). The
    caller prints from the first document on while the workers start, and hands out documents as they finish,
    two ahead per worker."""
    ids = list(dict.fromkeys(int(getattr(x, "pk", x)) for x in documents))
    found = SalesDocument.objects.filter(organisation=organisation, pk__in=ids).select_related(
        "organisation", "party", "payment_term", "source", "credited_invoice").in_bulk()
    if len(found) != len(ids):
        raise BusinessError("not_found", "Document introuvable.", field="ids")
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    jobs = ((document_html(found[pk]), str(folder / document_filename(found[pk]))) for pk in ids)
    helpers = min(processes or pdf_workers(), len(ids)) - 1
    if helpers < 1:
        return [html_pdf_file(job) for job in jobs]
    paths = []
    context = multiprocessing.get_context("spawn")  # never fork a process holding database connections
    # Each worker loads WeasyPrint, the stylesheet and the fonts once, while this process prints already.
    with ProcessPoolExecutor(helpers, mp_context=context, initializer=print_resources) as pool:
        running: set[Future] = set()
        for job in jobs:
            paths.append(job[1])
            if len(running) < 2 * helpers:
                running.add(pool.submit(html_pdf_file, job))
            else:
                html_pdf_file(job)
            for future in [f for f in running if f.done()]:
                running.discard(future)
                future.result()  # a worker's failure fails the batch
        for future in running:
            future.result()
    return paths


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
