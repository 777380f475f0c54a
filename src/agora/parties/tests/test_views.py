"""Party screens through the Django test client: rights, the form and its French errors, the party file with its
ledger balance, documents and e-mails, the list's filters, exports and constant query count."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agora.core.models import OutgoingMail
from agora.ledger.tests.builders import post, sale
from agora.parties.models import Party, PaymentTerm
from agora.parties.services import party_create

from .builders import make_org, user_with

pytestmark = pytest.mark.django_db


def url(name, org="durand", **kwargs):
    return reverse(f"parties:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def org():
    organisation, accountant = make_org()
    return organisation, accountant


def make(organisation, code, name, **data):
    return party_create(actor=None, organisation=organisation, data={"code": code, "name": name, **data})


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client
    return as_user


FORM = {
    "code": "c010", "name": "Martin Industries SAS", "kind": "organisation", "is_customer": "on",
    "siren": "", "siret": "55210055400005", "vat_number": "FR96552100554", "email": "compta@martin.fr",
    "phone": "05 56 00 00 00", "address_line1": "4 quai des Chartrons", "postal_code": "33000", "city": "Bordeaux",
    "country": "fr", "delivery_name": "Entrepôt Martin", "delivery_address_line1": "ZI Nord, allée 3",
    "delivery_postal_code": "33520", "delivery_city": "Bruges", "delivery_country": "FR",
    "payment_term": "", "default_discount_pct": "5,5", "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "BNPAFRPPXXX", "notes": "Livrer avant 16 h.", "active": "on",
}


def test_every_page_answers_200_for_sales_and_admin(org, login):
    organisation, _ = org
    party = make(organisation, "C001", "Client Martin", is_customer=True)
    for role in ("sales", "admin", "accounting", "purchasing"):
        client = login(user_with(organisation, role))
        for page in [url("list"), url("list") + "?role=supplier&q=mar&active=", url("new"), url("new") + "?role=member",
                     url("detail", pk=party.pk), url("edit", pk=party.pk)]:
            assert client.get(page).status_code == 200, (role, page)


def test_management_reads_but_may_not_write(org, login):
    organisation, _ = org
    party = make(organisation, "C001", "Client Martin", is_customer=True)
    client = login(user_with(organisation, "management"))
    assert client.get(url("list")).status_code == 200
    assert client.get(url("detail", pk=party.pk)).status_code == 200
    assert client.get(url("new")).status_code == 403
    assert client.get(url("edit", pk=party.pk)).status_code == 403
    assert client.post(url("new"), FORM).status_code == 403
    assert client.post(url("edit", pk=party.pk), {**FORM, "code": "C001"}).status_code == 403
    assert Party.objects.filter(organisation=organisation).count() == 1


def test_roles_without_parties_view_get_403_and_strangers_404(org, login, client):
    organisation, _ = org
    party = make(organisation, "C001", "Client Martin", is_customer=True)
    hr = login(user_with(organisation, "hr"))
    for page in [url("list"), url("detail", pk=party.pk), url("new")]:
        assert hr.get(page).status_code == 403, page
    other, other_accountant = make_org(slug="autre")
    stranger = login(other_accountant)
    assert stranger.get(url("list")).status_code == 404  # not a member of "durand": its existence is hidden
    assert stranger.get(url("detail", pk=party.pk, org="autre")).status_code == 404  # another org's party
    client.logout()
    assert client.get(url("list")).status_code == 302  # to the login page


def test_create_a_customer_with_every_field(org, login):
    organisation, _ = org
    term = PaymentTerm.objects.get(organisation=organisation, code="30JFM")
    client = login(user_with(organisation, "sales"))
    response = client.post(url("new"), {**FORM, "payment_term": str(term.pk)})
    party = Party.objects.get(organisation=organisation, code="C010")
    assert response.status_code == 302 and response["Location"] == url("detail", pk=party.pk)
    assert (party.name, party.kind, party.is_customer, party.is_supplier) == ("Martin Industries SAS", "organisation",
                                                                             True, False)
    assert (party.siret, party.siren) == ("55210055400005", "552100554")
    # core.identifiers.clean_vat_number keeps stdnum's compact form, which drops the "FR" prefix (reported).
    assert party.vat_number.removeprefix("FR") == "96552100554"
    assert (party.iban, party.bic) == ("FR7630006000011234567890189", "BNPAFRPPXXX")
    assert party.default_discount_pct == Decimal("5.50") and party.payment_term == term
    assert (party.delivery_city, party.delivery_postal_code, party.country) == ("Bruges", "33520", "FR")
    page = client.get(url("detail", pk=party.pk)).content.decode()
    assert "30 jours fin de mois" in page and "Entrepôt Martin" in page and "Personne morale (B2B)" in page


def test_invalid_siret_iban_and_vat_show_french_errors_on_their_fields_and_write_nothing(org, login):
    organisation, _ = org
    client = login(user_with(organisation, "sales"))
    response = client.post(url("new"), {**FORM, "siret": "55210055400006", "iban": "FR7630006000011234567890180",
                                        "vat_number": "FR00552100554", "bic": "XX"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["siret"] == ["SIRET invalide : « 55210055400006 »."]
    assert errors["iban"] == ["IBAN invalide : « FR7630006000011234567890180 »."]
    assert errors["vat_number"] == ["Numéro de TVA intracommunautaire invalide : « FR00552100554 »."]
    assert errors["bic"] == ["BIC invalide : « XX »."]
    assert "SIRET invalide" in response.content.decode()
    assert not Party.objects.filter(organisation=organisation).exists()


def test_service_refusals_land_on_their_field(org, login):
    organisation, _ = org
    make(organisation, "C010", "Déjà là", is_customer=True)
    client = login(user_with(organisation, "sales"))
    response = client.post(url("new"), {**FORM, "default_discount_pct": "120"})
    assert response.context["form"].errors["default_discount_pct"] == ["La remise habituelle va de 0 à 100 %."]
    response = client.post(url("new"), FORM)
    assert response.context["form"].errors["code"] == ["Le code « C010 » existe déjà."]
    response = client.post(url("new"), {**FORM, "code": "C 1"})
    assert response.context["form"].errors["code"] == ["Le code auxiliaire : 1 à 20 lettres ou chiffres."]
    assert Party.objects.filter(organisation=organisation).count() == 1


def test_edit_changes_the_party_and_keeps_a_history(org, login):
    organisation, _ = org
    party = make(organisation, "C001", "Client Martin", is_customer=True, is_prospect=True)
    admin = login(user_with(organisation, "admin"))
    form = admin.get(url("edit", pk=party.pk)).context["form"]
    assert form.initial["code"] == "C001" and form.initial["is_prospect"] is True
    assert form.initial["default_discount_pct"] == "0.00".replace(".", ",")
    data = {**FORM, "code": "C001", "name": "Client Martin & fils", "kind": "individual", "siret": "",
            "vat_number": "", "iban": "", "bic": ""}
    response = admin.post(url("edit", pk=party.pk), data)
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.name, party.kind, party.is_prospect, party.default_discount_pct) == (
        "Client Martin & fils", "individual", False, Decimal("5.50"))
    page = admin.get(url("detail", pk=party.pk)).content.decode()
    assert "Historique" in page and "Particulier (B2C)" in page and "Client Martin &amp; fils" in page


def test_party_file_shows_the_411_balance_documents_and_mails(org, login):
    organisation, accountant = org
    martin = make(organisation, "C001", "Client Martin", is_customer=True)
    make(organisation, "C002", "Client Durand", is_customer=True)
    # Hand-worked: invoice 1 200,00 TTC, second invoice 360,00, payment 500,00 → the customer owes 1 060,00.
    sale(organisation, accountant, date(2026, 3, 5), "C001", "1000.00", "200.00")
    sale(organisation, accountant, date(2026, 3, 9), "C001", "300.00", "60.00")
    post(organisation, accountant, "BQ1", date(2026, 3, 20), "Règlement Martin", ("5121", "500", 0),
         ("411", 0, "500", "C001"))
    sale(organisation, accountant, date(2026, 3, 6), "C002", "5000.00", "1000.00")  # another customer
    OutgoingMail.objects.create(organisation=organisation, object_type="sales.salesdocument", object_id="1",
                                party_id=martin.pk, to="compta@martin.fr", subject="Facture FA-2026-00001",
                                body="Bonjour", attachments=["FA-2026-00001.pdf"])
    OutgoingMail.objects.create(organisation=organisation, object_type="x", object_id="2", party_id=martin.pk + 1,
                                to="autre@x.fr", subject="Pas pour Martin", body="…")
    from agora.parties.selectors import party_account_balances

    assert party_account_balances(organisation=organisation, party=martin) == {
        "customer": Decimal("1060.00"), "supplier": Decimal("0.00")}
    client = login(user_with(organisation, "sales"))
    response = client.get(url("detail", pk=martin.pk))
    page = response.content.decode()
    assert response.context["balances"]["customer"] == Decimal("1060.00")
    assert "1\u202f060,00" in page and "auxiliaire <strong>C001</strong>" in page
    assert "Facture FA-2026-00001" in page and "FA-2026-00001.pdf" in page and "Pas pour Martin" not in page
    assert "Aucun document." in page


def test_party_file_lists_the_sales_documents(org, login):
    from agora.sales.models import SalesDocument

    organisation, _ = org
    martin = make(organisation, "C001", "Client Martin", is_customer=True)
    SalesDocument.objects.create(organisation=organisation, kind="invoice", state="validated", number="FA-2026-00007",
                                 date=date(2026, 4, 2), party=martin, untaxed_total=Decimal("100.00"),
                                 total=Decimal("120.00"))
    SalesDocument.objects.create(organisation=organisation, kind="quote", state="draft", date=date(2026, 4, 1),
                                 party=martin, total=Decimal("50.00"))
    client = login(user_with(organisation, "sales"))
    page = client.get(url("detail", pk=martin.pk)).content.decode()
    assert "FA-2026-00007" in page and "Facture" in page and "Devis" in page and "(brouillon)" in page
    assert "120,00" in page


def test_list_filters_and_search(org, login):
    organisation, _ = org
    make(organisation, "C001", "Martin", is_customer=True, city="Lyon")
    make(organisation, "F001", "Fournitures Martin", is_supplier=True)
    make(organisation, "P001", "Prospect Dupont", is_prospect=True)
    make(organisation, "A001", "Adhérent Leroy", is_member=True)
    make(organisation, "C002", "Ancien client", is_customer=True, active=False)
    client = login(user_with(organisation, "sales"))

    def codes(query=""):
        return [p.code for p in client.get(url("list") + query).context["page"]]

    assert codes() == ["A001", "F001", "C001", "P001"]  # active ones by name
    assert codes("?role=customer") == ["C001"]
    assert codes("?role=customer&active=") == ["C002", "C001"]
    assert codes("?role=customer&active=0") == ["C002"]
    assert codes("?role=supplier") == ["F001"]
    assert codes("?role=prospect") == ["P001"]
    assert codes("?role=member") == ["A001"]
    assert codes("?q=martin") == ["F001", "C001"]
    assert codes("?q=lyon") == ["C001"]


def test_list_query_count_is_constant_and_pages_by_50(org, login):
    organisation, _ = org
    term = PaymentTerm.objects.get(organisation=organisation, code="30J")
    client = login(user_with(organisation, "sales"))
    for n in range(3):
        make(organisation, f"C{n:03d}", f"Client {n:03d}", is_customer=True, payment_term=term.pk)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("list"))
        assert response.status_code == 200
        return len(queries), response

    count()  # the first visit remembers the organisation in the session
    small, _ = count()
    for n in range(3, 80):
        make(organisation, f"C{n:03d}", f"Client {n:03d}", is_customer=True, payment_term=term.pk)
    large, response = count()
    assert large == small
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.count == 80
    assert "30 jours" in response.content.decode()


def test_exports_csv_and_xlsx_follow_the_filters(org, login):
    organisation, _ = org
    make(organisation, "C001", "Martin", is_customer=True, siret="55210055400005", default_discount_pct="2,5")
    make(organisation, "F001", "Fournisseur", is_supplier=True)
    client = login(user_with(organisation, "sales"))
    response = client.get(url("list") + "?role=customer&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Code;Nom;Type;Client;Prospect")
    assert lines[1].startswith("C001;Martin;Personne morale;oui;non;non;non;552100554;55210055400005")
    assert ";2,50;" in lines[1] and len(lines) == 2

    response = client.get(url("list") + "?format=xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("Code", "Nom") and [r[0] for r in rows[1:]] == ["F001", "C001"]
