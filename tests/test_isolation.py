"""Isolation between organisations, generated over every route: a user of organisation A gets 404 on every
API path and every screen of organisation B, and on every object of B reached through A's own slug.

The routes are discovered when the test runs (the API's OpenAPI paths, Django's URL resolver), so a new
route is covered without touching this file; a route with a path parameter this file cannot fill fails
loudly instead of being skipped silently. The ids given are checked to name real objects (B's own
administrator reaches them), so a wrong mapping cannot make the check pass vacuously.
"""

import importlib
import importlib.util
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import URLPattern, URLResolver, get_resolver

from agora.config.api import api
from agora.core.services import api_token_create, organisation_update
from agora.core.tests.builders import grant, make_user
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, Period
from agora.ledger.services import entry_draft_save, matching_create
from agora.ledger.tests.builders import make_books, make_party, post, sale
from agora.membership.models import MembershipFee
from agora.membership.services import donation_receipt_issue, donation_record, renewal_campaign_run
from agora.membership.tests.builders import make_association, make_category, make_member
from agora.procurement import models as procurement
from agora.procurement.services.rfqs import rfq_create
from agora.procurement.services.suppliers import supplier_document_add, supplier_rate
from agora.procurement.tests.builders import PDF, make_request, offer, pdf_upload
from agora.purchasing.models import PurchaseDocument, PurchaseLine
from agora.purchasing.services.einvoice import einvoice_import
from agora.purchasing.services.invoices import (
    credit_note_create_from_invoice,
    invoice_create_from_receipt,
    supplier_invoice_validate,
)
from agora.purchasing.services.receipts import receipt_create_from_order, receipt_validate
from agora.purchasing.tests.builders import line as purchase_line
from agora.purchasing.tests.builders import make_order, make_purchase_products
from agora.purchasing.tests.builders import make_supplier as make_goods_supplier
from agora.purchasing.tests.einvoice_files import cii
from agora.sales.services.claims import claim_open
from agora.sales.services.documents import credit_note_from_invoice, invoice_validate, order_deliver, quote_accept
from agora.sales.services.receipts import deposit_slip_create, receipt_record
from agora.sales.services.reminders import reminder_run_prepare
from agora.sales.services.setup import sales_setup
from agora.sales.tests.builders import line as sales_line
from agora.sales.tests.builders import make_customer, make_invoice, make_products, make_quote
from agora.stock import models as stock
from agora.stock.services.costs import bill_save
from agora.stock.services.counts import count_create
from agora.stock.services.items import location_create
from agora.stock.tests.builders import make_item, receive
from agora.treasury.models import BankAccount, PaymentLine, PaymentRun
from agora.treasury.services.bank_accounts import bank_account_create
from agora.treasury.services.runs import payment_run_approve, payment_run_execute, payment_run_propose
from agora.treasury.tests.builders import COMPANY_IBAN, supplier_invoice
from agora.treasury.tests.builders import make_supplier as make_paid_supplier

pytestmark = pytest.mark.django_db

