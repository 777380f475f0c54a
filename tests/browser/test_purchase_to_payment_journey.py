"""Purchase to payment in a real browser, across procurement, purchasing and treasury: the buyer asks for 4 desks
and 200 reams of paper (above the approval threshold), the management approves; the buyer consults the two
catalogue suppliers, types their answers and retains the cheapest offer, which becomes the purchase order; the
order is confirmed, received in part (3 desks out of 4), the receipt's invoice entered and checked against the
order and the receipt, then validated and posted by the accountant; the accountant proposes a payment run, the
management approves it, the accountant executes it and downloads the SEPA file (pain.001.001.09) paying the
supplier's IBAN the exact amount, and the invoice's 401 line is fully matched."""

import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree
from playwright.sync_api import expect

from agora.core.models import User
from agora.ledger.models import Entry, EntryLine
from agora.procurement.models import PurchaseRequest, RequestStatus
from agora.procurement.tests.builders import make_procurement_org, make_purchase_products, make_supplier, offer
from agora.purchasing.models import PurchaseDocument, PurchaseKind, PurchaseStatus
from agora.treasury.models import PaymentRun
from agora.treasury.services.bank_accounts import bank_account_create
from agora.treasury.tests.builders import COMPANY_IBAN, IBANS

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SCREENSHOT = "/tmp/purchase_to_payment_journey.png"
SPACES = re.compile(r"[\s\u00a0\u202f]+")
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"
SUPPLIER_IBAN = IBANS[0]


def text_of(locator) -> str:
    return SPACES.sub(" ", locator.inner_text()).strip()


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def follow(page, locator) -> None:
    """Click and wait for the next page, so the database and the screen are read after the server answered."""
    with page.expect_navigation():
        locator.click()


