"""Purchase documents in the JSON API, under /api/v1/orgs/{org}/: purchase orders, goods receipts, supplier
invoices and credit notes (CRUD for drafts, lists with filters) and every action of the chain, the three-way
match report and the order PDF. Thin calls to the services.

Permissions: purchasing.view to read, purchasing.write to create/edit/derive/send, purchasing.validate to
validate (post) supplier invoices and credit notes. Another organisation's id answers 404; a refused rule
answers 422 {"code", "message", "field"}.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, NOT_FOUND, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError

from ..models import PurchaseDocument, PurchaseKind
from ..selectors import documents as selectors
from ..services import documents as services
from ..services import invoices, output, receipts

router = Router(tags=["achats"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
Kind = PurchaseKind
PLURAL = {Kind.ORDER: "purchase-orders", Kind.RECEIPT: "goods-receipts", Kind.INVOICE: "purchase-invoices",
          Kind.CREDIT_NOTE: "purchase-credit-notes"}


# --- schemas ---------------------------------------------------------------------------------------------------

class PurchaseReductionIn(Schema):
    label: str = "Remise"
    pct: AmountIn


class PurchaseLineIn(Schema):
    product: int | None = None
    label: str = ""
    quantity: AmountIn
    unit: str | None = None
    unit_price: AmountIn | None = None
    discount_pct: AmountIn | None = None
    vat_category: int | None = None
    account: str = ""
    order_line: int | None = None
    quantity_rejected: AmountIn | None = None
    quality_note: str = ""


class PurchaseDocumentIn(Schema):
    party: int
    issue_date: dt.date | None = None
    due_date: dt.date | None = None
    expected_date: dt.date | None = None
    supplier_reference: str = ""
    order_reference: str = ""
    reductions: list[PurchaseReductionIn] = []
    cash_discount_pct: AmountIn = "0"
    shipping: AmountIn = "0"
    escompte_offered_pct: AmountIn = "0"
    escompte_deadline: dt.date | None = None
    credit_reason: str = ""
    notes: str = ""
    source: int | None = None
    lines: list[PurchaseLineIn]


class PurchaseLineOut(Schema):
    id: int
    position: int
    product: int | None
    label: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_pct: Decimal
    vat_category: int
    vat_rate: Decimal
    account: str
    net_amount: Money
    order_line: int | None
    credited_line: int | None
    quantity_received: Decimal
    quantity_invoiced: Decimal
    quantity_accepted: Decimal
    quantity_rejected: Decimal
    quality_note: str


class PurchaseTaxOut(Schema):
    rate: Decimal
    base: Money
    tax: Money


class PurchaseSummaryOut(Schema):
    id: int
    kind: str
    status: str
    number: str
    issue_date: dt.date
    party: int
    party_name: str
    supplier_reference: str
    order_reference: str
    due_date: dt.date | None
    total_untaxed: Money
    total_vat: Money
    total_incl_tax: Money
    net_to_pay: Money


class DiscrepancyOut(Schema):
    code: str
    position: int
    label: str
    message: str
    expected: Decimal | None
    actual: Decimal | None


class PurchaseDocumentOut(PurchaseSummaryOut):
    expected_date: dt.date | None
    source: int | None
    reductions: list[dict]
    cash_discount_pct: Decimal
    shipping: Money
    lines_total: Money
    commercial_net: Money
    financial_net: Money
    escompte_offered_pct: Decimal
    escompte_deadline: dt.date | None
    source_format: str
    has_source_file: bool
    credit_reason: str
    returns_goods: bool
    notes: str
    entry: int | None
    lines: list[PurchaseLineOut]
    tax_rows: list[PurchaseTaxOut]
    chain: list[int]
    discrepancies: list[DiscrepancyOut]


class PurchasePageOut(Schema):
    count: int
    items: list[PurchaseSummaryOut]


class PurchaseFilters(Schema):
    status: str | None = None
    party: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    limit: int = 50
    offset: int = 0


class ReceiveIn(Schema):
    quantities: dict[int, AmountIn] | None = None
    rejected: dict[int, AmountIn] | None = None
    notes: dict[int, str] | None = None
    confirm_excess: bool = False
    on: dt.date | None = None
    supplier_reference: str = ""


class ConfirmExcessIn(Schema):
    confirm_excess: bool = False


class InvoiceFromIn(Schema):
    quantities: dict[int, AmountIn] | None = None
    supplier_reference: str = ""
    issue_date: dt.date | None = None
    due_date: dt.date | None = None


class ValidateIn(Schema):
    accept_discrepancies: bool = False


class PurchaseCreditIn(Schema):
    lines: dict[int, AmountIn] | None = None
    reason: str
    supplier_reference: str = ""
    issue_date: dt.date | None = None
    returns_goods: bool = False  # the goods go back to the supplier: they leave stock at validation


class PurchaseSendIn(Schema):
    to: str = ""
    message: str = ""


class SentOut(Schema):
    to: str
    sent_at: dt.datetime | None


# --- helpers -----------------------------------------------------------------------------------------------------

def _summary(doc: PurchaseDocument) -> dict:
    return {"id": doc.pk, "kind": doc.kind, "status": doc.status, "number": doc.number, "issue_date": doc.issue_date,
            "party": doc.party_id, "party_name": doc.party.name, "supplier_reference": doc.supplier_reference,
            "order_reference": doc.order_reference, "due_date": doc.due_date, "total_untaxed": doc.total_untaxed,
            "total_vat": doc.total_vat, "total_incl_tax": doc.total_incl_tax, "net_to_pay": doc.net_to_pay}


def _out(organisation, doc: PurchaseDocument) -> dict:
    doc = selectors.document_get(organisation=organisation, pk=doc.pk)
    report = invoices.invoice_match_report(doc) if doc.kind == Kind.INVOICE else []
    return {
        **_summary(doc), "expected_date": doc.expected_date, "source": doc.source_id, "reductions": doc.reductions,
        "cash_discount_pct": doc.cash_discount_pct, "shipping": doc.shipping, "lines_total": doc.lines_total,
        "commercial_net": doc.commercial_net, "financial_net": doc.financial_net,
        "escompte_offered_pct": doc.escompte_offered_pct, "escompte_deadline": doc.escompte_deadline,
        "source_format": doc.source_format, "has_source_file": bool(doc.source_file),
        "credit_reason": doc.credit_reason, "returns_goods": doc.returns_goods, "notes": doc.notes,
        "entry": doc.entry_id,
        "lines": [{"id": x.pk, "position": x.position, "product": x.product_id, "label": x.label,
                   "quantity": x.quantity, "unit": x.unit, "unit_price": x.unit_price, "discount_pct": x.discount_pct,
                   "vat_category": x.vat_category_id, "vat_rate": x.vat_rate, "account": x.account,
                   "net_amount": x.net_amount, "order_line": x.order_line_id, "credited_line": x.credited_line_id,
                   "quantity_received": x.quantity_received, "quantity_invoiced": x.quantity_invoiced,
                   "quantity_accepted": x.quantity_accepted, "quantity_rejected": x.quantity_rejected,
                   "quality_note": x.quality_note} for x in doc.lines.all()],
        "tax_rows": [{"rate": t.rate, "base": t.base, "tax": t.tax} for t in doc.tax_rows.all()],
        "chain": [d.pk for d in selectors.document_chain(doc)],
        "discrepancies": [vars(d) for d in report],
    }


def _get(organisation, pk: int, kind: str) -> PurchaseDocument:
    try:
        doc = selectors.document_get(organisation=organisation, pk=pk)
    except BusinessError:
        raise Http404(NOT_FOUND) from None
    if doc.kind != kind:
        raise Http404(NOT_FOUND)
    return doc


def _payload(payload: PurchaseDocumentIn) -> tuple[dict, list[dict]]:
    data = payload.dict()
    lines = data.pop("lines")
    data.pop("party")
    return data, lines


def _keys(raw) -> dict | None:
    return None if raw is None else {int(k): v for k, v in raw.items()}


def _data(payload, *names) -> dict:
    return {name: getattr(payload, name) for name in names if getattr(payload, name)}


# --- CRUD per kind ------------------------------------------------------------------------------------------------

def _register(kind: str, plural: str) -> None:
    label = Kind(kind).label.lower()
    path = f"{PREFIX}/{plural}"
    op = plural.replace("-", "_")

    @router.get(path, response={200: PurchasePageOut, **ERRORS}, summary=f"Liste : {label}", operation_id=f"{op}_list")
    def list_(request, org: str, filters: Query[PurchaseFilters]):
        organisation = organisation_for(request, org, "purchasing.view")
        query = selectors.document_list(organisation=organisation, kind=kind, status=filters.status,
                                        party=filters.party, date_from=filters.date_from, date_to=filters.date_to,
                                        search=filters.search)
        limit = max(1, min(filters.limit, MAX_LIMIT))
        offset = max(0, filters.offset)
        return {"count": query.count(), "items": [_summary(d) for d in query[offset:offset + limit]]}

    @router.post(path, response={201: PurchaseDocumentOut, **BODY_ERRORS}, summary=f"Créer : {label} (brouillon)",
                 operation_id=f"{op}_create")
    def create(request, org: str, payload: PurchaseDocumentIn):
        organisation = organisation_for(request, org, "purchasing.write")
        data, lines = _payload(payload)
        doc = services.purchase_document_create(actor=request.auth, organisation=organisation, kind=kind,
                                                party=payload.party, data=data, lines=lines)
        return Status(201, _out(organisation, doc))

    @router.get(path + "/{int:doc_id}", response={200: PurchaseDocumentOut, **ERRORS}, summary=f"Détail : {label}",
                operation_id=f"{op}_get")
    def get(request, org: str, doc_id: int):
        organisation = organisation_for(request, org, "purchasing.view")
        return _out(organisation, _get(organisation, doc_id, kind))

    @router.put(path + "/{int:doc_id}", response={200: PurchaseDocumentOut, **BODY_ERRORS},
                summary=f"Modifier un brouillon : {label}", operation_id=f"{op}_update")
    def update(request, org: str, doc_id: int, payload: PurchaseDocumentIn):
        organisation = organisation_for(request, org, "purchasing.write")
        data, lines = _payload(payload)
        doc = services.purchase_document_update(actor=request.auth, document=_get(organisation, doc_id, kind),
                                                data=data, lines=lines)
        return _out(organisation, doc)

    @router.delete(path + "/{int:doc_id}", response={204: None, **ERRORS},
                   summary=f"Supprimer un brouillon : {label}", operation_id=f"{op}_delete")
    def delete(request, org: str, doc_id: int):
        organisation = organisation_for(request, org, "purchasing.write")
        services.purchase_document_delete(actor=request.auth, document=_get(organisation, doc_id, kind))
        return Status(204, None)


for _kind, _plural in PLURAL.items():
    _register(_kind, _plural)


# --- actions -------------------------------------------------------------------------------------------------------

ORDERS = f"{PREFIX}/{PLURAL[Kind.ORDER]}/{{int:doc_id}}"
RECEIPTS = f"{PREFIX}/{PLURAL[Kind.RECEIPT]}/{{int:doc_id}}"
INVOICES = f"{PREFIX}/{PLURAL[Kind.INVOICE]}/{{int:doc_id}}"
CREDITS = f"{PREFIX}/{PLURAL[Kind.CREDIT_NOTE]}/{{int:doc_id}}"


@router.post(ORDERS + "/confirm", response={200: PurchaseDocumentOut, **ERRORS},
             summary="Confirmer la commande (numéro)")
def order_confirm(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    order = services.purchase_order_confirm(actor=request.auth, order=_get(organisation, doc_id, Kind.ORDER))
    return _out(organisation, order)


@router.post(ORDERS + "/cancel", response={200: PurchaseDocumentOut, **ERRORS}, summary="Annuler la commande")
def order_cancel(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "purchasing.write")
    order = services.purchase_order_cancel(actor=request.auth, order=_get(organisation, doc_id, Kind.ORDER))
    return _out(organisation, order)


@router.get(ORDERS + "/pdf", response={200: None, **ERRORS}, summary="PDF du bon de commande",
            openapi_extra={"responses": {200: {"description": "Le bon de commande (PDF)", "content": {
                output.PDF_TYPE: {"schema": {"type": "string", "format": "binary"}}}}}})
def order_pdf(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "purchasing.view")
    order = _get(organisation, doc_id, Kind.ORDER)
    response = HttpResponse(output.order_pdf(order), content_type=output.PDF_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{output.order_filename(order)}"'
    return response


@router.post(ORDERS + "/send", response={200: SentOut, **BODY_ERRORS},
             summary="Envoyer la commande au fournisseur par e-mail (PDF joint)")
def order_send(request, org: str, doc_id: int, payload: PurchaseSendIn):
    organisation = organisation_for(request, org, "purchasing.write")
    log = output.order_send(actor=request.auth, order=_get(organisation, doc_id, Kind.ORDER), to=payload.to,
                            message=payload.message)
    return {"to": log.to, "sent_at": log.sent_at}


@router.post(ORDERS + "/receive", response={201: PurchaseDocumentOut, **BODY_ERRORS},
             summary="Réceptionner la commande (bon de réception brouillon, réception partielle, contrôle qualité)")
def order_receive(request, org: str, doc_id: int, payload: ReceiveIn):
    organisation = organisation_for(request, org, "purchasing.write")
    receipt = receipts.receipt_create_from_order(
        actor=request.auth, order=_get(organisation, doc_id, Kind.ORDER), quantities=_keys(payload.quantities),
        rejected=_keys(payload.rejected), notes=_keys(payload.notes), confirm_excess=payload.confirm_excess,
        on=payload.on, supplier_reference=payload.supplier_reference)
    return Status(201, _out(organisation, receipt))


@router.post(ORDERS + "/invoice", response={201: PurchaseDocumentOut, **BODY_ERRORS},
             summary="Facture fournisseur (brouillon) depuis la commande")
def order_invoice(request, org: str, doc_id: int, payload: InvoiceFromIn):
    organisation = organisation_for(request, org, "purchasing.write")
    invoice = invoices.invoice_create_from_order(
        actor=request.auth, order=_get(organisation, doc_id, Kind.ORDER), quantities=_keys(payload.quantities),
        data=_data(payload, "supplier_reference", "issue_date", "due_date"))
    return Status(201, _out(organisation, invoice))


@router.post(RECEIPTS + "/validate", response={200: PurchaseDocumentOut, **BODY_ERRORS}, summary="Valider la réception")
def receipt_validate(request, org: str, doc_id: int, payload: ConfirmExcessIn):
    organisation = organisation_for(request, org, "purchasing.write")
    receipt = receipts.receipt_validate(actor=request.auth, receipt=_get(organisation, doc_id, Kind.RECEIPT),
                                        confirm_excess=payload.confirm_excess)
    return _out(organisation, receipt)


@router.post(RECEIPTS + "/invoice", response={201: PurchaseDocumentOut, **BODY_ERRORS},
             summary="Facture fournisseur (brouillon) depuis la réception")
def receipt_invoice(request, org: str, doc_id: int, payload: InvoiceFromIn):
    organisation = organisation_for(request, org, "purchasing.write")
    invoice = invoices.invoice_create_from_receipt(
        actor=request.auth, receipt=_get(organisation, doc_id, Kind.RECEIPT),
        data=_data(payload, "supplier_reference", "issue_date", "due_date"))
    return Status(201, _out(organisation, invoice))


@router.get(INVOICES + "/match", response={200: list[DiscrepancyOut], **ERRORS},
            summary="Rapprochement commande / réception / facture : les écarts")
def invoice_match(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "purchasing.view")
    return [vars(d) for d in invoices.invoice_match_report(_get(organisation, doc_id, Kind.INVOICE))]


@router.post(INVOICES + "/validate", response={200: PurchaseDocumentOut, **BODY_ERRORS},
             summary="Valider la facture fournisseur (numéro, écriture AC ; accept_discrepancies pour passer outre "
                     "les écarts)")
def invoice_validate(request, org: str, doc_id: int, payload: ValidateIn):
    organisation = organisation_for(request, org, "purchasing.validate")
    invoice = invoices.supplier_invoice_validate(actor=request.auth,
                                                 invoice=_get(organisation, doc_id, Kind.INVOICE),
                                                 accept_discrepancies=payload.accept_discrepancies)
    return _out(organisation, invoice)


@router.post(INVOICES + "/credit-note", response={201: PurchaseDocumentOut, **BODY_ERRORS},
             summary="Avoir fournisseur (brouillon) sur la facture")
def invoice_credit(request, org: str, doc_id: int, payload: PurchaseCreditIn):
    organisation = organisation_for(request, org, "purchasing.write")
    credit = invoices.credit_note_create_from_invoice(
        actor=request.auth, invoice=_get(organisation, doc_id, Kind.INVOICE), lines=_keys(payload.lines),
        reason=payload.reason, data=_data(payload, "supplier_reference", "issue_date"),
        returns_goods=payload.returns_goods)
    return Status(201, _out(organisation, credit))


@router.post(CREDITS + "/validate", response={200: PurchaseDocumentOut, **ERRORS},
             summary="Valider l'avoir fournisseur")
def credit_note_validate(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "purchasing.validate")
    credit = invoices.credit_note_validate(actor=request.auth,
                                           credit_note=_get(organisation, doc_id, Kind.CREDIT_NOTE))
    return _out(organisation, credit)