# Apps that describe their own objects for this test in `agora/<app>/tests/isolation.py`:
#   objects(org_b, actor) -> dict   one object of each kind the app's routes name, created in B
#   API_PATH_PARAMS, API_PARAMS, ROUTE_OBJECTS, ROUTE_KWARGS   merged with the tables below
# (a new app adds itself here and keeps its fixtures with its code).
ISOLATION_APPS = tuple(importlib.import_module(f"agora.{app}.tests.isolation")
                       for app in ("banking", "reconciliation", "cash", "assets", "vat", "financials")
                       if importlib.util.find_spec(f"agora.{app}.tests.isolation"))

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def world():
    """Organisation A (user `alice`, administrator there and nowhere else) and organisation B with books,
    a posted invoice and its payment matched together, a draft, and objects of every app (sales, purchasing,
    procurement, treasury, stock; membership in an association C)."""
    org_a, _ = make_books(slug="alpha")
    make_party(org_a, "C001")
    alice = grant(make_user("alice"), org_a, "admin")
    org_b, accountant_b = make_books(slug="beta")
    party_b = make_party(org_b, "C001")
    invoice = sale(org_b, accountant_b, date(2026, 3, 5), "C001", "1000.00", "200.00")
    payment = post(org_b, accountant_b, "BQ1", date(2026, 3, 20), "Règlement", ("5121", "1200.00", 0),
                   ("411", 0, "1200.00", "C001"))
    lines = EntryLine.objects.filter(entry__in=[invoice, payment], account__code="411")
    matching = matching_create(actor=accountant_b, organisation=org_b, line_ids=[line.pk for line in lines])
    draft = entry_draft_save(actor=accountant_b, organisation=org_b, data=EntryInput(
        journal="OD", date=date(2026, 4, 2), label="Brouillard de B",
        lines=[LineInput(account="627", debit="5.00"), LineInput(account="5121", credit="5.00")]))
    objects = {
        **_sales_objects(org_b, accountant_b), **_membership_objects(),
        **_buying_objects(org_b, accountant_b), **_stock_objects(org_b, accountant_b),
        "entry": invoice.pk, "draft": draft.pk, "matching": matching.pk, "party": party_b.pk,
        "account": Account.objects.get(organisation=org_b, code="411").pk,
        "journal": Journal.objects.get(organisation=org_b, code="VT").pk,
        "fiscal_year": FiscalYear.objects.get(organisation=org_b).pk,
        "period": Period.objects.filter(organisation=org_b).first().pk,
        "line": lines.first().pk,
    }
    for module in ISOLATION_APPS:
        objects.update(module.objects(org_b, accountant_b))
    return {"a": org_a, "b": org_b, "c": objects.pop("org_c"), "alice": alice, "objects": objects}


def _sales_objects(org_b, accountant_b) -> dict:
    """B's sales chain: a quote, another accepted into an order then delivered, a validated invoice partly paid
    by cheque (on a deposit slip) and credited, a reminder run and a claim, built through the real services."""
    organisation_update(actor=None, organisation=org_b, data={
        "vat_number": "FR44732829320", "rcs_city": "Lyon", "share_capital": Decimal("10000")})
    sales_setup(actor=accountant_b, organisation=org_b)
    goods, _food, _service = make_products(org_b)
    customer = make_customer(org_b, "C100")
    quote = make_quote(org_b, accountant_b, customer, [sales_line(goods, 2)])
    order = quote_accept(actor=accountant_b, quote=make_quote(org_b, accountant_b, customer, [sales_line(goods, 5)]),
                         on=date(2026, 3, 12))
    delivery = order_deliver(actor=accountant_b, order=order)
    invoice = invoice_validate(actor=accountant_b, invoice=make_invoice(org_b, accountant_b, customer,
                                                                       [sales_line(goods, 3)]))
    receipt = receipt_record(actor=accountant_b, organisation=org_b, party=customer, date=date(2026, 3, 15),
                             method="cheque", amount=Decimal("100.00"), allocations=[(invoice, Decimal("100.00"))],
                             reference="0001234")
    slip = deposit_slip_create(actor=accountant_b, organisation=org_b, receipts=[receipt], date=date(2026, 3, 16))
    run = reminder_run_prepare(actor=accountant_b, organisation=org_b, on=date(2026, 6, 30))
    claim = claim_open(actor=accountant_b, organisation=org_b, party=customer, document=invoice, kind="defect",
                       subject="Pied cassé", opened_on=date(2026, 4, 1))
    credit_note = credit_note_from_invoice(actor=accountant_b, invoice=invoice, reason="Geste commercial",
                                           kind_of_credit="rebate")
    return {"quote": quote.pk, "invoice": invoice.pk, "receipt": receipt.pk, "slip": slip.pk, "run": run.pk,
            "reminder": run.reminders.first().pk, "claim": claim.pk, "product": goods.pk, "sales_order": order.pk,
            "delivery": delivery.pk, "credit_note": credit_note.pk, "sales_document": invoice.pk}


