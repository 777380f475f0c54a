"""The screens: statements, analysis, cash statement and checklist answer for an allowed user (with PDF and
exports), refuse others, and the checklist's override form (reason required, role checked)."""

from datetime import date

import pytest
from django.urls import reverse

from agora.catalog.services import vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.ledger.models import FiscalYear
from agora.ledger.tests.builders import make_books, post
from agora.stock.tests.builders import make_item

from ..models import ChecklistOverride
from .builders import make_year

pytestmark = pytest.mark.django_db
SCREENS = ("statements", "analysis", "cash_statement", "checklist")


def url(name, **kwargs):
    return reverse(f"financials:{name}", kwargs={"org": "durand", **kwargs})


@pytest.fixture
def year(client):
    organisation, accountant = make_year()
    client.force_login(accountant)
    return organisation, FiscalYear.objects.get(organisation=organisation, code="2026"), client


def test_every_screen_answers_with_the_figures(year):
    organisation, fiscal_year, client = year
    page = client.get(url("statements")).content.decode()
    assert 'data-figure="total-assets">23\u202f870,00' in page and "Résultat de l&#x27;exercice" in page
    assert "Attention : le total" not in page
    page = client.get(url("analysis"), {"fiscal_year": fiscal_year.pk}).content.decode()
    figure = page.split("<figure", 1)[1].split("</figure>", 1)[0]
    assert 'data-figure="caf-additive">2\u202f820,00' in page and "<svg" in figure and "<script" not in figure
    assert "Vos clients vous paient en moyenne en 120 jours" in page
    assert "Contrôle : FR − BFR = trésorerie nette" in page
    page = client.get(url("cash_statement"), {"period": "quarter"}).content.decode()
    assert 'id="reconciled"' in page and "avr. – juin 2026" in page
    page = client.get(url("checklist")).content.decode()
    # The customer still owes 3,600 and a provision (491) is booked: the provisions review applies.
    assert "1 point bloque la clôture" in page
    assert ('data-item="provisions" data-status="not_met"' in page
            or 'data-item="provisions" data-status="unverifiable"' in page)


def test_pdf_and_exports(year):
    _, _, client = year
    for name in ("statements", "analysis", "cash_statement"):
        response = client.get(url(name), {"format": "pdf"})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", name
        assert response.content.startswith(b"%PDF")
    response = client.get(url("cash_statement"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Poste;janv. 2026") and "15270,00" in text.splitlines()[-1]
    response = client.get(url("cash_statement"), {"format": "xlsx"})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = client.get(url("statements"), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("État;Poste;Brut")
    assert "Bilan actif;Total de l'actif;;;23870,00;0,00" in lines
    assert "Compte de résultat;Résultat de l'exercice (bénéfice ou perte);;;2520,00;0,00" in lines
    assert client.get(url("statements"), {"format": "xlsx"}).content[:2] == b"PK"


def test_another_organisations_year_is_refused(year):
    _, _, client = year
    other, _ = make_books(slug="autre")
    foreign = FiscalYear.objects.get(organisation=other)
    response = client.get(url("statements"), {"fiscal_year": foreign.pk})
    assert response.status_code == 422 and "Exercice inconnu" in response.content.decode()


def test_roles(client):
    organisation, accountant = make_books()
    seller = grant(make_user("vendeur"), organisation, "sales")
    manager = grant(make_user("gerant"), organisation, "management")
    client.force_login(seller)
    for name in SCREENS:
        assert client.get(url(name)).status_code == 403, name
    client.force_login(manager)
    for name in SCREENS:
        assert client.get(url(name)).status_code == 200, name
    vat_categories_setup(organisation=organisation)
    make_item(organisation, "ART1")
    response = client.post(url("checklist"), {"item": "stock", "reason": "Inventaire fait sur papier."})
    assert response.status_code == 403 and not ChecklistOverride.objects.exists()


def test_override_from_the_checklist_screen(client):
    """The stock point blocks; a reason too short is refused on the form; a reason lifts it; withdrawn, it
    blocks again."""
    organisation, accountant = make_books()
    vat_categories_setup(organisation=organisation)
    make_item(organisation, "ART1")
    post(organisation, accountant, "OD", date(2026, 1, 2), "Apport", ("5121", 100, 0), ("101", 0, 100))
    client.force_login(accountant)
    page = client.get(url("checklist")).content.decode()
    assert "1 point bloque la clôture" in page and 'data-status="not_met"' in page
    response = client.post(url("checklist"), {"item": "stock", "reason": "court"})
    assert response.status_code == 422 and "10 caractères" in response.content.decode()
    response = client.post(url("checklist"), {"item": "stock", "reason": "Inventaire tournant sur papier."})
    assert response.status_code == 302
    override = ChecklistOverride.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Aucun point ne bloque la clôture." in page and "Inventaire tournant sur papier." in page
    response = client.post(url("override_withdraw", pk=override.pk))
    assert response.status_code == 302 and not ChecklistOverride.objects.exists()


def test_association_screen_and_constant_queries(client, django_assert_max_num_queries):
    """The association layout on screen; the statements page reads the year in a fixed number of queries
    whatever the number of lines (one GROUP BY per year)."""
    organisation, accountant = make_books(slug="durand", kind="association")
    post(organisation, accountant, "BQ1", date(2026, 1, 2), "Fonds associatifs", ("5121", 2000, 0), ("102", 0, 2000))
    post(organisation, accountant, "OD", date(2026, 6, 1), "Bénévolat", ("864", 1500, 0), ("875", 0, 1500))
    client.force_login(accountant)
    client.get(url("statements"))
    with django_assert_max_num_queries(12):
        page = client.get(url("statements")).content.decode()
    assert "Fonds propres sans droit de reprise" in page and "Contributions volontaires en nature" in page
    assert "Bénévolat" in page and "règlement ANC 2018-06" in page
    for n in range(20):
        post(organisation, accountant, "BQ1", date(2026, 2, 1 + n), f"Cotisation {n}", ("5121", 20, 0),
             ("756", 0, 20))
    with django_assert_max_num_queries(12):
        client.get(url("statements"))
