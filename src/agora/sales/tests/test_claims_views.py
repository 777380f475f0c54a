"""Claim screens: opening from a document (?party&document), list filters and overdue flag, export, timeline,
resolve with a written refusal and its PDF letter, reopen, bad input, permissions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agora.sales.models import Claim, ClaimExchange
from agora.sales.services.claims import claim_open

from .builders_reminders import make_clerk, make_customer, make_invoice, make_sales_org

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    return reverse(f"sales:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def setup(client):
    organisation, accountant = make_sales_org()
    customer = make_customer(organisation, "C001", "Martin Bâtiment")
    invoice = make_invoice(organisation, customer, total="1200.00", due=date(2026, 4, 30), number="FA-2026-00007")
    client.force_login(accountant)
    return organisation, accountant, customer, invoice, client


def test_open_from_an_invoice_then_work_the_claim(setup):
    organisation, accountant, customer, invoice, client = setup
    form = client.get(url("claim_new") + f"?party={customer.pk}&document={invoice.pk}")
    assert form.status_code == 200
    page = form.content.decode()
    assert 'value="FA-2026-00007"' in page
    assert f'<option value="{customer.pk}" selected>' in page

    response = client.post(url("claim_new"), {
        "party": customer.pk, "document_number": "FA-2026-00007", "kind": "billing", "subject": "Remise oubliée",
        "description": "La remise de 10 % n'apparaît pas."})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == url("claim_detail", pk=claim.pk)
    assert (claim.number, claim.document, claim.deadline) == ("RE-2026-00001", invoice,
                                                               timezone.localdate() + timedelta(days=15))

    response = client.post(url("claim_exchange", pk=claim.pk), {"channel": "phone", "text": "Rappel du client."})
    assert response.status_code == 302
    response = client.post(url("claim_exchange", pk=claim.pk), {"channel": "phone", "text": ""})
    assert response.status_code == 422

    response = client.post(url("claim_resolve", pk=claim.pk), {"outcome": "refusal", "reply": ""})
    assert response.status_code == 422
    assert "Un refus doit être motivé : rédigez la réponse écrite au client." in response.content.decode()
    assert Claim.objects.get().status == Claim.Status.IN_PROGRESS

    draft = client.get(url("claim_detail", pk=claim.pk) + "?modele=refus").content.decode()
    assert "enregistrée sous le numéro RE-2026-00001" in draft
    response = client.post(url("claim_resolve", pk=claim.pk), {
        "outcome": "refusal",
        "reply": "Madame, Monsieur,\nLa remise ne s'applique qu'aux commandes de plus de 5 000 €."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REFUSED
    letter = client.get(url("claim_reply_pdf", pk=claim.pk))
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert letter["Content-Disposition"] == 'attachment; filename="reponse-RE-2026-00001.pdf"'
    page = client.get(url("claim_detail", pk=claim.pk)).content.decode()
    assert "Rappel du client." in page and "Réclamation close. Issue : Refus motivé." in page

    assert client.post(url("claim_reopen", pk=claim.pk), {"reason": "Nouvel élément"}).status_code == 302
    assert Claim.objects.get().status == Claim.Status.IN_PROGRESS
    assert ClaimExchange.objects.filter(claim=claim).count() == 3


def test_unknown_document_number_is_a_french_error_on_the_field(setup):
    organisation, accountant, customer, invoice, client = setup
    response = client.post(url("claim_new"), {"party": customer.pk, "document_number": "FA-2099-00001",
                                              "kind": "defect", "subject": "Casse"})
    assert response.status_code == 422
    assert "Aucun document de vente ne porte le numéro « FA-2099-00001 »." in response.content.decode()
    response = client.post(url("claim_new"), {"party": customer.pk, "kind": "defect", "subject": ""})
    assert response.status_code == 422
    assert not Claim.objects.exists()


def test_list_filters_flags_overdue_and_exports(setup):
    organisation, accountant, customer, invoice, client = setup
    today = timezone.localdate()
    late = claim_open(actor=accountant, organisation=organisation, party=customer, kind="delay",
                      subject="Livraison en retard", opened_on=today - timedelta(days=20))
    claim_open(actor=accountant, organisation=organisation, party=customer, kind="defect",
               subject="Carreaux cassés", opened_on=today)
    page = client.get(url("claims")).content.decode()
    assert "1 réclamation en retard de traitement" in page
    assert page.count("en retard</span>") == 1
    page = client.get(url("claims") + "?overdue=1").content.decode()
    assert "Livraison en retard" in page and "Carreaux cassés" not in page
    page = client.get(url("claims") + "?kind=defect").content.decode()
    assert "Livraison en retard" not in page and "Carreaux cassés" in page
    csv = b"".join(client.get(url("claims") + "?export=csv&overdue=1").streaming_content).decode()
    lines = csv.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{late.number};{late.opened_on:%d/%m/%Y};C001;Martin Bâtiment;Retard;non;"
                               "Livraison en retard;;;")
    assert ";oui;Ouverte;;" in lines[1]


def test_read_only_roles_and_other_organisations(setup, client):
    organisation, accountant, customer, invoice, _ = setup
    claim = claim_open(actor=accountant, organisation=organisation, party=customer, kind="delay", subject="Retard")
    boss = make_clerk(organisation, "direction", role="management")
    client.force_login(boss)
    assert client.get(url("claim_detail", pk=claim.pk)).status_code == 200
    assert client.get(url("claim_new")).status_code == 403
    assert client.post(url("claim_exchange", pk=claim.pk), {"channel": "note", "text": "x"}).status_code == 403
    other, outsider = make_sales_org(slug="autre")
    client.force_login(outsider)
    assert client.get(url("claim_detail", pk=claim.pk)).status_code == 404
    assert client.get(reverse("sales:claim_detail", kwargs={"org": "autre", "pk": claim.pk})).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------------

def _api(user):
    from django.test import Client

    from agora.core.services import api_token_create

    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(api, path, body=None):
    import json

    return api.post(path, data=json.dumps(body) if body is not None else None, content_type="application/json")


def test_api_claim_workflow(setup):
    organisation, accountant, customer, invoice, _ = setup
    api = _api(accountant)
    base = "/api/v1/orgs/durand"
    bad = _post(api, f"{base}/claims", {"party": customer.pk, "kind": "defect", "subject": " "})
    assert bad.status_code == 422
    assert bad.json() == {"code": "required", "message": "L'objet de la réclamation est obligatoire.",
                          "field": "subject"}
    assert _post(api, f"{base}/claims", {"party": customer.pk, "document": 999999, "kind": "defect",
                                         "subject": "x"}).json()["field"] == "document"
    assert not Claim.objects.exists()

    created = _post(api, f"{base}/claims", {"party": customer.pk, "document": invoice.pk, "kind": "billing",
                                            "subject": "Remise oubliée", "deadline": "2030-01-01"})
    assert created.status_code == 201
    claim = created.json()
    assert (claim["number"], claim["document_number"], claim["status"], claim["is_overdue"]) == (
        "RE-2026-00001", "FA-2026-00007", "open", False)
    logged = _post(api, f"{base}/claims/{claim['id']}/exchanges", {"channel": "email", "text": "Photos reçues."})
    assert logged.status_code == 201
    assert [e["text"] for e in logged.json()["exchanges"]] == ["Photos reçues."]
    refused = _post(api, f"{base}/claims/{claim['id']}/resolve", {"outcome": "refusal"})
    assert refused.status_code == 422 and refused.json()["field"] == "reply"
    done = _post(api, f"{base}/claims/{claim['id']}/resolve", {"outcome": "refusal", "reply": "Refus motivé."})
    assert done.status_code == 200 and done.json()["status"] == "refused"
    pdf = api.get(f"{base}/claims/{claim['id']}/reply.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    listing = api.get(f"{base}/claims?status=refused").json()
    assert listing["count"] == 1 and listing["results"][0]["number"] == "RE-2026-00001"
    assert _post(api, f"{base}/claims/{claim['id']}/reopen").json()["status"] == "in_progress"
    other, outsider = make_sales_org(slug="autre")
    assert _api(outsider).get(f"{base}/claims/{claim['id']}").status_code == 404