def _membership_objects() -> dict:
    """An association C (nobody of A belongs to it) with a member, a fee, a donation with its tax receipt and a
    renewal campaign; `org_c` is C itself."""
    org_c, accountant_c = make_association(slug="gamma")
    category = make_category(org_c, accountant_c)
    member = make_member(org_c, accountant_c, category)
    donation = donation_record(actor=accountant_c, organisation=org_c, party=member.party, date=date(2026, 5, 2),
                               amount=Decimal("50.00"), method="transfer")
    donation_receipt_issue(actor=accountant_c, donation=donation, issued_on=date(2026, 5, 3))
    campaign = renewal_campaign_run(actor=accountant_c, organisation=org_c, year=2027, send_emails=False)
    return {"member": member.pk, "category": category.pk, "fee": MembershipFee.objects.filter(member=member).first().pk,
            "donation": donation.pk, "campaign": campaign.pk, "org_c": org_c}


def _buying_objects(org_b, actor) -> dict:
    """B's buying side, built through the real services: an order received, invoiced (validated) and credited,
    an e-invoice imported as a draft with its file; a supplier offer, rating and document, a purchase request,
    an RFQ with a consulted supplier; a bank account and a payment run paying the supplier invoices, executed."""
    supplier = make_goods_supplier(org_b)
    paper, _desk = make_purchase_products(org_b)
    order = make_order(org_b, actor, supplier, [purchase_line(paper, 100, "4.50")])
    receipt = receipt_validate(actor=actor, receipt=receipt_create_from_order(actor=actor, order=order))
    invoice = supplier_invoice_validate(actor=actor, invoice=invoice_create_from_receipt(
        actor=actor, receipt=receipt, data={"supplier_reference": "PR-2026-0100"}))
    credit_note = credit_note_create_from_invoice(actor=actor, invoice=invoice, reason="Ramettes abîmées")
    imported = einvoice_import(actor=actor, organisation=org_b, filename="PR-2026-0412.xml", content=cii())
    supplier_rate(actor=actor, organisation=org_b, supplier=supplier, data={"rating_price": 4})
    document = supplier_document_add(actor=actor, organisation=org_b, upload=pdf_upload(), data={
        "supplier": supplier.pk, "kind": "kbis", "issued_on": "2026-01-10"})
    request = make_request(org_b, actor, [{"product": paper.pk, "quantity": "50"}], reason="Réassort")
    rfq = rfq_create(actor=actor, organisation=org_b, data={"subject": "Papier"}, suppliers=[supplier.pk],
                     lines=[{"product": paper.pk, "quantity": "500"}])
    bank_account = bank_account_create(actor=actor, organisation=org_b, data={
        "label": "Compte courant", "bank_name": "Banque Populaire", "iban": COMPANY_IBAN, "bic": "CCBPFRPPLYO"})
    wood = make_paid_supplier(org_b, "F002", "Bois & Cie")
    supplier_invoice(org_b, actor, wood, net="500.00", vat="100.00", due=date(2026, 4, 30), reference="FB-1")
    run = payment_run_propose(actor=actor, organisation=org_b, on=date(2026, 4, 30))
    manager = grant(make_user("direction-beta"), org_b, "management")  # four eyes: another person approves
    run = payment_run_execute(actor=actor, run=payment_run_approve(actor=manager, run=run))  # SEPA file, advices
    return {"supplier": supplier.pk, "purchased_product": paper.pk, "purchase_order": order.pk,
            "goods_receipt": receipt.pk, "purchase_invoice": invoice.pk, "purchase_credit_note": credit_note.pk,
            "imported_invoice": imported.pk, "purchase_document": order.pk,
            "supplier_product": offer(org_b, supplier, paper, "4.20").pk, "supplier_document": document.pk,
            "purchase_request": request.pk, "rfq": rfq.pk, "consulted": rfq.suppliers.get().pk,
            "bank_account": bank_account.pk, "payment_run": run.pk, "paid_supplier": wood.pk,
            "payment_line": run.lines.get(party=wood).pk}


def _stock_objects(org_b, actor) -> dict:
    """B's stock: a location, a component received, a finished product with its bill of materials, a count."""
    location = location_create(actor=actor, organisation=org_b, code="RES", label="Réserve")
    screw = make_item(org_b, "VIS")
    receive(org_b, actor, screw, 100, "2.00", date(2026, 3, 1))
    table = make_item(org_b, "TABLE", category="finished")
    bill = bill_save(actor=actor, organisation=org_b, item=table, data={"batch_quantity": "1"},
                     lines=[{"component": screw.pk, "quantity": "4"}])
    count = count_create(actor=actor, organisation=org_b, day=date(2026, 3, 31))
    return {"location": location.pk, "stock_item": screw.pk, "bill": bill.pk, "count": count.pk}


