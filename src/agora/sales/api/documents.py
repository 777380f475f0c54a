"""Sales documents in the JSON API, under /api/v1/orgs/{org}/: quotes, orders, deliveries, invoices and credit
notes (CRUD for drafts, lists with filters) and every action of the chain. Thin calls to the services.

Permissions: sales.view to read, sales.write to create/edit/derive, sales.validate to issue invoices and credit
notes. Another organisation's id answers 404; a refused rule answers 422 {"code", "message", "field"}.
"""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, NOT_FOUND, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError

from ..models import DocumentKind, SalesDocument
from ..selectors import documents as selectors
from ..services import documents as services

router = Router(tags=["ventes"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500
PLURAL = {
    DocumentKind.QUOTE: "quotes",
    DocumentKind.ORDER: "orders",
    DocumentKind.DELIVERY: "deliveries",
    DocumentKind.INVOICE: "invoices",
    DocumentKind.CREDIT_NOTE: "credit-notes",
}


# --- schemas ---------------------------------------------------------------------------------------------------

class ReductionIn(Schema):
    label: str = "Remise"
    pct: AmountIn


class SalesLineIn(Schema):
    product: int | None = None
    description: str = ""
    kind: str | None = None
    quantity: AmountIn
    unit: str | None = None
    unit_price: AmountIn | None = None
    discount_pct: AmountIn | None = None
    vat_rate: AmountIn | None = None
    vat_mention: str = ""
    revenue_account: str = ""
    source_line: int | None = None


class DocumentIn(Schema):
    party: int
    date: dt.date | None = None
    valid_until: dt.date | None = None
    delivery_date: dt.date | None = None
    customer_reference: str = ""
    payment_term: int | None = None
    reductions: list[ReductionIn] = []
    cash_discount_pct: AmountIn = "0"
    shipping: AmountIn = "0"
    operation_category: str = ""
    vat_on_debits: bool | None = None
    notes: str = ""
    lines: list[SalesLineIn]


class SalesLineOut(Schema):
    id: int
    line_no: int
    product: int | None
    description: str
    kind: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    discount_pct: Decimal
    vat_rate: Decimal
    vat_mention: str
    revenue_account: str
    net_amount: Money
    source_line: int | None
    delivered_quantity: Decimal
    invoiced_quantity: Decimal


class TaxOut(Schema):
    rate: Decimal
    base: Money
    tax: Money
    mention: str


class SummaryOut(Schema):
    id: int
    kind: str
    state: str
    number: str
    date: dt.date
    party: int
    party_name: str
    is_deposit: bool
    due_date: dt.date | None
    untaxed_total: Money
    tax_total: Money
    total: Money
    net_to_pay: Money


class DocumentOut(SummaryOut):
    valid_until: dt.date | None
    delivery_date: dt.date | None
    customer_name: str
    customer_address: str
    customer_siren: str
    customer_reference: str
    payment_term: int | None
    source: int | None
    credited_invoice: int | None
    credit_reason: str
    returns_goods: bool
    operation_category: str
    vat_on_debits: bool
    reductions: list[dict]
    cash_discount_pct: Decimal
    shipping: Money
    deposit_deducted: Money
    lines_total: Money
    commercial_net: Money
    financial_net: Money
    entry: int | None
    lines: list[SalesLineOut]
    tax_rows: list[TaxOut]
    chain: list[int]
    missing_mentions: list[str]


class PageOut(Schema):
    count: int
    items: list[SummaryOut]


class Filters(Schema):
    state: str | None = None
    party: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    limit: int = 50
    offset: int = 0


class QuantitiesIn(Schema):
    quantities: dict[int, AmountIn] | None = None
    on: dt.date | None = None


class AcceptIn(Schema):
    on: dt.date | None = None


class DepositIn(Schema):
    pct: AmountIn


class CreditIn(Schema):
    quantities: dict[int, AmountIn] | None = None
    reason: str
    kind_of_credit: str
    returns_goods: bool = False  # the goods came back: they re-enter stock when the credit note is validated


class ExpireIn(Schema):
    today: dt.date


class CountOut(Schema):
    count: int


# --- helpers -----------------------------------------------------------------------------------------------------

def _summary(doc: SalesDocument) -> dict:
    return {"id": doc.pk, "kind": doc.kind, "state": doc.state, "number": doc.number, "date": doc.date,
            "party": doc.party_id, "party_name": doc.customer_name or doc.party.name, "is_deposit": doc.is_deposit,
            "due_date": doc.due_date, "untaxed_total": doc.untaxed_total, "tax_total": doc.tax_total,
            "total": doc.total, "net_to_pay": doc.net_to_pay}


def _out(organisation, doc: SalesDocument) -> dict:
    doc = selectors.document_get(organisation=organisation, pk=doc.pk)
    check = doc.kind in (DocumentKind.INVOICE, DocumentKind.CREDIT_NOTE) and doc.state == "draft"
    return {
        **_summary(doc), "valid_until": doc.valid_until, "delivery_date": doc.delivery_date,
        "customer_name": doc.customer_name, "customer_address": doc.customer_address,
        "customer_siren": doc.customer_siren, "customer_reference": doc.customer_reference,
        "payment_term": doc.payment_term_id, "source": doc.source_id, "credited_invoice": doc.credited_invoice_id,
        "credit_reason": doc.credit_reason, "returns_goods": doc.returns_goods,
        "operation_category": doc.operation_category,
        "vat_on_debits": doc.vat_on_debits, "reductions": doc.reductions, "cash_discount_pct": doc.cash_discount_pct,
        "shipping": doc.shipping, "deposit_deducted": doc.deposit_deducted, "lines_total": doc.lines_total,
        "commercial_net": doc.commercial_net, "financial_net": doc.financial_net, "entry": doc.entry_id,
        "lines": [{"id": x.pk, "line_no": x.line_no, "product": x.product_id, "description": x.description,
                   "kind": x.kind, "quantity": x.quantity, "unit": x.unit, "unit_price": x.unit_price,
                   "discount_pct": x.discount_pct, "vat_rate": x.vat_rate, "vat_mention": x.vat_mention,
                   "revenue_account": x.revenue_account, "net_amount": x.net_amount, "source_line": x.source_line_id,
                   "delivered_quantity": x.delivered_quantity, "invoiced_quantity": x.invoiced_quantity}
                  for x in doc.lines.all()],
        "tax_rows": [{"rate": t.rate, "base": t.base, "tax": t.tax, "mention": t.mention} for t in doc.tax_rows.all()],
        "chain": [d.pk for d in selectors.document_chain(doc)],
        "missing_mentions": services.pending_mentions(doc) if check else [],
    }


def _get(organisation, pk: int, kind: str) -> SalesDocument:
    try:
        doc = selectors.document_get(organisation=organisation, pk=pk)
    except BusinessError:
        raise Http404(NOT_FOUND) from None
    if doc.kind != kind:
        raise Http404(NOT_FOUND)
    return doc


def _payload(payload: DocumentIn) -> tuple[dict, list[dict]]:
    data = payload.dict()
    lines = data.pop("lines")
    data.pop("party")
    return data, lines


def _quantities(raw) -> dict | None:
    return None if raw is None else {int(k): v for k, v in raw.items()}


# --- CRUD per kind ------------------------------------------------------------------------------------------------

def _register(kind: str, plural: str) -> None:
    label = DocumentKind(kind).label.lower()
    path = f"{PREFIX}/{plural}"
    op = plural.replace("-", "_")

    @router.get(path, response={200: PageOut, **ERRORS}, summary=f"Liste : {label}", operation_id=f"{op}_list")
    def list_(request, org: str, filters: Query[Filters]):
        organisation = organisation_for(request, org, "sales.view")
        query = selectors.document_list(organisation=organisation, kind=kind, state=filters.state,
                                        party=filters.party, date_from=filters.date_from, date_to=filters.date_to,
                                        search=filters.search)
        limit = max(1, min(filters.limit, MAX_LIMIT))
        offset = max(0, filters.offset)
        return {"count": query.count(), "items": [_summary(d) for d in query[offset:offset + limit]]}

    @router.post(path, response={201: DocumentOut, **BODY_ERRORS}, summary=f"Créer : {label} (brouillon)",
                 operation_id=f"{op}_create")
    def create(request, org: str, payload: DocumentIn):
        organisation = organisation_for(request, org, "sales.write")
        data, lines = _payload(payload)
        doc = services.document_create(actor=request.auth, organisation=organisation, kind=kind,
                                       party=payload.party, data=data, lines=lines)
        return Status(201, _out(organisation, doc))

    @router.get(path + "/{int:doc_id}", response={200: DocumentOut, **ERRORS}, summary=f"Détail : {label}",
                operation_id=f"{op}_get")
    def get(request, org: str, doc_id: int):
        organisation = organisation_for(request, org, "sales.view")
        return _out(organisation, _get(organisation, doc_id, kind))

    @router.put(path + "/{int:doc_id}", response={200: DocumentOut, **BODY_ERRORS},
                summary=f"Modifier un brouillon : {label}", operation_id=f"{op}_update")
    def update(request, org: str, doc_id: int, payload: DocumentIn):
        organisation = organisation_for(request, org, "sales.write")
        data, lines = _payload(payload)
        data["party"] = payload.party
        doc = services.document_update(actor=request.auth, document=_get(organisation, doc_id, kind), data=data,
                                       lines=lines)
        return _out(organisation, doc)

    @router.delete(path + "/{int:doc_id}", response={204: None, **ERRORS}, summary=f"Supprimer un brouillon : {label}",
                   operation_id=f"{op}_delete")
    def delete(request, org: str, doc_id: int):
        organisation = organisation_for(request, org, "sales.write")
        services.document_delete(actor=request.auth, document=_get(organisation, doc_id, kind))
        return Status(204, None)


for _kind, _plural in PLURAL.items():
    _register(_kind, _plural)


# --- actions -------------------------------------------------------------------------------------------------------

def _action(organisation, doc_id, kind, call, **kwargs):
    return _out(organisation, call(**kwargs, **{_ARG[kind]: _get(organisation, doc_id, kind)}))


_ARG = {DocumentKind.QUOTE: "quote", DocumentKind.ORDER: "order", DocumentKind.DELIVERY: "delivery",
        DocumentKind.INVOICE: "invoice", DocumentKind.CREDIT_NOTE: "credit_note"}


@router.post(PREFIX + "/quotes/{doc_id}/send", response={200: DocumentOut, **ERRORS}, summary="Envoyer le devis")
def quote_send(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "sales.write")
    return _action(organisation, doc_id, DocumentKind.QUOTE, services.quote_send, actor=request.auth)


@router.post(PREFIX + "/quotes/{doc_id}/accept", response={201: DocumentOut, **BODY_ERRORS},
             summary="Accepter le devis (crée la commande ; `on` = date de l'acceptation, aujourd'hui par défaut)")
def quote_accept(request, org: str, doc_id: int, payload: AcceptIn):
    organisation = organisation_for(request, org, "sales.write")
    order = services.quote_accept(actor=request.auth, quote=_get(organisation, doc_id, DocumentKind.QUOTE),
                                  on=payload.on)
    return Status(201, _out(organisation, order))


@router.post(PREFIX + "/quotes/{doc_id}/refuse", response={200: DocumentOut, **ERRORS}, summary="Refuser le devis")
def quote_refuse(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "sales.write")
    return _action(organisation, doc_id, DocumentKind.QUOTE, services.quote_refuse, actor=request.auth)


@router.post(PREFIX + "/quotes/expire", response={200: CountOut, **BODY_ERRORS},
             summary="Passer les devis échus à l'état expiré")
def quotes_expire(request, org: str, payload: ExpireIn):
    organisation = organisation_for(request, org, "sales.write")
    return {"count": services.quotes_expire(organisation=organisation, today=payload.today)}


@router.post(PREFIX + "/orders/{doc_id}/deliver", response={201: DocumentOut, **BODY_ERRORS},
             summary="Livrer la commande (bon de livraison, livraison partielle possible)")
def order_deliver(request, org: str, doc_id: int, payload: QuantitiesIn):
    organisation = organisation_for(request, org, "sales.write")
    delivery = services.order_deliver(actor=request.auth, order=_get(organisation, doc_id, DocumentKind.ORDER),
                                      quantities=_quantities(payload.quantities), on=payload.on)
    return Status(201, _out(organisation, delivery))


@router.post(PREFIX + "/orders/{doc_id}/invoice", response={201: DocumentOut, **BODY_ERRORS},
             summary="Facturer la commande (facture brouillon)")
def order_invoice(request, org: str, doc_id: int, payload: QuantitiesIn):
    organisation = organisation_for(request, org, "sales.write")
    invoice = services.invoice_from(actor=request.auth, source=_get(organisation, doc_id, DocumentKind.ORDER),
                                    quantities=_quantities(payload.quantities))
    return Status(201, _out(organisation, invoice))


@router.post(PREFIX + "/orders/{doc_id}/deposit-invoice", response={201: DocumentOut, **BODY_ERRORS},
             summary="Facture d'acompte sur la commande")
def order_deposit(request, org: str, doc_id: int, payload: DepositIn):
    organisation = organisation_for(request, org, "sales.write")
    invoice = services.deposit_invoice_create(actor=request.auth, order=_get(organisation, doc_id,
                                                                             DocumentKind.ORDER), pct=payload.pct)
    return Status(201, _out(organisation, invoice))


@router.post(PREFIX + "/deliveries/{doc_id}/validate", response={200: DocumentOut, **ERRORS},
             summary="Valider le bon de livraison")
def delivery_validate(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "sales.write")
    return _action(organisation, doc_id, DocumentKind.DELIVERY, services.delivery_validate, actor=request.auth)


@router.post(PREFIX + "/deliveries/{doc_id}/invoice", response={201: DocumentOut, **BODY_ERRORS},
             summary="Facturer le bon de livraison")
def delivery_invoice(request, org: str, doc_id: int, payload: QuantitiesIn):
    organisation = organisation_for(request, org, "sales.write")
    invoice = services.invoice_from(actor=request.auth, source=_get(organisation, doc_id, DocumentKind.DELIVERY),
                                    quantities=_quantities(payload.quantities))
    return Status(201, _out(organisation, invoice))


@router.post(PREFIX + "/invoices/{doc_id}/validate", response={200: DocumentOut, **ERRORS},
             summary="Valider la facture (numéro, écriture comptable)")
def invoice_validate(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "sales.validate")
    return _action(organisation, doc_id, DocumentKind.INVOICE, services.invoice_validate, actor=request.auth)


@router.post(PREFIX + "/invoices/{doc_id}/credit-note", response={201: DocumentOut, **BODY_ERRORS},
             summary="Créer un avoir sur la facture")
def invoice_credit(request, org: str, doc_id: int, payload: CreditIn):
    organisation = organisation_for(request, org, "sales.write")
    credit = services.credit_note_from_invoice(
        actor=request.auth, invoice=_get(organisation, doc_id, DocumentKind.INVOICE),
        quantities=_quantities(payload.quantities), reason=payload.reason, kind_of_credit=payload.kind_of_credit,
        returns_goods=payload.returns_goods)
    return Status(201, _out(organisation, credit))


@router.post(PREFIX + "/credit-notes/{doc_id}/validate", response={200: DocumentOut, **ERRORS},
             summary="Valider l'avoir")
def credit_note_validate(request, org: str, doc_id: int):
    organisation = organisation_for(request, org, "sales.validate")
    return _action(organisation, doc_id, DocumentKind.CREDIT_NOTE, services.credit_note_validate,
                   actor=request.auth)
