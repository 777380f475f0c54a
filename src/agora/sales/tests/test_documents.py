"""The document chain, gapless chronological numbering, frozen validated documents and bad input."""

from datetime import date
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Counter
from agora.ledger.models import Entry
from agora.sales.models import DocumentKind, DocumentState, SalesDocument, SalesLine
from agora.sales.selectors.documents import document_chain, remaining_to_deliver, remaining_to_invoice
from agora.sales.services.documents import (
    delivery_validate,
    document_delete,
    document_update,
    invoice_from,
    invoice_validate,
    order_deliver,
    quote_accept,
    quote_refuse,
    quote_send,
    quotes_expire,
)
from agora.sales.services.setup import sales_setup

from .builders import DAY, line, make_customer, make_invoice, make_products, make_quote, make_sales_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    organisation, seller = make_sales_books()
    customer = make_customer(organisation)
    return organisation, seller, customer, *make_products(organisation)


def test_setup_is_idempotent(books):
    organisation, seller, *_ = books
    settings = sales_setup(actor=seller, organisation=organisation)
    assert sales_setup(actor=seller, organisation=organisation).pk == settings.pk
    assert settings.default_payment_term.days == 30


def test_chain_quote_order_two_deliveries_two_invoices(books):
    organisation, seller, customer, goods, _food, service = books
    quote = make_quote(organisation, seller, customer, [line(goods, 10), line(service, 4)])
    assert quote.number == "DE-2026-00001" and quote.valid_until == date(2026, 4, 9)
    quote = quote_send(actor=seller, quote=quote)
    order = quote_accept(actor=seller, quote=quote, on=date(2026, 3, 12))
    quote.refresh_from_db()
    assert (quote.state, order.state, order.source_id, order.number) == (
        DocumentState.ACCEPTED, DocumentState.CONFIRMED, quote.pk, "CO-2026-00001")
    chairs, hours = order.lines.order_by("line_no")
    assert chairs.source_line.document_id == quote.pk

    first = order_deliver(actor=seller, order=order, quantities={chairs.pk: Decimal(6), hours.pk: Decimal(4)},
                          on=date(2026, 3, 15))
    delivery_validate(actor=seller, delivery=first)
    assert remaining_to_deliver(order) == {chairs.pk: Decimal(4), hours.pk: Decimal(0)}
    with pytest.raises(BusinessError) as error:
        order_deliver(actor=seller, order=order, quantities={chairs.pk: Decimal(5)})
    assert error.value.field == f"quantities.{chairs.pk}"
    second = order_deliver(actor=seller, order=order, on=date(2026, 3, 20))  # the 4 chairs left
    assert [(x.description, x.quantity) for x in second.lines.all()] == [("Chaise de bureau", Decimal("4.0000"))]
    assert remaining_to_deliver(order) == {chairs.pk: Decimal(0), hours.pk: Decimal(0)}
    with pytest.raises(BusinessError, match="Tout a déjà été livré"):
        order_deliver(actor=seller, order=order)

    invoice1 = invoice_from(actor=seller, source=first)
    assert invoice1.source_id == first.pk and invoice1.delivery_date == date(2026, 3, 15)
    assert invoice1.untaxed_total == Decimal("840.00")  # 6 × 100 + 4 × 60
    invoice2 = invoice_from(actor=seller, source=second)
    assert invoice2.untaxed_total == Decimal("400.00")
    chairs.refresh_from_db()
    assert (chairs.delivered_quantity, chairs.invoiced_quantity) == (Decimal(10), Decimal(10))
    assert remaining_to_invoice(first) == {x.pk: Decimal(0) for x in first.lines.all()}
    assert remaining_to_invoice(order) == {chairs.pk: Decimal(0), hours.pk: Decimal(0)}
    with pytest.raises(BusinessError, match="Tout a déjà été facturé"):
        invoice_from(actor=seller, source=order)

    chain = document_chain(invoice2)
    assert [d.pk for d in chain] == [quote.pk, order.pk, first.pk, second.pk, invoice1.pk, invoice2.pk]
    assert [d.pk for d in document_chain(quote)] == [d.pk for d in chain]

    # deleting the second draft invoice gives its quantities back, both ways
    document_delete(actor=seller, document=invoice2)
    chairs.refresh_from_db()
    assert chairs.invoiced_quantity == Decimal(6)
    assert remaining_to_invoice(second) == {second.lines.get().pk: Decimal(4)}
    invoice_validate(actor=seller, invoice=invoice1)
    with pytest.raises(BusinessError):
        document_delete(actor=seller, document=first)  # an invoice derives from it


def test_quote_refuse_and_expire(books):
    organisation, seller, customer, goods, *_ = books
    refused = quote_refuse(actor=seller, quote=make_quote(organisation, seller, customer, [line(goods, 1)]))
    assert refused.state == DocumentState.REFUSED
    with pytest.raises(BusinessError) as error:
        quote_accept(actor=seller, quote=refused)
    assert error.value.field == "state"
    old = make_quote(organisation, seller, customer, [line(goods, 1)], valid_until=date(2026, 3, 20))
    quote_send(actor=seller, quote=old)
    make_quote(organisation, seller, customer, [line(goods, 1)], valid_until=date(2026, 5, 1))
    assert quotes_expire(organisation=organisation, today=date(2026, 3, 21)) == 1
    old.refresh_from_db()
    assert old.state == DocumentState.EXPIRED
    assert AuditEvent.objects.filter(action="sales.quote.expire", object_id=str(old.pk)).count() == 1