# Tables of the other apps whose every column is compared before and after the calls.
_WATCHED = (PurchaseDocument, PurchaseLine, procurement.SupplierProduct, procurement.SupplierProfile,
            procurement.SupplierDocument, procurement.PurchaseRequest, procurement.RequestForQuotation,
            procurement.RfqSupplier, BankAccount, PaymentRun, PaymentLine, stock.Location, stock.StockItem,
            stock.StockMove, stock.StockCount, stock.StockCountLine, stock.BillOfMaterials)


def _snapshot(org):
    """B's books and the rows of B's other documents, to check nothing was written by the calls."""
    return (list(Entry.objects.filter(organisation=org).order_by("pk").values_list("pk", "state", "hash", "label")),
            list(EntryLine.objects.filter(organisation=org).order_by("pk").values_list("pk", "debit", "credit")),
            list(Matching.objects.filter(organisation=org).values_list("pk", "code", "is_full")),
            Account.objects.filter(organisation=org).count(),
            {model.__name__: list(model.objects.filter(organisation=org).order_by("pk").values())
             for model in _WATCHED})


# --------------------------------------------------------------------------------------------------- API

SCHEMA = api.get_openapi_schema()


def _operations() -> dict:
    """Each API operation by its OpenAPI operationId, to read its own body model (see `_json_body`)."""
    found = {}
    for router in api._get_bound_routers():
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                found[operation.operation_id or api.get_openapi_operation_id(operation)] = operation
    return found


OPERATIONS = _operations()


def _example(schema: dict, defs: dict, depth: int = 0):
    """A value valid for `schema` (so the call passes input validation and reaches the lookups); `defs` holds
    the schemas its $refs name."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _example(defs[name], defs, depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], defs, depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example(prop, defs, depth + 1) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", []) or depth < 3}
    if kind == "array":
        return [_example(schema["items"], defs, depth + 1), _example(schema["items"], defs, depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-15"
    return "1"


def _json_body(operation_id: str):
    """A valid JSON body built from the operation's own body model. Not from the published components: ninja
    keeps one schema per class name, and apps reuse names (LineIn, DocumentIn…), so a $ref there may describe
    another app's class and the body would be refused (422) before any lookup."""
    model = next(m for m in OPERATIONS[operation_id].models if m.__ninja_param_source__ == "body")
    schema = model.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.get("$defs", {})
    if len(schema["properties"]) == 1:  # a single body parameter is the body itself (as ninja reads it)
        schema = next(iter(schema["properties"].values()))
    return _example(schema, defs)


def _multipart(schema: dict) -> bytes:
    """A valid multipart body for `schema` (files get a small PDF), so an upload reaches the lookups too."""
    fields = {}
    for name, prop in schema.get("properties", {}).items():
        if prop.get("format") == "binary":
            fields[name] = SimpleUploadedFile("piece.pdf", PDF, content_type="application/pdf")
        elif name in schema.get("required", []):
            fields[name] = _example(prop, SCHEMA["components"]["schemas"])
    return encode_multipart(BOUNDARY, fields)


def _api_calls(org_slug: str, objects: dict, *, only_with_ids: bool):
    """(method, url, body) for every operation of every path holding {org}; a multipart body comes as bytes."""
    calls = []
    for path, operations in SCHEMA["paths"].items():
        if "{org}" not in path:
            continue
        names = set(re.findall(r"{(\w+)}", path)) - {"org"}
        if only_with_ids and not names:
            continue
        ids = {name: _api_object(path, name) for name in names}
        unknown = {name for name, model in ids.items() if model is None}
        assert not unknown, f"{path}: teach tests/test_isolation.py which object {unknown} names"
        for method, operation in operations.items():
            url = path.replace("{org}", org_slug)
            for name, model in ids.items():
                url = url.replace("{" + name + "}", str(objects[model]))
            query = {p["name"]: _example(p["schema"], SCHEMA["components"]["schemas"])
                     for p in operation.get("parameters", [])
                     if p["in"] == "query" and p.get("required")}
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            body = None
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _json_body(operation["operationId"])
            elif "multipart/form-data" in content:
                body = _multipart(content["multipart/form-data"]["schema"])
            else:
                assert not content, f"{path}: teach tests/test_isolation.py to send {set(content)}"
            calls.append((method, url, body))
    return calls