def test_request_to_sepa_file(flushable_db, live_server, page, tmp_path: Path):
    today = timezone.localdate()
    year = today.year
    organisation, buyer, manager = make_procurement_org()
    accountant = User.objects.get(username=f"compta-{organisation.slug}")  # made with the books
    paper, desk = make_purchase_products(organisation)  # 20 % VAT; paper on 607, the desk a fixed asset on 2184
    chosen = make_supplier(organisation, iban=SUPPLIER_IBAN, payment_method="transfer")  # Papeterie Rhône, 30 days
    other = make_supplier(organisation, "F002", "Bureau Plus SAS", email="devis@bureauplus.fr")
    offer(organisation, chosen, paper, "4.20")
    offer(organisation, chosen, desk, "350")
    offer(organisation, other, desk, "345")
    bank_account_create(actor=accountant, organisation=organisation, data={
        "label": "Compte courant", "bank_name": "Banque Populaire", "iban": COMPANY_IBAN, "bic": "CCBPFRPPLYO"})
    url, org = live_server.url, organisation.slug

    def login(user):
        page.context.clear_cookies()
        page.goto(url + reverse("web:login"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]:has-text('Se connecter')")
        page.wait_for_url(url + reverse("web:org_home", kwargs={"org": org}))

    def heading() -> str:
        return text_of(page.locator("h1"))

    # 1. The buyer's request, no prices typed: the cheapest catalogue prices are taken,
    #    4 × 345,00 (Bureau Plus) + 200 × 4,20 (Papeterie Rhône) = 1 380,00 + 840,00 = 2 220,00 € HT > 1 000 €.
    login(buyer)
    page.goto(url + reverse("procurement:requests", kwargs={"org": org}))
    page.click("text=Nouvelle demande")
    page.fill("#id_reason", "Aménagement du bureau d'études")
    for n, (product, quantity) in enumerate(((desk, "4"), (paper, "200"))):
        page.locator("select[name=line-product]").nth(n).select_option(str(product.pk))
        page.locator("input[name=line-quantity]").nth(n).fill(quantity)
    button(page, "Enregistrer le brouillon").click()
    expect(page.locator("dl.facts")).to_contain_text("2\u202f220,00 €")
    button(page, "Soumettre").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Demande d'achat DA-{year}-00001 soumise : elle attend l'approbation de la direction.")
    request = PurchaseRequest.objects.get(organisation=organisation)
    assert (request.number, request.status) == (f"DA-{year}-00001", RequestStatus.SUBMITTED)

    # 2. The management approves it.
    login(manager)
    page.goto(url + reverse("procurement:request_detail", kwargs={"org": org, "pk": request.pk}))
    page.fill("#id_comment", "Accord de la direction")
    button(page, "Approuver").click()
    expect(page.locator(".messages")).to_contain_text("Demande approuvée.")
    expect(page.locator("dl.facts")).to_contain_text("Accord de la direction")

    # 3. The buyer consults the suppliers whose catalogue holds the products, and types their answers.
    login(buyer)
    page.goto(url + reverse("procurement:request_detail", kwargs={"org": org, "pk": request.pk}))
    button(page, "Consulter des fournisseurs").click()
    expect(page.locator("h1")).to_contain_text(f"Demande de prix DDP-{year}-00001")

    def action_cell(name: str):
        """The cell of the comparison's action row under `name`'s column (after the two line columns)."""
        headers = [" ".join(t.split()) for t in page.locator("table.comparison thead th").all_inner_texts()]
        index = next(n for n, text in enumerate(headers) if text.startswith(name))
        return page.locator("table.comparison tfoot tr").last.locator("td").nth(index - 2)

    answers = (("Papeterie Rhône SARL", "339,90", "4,20", "DEV-0412"), ("Bureau Plus SAS", "345", "4,35", "BP-77"))
    for name, desk_price, paper_price, quote in answers:
        action_cell(name).locator("a:has-text('Saisir la réponse')").click()
        page.fill("#id_quote_reference", quote)
        page.get_by_label("Prix unitaire HT, ligne 1").fill(desk_price)
        page.get_by_label("Prix unitaire HT, ligne 2").fill(paper_price)
        button(page, "Enregistrer la réponse").click()
        expect(page.locator(".messages")).to_contain_text(f"Réponse de {name} enregistrée.")

    # 4. Totals: 4 × 339,90 + 200 × 4,20 = 1 359,60 + 840,00 = 2 199,60 (cheapest);
    #    4 × 345,00 + 200 × 4,35 = 1 380,00 + 870,00 = 2 250,00.
    totals = page.locator("table.comparison tfoot tr.total")
    expect(totals).to_contain_text("2\u202f199,60")
    expect(totals).to_contain_text("2\u202f250,00")
    expect(totals.locator(".best")).to_have_text("2\u202f199,60")
    cell = action_cell("Papeterie Rhône SARL")
    cell.locator("input[name=comment]").fill("Offre la moins chère")
    cell.locator("button:has-text('Retenir')").click()
    expect(page.locator(".messages")).to_contain_text("Offre de Papeterie Rhône SARL retenue")

    # 5. The draft order at the retained prices, confirmed: CF-…, 2 199,60 HT + 439,92 VAT = 2 639,52 TTC.
    page.locator("dl.facts a", has_text="Commande fournisseur").click()
    expect(page.locator("h1")).to_contain_text("Commande fournisseur (brouillon)")
    follow(page, button(page, "Confirmer la commande"))
    order = PurchaseDocument.objects.get(organisation=organisation, kind=PurchaseKind.ORDER)
    assert (order.party, order.number, order.status) == (chosen, f"CF-{year}-00001", PurchaseStatus.CONFIRMED)
    assert heading() == f"Commande fournisseur CF-{year}-00001 Confirmée"
    expect(page.locator("table.totals tr.total")).to_contain_text("2\u202f639,52")
    request.refresh_from_db()
    assert (request.status, request.order_id) == (RequestStatus.ORDERED, order.pk)

    # 6. A partial receipt: the 200 reams and 3 desks out of 4, delivery note BL-5521.
    page.fill("#receipt-ref", "BL-5521")
    page.get_by_label("Quantité livrée, ligne 1").fill("3")
    page.get_by_label("Quantité livrée, ligne 2").fill("200")
    button(page, "Créer le bon de réception").click()
    expect(page.locator("h1")).to_contain_text("Bon de réception (brouillon)")
    follow(page, button(page, "Valider la réception"))
    receipt = PurchaseDocument.objects.get(organisation=organisation, kind=PurchaseKind.RECEIPT)
    assert heading() == f"Bon de réception BR-{year}-00001 Validé"
    assert receipt.number == f"BR-{year}-00001"
    follow(page, page.locator(".chain a", has_text=f"CF-{year}-00001"))
    desk_row = page.locator("table.lines tbody tr", has_text="Bureau droit 160 cm")
    assert text_of(desk_row).endswith("3 0 1")  # received 3, invoiced 0, 1 left to receive
    follow(page, page.locator(".chain a", has_text=f"BR-{year}-00001"))

    # 7. The supplier's invoice FAC-88123 for what was received: 3 × 339,90 + 200 × 4,20 = 1 019,70 + 840,00
    #    = 1 859,70 HT; VAT 20 % 371,94; 2 231,64 TTC. Order, receipt and invoice agree: no discrepancy.
    page.fill("#rinv-ref", "FAC-88123")
    button(page, "Créer la facture (brouillon)").click()
    expect(page.locator("h1")).to_contain_text("Facture fournisseur (brouillon)")
    expect(page.locator("[role=status]")).to_contain_text(
        "Rapprochement commande / réception / facture : aucun écart.")
    expect(page.locator("table.totals tr.total")).to_contain_text("2\u202f231,64")

    # 8. The accountant validates it: FF-…, due in 30 days, posted in the purchase journal.
    login(accountant)
    invoice = PurchaseDocument.objects.get(organisation=organisation, kind=PurchaseKind.INVOICE)
    page.goto(url + reverse("purchasing:document_detail", kwargs={"org": org, "pk": invoice.pk}))
    follow(page, button(page, "Valider et comptabiliser"))
    number = f"FF-{year}-00001"
    assert heading() == f"Facture fournisseur {number} Validé"
    invoice.refresh_from_db()
    due = today + timedelta(days=30)
    assert (invoice.number, invoice.total_incl_tax, invoice.due_date) == (number, Decimal("2231.64"), due)
    expect(page.locator("dt:text-is('Échéance') + dd")).to_have_text(f"{due:%d/%m/%Y}")
    # VAT split by share of base: 20 % × 1 019,70 = 203,94 on fixed assets (44562), 20 % × 840 = 168,00 (44566).
    assert sorted((x.account.code, x.debit, x.credit, x.party.code if x.party else "", x.due_date)
                  for x in invoice.entry.lines.select_related("account", "party")) == [
        ("2184", Decimal("1019.70"), Decimal("0.00"), "", None),
        ("401", Decimal("0.00"), Decimal("2231.64"), "F001", due),
        ("44562", Decimal("203.94"), Decimal("0.00"), "", None),
        ("44566", Decimal("168.00"), Decimal("0.00"), "", None),
        ("607", Decimal("840.00"), Decimal("0.00"), "", None)]
    assert (invoice.entry.journal.code, invoice.entry.state) == ("AC", Entry.Status.POSTED)
    expect(page.locator("dt:text-is('Écriture') + dd")).to_have_text(invoice.entry.display_number)
    supplier_line = EntryLine.objects.get(entry=invoice.entry, account__code="401")
    assert not hasattr(supplier_line, "matching_part")

    # 9. The payment schedule shows it; the accountant proposes a run paying on today what falls due by then.
    page.goto(url + reverse("treasury:payment_schedule", kwargs={"org": org}))
    assert text_of(page.locator("dl.totals")).startswith("Reste dû aux fournisseurs 2 231,64 € (1 échéance)")
    page.get_by_role("link", name="Préparer des paiements").click()
    page.fill("#id_on", today.isoformat())
    page.fill("#id_due_until", due.isoformat())
    button(page, "Proposer").click()
    run_number = f"PAI-{year}-00001"
    expect(page.locator("h1")).to_contain_text(f"Campagne de paiement {run_number}")
    row = page.locator("tbody tr", has_text=number)
    expect(row).to_contain_text("F001 — Papeterie Rhône SARL")
    expect(row).to_contain_text("(FAC-88123)")
    expect(row).to_contain_text("reste dû 2\u202f231,64")
    expect(row.locator("input[name=amount]")).to_have_value("2\u202f231,64")
    expect(row.locator("input[name=selected]")).to_be_checked()
    facts = page.locator("dl.totals")
    assert "Total payé 2 231,64 €" in text_of(facts)
    expect(page.get_by_role("button", name="Approuver")).to_have_count(0)  # the accountant cannot approve

    # 10. The management approves the run.
    login(manager)
    run = PaymentRun.objects.get(organisation=organisation)
    page.goto(url + reverse("treasury:payment_run", kwargs={"org": org, "pk": run.pk}))
    button(page, "Approuver").click()
    expect(page.locator(".messages")).to_contain_text("Campagne approuvée : elle peut être exécutée.")
    expect(page.locator("dl.totals")).to_contain_text("Approuvée")

    # 11. The accountant executes it (confirming the dialog) and downloads the SEPA file.
    login(accountant)
    page.goto(url + reverse("treasury:payment_run", kwargs={"org": org, "pk": run.pk}))
    page.once("dialog", lambda dialog: dialog.accept())
    button(page, "Exécuter").click()
    expect(page.locator(".messages")).to_contain_text(
        "Campagne exécutée : règlements comptabilisés et factures lettrées.")
    run.refresh_from_db()
    assert run.state == PaymentRun.State.EXECUTED
    expect(page.locator("dl.totals")).to_contain_text(run.entry.display_number)
    expect(page.locator("dl.totals")).to_contain_text(run.sepa_message_id)
    with page.expect_download() as download_info:
        page.click("text=Fichier de virements SEPA")
    download = download_info.value
    assert download.suggested_filename == f"virements-{run_number}.xml"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    page.screenshot(path=SCREENSHOT, full_page=True)

    # 12. The file: pain.001.001.09, one transfer of 2 231,64 € to the supplier's IBAN, from the company's.
    root = etree.parse(str(path)).getroot()
    assert root.tag == f"{{{PAIN}}}Document"
    ns = {"p": PAIN}

    def one(xpath: str) -> str:
        found = root.xpath(xpath, namespaces=ns)
        assert len(found) == 1, (xpath, found)
        return found[0].text

    assert one("//p:GrpHdr/p:MsgId") == run.sepa_message_id
    assert one("//p:GrpHdr/p:NbOfTxs") == "1"
    assert one("//p:GrpHdr/p:CtrlSum") == "2231.64"
    assert one("//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN") == COMPANY_IBAN
    assert one("//p:PmtInf/p:ReqdExctnDt/p:Dt") == today.isoformat()
    assert one("//p:CdtTrfTxInf/p:Amt/p:InstdAmt") == "2231.64"
    assert root.xpath("//p:CdtTrfTxInf/p:Amt/p:InstdAmt/@Ccy", namespaces=ns) == ["EUR"]
    assert one("//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN") == SUPPLIER_IBAN
    assert one("//p:CdtTrfTxInf/p:Cdtr/p:Nm") == "Papeterie Rhone SARL"  # sepaxml cleans to the SEPA charset
    assert "FAC-88123" in one("//p:CdtTrfTxInf/p:RmtInf/p:Ustrd")
    assert one("//p:CdtTrfTxInf/p:PmtId/p:EndToEndId") == f"{run_number}-F001"

    # 13. In the books: the bank entry (401 debit, 5121 credit) and the invoice's 401 line fully matched with it.
    assert sorted((x.account.code, x.debit, x.credit) for x in run.entry.lines.select_related("account")) == [
        ("401", Decimal("2231.64"), Decimal("0.00")), ("5121", Decimal("0.00"), Decimal("2231.64"))]
    supplier_line = EntryLine.objects.get(entry=invoice.entry, account__code="401")
    matching = supplier_line.matching_part.matching
    assert matching.is_full
    payment_line = EntryLine.objects.get(entry=run.entry, account__code="401")
    assert payment_line.matching_part.matching == matching
    page.goto(url + reverse("treasury:payment_schedule", kwargs={"org": org}))
    assert text_of(page.locator("dl.totals")).startswith("Reste dû aux fournisseurs 0,00 € (0 ")
