"""Isolation between organisations, generated over every route: a user of organisation A gets 404 on every
API path and every screen of organisation B, and on every object of B reached through A's own slug.

The routes are discovered when the test runs (the API's OpenAPI paths, Django's URL resolver), so a new
route is covered without touching this file; a route with a path parameter this file cannot fill fails
loudly instead of being skipped silently.
"""

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from agora.config.api import api
from agora.core.services import api_token_create, organisation_update
from agora.core.tests.builders import grant, make_user
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, Period
from agora.ledger.services import entry_draft_save, matching_create
from agora.ledger.tests.builders import make_books, make_party, post, sale
from agora.membership.models import MembershipFee
from agora.membership.services import donation_record, renewal_campaign_run
from agora.membership.tests.builders import make_association, make_category, make_member
from agora.sales.services.claims import claim_open
from agora.sales.services.documents import invoice_validate
from agora.sales.services.receipts import deposit_slip_create, receipt_record
from agora.sales.services.reminders import reminder_run_prepare
from agora.sales.services.setup import sales_setup
from agora.sales.tests.builders import line as sales_line
from agora.sales.tests.builders import make_customer, make_invoice, make_products, make_quote

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def world():
    """Organisation A (user `alice`, administrator there and nowhere else) and organisation B with books,
    a posted invoice and its payment matched together, and a draft."""
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
        "entry": invoice.pk, "draft": draft.pk, "matching": matching.pk, "party": party_b.pk,
        "account": Account.objects.get(organisation=org_b, code="411").pk,
        "journal": Journal.objects.get(organisation=org_b, code="VT").pk,
        "fiscal_year": FiscalYear.objects.get(organisation=org_b).pk,
        "period": Period.objects.filter(organisation=org_b).first().pk,
        "line": lines.first().pk,
    }
    return {"a": org_a, "b": org_b, "alice": alice, "objects": objects}


def _sales_objects(org_b, accountant_b) -> dict:
    """B's sales chain: a quote, a validated invoice partly paid by cheque (on a deposit slip), a reminder run
    and a claim, built through the real services."""
    organisation_update(actor=None, organisation=org_b, data={
        "vat_number": "FR44732829320", "rcs_city": "Lyon", "share_capital": Decimal("10000")})
    sales_setup(actor=accountant_b, organisation=org_b)
    goods, _food, _service = make_products(org_b)
    customer = make_customer(org_b, "C100")
    quote = make_quote(org_b, accountant_b, customer, [sales_line(goods, 2)])
    invoice = invoice_validate(actor=accountant_b, invoice=make_invoice(org_b, accountant_b, customer,
                                                                       [sales_line(goods, 3)]))
    receipt = receipt_record(actor=accountant_b, organisation=org_b, party=customer, date=date(2026, 3, 15),
                             method="cheque", amount=Decimal("100.00"), allocations=[(invoice, Decimal("100.00"))],
                             reference="0001234")
    slip = deposit_slip_create(actor=accountant_b, organisation=org_b, receipts=[receipt], date=date(2026, 3, 16))
    run = reminder_run_prepare(actor=accountant_b, organisation=org_b, on=date(2026, 6, 30))
    claim = claim_open(actor=accountant_b, organisation=org_b, party=customer, document=invoice, kind="defect",
                       subject="Pied cassé", opened_on=date(2026, 4, 1))
    return {"quote": quote.pk, "invoice": invoice.pk, "receipt": receipt.pk, "slip": slip.pk, "run": run.pk,
            "reminder": run.reminders.first().pk, "claim": claim.pk, "product": goods.pk}


def _membership_objects() -> dict:
    """An association C (nobody of A belongs to it) with a member, a fee, a donation and a renewal campaign."""
    org_c, accountant_c = make_association(slug="gamma")
    category = make_category(org_c, accountant_c)
    member = make_member(org_c, accountant_c, category)
    donation = donation_record(actor=accountant_c, organisation=org_c, party=member.party, date=date(2026, 5, 2),
                               amount=Decimal("50.00"), method="transfer")
    campaign = renewal_campaign_run(actor=accountant_c, organisation=org_c, year=2027, send_emails=False)
    return {"member": member.pk, "category": category.pk, "fee": MembershipFee.objects.filter(member=member).first().pk,
            "donation": donation.pk, "campaign": campaign.pk}


def _snapshot(org):
    """B's books, to check nothing was written by the calls."""
    return (list(Entry.objects.filter(organisation=org).order_by("pk").values_list("pk", "state", "hash", "label")),
            list(EntryLine.objects.filter(organisation=org).order_by("pk").values_list("pk", "debit", "credit")),
            list(Matching.objects.filter(organisation=org).values_list("pk", "code", "is_full")),
            Account.objects.filter(organisation=org).count())


# --------------------------------------------------------------------------------------------------- API

SCHEMA = api.get_openapi_schema()


