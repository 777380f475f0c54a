"""Purchase document screens: the four lists, the order / invoice form (a grid of lines), the detail page with
its chain, status, three-way match, actions and history; the order PDF and its sending; the supplier's file.
Thin: services and selectors do the work."""

from django.core.exceptions import PermissionDenied as Forbidden
from django.db.models import Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.catalog.models import Product, VatCategory
from agora.core import exports
from agora.core.audit import history_of
from agora.core.dates import parse_date
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.money import ZERO
from agora.core.permissions import require
from agora.core.views import can, org_view, paginate, query_with, today

from ..domain import quantity_text, remaining
from ..forms import DocumentFilterForm, DocumentHeaderForm
from ..models import PurchaseDocument, PurchaseKind, PurchaseStatus
from ..selectors import documents as selectors
from ..services import documents as services
from ..services import invoices, output, receipts

Kind = PurchaseKind
Status = PurchaseStatus
LINE_FIELDS = ("product", "label", "quantity", "unit", "unit_price", "discount_pct", "vat_category", "account",
               "order_line")
BLANK_ROWS = 3
LISTS = {
    Kind.ORDER: ("orders", "Commandes fournisseurs"),
    Kind.RECEIPT: ("receipts", "Bons de réception"),
    Kind.INVOICE: ("invoices", "Factures fournisseurs"),
    Kind.CREDIT_NOTE: ("credit_notes", "Avoirs fournisseurs"),
}
EXPORT_HEADER = ["Numéro", "Date", "Fournisseur", "N° fournisseur", "Réf. commande", "État", "Échéance", "Total HT",
                 "TVA", "Total TTC"]
purchasing_view = org_view("purchasing.view", "purchasing.write")


def _document(request, pk) -> PurchaseDocument:
    try:
        return selectors.document_get(organisation=request.organisation, pk=pk)
    except BusinessError:
        raise Http404("Document introuvable") from None


def _require(request, permission: str) -> None:
    try:
        require(request.user, request.organisation, permission)
    except PermissionDenied as denied:
        raise Forbidden(denied.message) from denied


# --- lists ---------------------------------------------------------------------------------------------------

def _list(request, kind: str):
    form = DocumentFilterForm(request.GET or None, organisation=request.organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"] or None, "party": data["party"], "date_from": data["date_from"],
                   "date_to": data["date_to"], "search": data["q"]}
    queryset = selectors.document_list(organisation=request.organisation, kind=kind, **filters)
    name, title = LISTS[kind]
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([d.number or f"brouillon {d.pk}", d.issue_date, d.party.name, d.supplier_reference, d.order_reference,
                 d.get_status_display(), d.due_date or "", d.total_untaxed, d.total_vat, d.total_incl_tax]
                for d in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"achats-{name}-{request.organisation.slug}.{export}", EXPORT_HEADER, rows)
    totals = queryset.order_by().aggregate(untaxed=Sum("total_untaxed"), vat=Sum("total_vat"),
                                           total=Sum("total_incl_tax"))
    return render(request, "purchasing/list.html", {
        "kind": kind, "title": title, "form": form, "page": paginate(request, queryset),
        "totals": {k: v or ZERO for k, v in totals.items()},
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
        "can_write": can(request, "purchasing.write"),
    })


@purchasing_view
def orders(request, org):
    return _list(request, Kind.ORDER)


@purchasing_view
def receipts_list(request, org):
    return _list(request, Kind.RECEIPT)


@purchasing_view
def invoices_list(request, org):
    return _list(request, Kind.INVOICE)


@purchasing_view
def credit_notes(request, org):
    return _list(request, Kind.CREDIT_NOTE)


# --- form ----------------------------------------------------------------------------------------------------

def _blank_row() -> dict:
    return {name: "" for name in LINE_FIELDS} | {"errors": {}}


def _rows_from_post(post) -> list[dict]:
    columns = [post.getlist(f"line-{name}") for name in LINE_FIELDS]
    rows = []
    for values in zip(*columns, strict=False):
        row = {name: (value or "").strip() for name, value in zip(LINE_FIELDS, values, strict=True)}
        if any(row[name] for name in ("product", "label", "quantity", "unit_price")):
            rows.append(row | {"errors": {}})
    return rows


def _service_lines(rows: list[dict]) -> list[dict]:
    out = []
    for row in rows:
        line = {k: v for k, v in row.items() if k != "errors" and v != ""}
        for name in ("product", "vat_category", "order_line"):
            line[name] = int(row[name]) if row[name].isdigit() else None
        line.setdefault("quantity", "")
        out.append(line)
    return out


