"""Membership services with hand-worked figures: registers, fees, payments posted to 7561/7562, donations to
75411 with gapless Cerfa 11580 receipts, renewal campaigns; and the refusals, in French, that write nothing."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from pypdf import PdfReader

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Counter, OutgoingMail
from agora.ledger.models import Account, Entry, EntryLine
from agora.ledger.tests.builders import make_books, make_party
from agora.membership import selectors, services
from agora.membership.models import Donation, FeePayment, Member, MembershipFee, RenewalCampaign
from agora.parties.models import Party

from .builders import make_association, make_category, make_member

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def assoc():
    organisation, accountant = make_association()
    category = make_category(organisation, accountant)
    return organisation, accountant, category


def lines_of(entry):
    return [(line.account.code, line.party.code if line.party else "", line.debit, line.credit)
            for line in EntryLine.objects.filter(entry=entry).select_related("account", "party").order_by("line_no")]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_register_numbers_members_gapless_and_calls_the_first_fee(assoc):
    organisation, accountant, category = assoc
    first = make_member(organisation, accountant, category, "Martin Claire", date(2026, 1, 10))
    second = make_member(organisation, accountant, category, "Durand Paul", date(2026, 3, 2), email="paul@ex.fr")
    assert (first.number, second.number) == ("AD-00001", "AD-00002")
    assert (first.party.code, first.party.is_member, first.party.kind) == ("AD00001", True, "individual")
    fee = MembershipFee.objects.get(member=second)
    assert (fee.year, fee.amount, fee.due_date, fee.state, fee.paid_amount) == (
        2026, D("30.00"), date(2026, 3, 2), "due", D("0.00"))
    assert AuditEvent.objects.filter(action="member.register").count() == 2
    # An existing party is flagged as a member, and cannot be registered twice.
    party = make_party(organisation, "DON01", "Lefèvre Anne")
    third = services.member_register(actor=accountant, organisation=organisation, category=category,
                                     joined_on=date(2026, 4, 1), party=party)
    assert third.number == "AD-00003" and Party.objects.get(pk=party.pk).is_member
    with pytest.raises(BusinessError) as refused:
        services.member_register(actor=accountant, organisation=organisation, category=category,
                                 joined_on=date(2026, 4, 1), party=party)
    assert refused.value.field == "party" and "déjà inscrit" in refused.value.message
    # The refusal consumed no number: the next member is AD-00004.
    assert make_member(organisation, accountant, category, "Petit Luc").number == "AD-00004"


def test_fee_payment_posts_bank_debit_against_7561_with_the_members_party(assoc):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category)
    fee = MembershipFee.objects.get(member=member)
    payment = services.fee_payment_record(actor=accountant, fee=fee, date=date(2026, 1, 15), method="cheque",
                                          amount="30,00", reference="CHQ 1234567")
    assert lines_of(payment.entry) == [("5121", "", D("30.00"), D("0.00")),
                                       ("7561", "AD00001", D("0.00"), D("30.00"))]
    entry = payment.entry
    assert (entry.journal.code, entry.display_number, entry.reference, entry.is_posted) == (
        "BQ1", "BQ1-2026-000001", "CHQ 1234567", True)
    assert entry.label == "Cotisation 2026 AD-00001 Martin Claire"
    fee.refresh_from_db()
    assert (fee.paid_amount, fee.state) == (D("30.00"), "paid")
    assert list(fee.entries()) == [entry]
    # Nothing touches a customer account or VAT: fees are not sales.
    assert not EntryLine.objects.filter(account__code__startswith="411").exists()
    assert not EntryLine.objects.filter(account__code__startswith="445").exists()


def test_cash_payment_goes_to_the_cash_journal_and_7562(assoc):
    organisation, accountant, _ = assoc
    sport = make_category(organisation, accountant, "SPORT", "75.00", "7562")
    member = make_member(organisation, accountant, sport)
    payment = services.fee_payment_record(actor=accountant, fee=member.fees.get(), date=date(2026, 2, 1),
                                          method="cash", amount=D("75.00"))
    assert payment.entry.journal.code == "CA"
    assert lines_of(payment.entry) == [("530", "", D("75.00"), D("0.00")), ("7562", "AD00001", D("0.00"), D("75.00"))]


def test_partial_payments_then_overpayment_refused(assoc):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category)
    fee = member.fees.get()
    services.fee_payment_record(actor=accountant, fee=fee, date=date(2026, 1, 15), method="transfer", amount="12.50")
    fee.refresh_from_db()
    assert (fee.paid_amount, fee.state, fee.balance) == (D("12.50"), "partial", D("17.50"))
    entries_before = Entry.objects.count()
    with pytest.raises(BusinessError) as refused:
        services.fee_payment_record(actor=accountant, fee=fee, date=date(2026, 2, 15), method="transfer",
                                    amount="17.51")
    assert refused.value.code == "overpayment" and refused.value.field == "amount"
    assert refused.value.message == ("Le règlement de 17,51 € dépasse le reste dû sur la cotisation 2026 "
                                     "(17,50 €).")
    assert Entry.objects.count() == entries_before and FeePayment.objects.count() == 1
    services.fee_payment_record(actor=accountant, fee=fee, date=date(2026, 2, 15), method="card", amount="17.50")
    fee.refresh_from_db()
    assert (fee.paid_amount, fee.state) == (D("30.00"), "paid")
    with pytest.raises(BusinessError) as refused:
        services.fee_payment_record(actor=accountant, fee=fee, date=date(2026, 3, 1), method="card", amount="1")
    assert refused.value.code == "overpayment"
    credit = sum(line.credit for line in EntryLine.objects.filter(account__code="7561"))
    assert credit == D("30.00")


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"amount": "-5"}, "amount", "invalid_amount"),
    ({"amount": "0"}, "amount", "invalid_amount"),
    ({"amount": "douze"}, "amount", "invalid_amount"),
    ({"method": "bitcoin"}, "method", "invalid_method"),
    ({"date": None}, "date", "invalid_date"),
    ({"date": date(2031, 1, 1)}, "date", "no_period"),
])
def test_bad_payment_input_is_refused_in_french_and_writes_nothing(assoc, kwargs, field, code):
    organisation, accountant, category = assoc
    fee = make_member(organisation, accountant, category).fees.get()
    args = {"date": date(2026, 1, 15), "method": "cheque", "amount": "30", **kwargs}
    with pytest.raises(BusinessError) as refused:
        services.fee_payment_record(actor=accountant, fee=fee, **args)
    assert (refused.value.field, refused.value.code) == (field, code)
    assert not Entry.objects.exists() and not FeePayment.objects.exists()


def test_fees_generate_is_idempotent_and_skips_members_who_left(assoc):
    organisation, accountant, category = assoc
    family = make_category(organisation, accountant, "FAMILLE", "45.00")
    a = make_member(organisation, accountant, category, "A", date(2025, 6, 1))
    b = make_member(organisation, accountant, family, "B", date(2026, 2, 1))
    c = make_member(organisation, accountant, category, "C", date(2026, 2, 1))
    services.member_leave(actor=accountant, member=c, left_on=date(2026, 6, 30))
    created = services.fees_generate(actor=accountant, organisation=organisation, year=2027)
    assert sorted((f.member.number, f.amount, f.due_date) for f in created) == [
        ("AD-00001", D("30.00"), date(2027, 1, 31)), ("AD-00002", D("45.00"), date(2027, 1, 31))]
    assert services.fees_generate(actor=accountant, organisation=organisation, year=2027) == []
    assert MembershipFee.objects.filter(year=2027).count() == 2
    # 2026: a and b... a joined in 2025 (its 2025 fee was called at registration), b and c at registration.
    created_2026 = services.fees_generate(actor=accountant, organisation=organisation, year=2026)
    assert [f.member_id for f in created_2026] == [a.pk]
    totals = selectors.fee_totals(selectors.fees_due(organisation=organisation, year=2026))
    assert totals == {"count": 3, "amount": D("105.00"), "paid": D("0.00"), "balance": D("105.00")}
    assert Member.objects.get(pk=b.pk).status == "active"


def test_member_leave_cancels_later_unpaid_fees_and_clears_the_flag(assoc):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category)
    services.fees_generate(actor=accountant, organisation=organisation, year=2027)
    services.member_leave(actor=accountant, member=member, left_on=date(2026, 9, 30))
    states = dict(MembershipFee.objects.filter(member=member).values_list("year", "state"))
    assert states == {2026: "due", 2027: "cancelled"}
    member.refresh_from_db()
    assert (member.status, member.left_on, member.party.is_member) == ("left", date(2026, 9, 30), False)
    with pytest.raises(BusinessError) as refused:
        services.member_leave(actor=accountant, member=member, left_on=date(2026, 10, 1))
    assert refused.value.code == "already_left"
    with pytest.raises(BusinessError) as refused:
        services.fee_payment_record(actor=accountant, fee=MembershipFee.objects.get(member=member, year=2027),
                                    date=date(2026, 10, 1), method="cash", amount="30")
    assert refused.value.code == "fee_cancelled"


def test_lapsed_member_becomes_active_again_when_paid(assoc):
    organisation, accountant, category = assoc
    member = make_member(organisation, accountant, category, joined_on=date(2026, 1, 5))
    assert services.members_lapse(actor=accountant, organisation=organisation, year=2026,
                                  today=date(2026, 3, 1)) == 1
    assert Member.objects.get(pk=member.pk).status == "lapsed"
    services.fee_payment_record(actor=accountant, fee=member.fees.get(), date=date(2026, 3, 2), method="cash",
                                amount="30")
    assert Member.objects.get(pk=member.pk).status == "active"


def test_donation_posts_to_75411_and_receipts_are_gapless_per_year(assoc):
    organisation, accountant, _ = assoc
    donor = make_party(organisation, "DON01", "Lefèvre Anne", kind="individual", address_line1="8 quai Perrache",
                       postal_code="69002", city="Lyon")
    gift = services.donation_record(actor=accountant, organisation=organisation, party=donor, date=date(2026, 5, 4),
                                    amount="1 234,56", method="transfer", reference="VIR 889")
    assert lines_of(gift.entry) == [("5121", "", D("1234.56"), D("0.00")), ("75411", "DON01", D("0.00"), D("1234.56"))]
    assert gift.entry.journal.code == "BQ1" and gift.receipt_number == ""
    cash = services.donation_record(actor=accountant, organisation=organisation, party=donor, date=date(2026, 6, 1),
                                    amount="50", method="cash")
    assert lines_of(cash.entry) == [("530", "", D("50.00"), D("0.00")), ("75411", "DON01", D("0.00"), D("50.00"))]
    services.donation_receipt_issue(actor=accountant, donation=cash, issued_on=date(2026, 6, 2))
    services.donation_receipt_issue(actor=accountant, donation=gift, issued_on=date(2026, 6, 2))
    numbers = list(Donation.objects.order_by("receipt_number").values_list("receipt_number", flat=True))
    assert numbers == ["RF-2026-00001", "RF-2026-00002"]
    assert Counter.objects.get(series="membership:donation_receipt", fiscal_year="2026").last_value == 2
    with pytest.raises(BusinessError) as refused:
        services.donation_receipt_issue(actor=accountant, donation=gift)
    assert refused.value.code == "receipt_issued" and "RF-2026-00002" in refused.value.message
    assert Counter.objects.get(series="membership:donation_receipt", fiscal_year="2026").last_value == 2
    totals = selectors.donation_totals(selectors.donation_list(organisation=organisation, year=2026))
    assert totals == {"count": 2, "amount": D("1284.56"), "receipted": D("1284.56")}
    assert selectors.donations_per_year(organisation=organisation) == [
        {"year": 2026, "count": 2, "amount": D("1284.56")}]


def test_receipt_is_a_real_pdf_with_the_cerfa_fields(assoc):
    organisation, accountant, _ = assoc
    services.settings_update(actor=accountant, organisation=organisation, data={
        "purpose": "Animation culturelle et sociale du quartier", "signatory_name": "Jeanne Roux",
        "signatory_role": "Trésorière", "signature_place": "Lyon"})
    donor = make_party(organisation, "DON01", "Lefèvre Anne", kind="individual", address_line1="8 quai Perrache",
                       postal_code="69002", city="Lyon")
    gift = services.donation_record(actor=accountant, organisation=organisation, party=donor, date=date(2026, 5, 4),
                                    amount="1234.56", method="cheque")
    gift = services.donation_receipt_issue(actor=accountant, donation=gift, issued_on=date(2026, 5, 10))
    data = bytes(gift.receipt_pdf)
    assert data.startswith(b"%PDF-")
    text = " ".join(pdf_text(data).split())
    for expected in ("11580", "Reçu au titre des dons à certains organismes d'intérêt général", "RF-2026-00001",
                     "Quartier SARL", "12 rue de la République, 69002 Lyon", "Animation culturelle et sociale",
                     "Lefèvre Anne", "8 quai Perrache, 69002 Lyon",
                     "mille deux cent trente-quatre euros et cinquante-six centimes", "04/05/2026",
                     "Déclaration de don manuel", "Numéraire", "200 du CGI", "238 bis du CGI", "978 du CGI",
                     "Fait à Lyon, le 10/05/2026", "Jeanne Roux"):
        assert expected in text, expected
    assert "1\u202f234,56" in pdf_text(data) or "1 234,56" in text


def test_receipt_refused_without_the_donors_address(assoc):
    organisation, accountant, _ = assoc
    donor = make_party(organisation, "DON02", "Sans Adresse")
    gift = services.donation_record(actor=accountant, organisation=organisation, party=donor, date=date(2026, 5, 4),
                                    amount="20", method="cash")
    with pytest.raises(BusinessError) as refused:
        services.donation_receipt_issue(actor=accountant, donation=gift)
    assert refused.value.field == "address_line1" and "Sans Adresse" in refused.value.message
    assert not Counter.objects.filter(series="membership:donation_receipt").exclude(last_value=0).exists()
    assert Donation.objects.get(pk=gift.pk).receipt_number == ""


def test_renewal_campaign_calls_next_years_fees_letters_and_emails(assoc):
    organisation, accountant, category = assoc
    make_member(organisation, accountant, category, "Martin Claire", email="claire@example.fr")
    make_member(organisation, accountant, category, "Durand Paul")
    gone = make_member(organisation, accountant, category, "Roux Léa", email="lea@example.fr")
    services.member_leave(actor=accountant, member=gone, left_on=date(2026, 6, 1))
    campaign = services.renewal_campaign_run(actor=accountant, organisation=organisation, year=2027,
                                             due_date=date(2027, 1, 15))
    assert (campaign.fees_generated, campaign.letters_count, campaign.emails_sent, campaign.emails_failed) == (
        2, 2, 1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["claire@example.fr"]
    assert message.subject == "Renouvellement de votre adhésion 2027 — Quartier SARL"
    assert "Montant à régler : 30,00 €" in message.body and "AD-00001" in message.body
    (name, content, mimetype), = message.attachments
    assert (name, mimetype) == ("adhesion-2027-AD-00001.pdf", "application/pdf") and content.startswith(b"%PDF-")
    assert OutgoingMail.objects.get().party_id == MembershipFee.objects.get(member__number="AD-00001",
                                                                             year=2027).member.party_id
    letters = services.renewal_letters_pdf(campaign=RenewalCampaign.objects.get())
    text = " ".join(pdf_text(letters).split())
    assert "renouvellement de votre adhésion pour 2027" in text and "Durand Paul" in text
    assert "Roux Léa" not in text and "15/01/2027" in text
    with pytest.raises(BusinessError) as refused:
        services.renewal_campaign_run(actor=accountant, organisation=organisation, year=2027)
    assert refused.value.code == "campaign_exists" and refused.value.field == "year"


def test_companies_have_no_memberships_but_mutuals_do():
    company, accountant = make_books(slug="durand")
    with pytest.raises(BusinessError) as refused:
        make_category(company, accountant)
    assert refused.value.code == "not_nonprofit" and "associations et aux mutuelles" in refused.value.message
    mutual, mutual_accountant = make_association(slug="entraide", kind="mutual")
    assert not Account.objects.filter(organisation=mutual, code="7561").exists()
    category = make_category(mutual, mutual_accountant)
    assert set(Account.objects.filter(organisation=mutual, code__startswith="756").values_list("code", flat=True)) \
        == {"756", "7561"}
    member = make_member(mutual, mutual_accountant, category)
    payment = services.fee_payment_record(actor=mutual_accountant, fee=member.fees.get(), date=date(2026, 1, 20),
                                          method="transfer", amount="30")
    assert lines_of(payment.entry)[1] == ("7561", "AD00001", D("0.00"), D("30.00"))
    donor = make_party(mutual, "DON01", "Donateur")
    services.donation_record(actor=mutual_accountant, organisation=mutual, party=donor, date=date(2026, 2, 1),
                             amount="10", method="cash")
    assert Account.objects.filter(organisation=mutual, code="75411").exists()


def test_everything_is_scoped_by_organisation(assoc):
    organisation, accountant, category = assoc
    other, other_accountant = make_association(slug="voisins")
    other_category = make_category(other, other_accountant)
    with pytest.raises(BusinessError) as refused:
        make_member(organisation, accountant, other_category)
    assert refused.value.field == "category"
    # Each organisation numbers its own members.
    assert make_member(other, other_accountant, other_category).number == "AD-00001"
    assert make_member(organisation, accountant, category).number == "AD-00001"
    stranger = make_party(other, "X1", "Étranger")
    with pytest.raises(BusinessError) as refused:
        services.donation_record(actor=accountant, organisation=organisation, party=stranger, date=date(2026, 1, 1),
                                 amount="5", method="cash")
    assert refused.value.field == "party"
