"""The accountant's journey in a real browser: log in, type an entry with French amounts, post it, find it
in the trial balance and in the FEC file downloaded from its page."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agora.ledger.models import Entry
from agora.ledger.tests.builders import make_books
from tests.fec_checker import COLUMNS, check_fec

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SCREENSHOT = "/tmp/journey.png"
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def text_of(locator) -> str:
    """Visible text with every kind of space (narrow no-break ones included) folded to one plain space."""
    return SPACES.sub(" ", locator.inner_text()).strip()


def nav(page, label: str):
    """A link of the side navigation, by its exact label."""
    return page.locator("nav.sidenav").get_by_role("link", name=label, exact=True)


def test_accountant_posts_an_entry_and_finds_it_in_the_trial_balance_and_the_fec(flushable_db, live_server, page):
    today = timezone.localdate()
    organisation, accountant = make_books(slug="durand", year=today.year)
    year = str(today.year)
    url = live_server.url

    # Log in; the home page of the organisation opens.
    page.goto(url + reverse("web:login"))
    page.fill("#id_username", accountant.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_url(url + reverse("web:org_home", kwargs={"org": organisation.slug}))

    # The entry form, through the navigation.
    nav(page, "Saisir une écriture").click()
    page.wait_for_url(url + reverse("ledger:entry_new", kwargs={"org": organisation.slug}))
    page.select_option("#id_journal", "OD")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_reference", "QUITT-03")
    page.fill("#id_label", "Loyer du local")
    accounts, debits, credits = (page.locator(f"#entry-lines input[name='line-{name}']")
                                 for name in ("account", "debit", "credit"))
    accounts.nth(0).fill("6132")
    debits.nth(0).fill("1 234,56")
    accounts.nth(1).fill("5121")
    credits.nth(1).click()
    assert text_of(page.locator("#total-gap")) == "1 234,56"  # live écart while the entry is unbalanced
    page.click("#balance-line")  # puts the écart on the current line, as a credit
    assert credits.nth(1).input_value().replace("\u202f", " ") == "1 234,56"
    assert [text_of(page.locator(f"#total-{name}")) for name in ("debit", "credit", "gap")] == [
        "1 234,56", "1 234,56", "0,00"]
    assert page.locator("#total-gap").get_attribute("class") == "ok"

    # Saved as a draft, then validated from its page.
    page.click("button[name=save]")
    page.wait_for_url(re.compile(r"/compta/ecritures/\d+/$"))
    assert "brouillard" in text_of(page.locator("h1"))
    entry = Entry.objects.get(organisation=organisation)
    assert entry.state == Entry.Status.DRAFT and entry.number is None
    number = f"OD-{year}-000001"
    with page.expect_navigation():
        page.click("button:has-text('Valider')")
    expect(page.locator("h1")).to_contain_text(number)
    entry.refresh_from_db()
    assert (entry.state, entry.number, entry.reference, entry.label) == (
        Entry.Status.POSTED, 1, "QUITT-03", "Loyer du local")
    assert list(entry.lines.order_by("line_no").values_list("account__code", "debit", "credit")) == [
        ("6132", Decimal("1234.56"), Decimal("0.00")), ("5121", Decimal("0.00"), Decimal("1234.56"))]
    assert entry.posted_by == accountant and len(entry.hash) == 64

    # The trial balance shows both accounts and balances.
    nav(page, "Balance").click()
    page.wait_for_url(re.compile(re.escape(reverse("ledger:trial_balance", kwargs={"org": organisation.slug}))))
    # Columns: compte → intitulé, à-nouveaux D/C, mouvements D/C, soldes débiteur/créditeur.
    rows = {}
    for row in page.locator("table.table tbody tr").all():
        cells = [text_of(cell) for cell in row.locator("td").all()]
        rows[cells[0]] = cells[1:]
    assert rows == {
        "5121": ["Banque - compte courant", "0,00", "0,00", "0,00", "1 234,56", "0,00", "1 234,56"],
        "6132": ["Locations immobilières", "0,00", "0,00", "1 234,56", "0,00", "1 234,56", "0,00"],
    }
    total = page.locator("table.table tfoot tr", has_text="Total général")
    assert [text_of(cell) for cell in total.locator("td").all()] == [
        "0,00", "0,00", "1 234,56", "1 234,56", "1 234,56", "1 234,56"]
    page.screenshot(path=SCREENSHOT, full_page=True)

    # The FEC, downloaded from its page, holds the entry and passes the checker.
    nav(page, "FEC").click()
    page.wait_for_url(re.compile(re.escape(reverse("ledger:fec", kwargs={"org": organisation.slug}))))
    with page.expect_download() as waiting:
        page.click("button:has-text('Télécharger le FEC')")
    download = waiting.value
    assert download.suggested_filename == f"{organisation.siren}FEC{year}1231.txt"
    path = download.path()
    data = path.read_bytes()
    lines = data.decode("utf-8").splitlines()
    assert lines[0].split("|") == COLUMNS
    body = [line.split("|") for line in lines[1:]]
    assert [(r[0], r[2], r[4], r[8], r[10], r[11], r[12]) for r in body] == [
        ("OD", number, "6132", "QUITT-03", "Loyer du local", "1234,56", "0,00"),
        ("OD", number, "5121", "QUITT-03", "Loyer du local", "0,00", "1234,56"),
    ]
    assert {r[3] for r in body} == {today.strftime("%Y%m%d")}
    assert check_fec(data, filename=download.suggested_filename, siren=organisation.siren) == []