def _call(client, method, url, body):
    if isinstance(body, bytes):  # already encoded: sent as it is
        return client.generic(method.upper(), url, body, content_type=MULTIPART_CONTENT)
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json")


# Which of B's objects a path parameter names: first by the path (a parameter whose meaning depends on the
# route: `doc_id` is a sales or a purchase document, `run_id` a reminder run or a payment run…), then by name.
API_PATH_PARAMS = (("{org}/quotes/", "doc_id", "quote"), ("{org}/orders/", "doc_id", "sales_order"),
                   ("{org}/deliveries/", "doc_id", "delivery"), ("{org}/credit-notes/", "doc_id", "credit_note"),
                   ("{org}/purchase-orders/", "doc_id", "purchase_order"),
                   ("{org}/goods-receipts/", "doc_id", "goods_receipt"),
                   ("{org}/purchase-invoices/", "doc_id", "purchase_invoice"),
                   ("{org}/purchase-credit-notes/", "doc_id", "purchase_credit_note"),
                   ("{org}/supplier-documents/", "document_id", "supplier_document"),
                   ("{org}/supplier-products/", "item_id", "supplier_product"),
                   ("{org}/stock/items/", "item_id", "stock_item"),
                   ("/supplier-comparison", "product_id", "purchased_product"),
                   ("{org}/payment-runs/", "run_id", "payment_run"),
                   ("{org}/payment-lines/", "line_id", "payment_line"),
                   ("{org}/bank-accounts/", "account_id", "bank_account"),
                   *(row for module in ISOLATION_APPS for row in getattr(module, "API_PATH_PARAMS", ())))
API_PARAMS = {"entry_id": "entry", "matching_id": "matching", "party_id": "party", "product_id": "product",
              "doc_id": "invoice", "document_id": "invoice", "receipt_id": "receipt", "slip_id": "slip",
              "run_id": "run", "reminder_id": "reminder", "claim_id": "claim", "member_id": "member",
              "fee_id": "fee", "donation_id": "donation", "category_id": "category", "campaign_id": "campaign",
              "supplier_id": "supplier", "request_id": "purchase_request", "rfq_id": "rfq",
              "consulted_id": "consulted", "bill_id": "bill", "count_id": "count", "location_id": "location",
              **{k: v for module in ISOLATION_APPS for k, v in getattr(module, "API_PARAMS", {}).items()}}


def _api_object(path: str, param: str) -> str | None:
    for fragment, name, model in API_PATH_PARAMS:
        if name == param and fragment in path:
            return model
    return API_PARAMS.get(param)


def test_every_api_path_of_another_organisation_is_404(world):
    before = _snapshot(world["b"])
    _, raw = api_token_create(user=world["alice"], name="isolation")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    session = Client()
    session.force_login(world["alice"])
    calls = _api_calls("beta", world["objects"], only_with_ids=False)
    assert len(calls) >= 18  # the ledger routes exist: the test really ran over them
    answered = []
    for method, url, body in calls:
        response = _call(token, method, url, body)
        if response.status_code != 404 or response.json() != {"code": "not_found", "message": "Introuvable.",
                                                                 "field": None}:
            answered.append((method, url, response.status_code, response.content[:200]))
        if (status := _call(session, method, url, body).status_code) != 404:
            answered.append(("session", method, url, status))
    assert not answered, answered  # every route answering otherwise than 404, at once
    assert _snapshot(world["b"]) == before