def _rows_from_document(document) -> list[dict]:
    return [{"product": str(x.product_id or ""), "label": x.label, "quantity": quantity_text(x.quantity),
             "unit": x.unit, "unit_price": quantity_text(x.unit_price),
             "discount_pct": quantity_text(x.discount_pct) if x.discount_pct else "",
             "vat_category": str(x.vat_category_id), "account": x.account, "order_line": str(x.order_line_id or ""),
             "errors": {}} for x in document.lines.all()]


def _place_error(error: BusinessError, header, rows, line_errors) -> None:
    parts = (error.field or "").split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and 0 < int(parts[1]) <= len(rows):
        rows[int(parts[1]) - 1]["errors"][parts[2]] = error.message
        line_errors.append(error.message)
    elif parts[0] == "reductions":
        header.add_error("remise", error.message)
    elif error.field == "lines":
        line_errors.append(error.message)
    elif error.field in header.fields:
        header.add_error(error.field, error.message)
    else:
        header.add_error(None, error.message)


def _document_form(request, org, kind: str, document: PurchaseDocument | None):
    organisation = request.organisation
    line_errors: list[str] = []
    if request.method == "POST":
        header = DocumentHeaderForm(request.POST, request.FILES, organisation=organisation, kind=kind)
        rows = _rows_from_post(request.POST)
        if header.is_valid():
            try:
                if document is None:
                    saved = services.purchase_document_create(
                        actor=request.user, organisation=organisation, kind=kind,
                        party=header.cleaned_data["party"], data=header.service_data(), lines=_service_lines(rows))
                else:
                    saved = services.purchase_document_update(actor=request.user, document=document,
                                                              data=header.service_data(),
                                                              lines=_service_lines(rows))
            except BusinessError as error:
                _place_error(error, header, rows, line_errors)
            else:
                return redirect("purchasing:document_detail", org=org, pk=saved.pk)
    elif document is None:
        initial = {"issue_date": today()}
        if request.GET.get("party", "").isdigit():
            initial["party"] = int(request.GET["party"])
        header = DocumentHeaderForm(organisation=organisation, kind=kind, initial=initial)
        rows = []
    else:
        header = DocumentHeaderForm(organisation=organisation, kind=kind,
                                    initial=DocumentHeaderForm.initial_from(document))
        rows = _rows_from_document(document)
    rows = rows + [_blank_row() for _ in range(BLANK_ROWS)]
    return render(request, "purchasing/form.html", {
        "kind": kind, "kind_label": Kind(kind).label, "document": document, "header": header, "rows": rows,
        "line_errors": line_errors, "list_url": LISTS[kind][0],
        "products": Product.objects.filter(organisation=organisation, active=True).only("id", "reference", "label"),
        "vat_categories": VatCategory.objects.filter(organisation=organisation, active=True),
    })


@purchasing_view
def document_new(request, org, kind):
    _require(request, "purchasing.write")
    if kind not in (Kind.ORDER, Kind.INVOICE):
        raise Http404("Type de document inconnu")
    return _document_form(request, org, kind, None)


@purchasing_view
def document_edit(request, org, pk):
    _require(request, "purchasing.write")
    document = _document(request, pk)
    if document.status != Status.DRAFT or document.kind not in (Kind.ORDER, Kind.INVOICE):
        return _detail(request, document, errors=[f"{document} ne peut plus être modifié."], status=422)
    return _document_form(request, org, document.kind, document)


# --- detail and actions --------------------------------------------------------------------------------------

def _detail(request, document: PurchaseDocument, *, errors=(), status=200):
    document = selectors.document_get(organisation=request.organisation, pk=document.pk)
    lines = list(document.lines.all())
    for line in lines:
        line.left_to_receive = remaining(line.quantity, line.quantity_received)
    report = invoices.invoice_match_report(document) if document.kind == Kind.INVOICE else []
    return render(request, "purchasing/detail.html", {
        "document": document, "lines": lines, "totals": services.totals_of(document, lines),
        "discrepancies": report, "chain": selectors.document_chain(document), "errors": list(errors),
        "can_write": can(request, "purchasing.write"), "can_validate": can(request, "purchasing.validate"),
        "history": history_of(organisation=request.organisation, obj=document), "today": today(),
    }, status=status)


@purchasing_view
def document_detail(request, org, pk):
    return _detail(request, _document(request, pk))


def _per_line(request, prefix: str) -> dict | None:
    values = {int(k[len(prefix):]): v.strip() for k, v in request.POST.items()
              if k.startswith(prefix) and k[len(prefix):].isdigit() and v.strip()}
    return values or None


def _checked(request, name: str) -> bool:
    return request.POST.get(name) in ("on", "1", "true")


def _invoice_data(request) -> dict:
    return {k: request.POST[k] for k in ("supplier_reference", "issue_date", "due_date") if request.POST.get(k)}