def _example(schema: dict, depth: int = 0):
    """A value valid for `schema` (so the call passes input validation and reaches the lookups)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _example(SCHEMA["components"]["schemas"][name], depth + 1)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return _example(options[0], depth + 1)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        return {name: _example(prop, depth + 1) for name, prop in schema.get("properties", {}).items()
                if name in schema.get("required", []) or depth < 3}
    if kind == "array":
        return [_example(schema["items"], depth + 1), _example(schema["items"], depth + 1)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-15"
    return "1"


def _api_calls(org_slug: str, ids: dict, *, only_with_ids: bool):
    """(method, url, body) for every operation of every path holding {org}."""
    calls = []
    for path, operations in SCHEMA["paths"].items():
        if "{org}" not in path:
            continue
        names = set(re.findall(r"{(\w+)}", path)) - {"org"}
        if only_with_ids and not names:
            continue
        unknown = names - set(ids)
        assert not unknown, f"{path}: teach tests/test_isolation.py which object {unknown} names"
        for method, operation in operations.items():
            url = path.replace("{org}", org_slug)
            for name in names:
                url = url.replace("{" + name + "}", str(ids[name]))
            query = {p["name"]: _example(p["schema"]) for p in operation.get("parameters", [])
                     if p["in"] == "query" and p.get("required")}
            if query:
                url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
            body = None
            if "requestBody" in operation:
                body = _example(operation["requestBody"]["content"]["application/json"]["schema"])
            calls.append((method, url, body))
    return calls


def _call(client, method, url, body):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data=data, content_type="application/json")


API_PARAMS = {"entry_id": "entry", "matching_id": "matching", "party_id": "party", "product_id": "product",
              "doc_id": "invoice", "document_id": "invoice", "receipt_id": "receipt", "slip_id": "slip",
              "run_id": "run", "reminder_id": "reminder", "claim_id": "claim", "member_id": "member",
              "fee_id": "fee", "donation_id": "donation", "category_id": "category", "campaign_id": "campaign"}


def _api_ids(objects):
    return {param: objects[name] for param, name in API_PARAMS.items()}


def test_every_api_path_of_another_organisation_is_404(world):
    before = _snapshot(world["b"])
    _, raw = api_token_create(user=world["alice"], name="isolation")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    session = Client()
    session.force_login(world["alice"])
    calls = _api_calls("beta", _api_ids(world["objects"]), only_with_ids=False)
    assert len(calls) >= 18  # the ledger routes exist: the test really ran over them
    for method, url, body in calls:
        response = _call(token, method, url, body)
        assert response.status_code == 404, (method, url, response.content[:200])
        assert response.json() == {"code": "not_found", "message": "Introuvable.", "field": None}
        assert _call(session, method, url, body).status_code == 404, ("session", method, url)
    assert _snapshot(world["b"]) == before


def test_objects_of_another_organisation_are_404_through_ones_own_slug(world):
    """Alice is administrator of A: every right, yet B's objects stay out of reach under /orgs/alpha/."""
    before = _snapshot(world["b"])
    _, raw = api_token_create(user=world["alice"], name="isolation")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    objects = world["objects"]
    calls = []
    for entry in ("entry", "draft"):
        calls += _api_calls("alpha", {**_api_ids(objects), "entry_id": objects[entry]}, only_with_ids=True)
    assert len(calls) >= 12
    for method, url, body in calls:
        response = _call(token, method, url, body)
        assert response.status_code == 404, (method, url, response.content[:200])
        assert response.json()["code"] == "not_found"
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
ROUTE_OBJECTS = (("/ventes/reclamations/", "claim"), ("/ventes/documents/", "invoice"),
                 ("/ventes/encaissements/", "receipt"), ("/ventes/remises-cheques/", "slip"),
                 ("/ventes/relances/rappel/", "reminder"), ("/ventes/relances/", "run"), ("/tiers/", "party"),
                 ("/catalogue/", "product"), ("/adherents/registre/", "member"),
                 ("/adherents/categories/", "category"), ("/adherents/cotisations/", "fee"),
                 ("/adherents/renouvellement/", "campaign"), ("/adherents/dons/", "donation"))


def _model_of(kwarg: str, url_name: str, route: str = "") -> str | None:
    """Which of B's objects an int kwarg names: from the screen's path, its own name, or the URL's name."""
    for fragment, model in ROUTE_OBJECTS:
        if fragment in "/" + route and kwarg in ("pk", "id"):
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
    the view's, which discloses nothing)."""
    before = _snapshot(world["b"])
    client = Client()
    client.force_login(world["alice"])
    checked = 0
    for route, name in _web_routes():
        for entry in ("entry", "draft"):  # a posted entry and a draft: their screens differ
            objects = {**world["objects"], "entry": world["objects"][entry]}
            url, has_ids, exact = _web_url(route, name, "alpha", objects)
            if not (has_ids and exact):
                continue  # no object id in this route, or one this test cannot map to an object of B
            checked += 1
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                assert status in (404, 405), (method.upper(), url, status)
    assert checked >= sum(1 for route, _ in _web_routes() if "<int:" in route)
    assert _snapshot(world["b"]) == before
