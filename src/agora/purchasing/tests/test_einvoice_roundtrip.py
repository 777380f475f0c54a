"""The Factur-X round trip: an invoice issued by organisation A's sales side (its real Factur-X PDF) imported as a
purchase by organisation B, A's customer, gives the same totals, VAT per rate and lines, with A as supplier."""

from decimal import Decimal

import pytest

from agora.catalog.services import vat_categories_setup
from agora.core.errors import BusinessError
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.parties.services import payment_terms_setup
from agora.purchasing.models import PurchaseDocument
from agora.purchasing.services.einvoice import einvoice_import
from agora.sales.services import documents as chain
from agora.sales.services.output import invoice_facturx_pdf
from agora.sales.tests import builders as sales
from agora.sales.tests.builders_output import MIXED_LINES, MIXED_REDUCTIONS, make_document

D = Decimal
pytestmark = pytest.mark.django_db


def customer_books():
    """Organisation B (Martin SARL), with the SIREN and VAT number A's sales builders give its customer."""
    organisation, _accountant = make_books(slug="martin", siren="552100554",
                                           siret="55210055400013", vat_number="FR96552100554")
    vat_categories_setup(organisation=organisation)
    payment_terms_setup(organisation=organisation)
    return organisation, grant(make_user("achat-martin"), organisation, "purchasing")


def assert_same(purchase: PurchaseDocument, sale) -> None:
    assert (purchase.total_untaxed, purchase.total_vat, purchase.total_incl_tax, purchase.net_to_pay) == (
        sale.untaxed_total, sale.tax_total, sale.total, sale.net_to_pay)
    assert [(t.rate, t.base, t.tax) for t in purchase.tax_rows.order_by("-rate")] == [
        (t.rate, t.base, t.tax) for t in sale.tax_rows.order_by("-rate")]
    assert [(x.label, x.quantity, x.unit_price, x.discount_pct, x.vat_rate, x.net_amount)
            for x in purchase.lines.order_by("position")] == [
        (x.description, x.quantity, x.unit_price, x.discount_pct, x.vat_rate, x.net_amount)
        for x in sale.lines.order_by("line_no")]


def test_invoice_from_the_sales_chain_imports_with_the_same_figures():
    seller_org, seller_user = sales.make_sales_books()
    customer = sales.make_customer(seller_org)
    goods, food, service = sales.make_products(seller_org)
    quote = sales.make_quote(seller_org, seller_user, customer, [
        sales.line(goods, 10, "100", discount_pct="5"), sales.line(food, 12), sales.line(service, "3.5")],
        reductions=[{"label": "Remise", "pct": "3"}], shipping="25", customer_reference="CF-2026-00042")
    order = chain.quote_accept(actor=seller_user, quote=quote, on=sales.DAY)
    sale = chain.invoice_validate(actor=seller_user, invoice=chain.invoice_from(actor=seller_user, source=order))
    pdf = invoice_facturx_pdf(sale)
    buyer_org, buyer = customer_books()

    purchase = einvoice_import(actor=buyer, organisation=buyer_org, filename=f"{sale.number}.pdf", content=pdf)

    # As worked by hand in sales/tests/test_facturx.py: 10 × 100 − 5 % = 950 + 3.5 h × 60 = 210 → 1160 at 20 %;
    # 12 kg × 20 = 240 at 5.5 %; remise 3 %; port 25 split 20.71 / 4.29: bases 1145.91 and 237.09,
    # VAT 229.18 and 13.04; 1383.00 + 242.22 = 1625.22.
    assert (purchase.total_untaxed, purchase.total_vat, purchase.total_incl_tax) == (D("1383.00"), D("242.22"),
                                                                                     D("1625.22"))
    assert_same(purchase, sale)
    assert [(t.rate, t.base, t.tax) for t in purchase.tax_rows.order_by("-rate")] == [
        (D("20"), D("1145.91"), D("229.18")), (D("5.5"), D("237.09"), D("13.04"))]
    supplier = purchase.party
    assert (supplier.name, supplier.siren, supplier.vat_number, supplier.is_supplier) == (
        seller_org.legal_name, seller_org.siren, "FR44732829320", True)
    assert (purchase.supplier_reference, purchase.issue_date, purchase.due_date, purchase.order_reference) == (
        sale.number, sale.date, sale.due_date, "CF-2026-00042")
    assert (purchase.source_format, purchase.source_file.read()) == ("facturx", pdf)
    assert purchase.reductions == [{"label": "Remise", "pct": "3.00"}] and purchase.shipping == D("25.00")


def test_mixed_invoice_with_remise_rabais_escompte_and_shipping():
    seller_org, seller_user = sales.make_sales_books()
    customer = sales.make_customer(seller_org)
    sale = make_document(seller_org, seller_user, customer, lines=MIXED_LINES, reductions=MIXED_REDUCTIONS,
                         cash_discount_pct="1", shipping="20", operation_category="mixed")
    buyer_org, buyer = customer_books()

    purchase = einvoice_import(actor=buyer, organisation=buyer_org, filename="f.pdf",
                               content=invoice_facturx_pdf(sale))

    # As in sales/tests/test_facturx.py: 20 % 600.00 → remise 30.00 → rabais 11.40 → escompte 5.59 → port 18.19 =
    # 571.20 (VAT 114.24); 5.5 % 59.70 → 2.99 → 1.13 → 0.56 → port 1.81 = 56.83 (VAT 3.13); TTC 745.40.
    assert_same(purchase, sale)
    assert purchase.total_incl_tax == D("745.40")
    assert purchase.reductions == [{"label": "Remise", "pct": "5.00"}, {"label": "Rabais", "pct": "2.00"}]
    assert (purchase.cash_discount_pct, purchase.shipping) == (D("1.00"), D("20.00"))


def test_invoice_deducting_a_deposit_is_refused():
    seller_org, seller_user = sales.make_sales_books()
    customer = sales.make_customer(seller_org)
    sale = make_document(seller_org, seller_user, customer, deposit="100")
    buyer_org, buyer = customer_books()
    with pytest.raises(BusinessError) as error:
        einvoice_import(actor=buyer, organisation=buyer_org, filename="f.pdf", content=invoice_facturx_pdf(sale))
    assert error.value.message == ("Cette facture déduit un acompte déjà versé (100,00 €) : la déduction d'acomptes "
                                   "n'est pas gérée sur les factures fournisseurs, saisissez-la à la main.")
    assert not PurchaseDocument.objects.exists()


def test_the_seller_itself_cannot_import_its_own_invoice():
    seller_org, seller_user = sales.make_sales_books()
    customer = sales.make_customer(seller_org)
    sale = make_document(seller_org, seller_user, customer)
    with pytest.raises(BusinessError) as error:
        einvoice_import(actor=seller_user, organisation=seller_org, filename="f.pdf",
                        content=invoice_facturx_pdf(sale))
    assert error.value.message == ("Cette facture est adressée à Martin Industries SAS (SIREN 552100554, TVA "
                                   "FR96552100554), pas à Durand SARL (SIREN 732829320).")
