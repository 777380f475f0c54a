"""The sales dashboard on a small set of posted invoices, every figure worked by hand.

The books (association chart, so that fees and donations exist; fiscal years 2025 and 2026):
  2025-03-15 VT  C001 invoice        411 D 1 200 / 706 C 1 000 / 44571 C 200
  2026-03-10 VT  C001 invoice        411 D 2 400 / 707 C 2 000 / 44571 C 400
  2026-03-20 VT  C002 invoice        411 D 600   / 706 C 500   / 44571 C 100
  2026-04-05 VT  C001 credit note    706 D 200 / 44571 D 40 / 411 C 240
  2026-05-02 VT  C003 membership fee 411 D 50 / 756 C 50            (not a sale)
  2026-05-03 BQ1 donation            5121 D 30 / 75411 C 30          (not a sale)
  2026-06-01 BQ1 C001 payment        5121 D 1 000 / 411 C 1 000
  2026-06-15 OD  accrual             418 D 100  / 706 C 100          (not the sales journal)
  2026-06-20 VT  C002 invoice        411 D 720 / 706 C 600 / 44571 C 120
Monthly turnover 2026 (class 70, VT): March 2 000 + 500 = 2 500; April −200; June 600; year 2 900.
2025: March 1 000.
As of 30/06/2026: receivables (411) = 1 200 + 2 400 + 600 − 240 + 50 − 1 000 + 720 = 3 730;
TTC of the 12 months to 30/06/2026 (411 in VT) = 2 400 + 600 − 240 + 50 + 720 = 3 530;
DSO = 3 730 × 365 / 3 530 = 385.68 → 385.7 days.

The documents (validated unless said):
  FA-2025-1 C001 15/03/2025: CHAISE 10 × 100 = 1 000 (TTC 1 200, paid in full)
  FA-2026-1 C001 10/03/2026: CHAISE 15 × 100 = 1 500, INSTALL 5 × 60 = 300, free line 1 × 200 → 2 000
            (TTC 2 400, due 09/04/2026, 1 000 received, credited 240)
  FA-2026-2 C002 20/03/2026: CHAISE 5 × 100 = 500 (TTC 600, due 19/04/2026)
  AV-2026-1 C001 05/04/2026 on FA-2026-1: CHAISE 2 × 100 = 200 (TTC 240)
  FA-2026-3 C002 20/06/2026: INSTALL 10 × 60 = 600 (TTC 720, due 20/07/2026)
  deposit invoice C002 01/02/2026: 100 (TTC 120, due 01/03/2026) — not turnover, but overdue
  draft invoice C001 01/05/2026: CHAISE 9 × 100 — ignored
Per article: CHAISE 18 u, 1 800; INSTALL 15 h, 900; free lines 1, 200.
Per customer: C001 2 000 − 200 = 1 800 (1 invoice, 1 credit note); C002 500 + 600 = 1 100 (2 invoices, basket 550).
Volume: 3 invoices, 1 credit note, invoiced 3 100, credited 200, net 2 900 (= the ledger), quantity
21 + 5 + 10 − 2 = 34; average basket 2 900 / 3 = 966.67.
Overdue on 30/06/2026: deposit 120 (121 days), FA-2026-1 2 400 − 1 000 − 240 = 1 160 (82 days),
FA-2026-2 600 (72 days): 3 invoices, 1 880.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create, vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.ledger.services import fiscal_year_create
from agora.ledger.tests.builders import make_books, make_party, post
from agora.reporting import selectors
from agora.sales.models import Receipt, ReceiptAllocation, SalesDocument, SalesLine

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)
D = Decimal


def document(organisation, party, kind, day, lines, *, number="", state="validated", due=None, is_deposit=False,
             credited_invoice=None, vat="20"):
    """A sales document row with its lines and stored totals (the documents' services are another module's)."""
    net = sum((D(str(q)) * D(str(p)) for _, _, q, p in lines), D("0"))
    tax = (net * D(vat) / 100).quantize(D("0.01"))
    doc = SalesDocument.objects.create(
        organisation=organisation, kind=kind, state=state, number=number, date=day, due_date=due, party=party,
        is_deposit=is_deposit, credited_invoice=credited_invoice, lines_total=net, commercial_net=net,
        financial_net=net, untaxed_total=net, tax_total=tax, total=net + tax, net_to_pay=net + tax)
    for n, (product, description, quantity, price) in enumerate(lines, start=1):
        SalesLine.objects.create(document=doc, organisation=organisation, line_no=n, product=product,
                                 description=description, quantity=D(str(quantity)), unit_price=D(str(price)),
                                 vat_rate=D(vat), net_amount=D(str(quantity)) * D(str(price)),
                                 kind=product.kind if product else "goods")
    return doc


def receipt(organisation, party, day, amount, invoice):
    paid = Receipt.objects.create(organisation=organisation, party=party, date=day, method="transfer",
                                  amount=D(amount))
    ReceiptAllocation.objects.create(receipt=paid, invoice=invoice, amount=D(amount))


@pytest.fixture
def books():
    organisation, accountant = make_books(kind="association", year=2025)
    fiscal_year_create(actor=accountant, organisation=organisation)  # 2026
    vat_categories_setup(organisation=organisation)
    c001 = make_party(organisation, "C001", "Client Martin")
    c002 = make_party(organisation, "C002", "Client Durand")
    make_party(organisation, "C003", "Adhérent Leroy", is_member=True)
    post(organisation, accountant, "VT", date(2025, 3, 15), "FA-2025-1", ("411", 1200, 0, "C001"), ("706", 0, 1000),
         ("44571", 0, 200))
    post(organisation, accountant, "VT", date(2026, 3, 10), "FA-2026-1", ("411", 2400, 0, "C001"), ("707", 0, 2000),
         ("44571", 0, 400))
    post(organisation, accountant, "VT", date(2026, 3, 20), "FA-2026-2", ("411", 600, 0, "C002"), ("706", 0, 500),
         ("44571", 0, 100))
    post(organisation, accountant, "VT", date(2026, 4, 5), "AV-2026-1", ("706", 200, 0), ("44571", 40, 0),
         ("411", 0, 240, "C001"))
    post(organisation, accountant, "VT", date(2026, 5, 2), "Cotisation 2026", ("411", 50, 0, "C003"), ("756", 0, 50))
    post(organisation, accountant, "BQ1", date(2026, 5, 3), "Don", ("5121", 30, 0), ("75411", 0, 30))
    post(organisation, accountant, "BQ1", date(2026, 6, 1), "Règlement Martin", ("5121", 1000, 0),
         ("411", 0, 1000, "C001"))
    post(organisation, accountant, "OD", date(2026, 6, 15), "Factures à établir", ("418", 100, 0), ("706", 0, 100))
    post(organisation, accountant, "VT", date(2026, 6, 20), "FA-2026-3", ("411", 720, 0, "C002"), ("706", 0, 600),
         ("44571", 0, 120))

    tva20 = VatCategory.objects.get(organisation=organisation, code="TVA20").pk
    chaise = product_create(actor=None, organisation=organisation, data={
        "reference": "CHAISE", "label": "Chaise de bureau", "sale_price": "100", "vat_category": tva20})
    install = product_create(actor=None, organisation=organisation, data={
        "reference": "INSTALL", "label": "Installation", "kind": "service", "unit": "h", "sale_price": "60",
        "vat_category": tva20, "revenue_account": "706"})
    old = document(organisation, c001, "invoice", date(2025, 3, 15), [(chaise, "Chaise", 10, 100)],
                   number="FA-2025-1", due=date(2025, 4, 14))
    receipt(organisation, c001, date(2025, 4, 10), "1200", old)
    fa1 = document(organisation, c001, "invoice", date(2026, 3, 10),
                   [(chaise, "Chaise", 15, 100), (install, "Installation", 5, 60), (None, "Frais de dossier", 1, 200)],
                   number="FA-2026-1", due=date(2026, 4, 9))
    document(organisation, c002, "invoice", date(2026, 3, 20), [(chaise, "Chaise", 5, 100)], number="FA-2026-2",
             due=date(2026, 4, 19))
    document(organisation, c001, "credit_note", date(2026, 4, 5), [(chaise, "Chaise (retour)", 2, 100)],
             number="AV-2026-1", credited_invoice=fa1)
    receipt(organisation, c001, date(2026, 6, 1), "1000", fa1)
    document(organisation, c002, "invoice", date(2026, 6, 20), [(install, "Installation", 10, 60)],
             number="FA-2026-3", due=date(2026, 7, 20))
    document(organisation, c002, "invoice", date(2026, 2, 1), [(None, "Acompte 20 %", 1, 100)], number="FA-2026-0",
             due=date(2026, 3, 1), is_deposit=True)
    document(organisation, c001, "invoice", date(2026, 5, 1), [(chaise, "Chaise", 9, 100)], state="draft")

    # Another organisation's sales never leak in.
    other, other_accountant = make_books(slug="autre", year=2026)
    stranger = make_party(other, "C001", "Client ailleurs")
    post(other, other_accountant, "VT", date(2026, 3, 10), "FA", ("411", 12000, 0, "C001"), ("707", 0, 10000),
         ("44571", 0, 2000))
    document(other, stranger, "invoice", date(2026, 3, 10), [(None, "Autre", 1, 10000)], number="FA-X",
             due=date(2026, 3, 11))
    return organisation, accountant


def test_monthly_turnover_from_the_ledger_excludes_fees_donations_and_other_journals(books):
    organisation, _ = books
    months = selectors.monthly_turnover(organisation=organisation, year=2026)
    assert [m.current for m in months] == [D("0.00"), D("0.00"), D("2500.00"), D("-200.00")] + [D("0.00")] + [
        D("600.00")] + [D("0.00")] * 6
    assert [m.previous for m in months] == [D("0.00")] * 2 + [D("1000.00")] + [D("0.00")] * 9
    assert months[2].label == "mars" and months[2].change == D("150.00") and months[3].change is None


def test_products_customers_and_volume_from_the_documents(books):
    organisation, _ = books
    span = {"date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}
    products = selectors.turnover_by_product(organisation=organisation, **span)
    assert [(p.reference, p.label, p.quantity, p.turnover, p.invoices) for p in products] == [
        ("CHAISE", "Chaise de bureau", D("18.0000"), D("1800.00"), 2),
        ("INSTALL", "Installation", D("15.0000"), D("900.00"), 2),
        ("", "Lignes sans article", D("1.0000"), D("200.00"), 1)]
    customers = selectors.turnover_by_customer(organisation=organisation, **span)
    assert [(c.code, c.turnover, c.invoices, c.credit_notes, c.average_basket) for c in customers] == [
        ("C001", D("1800.00"), 1, 1, D("1800.00")), ("C002", D("1100.00"), 2, 0, D("550.00"))]
    volume = selectors.sales_volume(organisation=organisation, **span)
    assert (volume.invoices, volume.credit_notes, volume.invoiced, volume.credited, volume.turnover,
            volume.quantity, volume.average_basket) == (3, 1, D("3100.00"), D("200.00"), D("2900.00"),
                                                        D("34.0000"), D("966.67"))


def test_receivables_dso_and_overdue(books):
    organisation, _ = books
    report = selectors.sales_dashboard(organisation=organisation, year=2026, as_of=AS_OF)
    assert (report.receivables, report.turnover_ttc_12_months, report.dso) == (D("3730.00"), D("3530.00"),
                                                                               D("385.7"))
    assert (report.overdue.count, report.overdue.amount) == (3, D("1880.00"))
    assert [(i.number, i.open_amount, i.days_late) for i in report.overdue.invoices] == [
        ("FA-2026-0", D("120.00"), 121), ("FA-2026-1", D("1160.00"), 82), ("FA-2026-2", D("600.00"), 72)]
    assert (report.ledger_turnover, report.ledger_turnover_previous, report.ledger_turnover_previous_to_date) == (
        D("2900.00"), D("1000.00"), D("1000.00"))
    assert report.volume.turnover == report.ledger_turnover  # both sources agree on these books

    last_year = selectors.sales_dashboard(organisation=organisation, year=2025, as_of=date(2025, 12, 31))
    assert (last_year.receivables, last_year.turnover_ttc_12_months, last_year.dso) == (D("1200.00"), D("1200.00"),
                                                                                        D("365.0"))
    assert (last_year.overdue.count, last_year.volume.invoices, last_year.ledger_turnover) == (0, 1, D("1000.00"))


def test_dso_without_sales_is_none():
    assert selectors.days_sales_outstanding(receivables=D("10"), turnover_ttc=D("0")) is None
    assert selectors.dashboard_as_of(2025, date(2026, 6, 30)) == date(2025, 12, 31)
    assert selectors.dashboard_as_of(2026, date(2026, 6, 30)) == date(2026, 6, 30)


@pytest.fixture
def today(monkeypatch):
    from agora.reporting import views

    class FrozenTimezone:
        @staticmethod
        def localdate():
            return AS_OF

    monkeypatch.setattr(views, "timezone", FrozenTimezone)


def url(org="durand"):
    return reverse("reporting:sales", kwargs={"org": org})


def test_the_page_shows_the_figures_and_real_charts(books, client, today):
    organisation, _ = books
    client.force_login(grant(make_user("vendeur"), organisation, "sales"))
    response = client.get(url() + "?annee=2026")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.year, report.as_of, report.dso, report.overdue.amount) == (2026, AS_OF, D("385.7"), D("1880.00"))
    page = response.content.decode()
    assert page.count("<svg") == 3 and "<script" not in page.split("<main", 1)[1]
    assert "cdn" not in page.lower() and "pygal-chart" in page
    assert "2\u202f900,00 €" in page and "966,67 €" in page and "385,7 jours" in page and "1\u202f880,00 €" in page
    assert "Lignes sans article" in page and "FA-2026-0" in page
    assert [y for y, _ in response.context["form"].fields["annee"].choices] == [2026, 2025]

    response = client.get(url() + "?annee=2025")
    assert response.context["report"].as_of == date(2025, 12, 31)
    assert response.context["report"].ledger_turnover == D("1000.00")
    assert client.get(url() + "?annee=1999").context["report"].year == 2026  # not offered: this year
    assert client.get(reverse("reporting:dashboard", kwargs={"org": "durand"})).status_code == 302


def test_rights(books, client, today):
    organisation, _ = books
    for role, status in [("sales", 200), ("management", 200), ("accounting", 200), ("admin", 200),
                         ("purchasing", 403), ("hr", 403), ("employee", 403)]:
        client.force_login(grant(make_user(f"u-{role}"), organisation, role))
        assert client.get(url()).status_code == status, role
    client.force_login(make_user("personne"))
    assert client.get(url()).status_code == 404
    client.logout()
    assert client.get(url()).status_code == 302


def test_query_count_does_not_grow_with_the_documents(books, client, today):
    organisation, accountant = books
    client.force_login(grant(make_user("vendeur"), organisation, "sales"))
    client.get(url())

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url()).status_code == 200
        return len(queries)

    small = count()
    party = make_party(organisation, "C100", "Client en plus")
    for n in range(20):
        document(organisation, party, "invoice", date(2026, 1 + n % 5, 2), [(None, f"Ligne {n}", 1, 10)],
                 number=f"FA-2026-1{n:02d}", due=date(2026, 6, 1))
    assert count() == small
