"""Sales document screens: the five lists, the document form (inline lines, live totals by htmx), the detail
page with its chain, state, actions, mentions check and history. Thin: services and selectors do the work."""

import shutil
import tempfile
from functools import wraps
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from agora.catalog.models import Product, VatCategory
from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.money import ZERO, format_amount
from agora.core.permissions import has_perm, require

from ..domain import remaining
from ..forms import CreditForm, DepositForm, DocumentFilterForm, DocumentHeaderForm
from ..models import DocumentKind, DocumentState, SalesDocument
from ..selectors import documents as selectors
from ..services import documents as services

PAGE_SIZE = 50
ZIP_POOL_FROM = 8  # below this many PDFs, starting worker processes costs more than it saves
LINE_FIELDS = ("product", "description", "quantity", "unit", "unit_price", "discount_pct", "vat_rate", "source_line")
LISTS = {
    DocumentKind.QUOTE: ("quotes", "Devis"),
    DocumentKind.ORDER: ("orders", "Commandes"),
    DocumentKind.DELIVERY: ("deliveries", "Bons de livraison"),
    DocumentKind.INVOICE: ("invoices", "Factures"),
    DocumentKind.CREDIT_NOTE: ("credit_notes", "Avoirs"),
}
EXPORT_HEADER = ["Numéro", "Date", "Client", "État", "Échéance", "Total HT", "TVA", "Total TTC", "Net à payer"]