def test_objects_of_another_organisation_are_404_through_ones_own_slug(world):
    """Alice is administrator of A: every right, yet B's objects stay out of reach under /orgs/alpha/."""
    before = _snapshot(world["b"])
    _, raw = api_token_create(user=world["alice"], name="isolation")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    objects = world["objects"]
    calls = {}
    for entry in ("entry", "draft"):
        for method, url, body in _api_calls("alpha", {**objects, "entry": objects[entry]}, only_with_ids=True):
            calls[method, url] = body
    assert len(calls) >= 12
    answered = []
    for (method, url), body in calls.items():
        response = _call(token, method, url, body)
        if response.status_code != 404 or response.json()["code"] != "not_found":
            answered.append((method, url, response.status_code, response.content[:200]))
    assert not answered, answered  # every route answering otherwise than 404, at once
    # Lines of B cannot be matched from A either (refused as unknown, nothing written).
    response = _call(token, "post", "/api/v1/orgs/alpha/matchings", {"lines": [objects["line"]]})
    assert (response.status_code, response.json()["code"]) == (422, "unknown_line")
    assert _snapshot(world["b"]) == before


# --------------------------------------------------------------------------------------------------- screens

_PARAM = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_MODELS = ("entry", "matching", "account", "journal", "party", "period", "line", "fiscal_year")


def _web_routes():
    """(route, URL name) of every screen whose route takes an `org` kwarg, outside the API."""
    found = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern):
                full = prefix + route
                if full.startswith("api/") or "<" not in full:
                    continue
                names = {m["name"] for m in _PARAM.finditer(full)}
                if "org" in names:
                    found.append((full, entry.name or ""))

    walk(get_resolver().url_patterns, "")
    return found


# Screens named by their path (most specific first): which foreign object a `pk` in that path names.
ROUTE_OBJECTS = (("/ventes/reclamations/", "claim"), ("/ventes/documents/", "sales_document"),
                 ("/ventes/encaissements/", "receipt"), ("/ventes/remises-cheques/", "slip"),
                 ("/ventes/relances/rappel/", "reminder"), ("/ventes/relances/", "run"), ("/tiers/", "party"),
                 ("/catalogue/", "product"), ("/adherents/registre/", "member"),
                 ("/adherents/categories/", "category"), ("/adherents/cotisations/", "fee"),
                 ("/adherents/renouvellement/", "campaign"), ("/adherents/dons/", "donation"),
                 ("/achats/documents/", "purchase_document"),
                 ("/approvisionnement/documents-fournisseurs/", "supplier_document"),
                 ("/approvisionnement/demandes-de-prix/", "rfq"), ("/approvisionnement/demandes/", "purchase_request"),
                 ("/approvisionnement/catalogue-fournisseurs/", "supplier_product"),
                 ("/approvisionnement/fournisseurs/", "supplier"), ("/stock/couts/nomenclatures/", "bill"),
                 ("/stock/inventaires/", "count"), ("/stock/articles/", "stock_item"),
                 ("/stock/emplacements/", "location"), ("/tresorerie/comptes-bancaires/", "bank_account"),
                 ("/tresorerie/paiements/ligne/", "payment_line"), ("/tresorerie/paiements/", "payment_run"),
                 *(row for module in ISOLATION_APPS for row in getattr(module, "ROUTE_OBJECTS", ())))
# Other int kwargs named by their path: (path fragment, kwarg, object of B).
ROUTE_KWARGS = (("/demandes-de-prix/", "consulted", "consulted"),
                ("/catalogue-fournisseurs/article/", "product", "purchased_product"),
                ("/tresorerie/paiements/", "party", "paid_supplier"),
                *(row for module in ISOLATION_APPS for row in getattr(module, "ROUTE_KWARGS", ())))
# The own-slug screen check runs once per variant: a posted entry and a draft, each kind of sales and purchase
# document (their screens and actions differ), the imported e-invoice holding a file.
SCREEN_VARIANTS = ({"entry": "entry", "sales_document": "invoice", "purchase_document": "purchase_order"},
                   {"entry": "draft", "sales_document": "quote", "purchase_document": "goods_receipt"},
                   {"sales_document": "sales_order", "purchase_document": "purchase_invoice"},
                   {"sales_document": "delivery", "purchase_document": "purchase_credit_note"},
                   {"sales_document": "credit_note", "purchase_document": "imported_invoice"})