def test_gapless_chronological_numbering(books):
    organisation, seller, customer, goods, *_ = books
    numbers = [invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer, [line(goods, 1)],
                                                                   day=date(2026, 3, d))).number for d in (1, 2, 2)]
    assert numbers == ["FA-2026-00001", "FA-2026-00002", "FA-2026-00003"]
    late = make_invoice(organisation, seller, customer, [line(goods, 1)], day=date(2026, 2, 28))
    with pytest.raises(BusinessError) as error:
        invoice_validate(actor=seller, invoice=late)
    assert error.value.field == "date" and "chronologique" in error.value.message
    late.refresh_from_db()
    assert (late.state, late.number, late.entry_id) == (DocumentState.DRAFT, "", None)
    assert Counter.objects.get(organisation=organisation, series="sales:invoice").last_value == 3
    late.date = date(2026, 3, 3)
    late.save()
    assert invoice_validate(actor=seller, invoice=late).number == "FA-2026-00004"


def test_validated_invoice_is_frozen(books):
    organisation, seller, customer, goods, *_ = books
    invoice = invoice_validate(actor=seller, invoice=make_invoice(organisation, seller, customer,
                                                                  [line(goods, 1)]))
    with pytest.raises(BusinessError) as error:
        document_update(actor=seller, document=invoice, data={}, lines=[line(goods, 2)])
    assert error.value.field == "state" and "avoir" in error.value.message
    with pytest.raises(BusinessError):
        document_delete(actor=seller, document=invoice)
    with pytest.raises(BusinessError):
        invoice_validate(actor=seller, invoice=invoice)
    invoice.refresh_from_db()
    assert (invoice.total, invoice.lines.get().quantity) == (Decimal("120.00"), Decimal(1))


def test_draft_update_recomputes(books):
    organisation, seller, customer, goods, food, _service = books
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1)])
    invoice = document_update(actor=seller, document=invoice, data={"shipping": "10,00"},
                              lines=[line(goods, "2"), line(food, "1,5")])
    # 200 + 30 = 230; shipping 10 spread 200/230 → 8.70 at 20 %, 1.30 at 5.5 %
    assert [(t.rate, t.base, t.tax) for t in invoice.tax_rows.all()] == [
        (Decimal("20.00"), Decimal("208.70"), Decimal("41.74")), (Decimal("5.50"), Decimal("31.30"), Decimal("1.72"))]
    assert invoice.total == Decimal("283.46")
    assert AuditEvent.objects.filter(action="sales.invoice.update", object_id=str(invoice.pk)).count() == 1


def _nothing_written(organisation, before_audit):
    assert SalesDocument.objects.filter(organisation=organisation).count() == 0
    assert SalesLine.objects.filter(organisation=organisation).count() == 0
    assert AuditEvent.objects.filter(organisation=organisation).count() == before_audit


@pytest.mark.parametrize("bad, field, message", [
    ({"quantity": "-2"}, "lines.1.quantity", "Ligne 1 : la quantité doit être positive."),
    ({"vat_rate": "7"}, "lines.1.vat_rate", "Ligne 1 : taux de TVA inconnu (7.00 %)."),
    ({"quantity": "deux"}, "lines.1.quantity", "Montant illisible : « deux »."),
    ({"revenue_account": "7999"}, "lines.1.revenue_account", "Ligne 1 : compte de produit inconnu « 7999 »."),
])
def test_bad_lines_are_refused_and_nothing_written(books, bad, field, message):
    organisation, seller, customer, goods, *_ = books
    before = AuditEvent.objects.filter(organisation=organisation).count()
    with pytest.raises(BusinessError) as error:
        make_invoice(organisation, seller, customer, [{**line(goods, 1), **bad}])
    assert (error.value.field, error.value.message) == (field, message)
    _nothing_written(organisation, before)


def test_invalid_siret_on_the_customer(books):
    organisation, *_ = books
    with pytest.raises(BusinessError) as error:
        make_customer(organisation, code="C002", siret="73282932000075")
    assert error.value.field == "siret" and "SIRET" in error.value.message


def test_validation_without_a_mandatory_mention_writes_nothing():
    organisation, seller = make_sales_books(vat_number="")  # no intra-EU VAT number
    customer = make_customer(organisation, siren="")  # B2B without SIREN
    goods, *_ = make_products(organisation)
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1)])
    audits = AuditEvent.objects.filter(organisation=organisation).count()
    with pytest.raises(BusinessError) as error:
        invoice_validate(actor=seller, invoice=invoice)
    assert error.value.field == "mentions"
    assert error.value.message == ("Mentions obligatoires manquantes : Numéro de TVA intracommunautaire du vendeur ; "
                                   "SIREN du client (client professionnel).")
    invoice.refresh_from_db()
    assert (invoice.state, invoice.number, invoice.customer_name, invoice.due_date) == (
        DocumentState.DRAFT, "", "", None)
    assert Entry.objects.filter(organisation=organisation).count() == 0
    assert not Counter.objects.filter(organisation=organisation, series="sales:invoice", last_value__gt=0).exists()
    assert AuditEvent.objects.filter(organisation=organisation).count() == audits


def test_prospect_gets_quotes_not_invoices(books):
    organisation, seller, _customer, goods, *_ = books
    prospect = make_customer(organisation, code="P9", is_customer=False, is_prospect=True)
    assert make_quote(organisation, seller, prospect, [line(goods, 1)]).kind == DocumentKind.QUOTE
    with pytest.raises(BusinessError) as error:
        make_invoice(organisation, seller, prospect, [line(goods, 1)])
    assert error.value.field == "party"


def test_other_organisation_documents_are_invisible(books):
    from agora.sales.selectors.documents import document_get

    organisation, seller, customer, goods, *_ = books
    invoice = make_invoice(organisation, seller, customer, [line(goods, 1)], day=DAY)
    other, _ = make_sales_books(slug="autre")
    with pytest.raises(BusinessError):
        document_get(organisation=other, pk=invoice.pk)