ACTIONS = {
    "confirm": (Kind.ORDER, "purchasing.write",
                lambda r, d: services.purchase_order_confirm(actor=r.user, order=d)),
    "cancel": (Kind.ORDER, "purchasing.write", lambda r, d: services.purchase_order_cancel(actor=r.user, order=d)),
    "receive": (Kind.ORDER, "purchasing.write", lambda r, d: receipts.receipt_create_from_order(
        actor=r.user, order=d, quantities=_per_line(r, "qty-"), rejected=_per_line(r, "rejected-"),
        notes=_per_line(r, "note-"), confirm_excess=_checked(r, "confirm_excess"),
        on=parse_date(r.POST.get("issue_date"), field="issue_date"),
        supplier_reference=r.POST.get("supplier_reference", ""))),
    "validate_receipt": (Kind.RECEIPT, "purchasing.write", lambda r, d: receipts.receipt_validate(
        actor=r.user, receipt=d, confirm_excess=_checked(r, "confirm_excess"))),
    "invoice": (Kind.ORDER, "purchasing.write", lambda r, d: invoices.invoice_create_from_order(
        actor=r.user, order=d, quantities=_per_line(r, "inv-"), data=_invoice_data(r))),
    "invoice_receipt": (Kind.RECEIPT, "purchasing.write", lambda r, d: invoices.invoice_create_from_receipt(
        actor=r.user, receipt=d, data=_invoice_data(r))),
    "validate": (Kind.INVOICE, "purchasing.validate", lambda r, d: invoices.supplier_invoice_validate(
        actor=r.user, invoice=d, accept_discrepancies=_checked(r, "accept_discrepancies"))),
    "credit": (Kind.INVOICE, "purchasing.write", lambda r, d: invoices.credit_note_create_from_invoice(
        actor=r.user, invoice=d, lines=_per_line(r, "credit-"), reason=r.POST.get("reason", ""),
        data=_invoice_data(r), returns_goods=_checked(r, "returns_goods"))),
    "validate_credit": (Kind.CREDIT_NOTE, "purchasing.validate",
                        lambda r, d: invoices.credit_note_validate(actor=r.user, credit_note=d)),
    "delete": (tuple(Kind.values), "purchasing.write",
               lambda r, d: services.purchase_document_delete(actor=r.user, document=d)),
}


@require_POST
@purchasing_view
def document_action(request, org, pk, action):
    if action not in ACTIONS:
        raise Http404("Action inconnue")
    kinds, permission, call = ACTIONS[action]
    document = _document(request, pk)
    if document.kind not in (kinds if isinstance(kinds, tuple) else (kinds,)):
        raise Http404("Action impossible sur ce document")
    _require(request, permission)
    try:
        result = call(request, document)
    except BusinessError as error:
        return _detail(request, document, errors=[error.message], status=422)
    if action == "delete":
        return redirect(f"purchasing:{LISTS[document.kind][0]}", org=org)
    return redirect("purchasing:document_detail", org=org, pk=(result or document).pk)


@purchasing_view
def order_pdf(request, org, pk):
    document = _document(request, pk)
    if document.kind != Kind.ORDER:
        raise Http404("Seule une commande s'imprime ici")
    response = HttpResponse(output.order_pdf(document), content_type=output.PDF_TYPE)
    response["Content-Disposition"] = f'inline; filename="{output.order_filename(document)}"'
    return response


@require_POST
@purchasing_view
def order_send(request, org, pk):
    document = _document(request, pk)
    try:
        output.order_send(actor=request.user, order=document, to=request.POST.get("to", ""),
                          message=request.POST.get("message", ""))
    except BusinessError as error:
        return _detail(request, document, errors=[error.message], status=422)
    return redirect("purchasing:document_detail", org=org, pk=document.pk)


@purchasing_view
def source_file(request, org, pk):
    """The supplier's own file (PDF, Factur-X), served to the organisation's members only."""
    document = _document(request, pk)
    if not document.source_file:
        raise Http404("Aucune pièce jointe")
    return FileResponse(document.source_file.open("rb"), as_attachment=False,
                        filename=document.source_file.name.rsplit("/", 1)[-1])


urlpatterns = [
    path("commandes/", orders, name="orders"),
    path("receptions/", receipts_list, name="receipts"),
    path("factures/", invoices_list, name="invoices"),
    path("avoirs/", credit_notes, name="credit_notes"),
    path("documents/nouveau/<str:kind>/", document_new, name="document_new"),
    path("documents/<int:pk>/", document_detail, name="document_detail"),
    path("documents/<int:pk>/modifier/", document_edit, name="document_edit"),
    path("documents/<int:pk>/action/<str:action>/", document_action, name="document_action"),
    path("documents/<int:pk>/commande.pdf", order_pdf, name="order_pdf"),
    path("documents/<int:pk>/envoyer/", order_send, name="order_send"),
    path("documents/<int:pk>/piece/", source_file, name="source_file"),
]
