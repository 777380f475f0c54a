"""The e-invoice drop zone of the supplier invoice list in a real browser: files dropped on the zone (a real
drop event carrying the files) are imported at once by htmx and the outcome shows under the zone, without
leaving the list; a bad file shows its French reason."""

import base64

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from agora.purchasing.models import PurchaseDocument
from agora.purchasing.tests.builders import make_purchasing_books, make_supplier
from agora.purchasing.tests.einvoice_files import cii, ubl

pytestmark = [pytest.mark.browser]

PASSWORD = "motdepasse-solide-42"  # the builders' default
SCREENSHOT = "/tmp/einvoice_dropzone.png"
DROP = """([files]) => {
  const transfer = new DataTransfer();
  for (const [name, data] of files) {
    const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, {type: "application/xml"}));
  }
  const zone = document.getElementById("einvoice-dropzone");
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: transfer}));
  }
}"""


def test_files_dropped_on_the_list_are_imported(flushable_db, live_server, page):
    organisation, buyer = make_purchasing_books()
    make_supplier(organisation)
    url, org = live_server.url, organisation.slug
    page.goto(url + reverse("web:login"))
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Se connecter')")
    page.wait_for_url(url + reverse("web:org_home", kwargs={"org": org}))

    invoices = url + reverse("purchasing:invoices", kwargs={"org": org})
    page.goto(invoices)
    files = [["papeterie.xml", base64.b64encode(cii()).decode()], ["conseil.xml", base64.b64encode(ubl()).decode()],
             ["notes.txt", base64.b64encode(b"pas une facture").decode()]]
    page.evaluate(DROP, [files])

    outcome = page.locator("#einvoice-outcome")
    expect(outcome.locator(".message-success")).to_have_count(2)
    expect(outcome.locator(".message-error")).to_contain_text("notes.txt : Format non reconnu")
    assert page.url == invoices
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert sorted(PurchaseDocument.objects.values_list("supplier_reference", flat=True)) == ["CCG-0057",
                                                                                             "PR-2026-0412"]
    outcome.locator("a", has_text="Actualiser la liste").click()
    expect(page.locator("table.table tbody tr")).to_have_count(2)
    page.locator("table.table tbody tr", has_text="PR-2026-0412").locator("a").first.click()
    page.wait_for_url(url + reverse("purchasing:document_detail", kwargs={
        "org": org, "pk": PurchaseDocument.objects.get(supplier_reference="PR-2026-0412").pk}))
