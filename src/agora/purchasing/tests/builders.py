"""Test builders for purchasing, through the real services: an organisation with its books and VAT categories,
a buyer, suppliers, products bought, and orders, receipts and invoices along the chain.

    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, desk = make_purchase_products(org)
    order = make_order(org, buyer, supplier, [line(paper, 100, "4.50")])   # confirmed CF-2026-00001
    receipt = receipt_validate(actor=buyer, receipt=receipt_create_from_order(actor=buyer, order=order))
"""

from datetime import date

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create, vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.parties.models import PaymentTerm
from agora.parties.services import party_create, payment_terms_setup
from agora.purchasing.models import PurchaseKind
from agora.purchasing.services.documents import purchase_document_create, purchase_order_confirm

DAY = date(2026, 3, 10)


def make_purchasing_books(*, slug: str = "durand", year: int = 2026):
    """An organisation with its chart, journals, fiscal year, VAT categories and payment terms, and a user with
    the purchasing role; returns (organisation, buyer)."""
    organisation, _accountant = make_books(slug=slug, year=year)
    vat_categories_setup(organisation=organisation)
    payment_terms_setup(organisation=organisation)
    buyer = grant(make_user(f"achat-{slug}"), organisation, "purchasing")
    return organisation, buyer


def make_supplier(organisation, code: str = "F001", name: str = "Papeterie Rhône SARL", **data):
    """A goods supplier paid at 30 days."""
    term = PaymentTerm.objects.get(organisation=organisation, code="30J")
    values = {"code": code, "name": name, "kind": "organisation", "is_supplier": True, "siren": "552100554",
              "vat_number": "FR96552100554", "address_line1": "8 rue Garibaldi", "postal_code": "69006",
              "city": "Lyon", "email": "commandes@papeterie-rhone.fr", "payment_term": term.pk, **data}
    return party_create(actor=None, organisation=organisation, data=values)


def vat(organisation, code: str = "TVA20") -> VatCategory:
    return VatCategory.objects.get(organisation=organisation, code=code)


def make_purchase_products(organisation):
    """(copy paper bought for resale at 20 % on 607, an office desk — a fixed asset on 2184 — at 20 %)."""
    paper = product_create(actor=None, organisation=organisation, data={
        "reference": "RAMETTE", "label": "Ramette papier A4", "kind": "goods", "purchase_price": "4.50",
        "sale_price": "7", "vat_category": vat(organisation).pk, "expense_account": "607"})
    desk = product_create(actor=None, organisation=organisation, data={
        "reference": "BUREAU", "label": "Bureau droit 160 cm", "kind": "goods", "purchase_price": "350",
        "vat_category": vat(organisation).pk, "expense_account": "2184"})
    return paper, desk


def line(product=None, quantity="1", unit_price=None, **extra) -> dict:
    data = {"product": product, "quantity": str(quantity), **extra}
    if unit_price is not None:
        data["unit_price"] = str(unit_price)
    return data


def make_document(organisation, actor, party, kind: str, lines: list[dict], *, day: date = DAY, **data):
    return purchase_document_create(actor=actor, organisation=organisation, kind=kind, party=party,
                                    data={"issue_date": day, **data}, lines=lines)


def make_order(organisation, actor, party, lines: list[dict], *, day: date = DAY, confirm: bool = True, **data):
    order = make_document(organisation, actor, party, PurchaseKind.ORDER, lines, day=day, **data)
    return purchase_order_confirm(actor=actor, order=order) if confirm else order


def entry_lines(document) -> list[tuple]:
    """(account, debit, credit, party code, vat box) of the document's entry, in line order, amounts as str."""
    return [(x.account.code, str(x.debit), str(x.credit), x.party.code if x.party else "", x.vat_box)
            for x in document.entry.lines.select_related("account", "party").order_by("line_no")]
