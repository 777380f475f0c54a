"""Batch validation of invoices (one transaction, all or nothing), batch PDFs and the invoice list's selection
actions: a batch gives exactly what one-by-one validation gives (numbers, entries, totals)."""

import io
import json
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Counter
from agora.core.services import api_token_create
from agora.core.tests.builders import grant, make_user
from agora.ledger.integrity import verify_books
from agora.ledger.models import Entry, EntryLine
from agora.sales.models import SalesDocument
from agora.sales.services.batch import documents_pdf_batch, invoices_validate
from agora.sales.services.documents import invoice_validate

from .builders import line, make_customer, make_individual, make_invoice, make_products, make_sales_books
from .test_output import pdf_text

pytestmark = pytest.mark.django_db


def _drafts(slug: str):
    """Five draft invoices, created out of date order: two customers (B2B, B2C), two VAT rates, services,
    a discount, reductions, escompte and shipping."""
    organisation, seller = make_sales_books(slug=slug)
    martin = make_customer(organisation)
    claire = make_individual(organisation)
    goods, food, service = make_products(organisation)
    invoices = [
        make_invoice(organisation, seller, martin, [line(goods, 2), line(food, 3), line(service, 1)],
                     day=date(2026, 3, 12)),
        make_invoice(organisation, seller, claire, [line(food, "2,5", "19,90")], day=date(2026, 3, 10)),
        make_invoice(organisation, seller, martin, [line(goods, 4, discount_pct="10"), line(service, "1,5")],
                     day=date(2026, 3, 11), reductions=[{"label": "Remise", "pct": "5"}], cash_discount_pct="2",
                     shipping="15"),
        make_invoice(organisation, seller, claire, [line(service, 3)], day=date(2026, 3, 10)),
        make_invoice(organisation, seller, martin, [line(goods, 1, "99,99")], day=date(2026, 4, 2)),
    ]
    return organisation, seller, invoices


def _picture(organisation) -> list[tuple]:
    """Every validated invoice with its entry, in number order (what must not depend on the path taken)."""
    out = []
    for doc in SalesDocument.objects.filter(organisation=organisation).order_by("sequence").select_related(
            "entry", "party"):
        lines = [(x.line_no, x.account.code, x.party.code if x.party else "", x.label, x.debit, x.credit,
                  x.due_date, x.tax_role, x.vat_box)
                 for x in EntryLine.objects.filter(entry=doc.entry).select_related("account", "party")
                 .order_by("line_no")]
        out.append((doc.number, doc.sequence, doc.date, doc.state, doc.due_date, doc.party.code, doc.customer_name,
                    doc.customer_address, doc.customer_siren, doc.untaxed_total, doc.tax_total, doc.total,
                    doc.net_to_pay, doc.entry.number, doc.entry.date, doc.entry.label, doc.entry.reference,
                    doc.entry.state, lines))
    return out


def test_batch_gives_exactly_what_one_by_one_validation_gives():
    one, seller_one, invoices_one = _drafts("un-par-un")
    for invoice in sorted(invoices_one, key=lambda d: (d.date, d.pk)):  # the order the batch numbers in
        invoice_validate(actor=seller_one, invoice=invoice)
    lot, seller_lot, invoices_lot = _drafts("par-lot")
    done = invoices_validate(actor=seller_lot, organisation=lot, invoices=[d.pk for d in invoices_lot])

    assert [d.number for d in done] == [f"FA-2026-{n:05d}" for n in range(1, 6)]
    expected, got = _picture(one), _picture(lot)
    assert got == expected
    # hand-checked anchors: dates give the order (two on the 10th: by id), the B2C service invoice of 3 h
    assert [(row[0], row[2], row[5]) for row in got] == [
        ("FA-2026-00001", date(2026, 3, 10), "P001"), ("FA-2026-00002", date(2026, 3, 10), "P001"),
        ("FA-2026-00003", date(2026, 3, 11), "C001"), ("FA-2026-00004", date(2026, 3, 12), "C001"),
        ("FA-2026-00005", date(2026, 4, 2), "C001")]
    # 2.5 kg × 19.90 = 49.75 HT, VAT 5.5 % = 2.74 → 52.49; 3 h × 60 = 180 HT, VAT 36 → 216
    assert [(row[9], row[10], row[11]) for row in got[:2]] == [
        (Decimal("49.75"), Decimal("2.74"), Decimal("52.49")), (Decimal("180.00"), Decimal("36.00"),
                                                               Decimal("216.00"))]
    assert got[3][9:12] == (Decimal("320.00"), Decimal("55.30"), Decimal("375.30"))
    assert Counter.objects.get(organisation=lot, series="sales:invoice", fiscal_year="2026").last_value == 5
    assert Entry.objects.filter(organisation=lot, journal__code="VT").count() == 5
    assert verify_books(lot) == []
    assert AuditEvent.objects.filter(organisation=lot, action="sales.invoice.validate").count() == 5


