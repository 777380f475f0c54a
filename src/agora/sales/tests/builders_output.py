"""Test data for the printed and electronic documents: an organisation with every seller mention, a B2B
customer, and documents written straight into the models (totals from core.totals, the one computation), so
the output can be tested independently of the document chain's services.
"""

from datetime import date
from decimal import Decimal

from agora.catalog.models import Product, VatCategory
from agora.catalog.services import product_create, vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.core.totals import LineIn, Reduction, document_totals
from agora.ledger.tests.builders import make_books
from agora.parties.models import PaymentTerm
from agora.parties.services import party_create, payment_terms_setup
from agora.sales.models import DocumentKind, DocumentState, SalesDocument, SalesLine, SalesSettings, SalesTax

D = Decimal


def make_seller(slug: str = "durand"):
    """Durand SARL, Lyon, with capital, RCS, VAT number; returns (organisation, sales user)."""
    organisation, _accountant = make_books(slug=slug, vat_number="FR44732829320", rcs_city="Lyon",
                                           share_capital=D("10000.00"))
    vat_categories_setup(organisation=organisation)
    payment_terms_setup(organisation=organisation)
    SalesSettings.objects.get_or_create(organisation=organisation)
    user = grant(make_user(f"vente-{slug}"), organisation, "sales")
    return organisation, user


def make_customer(organisation, code: str = "C001", **extra):
    data = {"code": code, "name": "Martin Équipement SAS", "is_customer": True, "siren": "552100554",
            "vat_number": "FR96552100554", "email": "compta@martin.example", "address_line1": "5 avenue Foch",
            "postal_code": "75008", "city": "Paris", "delivery_name": "Entrepôt Martin",
            "delivery_address_line1": "ZI des Gâtines, 3 rue Ampère", "delivery_postal_code": "91300",
            "delivery_city": "Massy", "delivery_country": "FR",
            "payment_term": PaymentTerm.objects.get(organisation=organisation, code="30JFM").pk, **extra}
    return party_create(actor=None, organisation=organisation, data=data)


# The hand-worked invoice of the tests (figures checked by hand in test_output.py).
MIXED_LINES = [
    {"reference": "CHA-01", "description": "Chaise de bureau ergonomique", "kind": "goods", "quantity": "4",
     "unit": "u", "unit_price": "125.0000", "discount_pct": "10", "vat_rate": "20", "revenue_account": "707"},
    {"reference": "LIV-01", "description": "Livre « Gestion de la PME »", "kind": "goods", "quantity": "3",
     "unit": "u", "unit_price": "19.9000", "discount_pct": "0", "vat_rate": "5.5", "revenue_account": "707"},
    {"reference": "INST", "description": "Installation et mise en service", "kind": "service", "quantity": "2.5",
     "unit": "h", "unit_price": "60.0000", "discount_pct": "0", "vat_rate": "20", "revenue_account": "706"},
]
MIXED_REDUCTIONS = [{"label": "Remise", "pct": "5"}, {"label": "Rabais", "pct": "2"}]


def make_document(organisation, user, party, *, kind: str = DocumentKind.INVOICE, lines=None, reductions=(),
                  cash_discount_pct: str = "0", shipping: str = "0", deposit: str = "0", number: str = "FA-2026-00001",
                  state: str = DocumentState.VALIDATED, day: date = date(2026, 3, 16),
                  delivery_date: date | None = date(2026, 3, 12), due_date: date | None = date(2026, 4, 30),
                  **extra) -> SalesDocument:
    """A document with its lines, stored totals and tax rows, as the chain's services leave it."""
    lines = lines if lines is not None else MIXED_LINES
    totals = document_totals(
        lines=[LineIn(D(x["quantity"]), D(x["unit_price"]), D(x["vat_rate"]), D(x.get("discount_pct") or 0))
               for x in lines],
        reductions=[Reduction(r["label"], D(r["pct"])) for r in reductions], cash_discount_pct=D(cash_discount_pct),
        shipping=D(shipping), deposit=D(deposit))
    fields = {
        "organisation": organisation, "kind": kind, "state": state, "number": number, "date": day,
        "delivery_date": delivery_date, "due_date": due_date, "party": party, "customer_name": party.name,
        "customer_address": f"{party.address_line1}\n{party.postal_code} {party.city}",
        "customer_siren": party.siren, "customer_vat_number": party.vat_number,
        "delivery_address": (f"{party.delivery_name}\n{party.delivery_address_line1}\n"
                             f"{party.delivery_postal_code} {party.delivery_city}") if party.delivery_city else "",
        "customer_reference": "BC-7781", "payment_term": party.payment_term,
        "reductions": [dict(r) for r in reductions], "cash_discount_pct": D(cash_discount_pct),
        "shipping": totals.shipping, "deposit_deducted": totals.deposit, "lines_total": totals.lines_total,
        "commercial_net": totals.commercial_net, "financial_net": totals.financial_net,
        "untaxed_total": totals.untaxed_total, "tax_total": totals.tax_total, "total": totals.total,
        "net_to_pay": totals.net_to_pay, "created_by": user,
        "fiscal_year_code": str(day.year) if number else "",
        "sequence": int(number.rsplit("-", 1)[-1]) if number else None,
    }
    fields.update(extra)
    document = SalesDocument.objects.create(**fields)
    mentions = {}
    for n, (row, out) in enumerate(zip(lines, totals.lines, strict=True), start=1):
        mention = row.get("vat_mention", "")
        mentions.setdefault(D(row["vat_rate"]), mention)
        SalesLine.objects.create(
            document=document, organisation=organisation, line_no=n, description=row["description"],
            product=_product(organisation, row) if row.get("reference") else None,
            kind=row.get("kind", "goods"), quantity=D(row["quantity"]), unit=row.get("unit", "u"),
            unit_price=D(row["unit_price"]), discount_pct=D(row.get("discount_pct") or 0),
            vat_rate=D(row["vat_rate"]), vat_mention=mention, revenue_account=row.get("revenue_account", "707"),
            net_amount=out.net)
    for tax in totals.tax_rows:
        SalesTax.objects.create(document=document, rate=tax.rate, base=tax.base, tax=tax.tax,
                                mention=mentions.get(tax.rate, ""))
    return document


def _product(organisation, row: dict) -> Product:
    product = Product.objects.filter(organisation=organisation, reference=row["reference"]).first()
    if product is None:
        rate = D(row["vat_rate"])
        category = (VatCategory.objects.filter(organisation=organisation, rate=rate)
                    .order_by("exemption_mention" if not row.get("vat_mention") else "-exemption_mention").first())
        product = product_create(actor=None, organisation=organisation, data={
            "reference": row["reference"], "label": row["description"], "kind": row.get("kind", "goods"),
            "unit": row.get("unit", "u"), "sale_price": row["unit_price"], "vat_category": category.pk,
            "revenue_account": row.get("revenue_account", "707")})
    return product


def make_mixed_invoice(organisation, user, party, **extra) -> SalesDocument:
    """4 chairs at 125 € −10 % (20 %), 3 books at 19.90 € (5.5 %), 2.5 h of installation at 60 € (20 %);
    remise 5 %, rabais 2 %, escompte 1 %, shipping 20 €, deposit 100 € already paid."""
    extra.setdefault("operation_category", "mixed")
    return make_document(organisation, user, party, lines=MIXED_LINES, reductions=MIXED_REDUCTIONS,
                         cash_discount_pct="1", shipping="20", deposit="100", **extra)
