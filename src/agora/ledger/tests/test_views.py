"""Accounting screens through the Django test client: rights, the entry form, lists, matching, reports,
FEC, reversal and closing, with hand-worked figures."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.tests.builders import grant, make_user
from agora.ledger.models import Entry, EntryLine, FiscalYear, Matching, Period

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"


def url(name, org="durand", **kwargs):
    return reverse(f"ledger:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def books():
    organisation, accountant = make_books()
    make_party(organisation, "C001", "Client Martin")
    return organisation, accountant


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def entry_post_data(*lines, journal="OD", day="2026-03-05", label="Frais bancaires", action="post", reference=""):
    """POST body of the entry form; lines: (account, party, label, debit, credit)."""
    data = {"journal": journal, "date": day, "label": label, "reference": reference, action: "1",
            "line-account": [], "line-party": [], "line-label": [], "line-debit": [], "line-credit": []}
    for account, party, line_label, debit, credit in lines:
        data["line-account"].append(account)
        data["line-party"].append(party)
        data["line-label"].append(line_label)
        data["line-debit"].append(debit)
        data["line-credit"].append(credit)
    return data


def test_every_page_answers_200_for_an_accountant(books, client_for):
    organisation, accountant = books
    invoice = sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    client = client_for(accountant)
    client.post(url("entry_new"), entry_post_data(("627", "", "", "10", ""), ("5121", "", "", "", "10"),
                                                  action="save"))
    draft = Entry.objects.get(state=Entry.Status.DRAFT)
    account = invoice.lines.get(account__code="411").account
    pages = [
        url("entries"), url("entry_new"), url("entry_detail", pk=invoice.pk), url("entry_detail", pk=draft.pk),
        url("entry_edit", pk=draft.pk), url("accounts"), url("accounts") + "?q=411&account_class=4",
        url("account_new"), url("account_edit", pk=account.pk), url("journals"), url("journal_new"),
        url("fiscal_years"), url("fiscal_year_new"), url("matching"), url("matching") + "?account=411&party=C001",
        url("journal_report"), url("general_ledger"), url("general_ledger") + "?account_from=411&account_to=411",
        url("trial_balance"), url("trial_balance") + "?auxiliary=customer", url("fec"), url("closing"),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    assert client.get(url("entries").replace("ecritures/", "")).status_code == 302


def test_management_reads_but_cannot_write(books, client_for):
    organisation, accountant = books
    invoice = sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    manager = client_for(grant(make_user("direction"), organisation, "management"))
    for page in [url("entries"), url("entry_detail", pk=invoice.pk), url("accounts"), url("journals"),
                 url("fiscal_years"), url("matching") + "?account=411&party=C001", url("journal_report"),
                 url("general_ledger"), url("trial_balance"), url("fec")]:
        assert manager.get(page).status_code == 200, page
    january = Period.objects.get(organisation=organisation, start_date=date(2026, 1, 1))
    year = FiscalYear.objects.get(organisation=organisation)
    line = invoice.lines.get(account__code="411")
    assert manager.get(url("entry_new")).status_code == 403
    assert manager.get(url("account_new")).status_code == 403
    assert manager.get(url("closing")).status_code == 403
    writes = [
        (url("entry_new"), entry_post_data(("627", "", "", "10", ""), ("5121", "", "", "", "10"))),
        (url("entry_post", pk=invoice.pk), {}),
        (url("entry_reverse", pk=invoice.pk), {"date": "2026-03-10"}),
        (url("entry_delete", pk=invoice.pk), {}),
        (url("account_new"), {"code": "4110001", "label": "Client Dupont"}),
        (url("journal_new"), {"code": "BQ2", "label": "Banque 2", "kind": "bank"}),
        (url("period_state", pk=january.pk, state="closed"), {}),
        (url("fiscal_year_lock", pk=year.pk), {}),
        (url("matching"), {"account": "411", "party": "C001", "lines": [line.pk]}),
        (url("closing"), {"fiscal_year": year.pk}),
    ]
    for path, data in writes:
        assert manager.post(path, data).status_code == 403, path
    salesperson = client_for(grant(make_user("vendeur"), organisation, "sales"))
    assert salesperson.get(url("entries")).status_code == 403
    assert salesperson.get(url("trial_balance")).status_code == 403
    assert Entry.objects.count() == 1 and Period.objects.get(pk=january.pk).state == "open"
    assert not Matching.objects.exists()


def test_other_organisation_gets_404(books, client_for):
    organisation, accountant = books
    invoice = sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    other_org, other = make_books(slug="autre")
    client = client_for(other)
    assert client.get(url("entry_detail", org="durand", pk=invoice.pk)).status_code == 404
    assert client.get(url("entry_detail", org="autre", pk=invoice.pk)).status_code == 404
    assert client.post(url("entry_reverse", org="autre", pk=invoice.pk), {"date": "2026-03-10"}).status_code == 404
    assert not Entry.objects.filter(reversal_of=invoice).exists()


def test_entry_form_posts_a_balanced_entry_with_french_amounts(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    response = client.post(url("entry_new"), entry_post_data(
        ("627", "", "Commission", "1 234,56", ""), ("44566", "", "", f"1{NNBSP}000,00", ""),
        ("5121", "", "", "", "2234.56"), reference="REL-03"))
    entry = Entry.objects.get()
    assert response.status_code == 302 and response["Location"] == url("entry_detail", pk=entry.pk)
    assert entry.state == Entry.Status.POSTED and entry.display_number == "OD-2026-000001"
    assert entry.reference == "REL-03" and entry.posted_by == accountant
    assert list(entry.lines.values_list("line_no", "account__code", "label", "debit", "credit")) == [
        (1, "627", "Commission", Decimal("1234.56"), Decimal("0.00")),
        (2, "44566", "Frais bancaires", Decimal("1000.00"), Decimal("0.00")),
        (3, "5121", "Frais bancaires", Decimal("0.00"), Decimal("2234.56"))]
    page = client.get(url("entry_detail", pk=entry.pk)).content.decode()
    assert "OD-2026-000001" in page and f"2{NNBSP}234,56" in page and entry.hash[:12] in page


def test_unbalanced_entry_shows_the_french_error_and_writes_nothing(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    response = client.post(url("entry_new"), entry_post_data(
        ("627", "", "", "100,00", ""), ("5121", "", "", "", "99,99")))
    assert response.status_code == 200
    assert response.context["line_errors"] == [
        "Écriture déséquilibrée : débit 100.00 ≠ crédit 99.99 (écart 0.01)."]
    assert "Écriture déséquilibrée" in response.content.decode()
    # The draft saved on the way was rolled back with the refused posting.
    assert Entry.objects.count() == 0 and EntryLine.objects.count() == 0
    rows = response.context["rows"]
    assert [(r["account"], r["debit"], r["credit"]) for r in rows[:2]] == [("627", "100,00", ""),
                                                                          ("5121", "", "99,99")]


def test_malformed_amount_names_its_line(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    response = client.post(url("entry_new"), entry_post_data(
        ("627", "", "", "10,00", ""), ("", "", "", "", ""), ("44566", "", "", "1O,00", ""),
        ("5121", "", "", "", "20,00")))
    assert response.status_code == 200
    rows = response.context["rows"]
    # The blank row was dropped: the faulty amount is the service's line 2, shown in the form's row 2.
    assert rows[1]["errors"] == {"debit": "Montant illisible : « 1O,00 »."}
    assert rows[0]["errors"] == {} and rows[2]["errors"] == {}
    html = response.content.decode()
    second_row = html.split('<tr class="entry-line">')[2]
    assert "Montant illisible : « 1O,00 »." in second_row and 'aria-invalid="true"' in second_row
    assert Entry.objects.count() == 0


def test_unknown_account_and_closed_period_are_shown_on_their_fields(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    response = client.post(url("entry_new"), entry_post_data(("999", "", "", "10", ""), ("5121", "", "", "", "10")))
    assert response.context["rows"][0]["errors"] == {"account": "Ligne 1 : compte inconnu « 999 »."}
    client.post(url("period_state", pk=Period.objects.get(start_date=date(2026, 3, 1)).pk, state="closed"))
    response = client.post(url("entry_new"), entry_post_data(("627", "", "", "10", ""), ("5121", "", "", "", "10")))
    assert response.context["header"].errors["date"] == [
        "La période 03/2026 est clôturée : aucune écriture n'y est acceptée."]
    assert Entry.objects.count() == 0


def test_draft_saved_edited_then_posted_from_its_page(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    client.post(url("entry_new"), entry_post_data(("627", "", "", "12,50", ""), action="save"))
    draft = Entry.objects.get()
    assert draft.state == Entry.Status.DRAFT and draft.number is None
    edit = client.get(url("entry_edit", pk=draft.pk))
    assert [r["debit"] for r in edit.context["rows"][:1]] == ["12,50"]
    response = client.post(url("entry_post", pk=draft.pk))  # one-line draft: refused, shown on the page
    assert response.status_code == 200
    assert response.context["errors"] == ["Une écriture comporte au moins deux lignes."]
    assert "Une écriture comporte au moins deux lignes." in response.content.decode()
    client.post(url("entry_edit", pk=draft.pk), entry_post_data(
        ("627", "", "", "12,50", ""), ("5121", "", "", "", "12,50"), action="save"))
    assert client.post(url("entry_post", pk=draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.state == Entry.Status.POSTED and draft.number == 1
    assert client.get(url("entry_edit", pk=draft.pk)).context["errors"] == [
        "Écriture validée : elle ne peut plus être modifiée ; passez une extourne."]


def test_draft_delete(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    client.post(url("entry_new"), entry_post_data(("627", "", "", "5", ""), action="save"))
    draft = Entry.objects.get()
    response = client.post(url("entry_delete", pk=draft.pk))
    assert response.status_code == 302 and not Entry.objects.exists() and not EntryLine.objects.exists()


def test_reversal_via_post(books, client_for):
    organisation, accountant = books
    entry = post(organisation, accountant, "OD", date(2026, 2, 1), "Frais", ("627", "12.50", 0),
                 ("5121", 0, "12.50"))
    client = client_for(accountant)
    response = client.post(url("entry_reverse", pk=entry.pk), {"date": "2026-02-03"})
    reversal = Entry.objects.get(reversal_of=entry)
    assert response["Location"] == url("entry_detail", pk=reversal.pk)
    assert reversal.date == date(2026, 2, 3) and reversal.display_number == "OD-2026-000002"
    assert list(reversal.lines.values_list("account__code", "debit", "credit")) == [
        ("627", Decimal("0.00"), Decimal("12.50")), ("5121", Decimal("12.50"), Decimal("0.00"))]
    page = client.get(url("entry_detail", pk=entry.pk)).content.decode()
    assert "Extournée par" in page and "OD-2026-000002" in page
    again = client.post(url("entry_reverse", pk=entry.pk), {"date": "2026-02-04"})
    assert again.status_code == 200
    assert "L&#x27;écriture OD-2026-000001 est déjà extournée." in again.content.decode()
    assert Entry.objects.count() == 2


def test_history_shown_to_administrators_only(books, client_for):
    organisation, accountant = books
    entry = post(organisation, accountant, "OD", date(2026, 2, 1), "Frais", ("627", "1", 0), ("5121", 0, "1"))
    assert "Historique" not in client_for(accountant).get(url("entry_detail", pk=entry.pk)).content.decode()
    admin = grant(make_user("admin"), organisation, "admin")
    page = client_for(admin).get(url("entry_detail", pk=entry.pk)).content.decode()
    assert "Historique" in page and "entry.post" in page


def test_entry_list_query_count_is_constant(books, client_for, django_assert_max_num_queries):
    organisation, accountant = books
    client = client_for(accountant)

    def entries(n):
        for i in range(n):
            post(organisation, accountant, "OD", date(2026, 1, 1 + i % 28), f"Frais {i}", ("627", "1.00", 0),
                 ("5121", 0, "1.00"))

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("entries"))
        assert response.status_code == 200
        return len(queries), response

    entries(10)
    client.get(url("entries"))  # warm the session
    small, response = count()
    assert len(response.context["page"].object_list) == 10
    entries(50)
    with django_assert_max_num_queries(small):
        large, response = count()
    assert large == small
    assert len(response.context["page"].object_list) == 50
    totals = client.get(url("entries") + "?part=totals", HTTP_HX_REQUEST="true")
    assert totals.context["totals"] == {"debit": Decimal("60.00"), "credit": Decimal("60.00")}
    assert b"hx-get=\"?part=totals\"" in response.content
    post(organisation, accountant, "OD", date(2026, 2, 1), "Frais 61", ("627", "1.00", 0), ("5121", 0, "1.00"))
    response = client.get(url("entries") + "?page=2")
    assert len(response.context["page"].object_list) == 11 and response.context["page"].paginator.count == 61


def totals_of(client, query: str) -> dict:
    """The list's totals, loaded by htmx after the page."""
    return client.get(url("entries") + query + "&part=totals", HTTP_HX_REQUEST="true").context["totals"]


