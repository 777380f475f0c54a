"""Claims and disputes: numbering, workflow, outcomes, written refusal, overdue flag, bad input."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Counter
from agora.core.tests.builders import make_user
from agora.sales.models import Claim, ClaimExchange, DocumentKind, DocumentState, SalesDocument
from agora.sales.selectors.claims import claim_list, overdue_claims, refusal_reply_draft
from agora.sales.services.claims import (
    claim_assign,
    claim_log_exchange,
    claim_open,
    claim_reopen,
    claim_reply_pdf,
    claim_resolve,
)

from .builders_reminders import make_clerk, make_customer, make_invoice, make_sales_org

pytestmark = pytest.mark.django_db

MAY_4 = date(2026, 5, 4)


@pytest.fixture
def org():
    organisation, accountant = make_sales_org()
    return organisation, accountant, make_customer(organisation)


def _open(organisation, actor, party, **extra) -> Claim:
    data = {"kind": Claim.Kind.DEFECT, "subject": "Carrelage fissuré à la livraison", "opened_on": MAY_4, **extra}
    return claim_open(actor=actor, organisation=organisation, party=party, **data)


def _document(organisation, party, kind, number, **extra) -> SalesDocument:
    return SalesDocument.objects.create(organisation=organisation, kind=kind, state=DocumentState.VALIDATED,
                                        number=number, date=MAY_4, party=party, total=Decimal("120.00"),
                                        net_to_pay=Decimal("120.00"), **extra)


def test_open_numbers_and_defaults(org):
    organisation, accountant, customer = org
    invoice = make_invoice(organisation, customer, total="1200.00", due=date(2026, 4, 30))
    first = _open(organisation, accountant, customer, document=invoice, description="Trois carreaux cassés.")
    second = _open(organisation, accountant, customer, kind=Claim.Kind.DELAY, subject="Livraison en retard",
                   is_dispute=True, deadline=date(2026, 5, 6))
    assert (first.number, second.number) == ("RE-2026-00001", "RE-2026-00002")
    assert first.deadline == date(2026, 5, 19)  # 15 days by default
    assert (first.status, first.document_id, first.is_dispute) == (Claim.Status.OPEN, invoice.pk, False)
    assert (second.deadline, second.is_dispute) == (date(2026, 5, 6), True)
    event = AuditEvent.objects.get(action="claim.create", object_id=str(first.pk))
    assert event.after["number"] == "RE-2026-00001"


@pytest.mark.parametrize(("extra", "field", "message"), [
    ({"subject": "  "}, "subject", "L'objet de la réclamation est obligatoire."),
    ({"kind": "weather"}, "kind", "Type de réclamation inconnu : « weather »."),
    ({"deadline": date(2026, 5, 1)}, "deadline", "L'échéance de traitement précède la date d'ouverture."),
])
def test_bad_input_names_the_field_and_writes_nothing(org, extra, field, message):
    organisation, accountant, customer = org
    with pytest.raises(BusinessError) as refused:
        _open(organisation, accountant, customer, **extra)
    assert (refused.value.field, refused.value.message) == (field, message)
    assert Claim.objects.count() == 0
    assert not Counter.objects.filter(series="sales:claim", last_value__gt=0).exists()


def test_document_of_another_customer_or_organisation_is_refused(org):
    organisation, accountant, customer = org
    other_customer = make_customer(organisation, "C002", "Durand Frères")
    foreign = make_invoice(organisation, other_customer, total="100.00", due=MAY_4)
    with pytest.raises(BusinessError) as refused:
        _open(organisation, accountant, customer, document=foreign)
    assert (refused.value.field, refused.value.message) == ("document", "Le document choisi concerne un autre client.")
    elsewhere, _ = make_sales_org(slug="ailleurs")
    with pytest.raises(BusinessError) as refused:
        _open(elsewhere, accountant, customer)
    assert refused.value.field == "party"
    stranger = make_user("inconnu")
    with pytest.raises(BusinessError) as refused:
        _open(organisation, accountant, customer, owner=stranger)
    assert refused.value.field == "owner"
    assert Claim.objects.count() == 0


def test_exchanges_assignment_and_refusal_with_reply(org):
    organisation, accountant, customer = org
    clerk = make_clerk(organisation)
    claim = _open(organisation, accountant, customer)
    claim_log_exchange(actor=clerk, claim=claim, channel="phone", text="Le client envoie des photos.")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.IN_PROGRESS
    with pytest.raises(BusinessError) as refused:
        claim_log_exchange(actor=clerk, claim=claim, channel="phone", text=" ")
    assert refused.value.field == "text"
    with pytest.raises(BusinessError) as refused:
        claim_log_exchange(actor=clerk, claim=claim, channel="pigeon", text="?")
    assert refused.value.field == "channel"
    claim = claim_assign(actor=accountant, claim=claim, owner=clerk, deadline=date(2026, 5, 29))
    assert (claim.owner, claim.deadline) == (clerk, date(2026, 5, 29))

    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=clerk, claim=claim, outcome=Claim.Outcome.REFUSAL, reply="   ", on=date(2026, 5, 12))
    assert (refused.value.field, refused.value.message) == (
        "reply", "Un refus doit être motivé : rédigez la réponse écrite au client.")
    claim.refresh_from_db()
    assert (claim.status, claim.outcome, claim.closed_on) == (Claim.Status.IN_PROGRESS, "", None)

    draft = refusal_reply_draft(claim=claim)
    assert "enregistrée sous le numéro RE-2026-00001" in draft
    assert "nous ne sommes malheureusement pas en mesure d'y donner une suite favorable" in draft
    reply = draft.replace("[exposez ici les motifs du refus]", "Les carreaux ont été posés sans colle adaptée.")
    claim = claim_resolve(actor=clerk, claim=claim, outcome=Claim.Outcome.REFUSAL, reply=reply,
                          on=date(2026, 5, 12))
    assert (claim.status, claim.outcome, claim.closed_on) == (Claim.Status.REFUSED, "refusal", date(2026, 5, 12))
    assert claim_reply_pdf(claim=claim).startswith(b"%PDF")
    texts = list(ClaimExchange.objects.filter(claim=claim).values_list("channel", "text"))
    assert texts == [("phone", "Le client envoie des photos."),
                     ("note", "Réclamation close. Issue : Refus motivé.")]
    with pytest.raises(BusinessError) as refused:
        claim_log_exchange(actor=clerk, claim=claim, channel="note", text="Encore ?")
    assert refused.value.field == "text"

    claim = claim_reopen(actor=clerk, claim=claim, reason="Nouvelles photos reçues.")
    assert (claim.status, claim.outcome, claim.closed_on) == (Claim.Status.IN_PROGRESS, "", None)
    assert ClaimExchange.objects.filter(claim=claim).last().text == (
        "Réclamation rouverte (issue précédente : Refus motivé). Motif : Nouvelles photos reçues.")
    with pytest.raises(BusinessError):
        claim_reopen(actor=clerk, claim=claim)


def test_credit_note_and_replacement_outcomes(org):
    organisation, accountant, customer = org
    invoice = make_invoice(organisation, customer, total="1200.00", due=date(2026, 4, 30))
    claim = _open(organisation, accountant, customer, document=invoice, kind=Claim.Kind.BILLING)
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.CREDIT_NOTE)
    assert (refused.value.field, refused.value.message) == ("outcome_document", "Indiquez l'avoir qui règle la "
                                                                                "réclamation.")
    order = _document(organisation, customer, DocumentKind.ORDER, "CO-2026-00001")
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.CREDIT_NOTE, outcome_document=order)
    assert refused.value.message == "Le document choisi n'est pas l'avoir."
    other_invoice = make_invoice(organisation, customer, total="50.00", due=date(2026, 4, 30))
    wrong_note = _document(organisation, customer, DocumentKind.CREDIT_NOTE, "AV-2026-00001",
                           credited_invoice=other_invoice)
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.CREDIT_NOTE, outcome_document=wrong_note)
    assert refused.value.message == f"Cet avoir corrige une autre facture que {invoice.number}."
    note = _document(organisation, customer, DocumentKind.CREDIT_NOTE, "AV-2026-00002", credited_invoice=invoice)
    claim = claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.CREDIT_NOTE, outcome_document=note)
    assert (claim.status, claim.outcome, claim.outcome_document) == (Claim.Status.RESOLVED, "credit_note", note)

    delivery_claim = _open(organisation, accountant, customer, kind=Claim.Kind.QUANTITY, subject="Il manque 2 sacs")
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=delivery_claim, outcome=Claim.Outcome.REPLACEMENT, outcome_document=note)
    assert refused.value.message == "Le document choisi n'est pas la commande ou la livraison de remplacement."
    claim = claim_resolve(actor=accountant, claim=delivery_claim, outcome=Claim.Outcome.REPLACEMENT,
                          outcome_document=order)
    assert (claim.status, claim.outcome_document) == (Claim.Status.RESOLVED, order)
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.OTHER)
    assert refused.value.message == "Cette réclamation est déjà close."


def test_overdue_claims_are_flagged(org):
    organisation, accountant, customer = org
    late = _open(organisation, accountant, customer, subject="En retard")                     # deadline 19/05
    on_time = _open(organisation, accountant, customer, subject="Dans les temps", deadline=date(2026, 6, 30))
    closed = _open(organisation, accountant, customer, subject="Close")
    claim_resolve(actor=accountant, claim=closed, outcome=Claim.Outcome.OTHER, on=date(2026, 5, 5))
    today = date(2026, 5, 20)
    assert list(overdue_claims(organisation=organisation, today=today)) == [late]
    flags = {c.subject: c.is_overdue for c in claim_list(organisation=organisation, today=today)}
    assert flags == {"En retard": True, "Dans les temps": False, "Close": False}
    assert [c.pk for c in claim_list(organisation=organisation, today=today, overdue=True)] == [late.pk]
    assert {c.pk for c in claim_list(organisation=organisation, today=today, status="active")} == {late.pk,
                                                                                                   on_time.pk}
    # on the deadline itself a claim is not overdue yet
    assert not overdue_claims(organisation=organisation, today=late.deadline).exists()
    assert overdue_claims(organisation=organisation, today=late.deadline + timedelta(days=1)).count() == 1


def test_refusal_with_the_untouched_template_is_refused(org):
    organisation, accountant, customer = org
    claim = _open(organisation, accountant, customer)
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome=Claim.Outcome.REFUSAL,
                      reply=refusal_reply_draft(claim=claim))
    assert (refused.value.field, refused.value.message) == (
        "reply", "Complétez les motifs du refus dans la réponse écrite.")
    with pytest.raises(BusinessError) as refused:
        claim_resolve(actor=accountant, claim=claim, outcome="surrender")
    assert refused.value.field == "outcome"
    claim.refresh_from_db()
    assert claim.status == Claim.Status.OPEN and not claim.exchanges.exists()