def _model_of(kwarg: str, url_name: str, route: str = "") -> str | None:
    """Which of B's objects an int kwarg names: from the screen's path, its own name, or the URL's name."""
    for fragment, model in ROUTE_OBJECTS:
        if fragment in "/" + route and kwarg in ("pk", "id"):
            return model
    for fragment, name, model in ROUTE_KWARGS:
        if fragment in "/" + route and kwarg == name:
            return model
    key = kwarg.lower()
    if key in ("pk", "id"):
        key = url_name.lower()
    if "fiscal" in key or key in ("year_id", "year_pk"):
        return "fiscal_year"
    for model in _MODELS:
        if model in key:
            return model
    return None


def _web_url(route: str, url_name: str, slug: str, objects: dict) -> tuple[str, bool, bool]:
    """The concrete URL; whether it names objects by id; whether every id was mapped to an object of B."""
    has_ids, exact = False, True

    def fill(match):
        nonlocal has_ids, exact
        converter, name = match["converter"] or "str", match["name"]
        if name == "org":
            return slug
        if converter == "int":
            has_ids = True
            model = _model_of(name, url_name, route)
            if model is None:
                exact = False
                return str(objects["entry"])
            return str(objects[model])
        if name == "state":
            return "closed"
        if name == "action":
            return "delete"  # an action every document kind has (sales and purchasing)
        exact = False  # a code (account number, year…): A has its own with the same code
        return {"account": "411", "code": "411", "journal": "VT", "year": "2026"}.get(name, "x")

    return "/" + _PARAM.sub(fill, route), has_ids, exact


def test_every_screen_of_another_organisation_is_404(world):
    before = _snapshot(world["b"])
    client = Client()
    client.force_login(world["alice"])
    routes = _web_routes()
    for route, name in routes:
        url, _, _ = _web_url(route, name, "beta", world["objects"])
        assert client.get(url).status_code == 404, ("GET", url)
        assert client.post(url, {}).status_code == 404, ("POST", url)
    assert _snapshot(world["b"]) == before


def test_objects_of_another_organisation_are_404_on_screens(world):
    """Screens taking an object id, under A's own slug, with B's ids: 404 (405 when the method is not
    the view's, which discloses nothing). Every such screen is mapped: none is skipped silently."""
    before = _snapshot(world["b"])
    client = Client()
    client.force_login(world["alice"])
    urls, unmapped = set(), []
    for route, name in _web_routes():
        for variant in SCREEN_VARIANTS:
            objects = {**world["objects"], **{key: world["objects"][model] for key, model in variant.items()}}
            url, has_ids, exact = _web_url(route, name, "alpha", objects)
            if has_ids and not exact:
                unmapped.append(route)
            elif has_ids:
                urls.add(url)
    assert not unmapped, f"teach tests/test_isolation.py which objects of B these screens name: {set(unmapped)}"
    assert len(urls) >= sum(1 for route, _ in _web_routes() if "<int:" in route)
    answered = [(method.upper(), url, status) for url in sorted(urls) for method in ("get", "post")
                if (status := getattr(client, method)(url).status_code) not in (404, 405)]
    assert not answered, answered
    assert _snapshot(world["b"]) == before


def test_the_ids_name_real_objects_of_b(world):
    """The checks above prove something only if each id names an object of the kind its route reads: an
    administrator of B and C reaches each of them (GET answers otherwise than 404 under B's or C's slug; a
    screen refusing GET with 405 is not probed this way)."""
    owner = grant(grant(make_user("bob"), world["b"], "admin"), world["c"], "admin")
    _, raw = api_token_create(user=owner, name="isolation")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    objects = world["objects"]
    unreached = []
    for beta, gamma in zip(_api_calls("beta", objects, only_with_ids=True),
                           _api_calls("gamma", objects, only_with_ids=True), strict=True):
        if beta[0] == "get" and all(_call(token, *call).status_code == 404 for call in (beta, gamma)):
            unreached.append(beta[1])
    client = Client()
    client.force_login(owner)
    for route, name in _web_routes():
        urls = {_web_url(route, name, slug, {**objects, **{key: objects[model] for key, model in variant.items()}})
                for variant in SCREEN_VARIANTS for slug in ("beta", "gamma")}
        urls = [url for url, has_ids, _ in urls if has_ids]
        if urls and all(client.get(url).status_code == 404 for url in urls):
            unreached.append(route)
    assert not unreached, f"these ids name no object of B or C: {unreached}"