def test_one_bad_invoice_refuses_the_whole_batch_and_writes_nothing():
    organisation, seller, invoices = _drafts("refus")
    goods = invoices[0].lines.first().product
    anonymous = make_customer(organisation, code="C009", name="Sans Siren SAS", siren="", vat_number="")
    bad = make_invoice(organisation, seller, anonymous, [line(goods, 1)], day=date(2026, 3, 11))
    audit = AuditEvent.objects.filter(organisation=organisation).count()

    with pytest.raises(BusinessError) as refused:
        invoices_validate(actor=seller, organisation=organisation, invoices=[*invoices, bad])
    assert refused.value.code == "missing_mentions"
    assert refused.value.message == (
        f"Facture brouillon #{bad.pk} (Sans Siren SAS, 11/03/2026) : Mentions obligatoires manquantes : "
        "SIREN du client (client professionnel).")
    assert not SalesDocument.objects.filter(organisation=organisation).exclude(state="draft").exists()
    assert not SalesDocument.objects.filter(organisation=organisation).exclude(number="").exists()
    assert Entry.objects.filter(organisation=organisation).count() == 0
    assert not Counter.objects.filter(organisation=organisation, series="sales:invoice", last_value__gt=0).exists()
    assert AuditEvent.objects.filter(organisation=organisation).count() == audit

    # an invoice validated already names itself too
    first = invoice_validate(actor=seller, invoice=invoices[1])
    with pytest.raises(BusinessError) as twice:
        invoices_validate(actor=seller, organisation=organisation, invoices=[invoices[3].pk, first.pk])
    assert (twice.value.code, twice.value.message) == (
        "wrong_state", "Facture FA-2026-00001 est à l'état « Validé » : action « Valider » impossible.")
    # one invoice alone keeps the one-by-one messages, unprefixed
    with pytest.raises(BusinessError) as alone:
        invoices_validate(actor=seller, organisation=organisation, invoices=[bad])
    assert alone.value.message == "Mentions obligatoires manquantes : SIREN du client (client professionnel)."
    # another organisation's invoice is not found
    other, other_seller, other_invoices = _drafts("autre")
    with pytest.raises(BusinessError) as foreign:
        invoices_validate(actor=seller, organisation=organisation, invoices=[other_invoices[0].pk])
    assert (foreign.value.code, foreign.value.message) == ("not_found",
                                                           f"Facture introuvable : #{other_invoices[0].pk}.")


def test_numbers_stay_gapless_and_chronological_across_batches():
    organisation, seller, invoices = _drafts("suite")
    goods = invoices[0].lines.first().product
    customer = invoices[0].party
    invoices_validate(actor=seller, organisation=organisation, invoices=invoices[:2])        # 10/03, 12/03
    late = make_invoice(organisation, seller, customer, [line(goods, 1)], day=date(2026, 3, 11))
    with pytest.raises(BusinessError) as refused:
        invoices_validate(actor=seller, organisation=organisation, invoices=[invoices[4], late])
    assert refused.value.code == "not_chronological"
    assert refused.value.message == (
        f"Facture brouillon #{late.pk} (Martin Industries SAS, 11/03/2026) : La date du 11/03/2026 précède celle "
        "du dernier document validé de la série (12/03/2026) : la numérotation doit rester chronologique.")
    late.date = date(2026, 3, 20)
    late.save(update_fields=["date"])
    invoices_validate(actor=seller, organisation=organisation, invoices=[invoices[4], late])  # 02/04, 20/03
    with pytest.raises(BusinessError) as alone:
        invoices_validate(actor=seller, organisation=organisation, invoices=[invoices[3].pk])
    assert alone.value.message.startswith("La date du 10/03/2026 précède celle du dernier document validé de la "
                                          "série (02/04/2026)")
    rows = list(SalesDocument.objects.filter(organisation=organisation, state="validated").order_by("sequence")
                .values_list("pk", "sequence", "number", "date"))
    assert rows == [
        (invoices[1].pk, 1, "FA-2026-00001", date(2026, 3, 10)), (invoices[0].pk, 2, "FA-2026-00002",
                                                                  date(2026, 3, 12)),
        (late.pk, 3, "FA-2026-00003", date(2026, 3, 20)), (invoices[4].pk, 4, "FA-2026-00004", date(2026, 4, 2))]
    assert Counter.objects.get(organisation=organisation, series="sales:invoice", fiscal_year="2026").last_value == 4
    assert verify_books(organisation) == []


# --- screens and API -------------------------------------------------------------------------------------------

def _selection(organisation) -> str:
    return reverse("sales:invoices_selection", kwargs={"org": organisation.slug})