def test_entry_list_filters_and_exports(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00", label="Facture F-12")
    post(organisation, accountant, "OD", date(2026, 4, 1), "Frais", ("627", "12.50", 0), ("5121", 0, "12.50"))
    client = client_for(accountant)
    response = client.get(url("entries") + "?journal=VT")
    assert [e.label for e in response.context["page"]] == ["Facture F-12"]
    response = client.get(url("entries") + "?q=frais&date_from=2026-04-01")
    assert [e.label for e in response.context["page"]] == ["Frais"]
    assert totals_of(client, "?q=frais&date_from=2026-04-01")["debit"] == Decimal("12.50")
    client.post(url("entry_new"), entry_post_data(("627", "", "", "5,00", ""), action="save", day="2026-04-02"))
    response = client.get(url("entries") + "?state=draft")
    assert [e.label for e in response.context["page"]] == ["Frais bancaires"]
    assert totals_of(client, "?state=draft") == {"debit": Decimal("5.00"), "credit": Decimal("0.00")}
    year = FiscalYear.objects.get(organisation=organisation)
    query = f"?journal=OD&fiscal_year={year.pk}&state=posted&date_to=2026-04-30"
    response = client.get(url("entries") + query)
    assert [e.label for e in response.context["page"]] == ["Frais"]
    assert totals_of(client, query) == {"debit": Decimal("12.50"), "credit": Decimal("12.50")}
    response = client.get(url("entries") + "?q=F-12")
    assert [e.label for e in response.context["page"]] == ["Facture F-12"]
    assert totals_of(client, "?q=F-12") == {"debit": Decimal("1200.00"), "credit": Decimal("1200.00")}
    csv = b"".join(client.get(url("entries") + "?journal=VT&export=csv").streaming_content).decode("utf-8")
    assert csv.splitlines() == ["\ufeffJournal;Numéro;Date;Pièce;Libellé;État;Montant",
                                "VT;VT-2026-000001;05/03/2026;;Facture F-12;Validée;1200,00"]
    xlsx = client.get(url("entries") + "?export=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"


def test_matching_then_unmatching_through_the_screen(books, client_for):
    organisation, accountant = books
    invoice = sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    payment = post(organisation, accountant, "BQ1", date(2026, 3, 20), "Règlement F1", ("5121", "1200.00", 0),
                   ("411", 0, "1200.00", "C001"))
    client = client_for(accountant)
    screen = url("matching") + "?account=411&party=C001"
    response = client.get(screen)
    lines = response.context["lines"]
    assert [(line.entry_id, line.signed) for line in lines] == [(invoice.pk, Decimal("1200.00")),
                                                                (payment.pk, Decimal("-1200.00"))]
    response = client.post(url("matching"), {"account": "411", "party": "C001", "action": "match",
                                             "lines": [line.pk for line in lines]})
    assert response.status_code == 302 and response["Location"] == screen
    matching = Matching.objects.get()
    assert matching.display_code == "AA" and matching.is_full
    response = client.get(screen)
    assert response.context["lines"] == []
    assert [(m.display_code, m.debit, m.credit) for m in response.context["matchings"]] == [
        ("AA", Decimal("1200.00"), Decimal("1200.00"))]
    response = client.post(url("matching"), {"account": "411", "party": "C001", "action": "unmatch",
                                             "matching": matching.pk})
    assert response.status_code == 302 and not Matching.objects.exists()
    assert len(client.get(screen).context["lines"]) == 2


def test_partial_then_full_matching_through_the_screen(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(organisation, accountant, "BQ1", date(2026, 3, 20), "Acompte", ("5121", "500.00", 0),
         ("411", 0, "500.00", "C001"))
    client = client_for(accountant)
    screen = url("matching") + "?account=411&party=C001"
    invoice_line, deposit_line = client.get(screen).context["lines"]
    client.post(url("matching"), {"account": "411", "party": "C001", "lines": [invoice_line.pk, deposit_line.pk]})
    response = client.get(screen)
    assert [(line.pk, line.matching_code) for line in response.context["lines"]] == [
        (invoice_line.pk, "aa"), (deposit_line.pk, "aa")]
    assert response.context["balance"] == Decimal("700.00")
    post(organisation, accountant, "BQ1", date(2026, 4, 2), "Solde", ("5121", "700.00", 0),
         ("411", 0, "700.00", "C001"))
    balance_line = client.get(screen).context["lines"][2]
    client.post(url("matching"), {"account": "411", "party": "C001", "lines": [invoice_line.pk, balance_line.pk]})
    assert client.get(screen).context["lines"] == []
    matching = Matching.objects.get()
    assert (matching.display_code, matching.parts.count()) == ("AA", 3)


def test_matching_refusal_is_shown(books, client_for):
    organisation, accountant = books
    invoice = sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    line = invoice.lines.get(account__code="411")
    response = client_for(accountant).post(url("matching"), {"account": "411", "party": "C001",
                                                             "lines": [line.pk]})
    assert response.status_code == 200
    assert response.context["errors"] == ["Choisissez au moins deux lignes à lettrer."]


def test_trial_balance_general_ledger_and_journal(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(organisation, accountant, "BQ1", date(2026, 3, 20), "Règlement F1", ("5121", "1200.00", 0),
         ("411", 0, "500.00", "C001"), ("411", 0, "700.00", "C001"))
    client = client_for(accountant)
    report = client.get(url("trial_balance")).context["report"]
    assert [(r.account_code, r.debit, r.credit, r.closing_debit, r.closing_credit) for r in report.rows] == [
        ("411", Decimal("1200.00"), Decimal("1200.00"), Decimal("0.00"), Decimal("0.00")),
        ("44571", Decimal("0.00"), Decimal("200.00"), Decimal("0.00"), Decimal("200.00")),
        ("5121", Decimal("1200.00"), Decimal("0.00"), Decimal("1200.00"), Decimal("0.00")),
        ("706", Decimal("0.00"), Decimal("1000.00"), Decimal("0.00"), Decimal("1000.00"))]
    assert report.totals.debit == report.totals.credit == Decimal("2400.00")
    customers = client.get(url("trial_balance") + "?auxiliary=customer").context["report"]
    assert [(r.party_code, r.debit, r.credit) for r in customers.rows] == [
        ("C001", Decimal("1200.00"), Decimal("1200.00"))]
    assert "Balance clients" in client.get(url("trial_balance") + "?auxiliary=customer").content.decode()
    csv = b"".join(client.get(url("trial_balance") + "?format=csv").streaming_content).decode()
    assert csv.splitlines()[4] == "706;Prestations de services;;;0,00;0,00;0,00;1000,00;0,00;1000,00"
    assert csv.splitlines()[-1] == "Total général;;;;0,00;0,00;2400,00;2400,00;1200,00;1200,00"
    ledger = client.get(url("general_ledger") + "?account_from=411&account_to=411").context["rows"]
    assert [(r.kind, r.debit, r.credit, r.balance) for r in ledger] == [
        ("opening", Decimal("0.00"), Decimal("0.00"), Decimal("0.00")),
        ("line", Decimal("1200.00"), Decimal("0.00"), Decimal("1200.00")),
        ("line", Decimal("0.00"), Decimal("500.00"), Decimal("700.00")),
        ("line", Decimal("0.00"), Decimal("700.00"), Decimal("0.00")),
        ("total", Decimal("1200.00"), Decimal("1200.00"), Decimal("0.00"))]
    journal = client.get(url("journal_report") + "?journal=VT").context["rows"]
    assert [(r.kind, r.account_code, r.debit, r.credit) for r in journal] == [
        ("line", "411", Decimal("1200.00"), Decimal("0.00")), ("line", "706", Decimal("0.00"), Decimal("1000.00")),
        ("line", "44571", Decimal("0.00"), Decimal("200.00")),
        ("total", "", Decimal("1200.00"), Decimal("1200.00"))]
    xlsx = client.get(url("general_ledger") + "?format=xlsx")
    assert xlsx.content[:2] == b"PK"
    assert 'filename="grand-livre-durand-2026.xlsx"' in xlsx["Content-Disposition"]


def test_report_pdfs(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    client = client_for(accountant)
    for name in ("trial_balance", "general_ledger", "journal_report"):
        response = client.get(url(name) + "?format=pdf")
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/pdf" and response.content[:5] == b"%PDF-", name


def test_general_ledger_screen_is_capped(books, client_for, monkeypatch):
    from agora.ledger.views import reports

    organisation, accountant = books
    for day in (2, 3, 4):
        post(organisation, accountant, "OD", date(2026, 1, day), "Frais", ("627", "1.00", 0), ("5121", 0, "1.00"))
    monkeypatch.setattr(reports, "SCREEN_LIMIT", 5)
    response = client_for(accountant).get(url("general_ledger"))
    assert len(response.context["rows"]) == 5 and response.context["truncated"]
    assert "Affichage limité aux 5 premières lignes" in response.content.decode()


def test_fec_download_starts_with_the_header_line(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    year = FiscalYear.objects.get(organisation=organisation)
    response = client_for(accountant).get(url("fec") + f"?fiscal_year={year.pk}&download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="732829320FEC20261231.txt"'
    content = b"".join(response.streaming_content).decode("utf-8")
    lines = content.split("\r\n")
    assert lines[0] == ("JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|"
                        "CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|"
                        "Montantdevise|Idevise")
    assert lines[1].startswith("VT|Ventes|VT-2026-000001|20260305|411|")


def test_fec_without_siren_is_refused_on_the_page(client_for):
    organisation, accountant = make_books(slug="asso", kind="association", siren="", siret="")
    response = client_for(accountant).get(url("fec", org="asso") + "?download=1")
    assert response.status_code == 200
    assert "Renseignez le SIREN de l&#x27;organisation" in response.content.decode()


def test_accounts_create_sub_account_and_edit(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    response = client.post(url("account_new"), {"code": "4110001", "label": "Client Dupont",
                                                "reconcilable": "", "party_required": "0"})
    assert response.status_code == 302
    account = client.get(url("accounts") + "?q=4110001").context["page"].object_list[0]
    assert (account.code, account.kind, account.reconcilable, account.party_required) == (
        "4110001", "receivable", True, False)
    duplicate = client.post(url("account_new"), {"code": "4110001", "label": "Encore"})
    assert duplicate.context["form"].errors == {"code": ["Le compte 4110001 existe déjà."]}
    response = client.post(url("account_edit", pk=account.pk), {"code": "4110001", "label": "Client Dupont SA",
                                                                "reconcilable": "on", "active": "on"})
    assert response.status_code == 302
    account.refresh_from_db()
    assert (account.label, account.party_required, account.active) == ("Client Dupont SA", False, True)
    classes = client.get(url("accounts") + "?account_class=7").context["page"].object_list
    assert classes and all(a.account_class == 7 for a in classes)


def test_journal_create(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    assert client.post(url("journal_new"), {"code": "bq2", "label": "Banque 2", "kind": "bank",
                                            "default_account": "512"}).status_code == 302
    response = client.get(url("journals"))
    assert "BQ2" in [j.code for j in response.context["journals"]]
    again = client.post(url("journal_new"), {"code": "BQ2", "label": "Banque 2", "kind": "bank"})
    assert again.context["form"].errors == {"code": ["Le journal BQ2 existe déjà."]}


def test_periods_and_next_year(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    january = Period.objects.get(organisation=organisation, start_date=date(2026, 1, 1))
    assert client.post(url("period_state", pk=january.pk, state="closed")).status_code == 302
    assert client.post(url("period_state", pk=january.pk, state="open")).status_code == 302
    response = client.post(url("period_state", pk=january.pk, state="locked"))
    assert response.status_code == 200
    assert "Période 01/2026 : passage de « Ouvert » à « Verrouillé » impossible." in response.content.decode()
    january.refresh_from_db()
    assert january.state == "open"
    assert client.post(url("fiscal_year_new"), {}).status_code == 302
    years = client.get(url("fiscal_years")).context["years"]
    assert [(y.code, len(y.periods.all())) for y in years] == [("2027", 12), ("2026", 12)]


def test_closing_wizard_then_lock(books, client_for):
    organisation, accountant = books
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    post(organisation, accountant, "AC", date(2026, 4, 2), "Fournitures", ("6064", "300.00", 0),
         ("5121", 0, "300.00"))
    client = client_for(accountant)
    year = FiscalYear.objects.get(organisation=organisation)
    page = client.get(url("closing"))
    assert page.context["blockers"] == [] and page.context["result"] == Decimal("700.00")
    assert [(line.account, line.debit, line.credit) for line in page.context["preview"]] == [
        ("411", Decimal("1200.00"), Decimal("0.00")), ("44571", Decimal("0.00"), Decimal("200.00")),
        ("5121", Decimal("0.00"), Decimal("300.00")), ("120", Decimal("0.00"), Decimal("700.00"))]
    response = client.post(url("closing"), {"fiscal_year": year.pk})
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.state == "closed" and year.result == Decimal("700.00")
    opening = Entry.objects.get(journal__code="AN")
    assert opening.fiscal_year.code == "2027" and opening.date == date(2027, 1, 1)
    done = client.get(response["Location"])
    assert done.context["done"] and "Verrouiller l'exercice 2026" in done.content.decode()
    assert client.post(url("fiscal_year_lock", pk=year.pk)).status_code == 302
    year.refresh_from_db()
    assert year.state == "locked"


def test_closing_blockers_are_listed(books, client_for):
    organisation, accountant = books
    client = client_for(accountant)
    client.post(url("entry_new"), entry_post_data(("627", "", "", "5", ""), action="save"))
    page = client.get(url("closing"))
    assert page.context["blockers"] == ["1 écriture(s) en brouillard : validez-les ou supprimez-les."]
    response = client.post(url("closing"), {"fiscal_year": FiscalYear.objects.get().pk})
    assert response.status_code == 200
    assert response.context["errors"] == ["1 écriture(s) en brouillard : validez-les ou supprimez-les."]
    assert FiscalYear.objects.get().state == "open"
