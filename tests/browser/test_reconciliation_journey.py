"""Bank reconciliation in a real browser: the accountant imports the bank's OFX statement through the banking
import screen, opens the reconciliation workbench, accepts the automatic proposals (a cheque found by its number,
the account fees booked by a saved rule on 627), matches by hand one direct debit of 100,00 with the two book
lines it pays (75,00 + 25,00: the match button only enables once both ticked sums are equal), then opens the
bank reconciliation statement — balanced, the two adjusted balances equal — and its PDF."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agora.banking.parsers.common import ParsedLine
from agora.banking.writers import ofx_file
from agora.ledger.models import EntryLine
from agora.reconciliation.models import Reconciliation
from agora.reconciliation.services.rules import rule_create
from agora.reconciliation.tests.builders import bank_entry, make_reconciliation_books

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def text_of(locator) -> str:
    return SPACES.sub(" ", locator.inner_text()).strip()


def follow(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def test_import_accept_match_and_print(flushable_db, live_server, page, tmp_path: Path):
    organisation, accountant, bank = make_reconciliation_books()
    cheque = bank_entry(organisation, accountant, bank, date(2026, 3, 3), "-250.00", "Chèque n° 1234567",
                        reference="1234567")
    rent = bank_entry(organisation, accountant, bank, date(2026, 3, 5), "-75.00", "Loyer parking")
    storage = bank_entry(organisation, accountant, bank, date(2026, 3, 5), "-25.00", "Garde-meuble")
    rule_create(actor=accountant, organisation=organisation, data={
        "name": "Frais bancaires", "label_contains": "FRAIS TENUE", "sign": "out", "account": "627"})
    lines = [ParsedLine(date=date(2026, 3, 6), amount=Decimal("-250.00"), label="CHEQUE 1234567", reference="CHQ1"),
             ParsedLine(date=date(2026, 3, 20), amount=Decimal("-100.00"), label="PRLV GROUPE MARS", reference="P1"),
             ParsedLine(date=date(2026, 3, 31), amount=Decimal("-9.90"), label="FRAIS TENUE DE COMPTE",
                        reference="F1")]
    statement = tmp_path / "releve-mars.ofx"
    statement.write_bytes(ofx_file(iban=bank.iban, start=date(2026, 3, 1), end=date(2026, 3, 31),
                                   closing_balance=Decimal("-359.90"), lines=lines))
    url, org = live_server.url, organisation.slug

    page.goto(url + reverse("web:login"))
    page.fill("#id_username", accountant.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_url(url + reverse("web:org_home", kwargs={"org": org}))

    # 1. Import the statement through the banking screen.
    page.goto(url + reverse("banking:statement_import", kwargs={"org": org}))
    page.set_input_files("#import-form input[type=file]", str(statement))
    follow(page, page.locator("#import-form button[type=submit]"))
    assert "Importer un relevé" not in text_of(page.locator("h1"))

    # 2. The workbench proposes the cheque (reference) and the fees (rule); accept them all.
    page.goto(url + reverse("reconciliation:workbench", kwargs={"org": org}))
    rows = page.locator("#statement-lines tbody tr")
    expect(rows).to_have_count(3)
    assert "référence" in text_of(rows.filter(has_text="CHEQUE 1234567"))
    assert "règle : Frais bancaires" in text_of(rows.filter(has_text="FRAIS TENUE"))
    follow(page, page.get_by_role("button", name="Accepter toutes les propositions"))
    expect(page.locator("#statement-lines tbody tr")).to_have_count(1)
    assert Reconciliation.objects.filter(entry_links__entry_line=cheque).exists()
    assert EntryLine.objects.filter(organisation=organisation, account__code="627", debit=Decimal("9.90")).exists()

    # 3. Match the direct debit by hand: 75,00 alone leaves a gap, 75,00 + 25,00 enables the button.
    page.check("input[name=statement_lines]")
    page.check(f"input[name=entry_lines][value='{rent.pk}']")
    expect(page.locator("#sum-gap")).to_have_text(re.compile(r"-25,00"))
    expect(page.locator("#match-button")).to_be_disabled()
    page.check(f"input[name=entry_lines][value='{storage.pk}']")
    expect(page.locator("#match-button")).to_be_enabled()
    follow(page, page.locator("#match-button"))
    assert "Rapprochement enregistré" in text_of(page.locator(".messages")), text_of(page.locator(".messages"))
    expect(page.locator("#statement-lines tbody tr")).to_have_text(re.compile("Toutes les lignes"))

    # 4. The reconciliation statement at 31/03: balanced; its PDF opens.
    page.goto(url + reverse("reconciliation:statement", kwargs={"org": org}) + f"?account={bank.pk}&on=2026-03-31")
    assert "Les deux soldes rectifiés sont égaux" in text_of(page.locator("body"))
    with page.context.expect_page() as opened:
        page.locator("#statement-pdf").click()
    pdf_page = opened.value
    href = page.locator("#statement-pdf").get_attribute("href")
    response = page.request.get(url + href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    pdf_page.close()
