"""The sales assistant's journey in a real browser: a quote with two products, sent and accepted; the order
delivered in part; the delivery invoiced and validated; a partial receipt; a reminder run after the due date
that picks the invoice; the final receipt that settles and matches it; a credit note on it. At each step the
customer's ledger balance (its 411 lines) is checked in the database and on the customer's page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agora.ledger.models import EntryLine
from agora.sales.models import DocumentKind, DocumentState, Receipt, SalesDocument
from agora.sales.tests.builders import make_customer, make_products, make_sales_books

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SCREENSHOT = "/tmp/sales_journey.png"
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def text_of(locator) -> str:
    return SPACES.sub(" ", locator.inner_text()).strip()


def ledger_balance(party) -> Decimal:
    """The customer's balance in the books: its posted 411 lines, debit minus credit."""
    totals = EntryLine.objects.filter(organisation=party.organisation, party=party, posted=True,
                                      account__code__startswith="411").aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or Decimal(0)) - (totals["c"] or Decimal(0))


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def test_quote_to_credit_note_with_the_customer_balance_at_each_step(flushable_db, live_server, page):
    today = timezone.localdate()
    organisation, seller = make_sales_books(slug="durand", year=today.year)
    customer = make_customer(organisation)  # 30 days
    chair, coffee, _service = make_products(organisation)  # 100 € at 20 %, 20 € at 5,5 %
    url, org = live_server.url, organisation.slug

    def party_page_balance() -> str:
        page.goto(url + reverse("parties:detail", kwargs={"org": org, "pk": customer.pk}))
        return text_of(page.locator("[data-balance=customer] strong"))

    page.goto(url + reverse("web:login"))
    page.fill("#id_username", seller.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_url(url + reverse("web:org_home", kwargs={"org": org}))

    # 1. A quote with two products: 10 chairs at 100 € (20 %) and 20 kg of coffee at 20 € (5,5 %).
    page.goto(url + reverse("sales:document_new", kwargs={"org": org, "kind": "quote"}))
    page.select_option("#id_party", str(customer.pk))
    page.fill("#id_date", today.isoformat())
    rows = page.locator("#lines tbody tr.line-row")
    rows.nth(0).locator("select[name=line-product]").select_option(str(chair.pk))
    expect(rows.nth(0).locator("input[name=line-description]")).to_have_value("Chaise de bureau")
    rows.nth(0).locator("input[name=line-quantity]").fill("10")
    page.click("[data-add-line]")
    rows.nth(1).locator("select[name=line-product]").select_option(str(coffee.pk))
    rows.nth(1).locator("input[name=line-quantity]").fill("20")
    # Live totals from the server: 1 000 + 400 HT, VAT 200 + 22, TTC 1 622.
    expect(page.locator("#live-totals")).to_contain_text(re.compile(r"1[\s\u202f\u00a0]622,00"), timeout=10_000)
    button(page, "Enregistrer le brouillon").click()
    page.wait_for_url(re.compile(r"/ventes/documents/\d+/$"))
    quote = SalesDocument.objects.get(organisation=organisation, kind=DocumentKind.QUOTE)
    assert (quote.untaxed_total, quote.tax_total, quote.total) == (
        Decimal("1400.00"), Decimal("222.00"), Decimal("1622.00"))
    assert quote.number == f"DE-{today.year}-00001" and ledger_balance(customer) == 0

    # 2. Sent, then accepted: the order is confirmed with the quote's lines.
    with page.expect_navigation():
        button(page, "Envoyer").click()
    quote.refresh_from_db()
    assert quote.state == DocumentState.SENT
    with page.expect_navigation():
        button(page, "Accepter").click()
    order = SalesDocument.objects.get(organisation=organisation, kind=DocumentKind.ORDER)
    expect(page.locator("h1")).to_contain_text(order.number)
    assert (order.state, order.source_id, order.total) == (DocumentState.CONFIRMED, quote.pk, Decimal("1622.00"))
    assert ledger_balance(customer) == 0  # an order is not in the books

    # 3. A partial delivery: 6 chairs out of 10, no coffee yet.
    chair_line = order.lines.get(product=chair)
    page.fill(f"input[name=qty-{chair_line.pk}]", "6")
    with page.expect_navigation():
        button(page, "Livrer").click()
    delivery = SalesDocument.objects.get(organisation=organisation, kind=DocumentKind.DELIVERY)
    assert [(x.description, x.quantity) for x in delivery.lines.all()] == [("Chaise de bureau", Decimal(6))]
    with page.expect_navigation():
        button(page, "Valider la livraison").click()
    delivery.refresh_from_db()
    assert delivery.state == DocumentState.VALIDATED
    chair_line.refresh_from_db()
    assert chair_line.delivered_quantity == 6

    # 4. The invoice from that delivery, validated: 6 × 100 = 600 HT + 120 VAT = 720 on 411.
    with page.expect_navigation():
        button(page, "Facturer").click()
    invoice = SalesDocument.objects.get(organisation=organisation, kind=DocumentKind.INVOICE)
    assert invoice.source_id == delivery.pk and invoice.state == DocumentState.DRAFT
    expect(page.locator("[role=status]")).to_contain_text("Toutes les mentions obligatoires sont présentes")
    with page.expect_navigation():
        button(page, "Valider").click()
    invoice.refresh_from_db()
    number = f"FA-{today.year}-00001"
    expect(page.locator("h1")).to_contain_text(number)
    assert (invoice.number, invoice.total, invoice.due_date) == (number, Decimal("720.00"), today + timedelta(30))
    assert ledger_balance(customer) == Decimal("720.00")
    assert party_page_balance() == "720,00"

    # 5. A partial receipt of 300 € by transfer, allocated to the invoice.
    page.goto(url + reverse("sales:receipt_new", kwargs={"org": org}) + f"?party={customer.pk}")
    expect(page.locator("#open-invoices")).to_contain_text(number)
    page.fill("#id_date", today.isoformat())
    page.select_option("#id_method", "transfer")
    page.fill("#id_amount", "300,00")
    page.fill("#id_reference", "VIR MARTIN INDUSTRIES")
    page.fill(f"input[name=alloc-{invoice.pk}]", "300,00")
    with page.expect_navigation():
        button(page, "Enregistrer l'encaissement").click()
    assert Receipt.objects.get(organisation=organisation).number == f"RC-{today.year}-00001"
    assert ledger_balance(customer) == Decimal("420.00")
    assert party_page_balance() == "420,00"
    invoice_line = EntryLine.objects.get(entry=invoice.entry, account__code="411")
    assert not invoice_line.matching_part.matching.is_full  # partial matching, printed in lower case

    # 6. A reminder run ten days after the due date: the invoice appears, for what is left (420 €).
    page.goto(url + reverse("sales:reminder_runs", kwargs={"org": org}))
    page.fill("#id_on", (invoice.due_date + timedelta(days=10)).isoformat())
    with page.expect_navigation():
        button(page, "Préparer").click()
    row = page.locator("table tbody tr", has_text=number)
    expect(row).to_contain_text("Première relance")
    expect(row).to_contain_text("420,00")
    assert ledger_balance(customer) == Decimal("420.00")  # a reminder writes nothing in the books

    # 7. The final receipt, 420 € by cheque: the invoice is paid and its 411 lines fully matched.
    page.goto(url + reverse("sales:receipt_new", kwargs={"org": org}) + f"?party={customer.pk}")
    page.fill("#id_date", today.isoformat())
    page.select_option("#id_method", "cheque")
    page.fill("#id_amount", "420,00")
    page.fill("#id_reference", "Chèque n° 1234567")
    page.fill("#id_drawee_bank", "Banque Populaire")
    page.fill(f"input[name=alloc-{invoice.pk}]", "420,00")
    with page.expect_navigation():
        button(page, "Enregistrer l'encaissement").click()
    assert ledger_balance(customer) == 0
    assert party_page_balance() == "0,00"
    lines = EntryLine.objects.filter(organisation=organisation, party=customer, account__code="411")
    assert lines.count() == 3  # the invoice and the two receipts
    codes = {line.matching_part.matching.display_code for line in lines}
    assert len(codes) == 1 and codes.pop().isupper()  # one full matching: its code in capitals
    assert lines.first().matching_part.matching.is_full

    # 8. A credit note on the invoice: one chair returned, 100 + 20 = 120 € credited to the customer.
    page.goto(url + reverse("sales:document_detail", kwargs={"org": org, "pk": invoice.pk}))
    page.select_option("#id_kind_of_credit", "return")
    page.fill("#id_reason", "Retour d'une chaise abîmée")
    page.fill(f"input[name=qty-{invoice.lines.get().pk}]", "1")
    with page.expect_navigation():
        button(page, "Créer un avoir").click()
    credit_note = SalesDocument.objects.get(organisation=organisation, kind=DocumentKind.CREDIT_NOTE)
    assert credit_note.credited_invoice_id == invoice.pk and credit_note.total == Decimal("120.00")
    with page.expect_navigation():
        button(page, "Valider").click()
    credit_note.refresh_from_db()
    expect(page.locator("h1")).to_contain_text(f"AV-{today.year}-00001")
    assert credit_note.state == DocumentState.VALIDATED
    assert list(credit_note.entry.lines.order_by("line_no").values_list("account__code", "debit", "credit")) == [
        ("411", Decimal("0.00"), Decimal("120.00")), ("707", Decimal("100.00"), Decimal("0.00")),
        ("44571", Decimal("20.00"), Decimal("0.00"))]
    assert ledger_balance(customer) == Decimal("-120.00")  # a credit in the customer's favour
    assert party_page_balance() == "-120,00"
    expect(page.locator("[data-balance=customer]")).to_contain_text("crédit du client")
    page.screenshot(path=SCREENSHOT, full_page=True)