def test_list_action_validates_the_selection(client):
    organisation, seller, invoices = _drafts("durand")
    client.force_login(seller)
    page = client.get(reverse("sales:invoices", kwargs={"org": organisation.slug})).content.decode()
    assert "Valider la sélection" in page and f'name="ids" value="{invoices[0].pk}"' in page
    response = client.post(_selection(organisation), {"action": "validate", "ids": [d.pk for d in invoices[:3]],
                                                      "back": "state=draft"})
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:invoices", kwargs={"org": organisation.slug}) + "?state=draft"
    assert sorted(SalesDocument.objects.filter(organisation=organisation, state="validated")
                  .values_list("number", flat=True)) == ["FA-2026-00001", "FA-2026-00002", "FA-2026-00003"]
    page = client.get(response["Location"]).content.decode()
    assert "3 factures validées : FA-2026-00001 à FA-2026-00003." in page
    # a refused batch: the message, nothing validated
    client.post(_selection(organisation), {"action": "validate", "ids": [invoices[3].pk, invoices[0].pk]})
    page = client.get(reverse("sales:invoices", kwargs={"org": organisation.slug})).content.decode()
    assert "Facture FA-2026-" in page and "action « Valider » impossible" in page
    assert SalesDocument.objects.filter(organisation=organisation, state="validated").count() == 3
    # without the permission to validate: 403
    viewer = grant(make_user("direction-durand"), organisation, "management")
    client.force_login(viewer)
    assert client.post(_selection(organisation), {"action": "validate", "ids": [invoices[3].pk]}).status_code == 403


def test_list_downloads_the_selection_as_a_zip_and_loads_totals_after_the_page(client):
    organisation, seller, invoices = _drafts("durand")
    invoices_validate(actor=seller, organisation=organisation, invoices=invoices[:2])
    client.force_login(seller)
    response = client.post(_selection(organisation), {"action": "zip", "ids": [invoices[0].pk, invoices[1].pk]})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(bundle.namelist()) == ["Facture-FA-2026-00001.pdf", "Facture-FA-2026-00002.pdf"]
    assert all(bundle.read(name).startswith(b"%PDF-") for name in bundle.namelist())
    totals = client.get(reverse("sales:invoices", kwargs={"org": organisation.slug}) + "?part=totals&state=validated")
    # 320.00 + 49.75 HT; 55.30 + 2.74 VAT; 375.30 + 52.49 TTC
    assert totals.content.decode() == ('<td class="num">369,75</td><td class="num">58,04</td>'
                                       '<td class="num">427,79</td>\n')


def test_api_validates_a_batch():
    organisation, seller, invoices = _drafts("durand")
    _, raw = api_token_create(user=seller, name="tests")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = "/api/v1/orgs/durand/invoices/validate"
    response = api.post(url, data=json.dumps({"ids": [invoices[0].pk, invoices[1].pk]}),
                        content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 2
    assert [(x["id"], x["number"], x["total"]) for x in body["invoices"]] == [
        (invoices[1].pk, "FA-2026-00001", "52.49"), (invoices[0].pk, "FA-2026-00002", "375.30")]
    refused = api.post(url, data=json.dumps({"ids": [invoices[0].pk, invoices[2].pk]}),
                       content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["code"] == "wrong_state" and "FA-2026-00002" in refused.json()["message"]
    assert api.post(url, data=json.dumps({"ids": []}), content_type="application/json").json()["code"] == \
        "nothing_selected"
    other, _, other_invoices = _drafts("autre")
    assert api.post(url, data=json.dumps({"ids": [other_invoices[0].pk]}), content_type="application/json") \
        .status_code == 404
    viewer = grant(make_user("direction-durand"), organisation, "management")
    _, raw = api_token_create(user=viewer, name="tests")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        url, data=json.dumps({"ids": [invoices[2].pk]}), content_type="application/json").status_code == 403


def test_pdf_batch_writes_one_pdf_per_document(tmp_path):
    organisation, seller, invoices = _drafts("durand")
    done = invoices_validate(actor=seller, organisation=organisation, invoices=invoices[:3])
    paths = documents_pdf_batch(organisation=organisation, documents=done, directory=tmp_path, processes=1)
    assert [p.split("/")[-1] for p in paths] == ["Facture-FA-2026-00001.pdf", "Facture-FA-2026-00002.pdf",
                                                 "Facture-FA-2026-00003.pdf"]
    assert all(open(p, "rb").read(5) == b"%PDF-" for p in paths)
    other, _, other_invoices = _drafts("autre")
    with pytest.raises(BusinessError):
        documents_pdf_batch(organisation=organisation, documents=[other_invoices[0]], directory=tmp_path)


def test_pdf_batch_uses_a_pool_of_processes(tmp_path):
    """This process renders the HTML (it reads the database) and prints too; the spawned workers only turn HTML
    into PDF, with no database: the batch prints alike on any database, SQLite in memory included."""
    organisation, seller, invoices = _drafts("pool")
    done = invoices_validate(actor=seller, organisation=organisation, invoices=invoices)
    paths = documents_pdf_batch(organisation=organisation, documents=done, directory=tmp_path / "pool", processes=2)
    assert [p.split("/")[-1] for p in paths] == [f"Facture-FA-2026-{n:05d}.pdf" for n in range(1, 6)]
    alone = documents_pdf_batch(organisation=organisation, documents=done, directory=tmp_path / "one", processes=1)
    assert [pdf_text(open(p, "rb").read()) for p in paths] == [pdf_text(open(p, "rb").read()) for p in alone]
    assert "FA-2026-00005" in pdf_text(open(paths[-1], "rb").read())
