"""Test builders for sales, through the real services: an organisation ready to invoice (books, VAT categories,
payment terms, sales settings, every seller mention), a B2B and a B2C customer, products, documents.

    org, seller = make_sales_books()
    customer = make_customer(org)
    goods, food, service = make_products(org)
    invoice = make_invoice(org, seller, customer, [line(goods, 10, "100")])
    invoice_validate(actor=seller, invoice=invoice)
"""

from datetime import date
from decimal import Decimal

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.parties.models import PaymentTerm
from agora.parties.services import party_create
from agora.sales.models import DocumentKind
from agora.sales.services.documents import document_create
from agora.sales.services.setup import sales_setup

DAY = date(2026, 3, 10)


def make_sales_books(*, slug: str = "durand", year: int = 2026, vat_on_debits: bool = False, **extra):
    """An organisation with its books and sales settings, every seller mention filled; returns (org, seller)."""
    data = {"vat_number": "FR44732829320", "rcs_city": "Lyon", "share_capital": Decimal("10000"), **extra}
    organisation, _accountant = make_books(slug=slug, year=year, **data)
    seller = grant(make_user(f"vente-{slug}"), organisation, "sales")
    settings = sales_setup(actor=seller, organisation=organisation)
    if vat_on_debits:
        settings.vat_on_debits = True
        settings.save(update_fields=["vat_on_debits"])
    return organisation, seller


def make_customer(organisation, code: str = "C001", name: str = "Martin Industries SAS", **data):
    """A B2B customer with its SIREN and address (30 days payment term)."""
    term = PaymentTerm.objects.get(organisation=organisation, code="30J")
    values = {"code": code, "name": name, "kind": "organisation", "is_customer": True, "siren": "552100554",
              "vat_number": "FR96552100554", "address_line1": "4 quai des Chartrons", "postal_code": "33000",
              "city": "Bordeaux", "payment_term": term.pk, **data}
    return party_create(actor=None, organisation=organisation, data=values)


def make_individual(organisation, code: str = "P001", name: str = "Claire Petit", **data):
    values = {"code": code, "name": name, "kind": "individual", "is_customer": True,
              "address_line1": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon", **data}
    return party_create(actor=None, organisation=organisation, data=values)


def make_products(organisation):
    """(goods at 20 %, food goods at 5.5 %, a service at 20 %)."""
    vat = {c.code: c for c in VatCategory.objects.filter(organisation=organisation)}
    goods = product_create(actor=None, organisation=organisation, data={
        "reference": "CHAISE", "label": "Chaise de bureau", "kind": "goods", "sale_price": "100",
        "vat_category": vat["TVA20"].pk, "revenue_account": "707"})
    food = product_create(actor=None, organisation=organisation, data={
        "reference": "CAFE", "label": "Café en grains 1 kg", "kind": "goods", "unit": "kg", "sale_price": "20",
        "vat_category": vat["TVA5.5"].pk, "revenue_account": "707"})
    service = product_create(actor=None, organisation=organisation, data={
        "reference": "INSTALL", "label": "Installation sur site", "kind": "service", "unit": "h",
        "sale_price": "60", "vat_category": vat["TVA20"].pk, "revenue_account": "706"})
    return goods, food, service


def line(product=None, quantity="1", unit_price=None, **extra) -> dict:
    data = {"product": product.pk if product else None, "quantity": str(quantity), **extra}
    if unit_price is not None:
        data["unit_price"] = str(unit_price)
    return data


def make_document(organisation, actor, party, kind: str, lines: list[dict], *, day: date = DAY, **data):
    return document_create(actor=actor, organisation=organisation, kind=kind, party=party,
                           data={"date": day, **data}, lines=lines)


def make_invoice(organisation, actor, party, lines: list[dict], *, day: date = DAY, **data):
    return make_document(organisation, actor, party, DocumentKind.INVOICE, lines, day=day, **data)


def make_quote(organisation, actor, party, lines: list[dict], *, day: date = DAY, **data):
    return make_document(organisation, actor, party, DocumentKind.QUOTE, lines, day=day, **data)


def entry_lines(document) -> list[tuple]:
    """(account, debit, credit, party code, vat box) of the document's entry, in line order, amounts as str."""
    return [(x.account.code, str(x.debit), str(x.credit), x.party.code if x.party else "", x.vat_box)
            for x in document.entry.lines.select_related("account", "party").order_by("line_no")]
