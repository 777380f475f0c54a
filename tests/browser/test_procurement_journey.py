"""The procurement journey in a real browser: the buyer writes a purchase request above the approval threshold and
submits it; the management approves it with a comment; the buyer consults two suppliers, types their answers,
reads the comparison (best price per line ✓, cheapest total) and retains one offer, which becomes a draft
purchase order linked from the request."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agora.procurement.models import PurchaseRequest, RequestStatus
from agora.procurement.tests.builders import make_procurement_org, make_purchase_products, make_supplier, offer

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SCREENSHOT = "/tmp/procurement_journey.png"


def test_request_approval_consultation_and_choice(flushable_db, live_server, page):
    organisation, buyer, manager = make_procurement_org()
    paper, desk = make_purchase_products(organisation)
    first = make_supplier(organisation)
    second = make_supplier(organisation, "F002", "Bureau Plus SAS", email="devis@bureauplus.fr")
    offer(organisation, first, desk, "350")
    offer(organisation, second, desk, "345")
    url, org = live_server.url, organisation.slug

    def login(user):
        page.context.clear_cookies()
        page.goto(url + reverse("web:login"))
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("button[type=submit]:has-text('Se connecter')")
        page.wait_for_url(url + reverse("web:org_home", kwargs={"org": org}))

    # 1. The buyer asks for 4 desks; no price typed: the cheapest catalogue price (345) gives 1 380,00 € HT.
    login(buyer)
    page.goto(url + reverse("procurement:requests", kwargs={"org": org}))
    page.click("text=Nouvelle demande")
    page.fill("#id_reason", "Aménagement du bureau d'études")
    page.locator("select[name=line-product]").first.select_option(str(desk.pk))
    page.locator("input[name=line-quantity]").first.fill("4")
    page.click("button:has-text('Enregistrer le brouillon')")
    expect(page.locator("dl.facts")).to_contain_text("1\u202f380,00 €")
    page.click("button:has-text('Soumettre')")
    expect(page.locator(".messages")).to_contain_text("elle attend l'approbation de la direction")
    request = PurchaseRequest.objects.get()
    assert request.status == RequestStatus.SUBMITTED
    expect(page.locator("body")).not_to_contain_text("Approuver")

    # 2. The management approves it.
    login(manager)
    page.goto(url + reverse("procurement:request_detail", kwargs={"org": org, "pk": request.pk}))
    page.fill("#id_comment", "Accord du directeur")
    page.click("button:has-text('Approuver')")
    expect(page.locator("dl.facts")).to_contain_text("Accord du directeur")

    # 3. The buyer consults the two suppliers and types their answers.
    login(buyer)
    page.goto(url + reverse("procurement:request_detail", kwargs={"org": org, "pk": request.pk}))
    page.click("button:has-text('Consulter des fournisseurs')")
    expect(page.locator("h1")).to_contain_text("Demande de prix DDP-")
    def action_cell(name: str):
        """The cell of the comparison's action row under `name`'s column (after the two line columns)."""
        headers = [" ".join(t.split()) for t in page.locator("table.comparison thead th").all_inner_texts()]
        index = next(n for n, text in enumerate(headers) if text.startswith(name))
        return page.locator("table.comparison tfoot tr").last.locator("td").nth(index - 2)

    for name, price, days in (("Papeterie Rhône SARL", "352,50", "5"), ("Bureau Plus SAS", "339,90", "12")):
        action_cell(name).locator("a:has-text('Saisir la réponse')").click()
        page.locator("input[name^=unit_price-]").fill(price)
        page.fill("#id_lead_time_days", days)
        page.click("button:has-text('Enregistrer la réponse')")
        expect(page.locator(".messages")).to_contain_text(f"Réponse de {name} enregistrée.")

    # 4. Comparison: 4 × 352,50 = 1 410,00; 4 × 339,90 = 1 359,60 (cheapest, ✓ on the line).
    comparison = page.locator("table.comparison")
    expect(comparison).to_contain_text("1\u202f410,00")
    expect(comparison).to_contain_text("1\u202f359,60")
    expect(comparison.locator("tbody .best")).to_have_count(1)
    expect(comparison.locator("tbody .best")).to_contain_text("✓")
    page.screenshot(path=SCREENSHOT, full_page=True)
    cell = action_cell("Bureau Plus SAS")
    cell.locator("input[name=comment]").fill("Meilleur prix")
    cell.locator("button:has-text('Retenir')").click()
    expect(page.locator(".messages")).to_contain_text("Offre de Bureau Plus SAS retenue")

    request.refresh_from_db()
    assert (request.status, request.order.party, request.order.total_untaxed) == (
        RequestStatus.ORDERED, second, Decimal("1359.60"))
    page.goto(url + reverse("procurement:request_detail", kwargs={"org": org, "pk": request.pk}))
    expect(page.locator("dl.facts")).to_contain_text("Bureau Plus SAS")
