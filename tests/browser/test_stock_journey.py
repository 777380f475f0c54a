"""The storekeeper's journey in a real browser: a goods receipt and a delivery entered on the move form, the
stock card read, a count prepared, counted with a shortage and validated by the accountant, the variation entry
checked in the books."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from agora.stock.models import StockCount, StockItem
from agora.stock.tests.builders import make_item, make_stock_books

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SPACES = re.compile(r"[\s\u00a0\u202f]+")


def text_of(locator) -> str:
    return SPACES.sub(" ", locator.inner_text()).strip()


def test_receipt_delivery_card_and_count(flushable_db, live_server, page):
    today = timezone.localdate()
    organisation, storekeeper = make_stock_books(year=today.year)
    item = make_item(organisation, "VIS-M8", reorder_point="50")
    url, org = live_server.url, organisation.slug
    page.goto(url + reverse("web:login"))
    page.fill("#id_username", storekeeper.username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    yesterday = today - timedelta(days=1) if today.day > 1 else today
    for kind, quantity, cost in (("receipt", "100", "2,50"), ("delivery", "60", "")):
        page.goto(url + reverse("stock:move_new", kwargs={"org": org}) + f"?item={item.pk}")
        page.select_option("#id_kind", kind)
        page.fill("#id_date", yesterday.isoformat())
        page.fill("#id_quantity", quantity)
        page.fill("#id_unit_cost", cost)
        page.get_by_role("button", name="Enregistrer").click()
        expect(page.locator(".message-success")).to_contain_text("Mouvement enregistré")
    assert text_of(page.locator("[data-figure=quantity]")) == "40 u"
    assert text_of(page.locator("[data-figure=value]")) == "100,00 €"  # 40 × 2.50

    page.goto(url + reverse("stock:card", kwargs={"org": org, "pk": item.pk}))
    rows = page.locator("#card tbody tr")
    expect(rows).to_have_count(2)
    assert text_of(rows.nth(1)).endswith("60 2,50 150,00 40 2,50 100,00")

    page.goto(url + reverse("stock:count_new", kwargs={"org": org}))
    page.fill("#id_date", today.isoformat())
    page.get_by_role("button", name="Créer la feuille de comptage").click()
    page.get_by_label("Quantité comptée VIS-M8").fill("38")
    page.get_by_role("button", name="Enregistrer les quantités").click()
    assert text_of(page.locator("[data-figure=net]")) == "-5,00"  # 2 missing × 2.50
    page.get_by_role("button", name="Valider l'inventaire").click()
    expect(page.locator(".message-success")).to_contain_text("Inventaire validé ; écriture OD-")
    count = StockCount.objects.get()
    lines = [(x.account.code, x.debit, x.credit) for x in count.entry.lines.select_related("account")]
    assert lines == [("37", Decimal("95.00"), Decimal("0.00")), ("6037", Decimal("0.00"), Decimal("95.00"))]
    assert StockItem.objects.get(pk=item.pk).quantity == Decimal("38.000")
