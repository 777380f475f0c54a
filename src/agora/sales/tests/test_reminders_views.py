"""Reminder screens: prepare, review (skip / unskip, htmx row), totals, send, letters PDF, exports, permissions."""

from datetime import date

import pytest
from django.core import mail

from agora.sales.models import Reminder, ReminderRun

from .builders_reminders import make_clerk, make_customer, make_invoice, make_sales_org

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    organisation, accountant = make_sales_org()
    martin = make_customer(organisation, "C001", "Martin Bâtiment", email="compta@martin.fr")
    petit = make_customer(organisation, "C002", "Boulangerie Petit")
    make_invoice(organisation, martin, total="1200.00", due=date(2026, 3, 1), number="FA-2026-00001")
    make_invoice(organisation, petit, total="80.00", due=date(2026, 3, 20), number="FA-2026-00002")
    client.force_login(accountant)
    return organisation, accountant, client


def url(name, **kwargs):
    from django.urls import reverse

    return reverse(f"sales:{name}", kwargs={"org": "durand", **kwargs})


def test_prepare_review_send_and_print(setup):
    organisation, _, client = setup
    page = client.get(url("reminder_runs"))
    assert page.status_code == 200
    assert "Aucune campagne de relance" in page.content.decode()

    response = client.post(url("reminder_runs"), {"on": "2026-03-31"})
    run = ReminderRun.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == url("reminder_run", pk=run.pk)

    page = client.get(url("reminder_run", pk=run.pk)).content.decode()
    assert "FA-2026-00001" in page and "FA-2026-00002" in page
    assert "11,98" in page  # 1 200 × 12,15 % × 30 / 365
    assert "0,29" in page   # 80 × 12,15 % × 11 / 365 = 0,2929…
    # total claimed: 1 200 + 80 + 11,98 + 0,29 + 2 × 40 = 1 372,27
    assert "1\u202f372,27 €" in page

    reminder = Reminder.objects.get(invoice__number="FA-2026-00002")
    response = client.post(url("reminder_skip", pk=reminder.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.startswith(f'<tr id="relance-{reminder.pk}" class="muted">') and "Réintégrer" in row
    page = client.get(url("reminder_run", pk=run.pk)).content.decode()
    assert "1\u202f251,98 €" in page  # 1 200 + 11,98 + 40
    response = client.post(url("reminder_unskip", pk=reminder.pk))
    assert response.status_code == 302
    assert Reminder.objects.get(pk=reminder.pk).state == "proposed"

    csv = b"".join(client.get(url("reminder_run", pk=run.pk) + "?export=csv").streaming_content).decode()
    assert "C001;Martin Bâtiment;FA-2026-00001;01/03/2026;01/03/2026;30;Deuxième relance;1200,00;11,98;40,00" in csv

    preview = client.get(url("reminder_run_pdf", pk=run.pk))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")

    response = client.post(url("reminder_run_send", pk=run.pk))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == "sent"
    assert [m.to for m in mail.outbox] == [["compta@martin.fr"]]
    page = client.get(url("reminder_run", pk=run.pk)).content.decode()
    assert "Campagne envoyée : 2 lettres, dont 1 par e-mail." in page
    postal = client.get(url("reminder_run_pdf", pk=run.pk) + "?postal=1")
    assert postal.status_code == 200 and postal.content.startswith(b"%PDF")
    assert postal["Content-Disposition"] == 'attachment; filename="relances-20260331-courrier.pdf"'

    history = client.get(url("reminder_runs")).content.decode()
    assert "31/03/2026" in history and "Envoyée" in history


def test_bad_date_and_nothing_due_show_french_errors(setup):
    organisation, _, client = setup
    response = client.post(url("reminder_runs"), {"on": "31/02/2026"})
    assert response.status_code == 422
    assert "Date invalide." in response.content.decode()
    response = client.post(url("reminder_runs"), {"on": "2026-03-02"})
    assert response.status_code == 422
    assert "Aucune facture à relancer au 02/03/2026." in response.content.decode()
    assert not ReminderRun.objects.exists()


def test_management_reads_but_cannot_prepare_nor_send(setup, client):
    organisation, accountant, _ = setup
    run_response = client.post(url("reminder_runs"), {"on": "2026-03-31"})
    assert run_response.status_code == 302
    run = ReminderRun.objects.get()
    boss = make_clerk(organisation, "direction", role="management")
    client.force_login(boss)
    assert client.get(url("reminder_run", pk=run.pk)).status_code == 200
    assert client.post(url("reminder_runs"), {"on": "2026-04-30"}).status_code == 403
    assert client.post(url("reminder_run_send", pk=run.pk)).status_code == 403
    assert client.post(url("reminder_skip", pk=run.reminders.first().pk)).status_code == 403
    assert ReminderRun.objects.get().state == "draft"


def test_other_organisation_cannot_see_the_run(setup, client):
    organisation, _, _ = setup
    client.post(url("reminder_runs"), {"on": "2026-03-31"})
    run = ReminderRun.objects.get()
    other, outsider = make_sales_org(slug="autre")
    client.force_login(outsider)
    assert client.get(url("reminder_run", pk=run.pk)).status_code == 404
    from django.urls import reverse

    assert client.get(reverse("sales:reminder_run", kwargs={"org": "autre", "pk": run.pk})).status_code == 404


# --- API ------------------------------------------------------------------------------------------------------------

def _api(user):
    from django.test import Client

    from agora.core.services import api_token_create

    _, raw = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_prepare_review_send(setup):
    import json

    organisation, accountant, _ = setup
    api = _api(accountant)
    base = "/api/v1/orgs/durand"
    bad = api.post(f"{base}/reminder-runs", data=json.dumps({"on": "2026-02-31"}), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "on"
    none_due = api.post(f"{base}/reminder-runs", data=json.dumps({"on": "2026-03-02"}),
                        content_type="application/json")
    assert none_due.status_code == 422
    assert none_due.json() == {"code": "nothing_to_remind", "message": "Aucune facture à relancer au 02/03/2026.",
                               "field": "on"}
    assert not ReminderRun.objects.exists()

    created = api.post(f"{base}/reminder-runs", data=json.dumps({"on": "2026-03-31"}),
                       content_type="application/json")
    assert created.status_code == 201
    run = created.json()
    assert (run["count"], run["amount_due"], run["interest"], run["fixed_fee"], run["claimed"]) == (
        2, "1280.00", "12.27", "80.00", "1372.27")
    rows = api.get(f"{base}/reminder-runs/{run['id']}/reminders").json()
    assert rows["count"] == 2
    first = rows["results"][0]
    assert (first["party_code"], first["invoice_number"], first["level"], first["interest"]) == (
        "C002", "FA-2026-00002", 1, "0.29")
    skipped = api.post(f"{base}/reminders/{first['id']}/skip")
    assert skipped.status_code == 200 and skipped.json()["state"] == "skipped"
    sent = api.post(f"{base}/reminder-runs/{run['id']}/send")
    assert sent.status_code == 200
    assert (sent.json()["state"], sent.json()["count"], sent.json()["skipped"]) == ("sent", 1, 1)
    again = api.post(f"{base}/reminders/{first['id']}/unskip")
    assert again.status_code == 422 and again.json()["code"] == "reminder_run_sent"
    pdf = api.get(f"{base}/reminder-runs/{run['id']}/letters.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api.get(f"{base}/reminder-runs/999999").status_code == 404

    other, outsider = make_sales_org(slug="autre")
    assert _api(outsider).get(f"{base}/reminder-runs/{run['id']}").status_code == 404
    assert _api(outsider).get(f"/api/v1/orgs/autre/reminder-runs/{run['id']}").status_code == 404
