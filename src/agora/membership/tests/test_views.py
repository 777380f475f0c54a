"""Membership screens through the Django test client: rights, 404 across organisations, the register and its
exports, fees and payments, the renewal campaign, donations and the receipt download."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agora.core.tests.builders import grant, make_user
from agora.ledger.models import EntryLine
from agora.ledger.tests.builders import make_party
from agora.membership import services
from agora.membership.models import Donation, Member, MembershipFee, RenewalCampaign
from agora.parties.models import Party

from .builders import make_association, make_category, make_member

pytestmark = pytest.mark.django_db


def url(name, org="quartier", **kwargs):
    return reverse(f"membership:{name}", kwargs={"org": org, **kwargs})


@pytest.fixture
def assoc():
    organisation, accountant = make_association()
    category = make_category(organisation, accountant)
    return organisation, accountant, category


@pytest.fixture
def logged(client, assoc):
    client.force_login(assoc[1])
    return client


def test_every_page_answers_for_an_accountant(assoc, logged):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category)
    donor = make_party(organisation, "DON01", "Lefèvre Anne", address_line1="8 quai Perrache", postal_code="69002",
                       city="Lyon")
    gift = services.donation_record(actor=accountant, organisation=organisation, party=donor, date=date(2026, 5, 4),
                                    amount="40", method="cheque")
    services.donation_receipt_issue(actor=accountant, donation=gift)
    campaign = services.renewal_campaign_run(actor=accountant, organisation=organisation, year=2027,
                                             send_emails=False)
    fee = member.fees.get(year=2026)
    for name, kwargs in [("members", {}), ("member_new", {}), ("member_detail", {"pk": member.pk}),
                         ("categories", {}), ("category_edit", {"pk": category.pk}), ("settings", {}),
                         ("fees", {}), ("fee_detail", {"pk": fee.pk}), ("campaigns", {}),
                         ("donations", {}), ("donation_new", {}), ("donation_detail", {"pk": gift.pk})]:
        response = logged.get(url(name, **kwargs))
        assert response.status_code == 200, name
    response = logged.get(url("campaign_letters", pk=campaign.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    response = logged.get(url("donation_receipt_pdf", pk=gift.pk))
    assert response["Content-Type"] == "application/pdf" and response.content == bytes(
        Donation.objects.get(pk=gift.pk).receipt_pdf)
    assert 'filename="recu-fiscal-RF-2026-00001.pdf"' in response["Content-Disposition"]
    assert logged.get(url("home")).status_code == 302


def test_rights_read_only_role_and_strangers(assoc, client):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category)
    manager = grant(make_user("directrice"), organisation, "management")  # membership.view only
    client.force_login(manager)
    assert client.get(url("members")).status_code == 200
    assert client.get(url("member_new")).status_code == 403
    assert client.post(url("fee_detail", pk=member.fees.get().pk), {
        "date": "2026-02-01", "method": "cash", "amount": "30"}).status_code == 403
    assert not EntryLine.objects.exists()
    hr = grant(make_user("rh"), organisation, "hr")  # no membership permission at all
    client.force_login(hr)
    assert client.get(url("members")).status_code == 403
    # Another organisation's people see 404, and so do ids of another organisation.
    other, other_accountant = make_association(slug="voisins")
    other_member = make_member(other, other_accountant, make_category(other, other_accountant))
    client.force_login(other_accountant)
    assert client.get(url("members")).status_code == 404
    assert client.get(url("member_detail", org="voisins", pk=member.pk)).status_code == 404
    assert client.get(url("fee_detail", org="voisins", pk=member.fees.get().pk)).status_code == 404
    assert client.get(url("member_detail", org="voisins", pk=other_member.pk)).status_code == 200
    client.logout()
    assert client.get(url("members")).status_code == 302  # to the login page


def test_register_a_member_through_the_form(assoc, logged):
    organisation, _, category = assoc
    response = logged.post(url("member_new"), {
        "category": category.pk, "joined_on": "2026-02-03", "name": "Martin Claire", "kind": "individual",
        "email": "claire@example.fr", "address_line1": "3 rue des Lilas", "postal_code": "69003", "city": "Lyon"})
    member = Member.objects.get()
    assert response.status_code == 302 and response["Location"] == url("member_detail", pk=member.pk)
    assert (member.number, member.party.name, member.party.email) == ("AD-00001", "Martin Claire",
                                                                     "claire@example.fr")
    response = logged.post(url("member_new"), {"category": category.pk, "joined_on": "2026-02-03",
                                               "kind": "individual"})
    assert response.status_code == 200
    assert "Indiquez le nom de l&#x27;adhérent" in response.content.decode()
    response = logged.post(url("member_new"), {"category": category.pk, "joined_on": "2026-02-03",
                                               "party_code": member.party.code, "kind": "individual"})
    assert "déjà inscrit(e) au registre" in response.content.decode()
    assert Member.objects.count() == 1


def test_register_list_filters_exports_and_constant_queries(assoc, logged):
    organisation, accountant, category = assoc
    family = make_category(organisation, accountant, "FAMILLE", "45")
    for n in range(12):
        make_member(organisation, accountant, family if n % 3 == 0 else category, f"Membre {n:02d}",
                    city="Villeurbanne" if n == 5 else "Lyon")
    response = logged.get(url("members"), {"q": "Villeurbanne"})
    assert response.context["page"].paginator.count == 1
    response = logged.get(url("members"), {"category": family.pk})
    assert response.context["page"].paginator.count == 4
    logged.get(url("members"))  # warm the session and role caches
    with CaptureQueriesContext(connection) as few:
        logged.get(url("members"), {"status": "active"})
    for n in range(12, 30):
        make_member(organisation, accountant, category, f"Membre {n:02d}")
    with CaptureQueriesContext(connection) as many:
        logged.get(url("members"), {"status": "active"})
    assert len(many) == len(few)
    response = logged.get(url("members"), {"export": "csv", "category": family.pk})
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0] == ("\ufeffN° adhérent;Nom;Catégorie;Adhésion;Sortie;Statut;E-mail;Téléphone;Adresse;"
                        "Code postal;Ville")
    assert lines[1] == "AD-00001;Membre 00;Membre famille;10/01/2026;;À jour;;;3 rue des Lilas;69003;Lyon"
    assert len(lines) == 5
    response = logged.get(url("members"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 31 and sheet["A2"].value == "AD-00001"


def test_fee_payment_form_posts_and_refuses_overpayment(assoc, logged):
    organisation, accountant, category = assoc
    fee = make_member(organisation, accountant, category).fees.get()
    response = logged.post(url("fee_detail", pk=fee.pk), {"date": "2026-02-01", "method": "cheque",
                                                          "amount": "12,50", "reference": "CHQ 1"})
    assert response.status_code == 302
    fee.refresh_from_db()
    assert (fee.paid_amount, fee.state) == (Decimal("12.50"), "partial")
    response = logged.post(url("fee_detail", pk=fee.pk), {"date": "2026-02-02", "method": "cheque",
                                                          "amount": "20"})
    assert response.status_code == 422
    assert "dépasse le reste dû sur la cotisation 2026 (17,50 €)" in response.content.decode()
    fee.refresh_from_db()
    assert fee.paid_amount == Decimal("12.50")
    response = logged.get(url("fees"), {"year": 2026})
    assert response.context["totals"] == {"count": 1, "amount": Decimal("30.00"), "paid": Decimal("12.50"),
                                          "balance": Decimal("17.50")}


def test_generate_fees_and_run_a_campaign_from_the_screens(assoc, logged):
    organisation, accountant, category = assoc
    make_member(organisation, accountant, category, email="claire@example.fr")
    response = logged.post(url("fees_generate"), {"year": "2027", "due_date": "2027-01-31"})
    assert response.status_code == 302 and MembershipFee.objects.filter(year=2027).count() == 1
    assert logged.post(url("fees_generate"), {"year": "2027"}).status_code == 302
    assert MembershipFee.objects.filter(year=2027).count() == 1
    response = logged.post(url("campaigns"), {"year": "2027", "send_emails": "on"})
    assert response.status_code == 302
    campaign = RenewalCampaign.objects.get()
    assert (campaign.fees_generated, campaign.letters_count, campaign.emails_sent) == (0, 1, 1)
    response = logged.post(url("campaigns"), {"year": "2027"})
    assert response.status_code == 422 and "déjà été lancée" in response.content.decode()


def test_record_a_donation_with_a_new_donor_and_issue_its_receipt(assoc, logged):
    organisation, _, _ = assoc
    response = logged.post(url("donation_new"), {
        "name": "Lefèvre Anne", "kind": "individual", "address_line1": "8 quai Perrache", "postal_code": "69002",
        "city": "Lyon", "date": "2026-05-04", "amount": "1 234,56", "method": "transfer"})
    donation = Donation.objects.get()
    assert response.status_code == 302 and donation.party.code == "DON00001"
    assert donation.amount == Decimal("1234.56")
    response = logged.post(url("donation_receipt_issue", pk=donation.pk))
    assert response.status_code == 302
    donation.refresh_from_db()
    assert donation.receipt_number == "RF-2026-00001"
    response = logged.get(url("donations"), {"year": 2026})
    assert response.context["totals"] == {"count": 1, "amount": Decimal("1234.56"), "receipted": Decimal("1234.56")}
    assert "RF-2026-00001" in response.content.decode()
    # A refused gift creates no donor either.
    response = logged.post(url("donation_new"), {"name": "Autre", "kind": "individual", "date": "2026-05-04",
                                                 "amount": "-3", "method": "cash"})
    assert response.status_code == 422 and "Le montant doit être positif." in response.content.decode()
    assert not Party.objects.filter(name="Autre").exists()


def test_company_screens_say_memberships_are_for_associations(client):
    from agora.ledger.tests.builders import make_books

    company, accountant = make_books(slug="durand")
    client.force_login(accountant)
    response = client.get(url("members", org="durand"))
    assert response.status_code == 200
    assert "réservés aux associations et aux mutuelles" in response.content.decode()
    response = client.post(url("categories", org="durand"), {"code": "A", "label": "A", "amount": "10",
                                                             "account": "7561", "active": "on"})
    assert "réservés aux associations et aux mutuelles" in response.content.decode()