def sales_view(read: str = "sales.view", write: str | None = "sales.write"):
    """Log-in and permission gate: `read` for every request, `write` for POST (403 when refused)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                require(request.user, request.organisation, read)
                if write and request.method == "POST":
                    require(request.user, request.organisation, write)
                return view(request, *args, **kwargs)
            except PermissionDenied as denied:
                raise Forbidden(denied.message) from denied

        return wrapper

    return decorator


def _can(request, permission: str) -> bool:
    return has_perm(request.user, request.organisation, permission)


def _document(request, pk) -> SalesDocument:
    try:
        return selectors.document_get(organisation=request.organisation, pk=pk)
    except BusinessError:
        raise Http404("Document introuvable") from None


# --- lists ---------------------------------------------------------------------------------------------------------

def _list(request, kind: str):
    form = DocumentFilterForm(request.GET or None, organisation=request.organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"state": data["state"] or None, "party": data["party"], "date_from": data["date_from"],
                   "date_to": data["date_to"], "search": data["q"]}
    queryset = selectors.document_list(organisation=request.organisation, kind=kind, **filters)
    export = request.GET.get("export")
    name, title = LISTS[kind]
    if export in ("csv", "xlsx"):
        rows = ([d.number or f"brouillon {d.pk}", d.date, d.customer_name or d.party.name, d.get_state_display(),
                 d.due_date or "", d.untaxed_total, d.tax_total, d.total, d.net_to_pay]
                for d in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"{name}-{request.organisation.slug}.{export}", EXPORT_HEADER, rows)
    if request.GET.get("part") == "totals":
        # Loaded by htmx after the page (as the entry list does): summing 200,000 invoices must not delay the list.
        totals = queryset.order_by().aggregate(untaxed=Sum("untaxed_total"), tax=Sum("tax_total"),
                                               total=Sum("total"))
        return render(request, "sales/documents/_list_totals.html",
                      {"totals": {k: v or ZERO for k, v in totals.items()}})
    params = request.GET.copy()
    params.pop("page", None)
    csv_params, xlsx_params, totals_params = params.copy(), params.copy(), params.copy()
    csv_params["export"], xlsx_params["export"], totals_params["part"] = "csv", "xlsx", "totals"
    return render(request, "sales/documents/list.html", {
        "kind": kind, "title": title, "form": form,
        "page": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals_query": totals_params.urlencode(),
        "csv_query": csv_params.urlencode(), "xlsx_query": xlsx_params.urlencode(),
        "can_write": _can(request, "sales.write"), "can_validate": _can(request, "sales.validate"),
        "back_query": request.GET.urlencode(),
    })


@sales_view()
def quotes(request, org):
    return _list(request, DocumentKind.QUOTE)


@sales_view()
def orders(request, org):
    return _list(request, DocumentKind.ORDER)


@sales_view()
def deliveries(request, org):
    return _list(request, DocumentKind.DELIVERY)


@sales_view()
def invoices(request, org):
    return _list(request, DocumentKind.INVOICE)


@sales_view()
def credit_notes(request, org):
    return _list(request, DocumentKind.CREDIT_NOTE)


# --- form ------------------------------------------------------------------------------------------------------------

def _rows_from_post(post) -> list[dict]:
    columns = [post.getlist(f"line-{name}") for name in LINE_FIELDS]
    rows = []
    for values in zip(*columns, strict=False):
        row = {name: (value or "").strip() for name, value in zip(LINE_FIELDS, values, strict=True)}
        if any(row[name] for name in ("product", "description", "quantity", "unit_price")):
            row["errors"] = {}
            rows.append(row)
    return rows


def _service_lines(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        line = {k: v for k, v in row.items() if k != "errors" and v != ""}
        line["product"] = int(row["product"]) if row["product"].isdigit() else None
        line["source_line"] = int(row["source_line"]) if row["source_line"].isdigit() else None
        line.setdefault("quantity", "")
        out.append(line)
    return out


def _rows_from_document(document) -> list[dict]:
    return [{"product": str(x.product_id or ""), "description": x.description,
             "quantity": f"{x.quantity.normalize():f}".replace(".", ","), "unit": x.unit,
             "unit_price": f"{x.unit_price.normalize():f}".replace(".", ","),
             "discount_pct": format_amount(x.discount_pct, blank_zero=True),
             "vat_rate": f"{x.vat_rate.normalize():f}".replace(".", ","), "source_line": str(x.source_line_id or ""),
             "errors": {}} for x in document.lines.all()]


def _place_error(error: BusinessError, header, rows, line_errors) -> None:
    parts = (error.field or "").split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit():
        index = int(parts[1]) - 1
        if 0 <= index < len(rows):
            rows[index]["errors"][parts[2]] = error.message
            line_errors.append(error.message)
            return
    if parts[0] == "reductions":
        header.add_error("remise", error.message)
    elif error.field == "lines":
        line_errors.append(error.message)
    elif error.field in header.fields:
        header.add_error(error.field, error.message)
    else:
        header.add_error(None, error.message)


def _blank_row() -> dict:
    return {name: "" for name in LINE_FIELDS} | {"errors": {}}


def _form_context(request, kind, header, rows, line_errors, document=None) -> dict:
    organisation = request.organisation
    rows = list(rows)
    rows.append(_blank_row())
    return {
        "kind": kind, "kind_label": DocumentKind(kind).label, "document": document, "header": header,
        "rows": rows, "line_errors": line_errors, "blank": _blank_row(),
        "products": Product.objects.filter(organisation=organisation, active=True).select_related("vat_category")
        .only("id", "reference", "label", "sale_price", "unit", "vat_category__rate"),
        "rates": sorted({c.rate for c in VatCategory.objects.filter(organisation=organisation, active=True)},
                        reverse=True),
        "list_url": LISTS[kind][0],
    }


def _document_form(request, org, kind: str, document: SalesDocument | None):
    organisation = request.organisation
    line_errors: list[str] = []
    if request.method == "POST":
        header = DocumentHeaderForm(request.POST, organisation=organisation)
        rows = _rows_from_post(request.POST)
        if header.is_valid():
            data = header.service_data()
            try:
                if document is None:
                    saved = services.document_create(actor=request.user, organisation=organisation, kind=kind,
                                                     party=header.cleaned_data["party"], data=data,
                                                     lines=_service_lines(rows))
                else:
                    data["party"] = header.cleaned_data["party"]
                    saved = services.document_update(actor=request.user, document=document, data=data,
                                                     lines=_service_lines(rows))
            except BusinessError as error:
                _place_error(error, header, rows, line_errors)
            else:
                return redirect("sales:document_detail", org=org, pk=saved.pk)
    elif document is None:
        initial = {"date": timezone.localdate()}
        if request.GET.get("party", "").isdigit():
            initial["party"] = int(request.GET["party"])
        header = DocumentHeaderForm(organisation=organisation, initial=initial)
        rows = [_blank_row()]
    else:
        header = DocumentHeaderForm(organisation=organisation, initial=DocumentHeaderForm.initial_from(document))
        rows = _rows_from_document(document)
    return render(request, "sales/documents/form.html",
                  _form_context(request, kind, header, rows, line_errors, document))


@sales_view("sales.write")
def document_new(request, org, kind):
    if kind not in DocumentKind.values:
        raise Http404("Type de document inconnu")
    return _document_form(request, org, kind, None)


@sales_view("sales.write")
def document_edit(request, org, pk):
    document = _document(request, pk)
    if document.state != DocumentState.DRAFT:
        return _detail(request, document, errors=[f"{document} n'est plus un brouillon : il ne peut plus être "
                                                  "modifié."])
    return _document_form(request, org, document.kind, document)


@sales_view("sales.write")
def document_totals(request, org):
    """htmx: the totals block of the document being typed, computed by the service (core.totals)."""
    header = DocumentHeaderForm(request.POST, organisation=request.organisation)
    kind = request.POST.get("kind", DocumentKind.INVOICE)
    totals, error = None, ""
    if header.is_valid():
        try:
            totals = services.draft_totals(organisation=request.organisation, party=header.cleaned_data["party"],
                                           kind=kind, data=header.service_data(),
                                           lines=_service_lines(_rows_from_post(request.POST)))
        except BusinessError as exc:
            error = exc.message
    else:
        error = "Choisissez le client et la date pour calculer les totaux."
    return render(request, "sales/documents/_live_totals.html", {"totals": totals, "error": error})


# --- detail and actions -------------------------------------------------------------------------------------------

def _detail(request, document: SalesDocument, *, errors=(), status=200):
    document = selectors.document_get(organisation=request.organisation, pk=document.pk)
    lines = list(document.lines.all())
    for line in lines:
        line.left_to_deliver = remaining(line.quantity, line.delivered_quantity)
    check = document.kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE) and document.state == DocumentState.DRAFT
    totals = services.totals_of(document, lines)
    return render(request, "sales/documents/detail.html", {
        "document": document, "lines": lines, "tax_rows": list(document.tax_rows.all()), "totals": totals,
        "chain": selectors.document_chain(document), "errors": list(errors),
        "missing": services.pending_mentions(document) if check else [],
        "can_write": _can(request, "sales.write"), "can_validate": _can(request, "sales.validate"),
        "deposit_form": DepositForm(), "credit_form": CreditForm(),
        "history": history_of(organisation=request.organisation, obj=document),
    }, status=status)


@sales_view()
def document_detail(request, org, pk):
    return _detail(request, _document(request, pk))


def _quantities(request, prefix: str = "qty-") -> dict | None:
    values = {int(k[len(prefix):]): v for k, v in request.POST.items() if k.startswith(prefix) and v.strip()}
    return values or None


ACTIONS = {
    "send": (DocumentKind.QUOTE, "sales.write", lambda r, d: services.quote_send(actor=r.user, quote=d)),
    "accept": (DocumentKind.QUOTE, "sales.write", lambda r, d: services.quote_accept(actor=r.user, quote=d)),
    "refuse": (DocumentKind.QUOTE, "sales.write", lambda r, d: services.quote_refuse(actor=r.user, quote=d)),
    "deliver": (DocumentKind.ORDER, "sales.write",
                lambda r, d: services.order_deliver(actor=r.user, order=d, quantities=_quantities(r))),
    "invoice": ((DocumentKind.ORDER, DocumentKind.DELIVERY), "sales.write",
                lambda r, d: services.invoice_from(actor=r.user, source=d, quantities=_quantities(r))),
    "deposit": (DocumentKind.ORDER, "sales.write",
                lambda r, d: services.deposit_invoice_create(actor=r.user, order=d, pct=r.POST.get("pct", ""))),
    "validate_delivery": (DocumentKind.DELIVERY, "sales.write",
                          lambda r, d: services.delivery_validate(actor=r.user, delivery=d)),
    "validate": (DocumentKind.INVOICE, "sales.validate",
                 lambda r, d: services.invoice_validate(actor=r.user, invoice=d)),
    "validate_credit": (DocumentKind.CREDIT_NOTE, "sales.validate",
                        lambda r, d: services.credit_note_validate(actor=r.user, credit_note=d)),
    "credit": (DocumentKind.INVOICE, "sales.write", lambda r, d: services.credit_note_from_invoice(
        actor=r.user, invoice=d, quantities=_quantities(r), reason=r.POST.get("reason", ""),
        kind_of_credit=r.POST.get("kind_of_credit", ""),
        returns_goods=r.POST.get("returns_goods") in ("on", "1", "true"))),
    "delete": (tuple(DocumentKind.values), "sales.write",
               lambda r, d: services.document_delete(actor=r.user, document=d)),
}


@require_POST
@sales_view()
def document_action(request, org, pk, action):
    if action not in ACTIONS:
        raise Http404("Action inconnue")
    kinds, permission, call = ACTIONS[action]
    document = _document(request, pk)
    if document.kind not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise Http404("Action impossible sur ce document")
    try:
        require(request.user, request.organisation, permission)
    except PermissionDenied as denied:
        raise Forbidden(denied.message) from denied
    try:
        result = call(request, document)
    except BusinessError as error:
        return _detail(request, document, errors=[error.message], status=422)
    if action == "delete":
        return redirect(f"sales:{LISTS[document.kind][0]}", org=org)
    return redirect("sales:document_detail", org=org, pk=(result or document).pk)


@require_POST
@sales_view()
def invoices_selection(request, org):
    """The invoice list's batch actions on the ticked invoices: validate them all (one transaction, all or
    nothing) or download their PDFs in one ZIP (printed on every core)."""
    from ..services import batch

    ids = [int(x) for x in request.POST.getlist("ids") if x.isdigit()]
    back = reverse("sales:invoices", kwargs={"org": org}) + (f"?{request.POST['back']}" if request.POST.get("back")
                                                              else "")
    if not ids:
        messages.error(request, "Cochez au moins une facture.")
        return redirect(back)
    if request.POST.get("action") == "zip":
        return _pdf_zip(request, batch, ids)
    try:
        require(request.user, request.organisation, "sales.validate")
    except PermissionDenied as denied:
        raise Forbidden(denied.message) from denied
    try:
        done = batch.invoices_validate(actor=request.user, organisation=request.organisation, invoices=ids)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        numbers = f"{done[0].number} à {done[-1].number}" if len(done) > 1 else done[0].number
        messages.success(request, f"{len(done)} facture{'s' if len(done) > 1 else ''} validée"
                         f"{'s' if len(done) > 1 else ''} : {numbers}.")
    return redirect(back)


def _pdf_zip(request, batch, ids):
    directory = Path(tempfile.mkdtemp(prefix="agora-pdf-"))
    try:
        archive = batch.documents_pdf_zip(organisation=request.organisation, directory=directory, documents=ids,
                                          processes=1 if len(ids) < ZIP_POOL_FROM else None)
        content = archive.read_bytes()
    except BusinessError as error:
        raise Http404(error.message) from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="factures-{request.organisation.slug}.zip"'
    return response


urlpatterns = [
    path("factures/selection/", invoices_selection, name="invoices_selection"),
    path("devis/", quotes, name="quotes"),
    path("commandes/", orders, name="orders"),
    path("livraisons/", deliveries, name="deliveries"),
    path("factures/", invoices, name="invoices"),
    path("avoirs/", credit_notes, name="credit_notes"),
    path("documents/nouveau/<str:kind>/", document_new, name="document_new"),
    path("documents/totaux/", document_totals, name="document_totals"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
    path("documents/<int:pk>/modifier/", document_edit, name="document_edit"),
    path("documents/<int:pk>/action/<str:action>/", document_action, name="document_action"),
]
