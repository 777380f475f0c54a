"""The document list's text search (selectors.documents): customer name or code, number, customer reference.

Whatever path the selector takes (few matches read by id through the indexes, or a broad search walked in list
order), the result must be exactly the plain "contains" filter's, and the number of queries must not grow with
the data.
"""

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from agora.sales.models import DocumentKind, SalesDocument
from agora.sales.selectors import documents as selectors
from agora.sales.selectors.documents import document_list
from agora.sales.services.documents import invoice_validate

from .builders import line, make_customer, make_invoice, make_products, make_sales_books

pytestmark = pytest.mark.django_db
SEARCHES = ["martin", "MARTIN INDUSTRIES", "C002", "c002", "dupont", "FA-2026", "00002", "2026-0000", "bc-77",
            "BC-7781", "commande 12", "zzz", "-", "Client", "0"]


@pytest.fixture
def invoices():
    """Two customers; invoices validated (numbered) or draft, some with a customer reference."""
    organisation, seller = make_sales_books()
    martin = make_customer(organisation)
    dupont = make_customer(organisation, code="C002", name="Dupont Client SA", siren="542051180")
    goods, *_ = make_products(organisation)
    references = ["BC-7781", "", "Commande 12 du 3 mars", "", "BC-7790", ""]
    for n, reference in enumerate(references):
        invoice = make_invoice(organisation, seller, martin if n % 2 else dupont, [line(goods, n + 1)],
                               customer_reference=reference)
        if n < 4:
            invoice_validate(actor=seller, invoice=invoice)
    quote = make_invoice(organisation, seller, martin, [line(goods, 1)], customer_reference="BC-7781")
    SalesDocument.objects.filter(pk=quote.pk).update(kind=DocumentKind.QUOTE)  # another kind: never listed
    return organisation


def _plain(organisation, search: str) -> set[int]:
    """The unindexed definition: a LIKE on every column concerned."""
    return set(SalesDocument.objects.filter(organisation=organisation, kind=DocumentKind.INVOICE).filter(
        Q(number__icontains=search) | Q(customer_reference__icontains=search) | Q(party__name__icontains=search)
        | Q(party__code__iexact=search)).values_list("pk", flat=True))


@pytest.mark.parametrize("few", [20, 1])  # 1: most searches take the broad path
def test_the_search_finds_exactly_what_a_plain_filter_finds(invoices, monkeypatch, few):
    monkeypatch.setattr(selectors, "FEW_MATCHES", few)
    for search in SEARCHES:
        found = document_list(organisation=invoices, kind=DocumentKind.INVOICE, search=search)
        assert set(found.values_list("pk", flat=True)) == _plain(invoices, search), search
    assert _plain(invoices, "martin") and _plain(invoices, "bc-77") and _plain(invoices, "00002")


def test_a_whole_number_and_other_filters_still_apply(invoices):
    found = document_list(organisation=invoices, kind=DocumentKind.INVOICE, search="fa-2026-00002")
    assert [d.number for d in found] == ["FA-2026-00002"]
    drafts = document_list(organisation=invoices, kind=DocumentKind.INVOICE, search="martin", state="draft")
    assert {d.state for d in drafts} == {"draft"} and len(drafts) == 1


def _queries(organisation, search: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        page = list(document_list(organisation=organisation, kind=DocumentKind.INVOICE, search=search)[:50])
        assert page is not None
    return len(captured)


def test_the_query_count_does_not_grow_with_the_matches(invoices, monkeypatch):
    """Few matches: the customers, references and numbers are read first (3 small queries), then the page;
    a search with a space skips the numbers (and one that finds nothing needs no page). A broad search costs
    no more."""
    assert _queries(invoices, "bc-77") == 4 and _queries(invoices, "commande 12") == 3
    assert _queries(invoices, "zzz") == 3
    monkeypatch.setattr(selectors, "FEW_MATCHES", 0)
    assert _queries(invoices, "martin") == 4 and _queries(invoices, "martin industries") == 3
