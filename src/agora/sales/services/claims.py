"""Customer claims and disputes (réclamations, litiges): open, log exchanges, assign, resolve with an outcome
(credit note, replacement, written refusal…), reopen.

A claim is numbered at opening ("RE-2026-00001", series "sales:claim" of the fiscal year) and carries a deadline
for handling it (15 days by default); a claim past its deadline and not closed is overdue. A refusal must be
reasoned in writing: the reply becomes a letter (PDF) sent to the customer.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record, snapshot
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.models import Membership
from agora.ledger.selectors import fiscal_year_current
from agora.sales.models import Claim, ClaimExchange, DocumentKind, DocumentState, SalesDocument

SERIES = "sales:claim"
DEFAULT_DELAY_DAYS = 15
CLOSED = (Claim.Status.RESOLVED, Claim.Status.REFUSED)
CHANNELS = dict(ClaimExchange._meta.get_field("channel").choices)
AUDITED = ["number", "party", "document", "kind", "is_dispute", "subject", "status", "owner", "deadline",
           "closed_on", "outcome", "outcome_document", "reply"]


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _check_owner(organisation, owner):
    if owner is not None and not Membership.objects.filter(organisation=organisation, user=owner).exists():
        raise BusinessError("invalid_owner", "Le responsable choisi n'a pas de rôle dans cette organisation.",
                            field="owner")


def _check_kind(kind: str):
    if kind not in Claim.Kind.values:
        raise BusinessError("invalid_kind", f"Type de réclamation inconnu : « {kind} ».", field="kind")


def _lock(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().select_related("organisation", "party").get(pk=claim.pk)


def _note(claim: Claim, actor, text: str, channel: str = "note") -> ClaimExchange:
    return ClaimExchange.objects.create(claim=claim, author=_user(actor), channel=channel, text=text)


@transaction.atomic
def claim_open(*, actor, organisation, party, document=None, kind: str, subject: str, description: str = "",
               owner=None, deadline: date | None = None, is_dispute: bool = False,
               opened_on: date | None = None) -> Claim:
    """Open a claim on a customer, optionally about one of its documents (order, delivery, invoice…)."""
    if party is None or party.organisation_id != organisation.pk:
        raise BusinessError("invalid_party", "Choisissez le client concerné par la réclamation.", field="party")
    _check_kind(kind)
    subject = (subject or "").strip()
    if not subject:
        raise BusinessError("required", "L'objet de la réclamation est obligatoire.", field="subject")
    if len(subject) > 200:
        raise BusinessError("too_long", "L'objet de la réclamation dépasse 200 caractères.", field="subject")
    if document is not None:
        if document.organisation_id != organisation.pk:
            raise BusinessError("invalid_document", "Document introuvable.", field="document")
        if document.party_id != party.pk:
            raise BusinessError("invalid_document", "Le document choisi concerne un autre client.", field="document")
    _check_owner(organisation, owner)
    opened_on = opened_on or timezone.localdate()
    deadline = deadline or opened_on + timedelta(days=DEFAULT_DELAY_DAYS)
    if deadline < opened_on:
        raise BusinessError("invalid_deadline", "L'échéance de traitement précède la date d'ouverture.",
                            field="deadline")
    year = fiscal_year_current(organisation=organisation, day=opened_on)
    year_code = year.code if year else str(opened_on.year)
    sequence = counter_next(organisation=organisation, series=SERIES, fiscal_year=year_code)
    claim = Claim.objects.create(
        organisation=organisation, number=f"RE-{year_code}-{sequence:05d}", party=party, document=document,
        kind=kind, is_dispute=bool(is_dispute), subject=subject, description=(description or "").strip(),
        owner=owner, opened_on=opened_on, deadline=deadline)
    audit_record(organisation=organisation, actor=actor, action="claim.create", obj=claim,
                 after=snapshot(claim, AUDITED))
    return claim


@transaction.atomic
def claim_log_exchange(*, actor, claim: Claim, channel: str, text: str) -> ClaimExchange:
    """Log a call, an e-mail, a letter, a visit or an internal note; an open claim is then in progress."""
    claim = _lock(claim)
    if channel not in CHANNELS:
        raise BusinessError("invalid_channel", f"Canal inconnu : « {channel} ».", field="channel")
    text = (text or "").strip()
    if not text:
        raise BusinessError("required", "Le compte rendu de l'échange est obligatoire.", field="text")
    if claim.status in CLOSED:
        raise BusinessError("claim_closed", "Cette réclamation est close : rouvrez-la pour consigner un échange.",
                            field="text")
    exchange = ClaimExchange.objects.create(claim=claim, author=_user(actor), channel=channel, text=text)
    if claim.status == Claim.Status.OPEN:
        claim.status = Claim.Status.IN_PROGRESS
        claim.save(update_fields=["status"])
    audit_record(organisation=claim.organisation, actor=actor, action="claim.exchange", obj=claim,
                 after={"channel": channel, "text": text[:500]})
    return exchange


@transaction.atomic
def claim_assign(*, actor, claim: Claim, owner, deadline: date | None = None) -> Claim:
    """Give the claim to someone (None: nobody), and optionally move its deadline."""
    claim = _lock(claim)
    if claim.status in CLOSED:
        raise BusinessError("claim_closed", "Cette réclamation est close : rouvrez-la pour la réattribuer.",
                            field="owner")
    _check_owner(claim.organisation, owner)
    if deadline is not None and deadline < claim.opened_on:
        raise BusinessError("invalid_deadline", "L'échéance de traitement précède la date d'ouverture.",
                            field="deadline")
    before = snapshot(claim, ["owner", "deadline"])
    claim.owner = owner
    if deadline is not None:
        claim.deadline = deadline
    claim.save(update_fields=["owner", "deadline"])
    audit_record(organisation=claim.organisation, actor=actor, action="claim.assign", obj=claim, before=before,
                 after=snapshot(claim, ["owner", "deadline"]))
    return claim


def _check_outcome_document(claim: Claim, outcome: str, document: SalesDocument | None):
    if outcome == Claim.Outcome.CREDIT_NOTE:
        expected, label = (DocumentKind.CREDIT_NOTE,), "l'avoir"
    elif outcome == Claim.Outcome.REPLACEMENT:
        expected, label = (DocumentKind.ORDER, DocumentKind.DELIVERY), "la commande ou la livraison de remplacement"
    else:
        if document is not None and (document.organisation_id != claim.organisation_id
                                     or document.party_id != claim.party_id):
            raise BusinessError("invalid_document", "Le document choisi concerne un autre client.",
                                field="outcome_document")
        return
    if document is None:
        raise BusinessError("required", f"Indiquez {label} qui règle la réclamation.", field="outcome_document")
    if document.organisation_id != claim.organisation_id or document.kind not in expected:
        raise BusinessError("invalid_document", f"Le document choisi n'est pas {label}.", field="outcome_document")
    if document.party_id != claim.party_id:
        raise BusinessError("invalid_document", "Le document choisi concerne un autre client.",
                            field="outcome_document")
    if document.state == DocumentState.CANCELLED:
        raise BusinessError("invalid_document", "Le document choisi est annulé.", field="outcome_document")
    if (outcome == Claim.Outcome.CREDIT_NOTE and claim.document is not None
            and claim.document.kind == DocumentKind.INVOICE and document.credited_invoice_id
            and document.credited_invoice_id != claim.document_id):
        raise BusinessError("invalid_document", f"Cet avoir corrige une autre facture que {claim.document.number}.",
                            field="outcome_document")


@transaction.atomic
def claim_resolve(*, actor, claim: Claim, outcome: str, outcome_document: SalesDocument | None = None,
                  reply: str = "", on: date | None = None) -> Claim:
    """Close the claim with its outcome: a credit note or a replacement document linked, or a refusal with the
    written reply sent to the customer (required), or another settlement."""
    claim = _lock(claim)
    if claim.status in CLOSED:
        raise BusinessError("claim_closed", "Cette réclamation est déjà close.", field="outcome")
    if outcome not in Claim.Outcome.values or not outcome:
        raise BusinessError("invalid_outcome", "Choisissez l'issue de la réclamation.", field="outcome")
    reply = (reply or "").strip()
    if outcome == Claim.Outcome.REFUSAL and not reply:
        raise BusinessError("reply_required", "Un refus doit être motivé : rédigez la réponse écrite au client.",
                            field="reply")
    if outcome == Claim.Outcome.REFUSAL and "[exposez ici" in reply:
        raise BusinessError("reply_incomplete", "Complétez les motifs du refus dans la réponse écrite.",
                            field="reply")
    _check_outcome_document(claim, outcome, outcome_document)
    before = snapshot(claim, AUDITED)
    claim.outcome = outcome
    claim.outcome_document = outcome_document
    claim.reply = reply
    claim.status = Claim.Status.REFUSED if outcome == Claim.Outcome.REFUSAL else Claim.Status.RESOLVED
    claim.closed_on = on or timezone.localdate()
    claim.save(update_fields=["outcome", "outcome_document", "reply", "status", "closed_on"])
    label = Claim.Outcome(outcome).label
    if outcome_document is not None:
        label += f" — {outcome_document}"
    _note(claim, actor, f"Réclamation close. Issue : {label}.")
    audit_record(organisation=claim.organisation, actor=actor, action="claim.resolve", obj=claim, before=before,
                 after=snapshot(claim, AUDITED))
    return claim


@transaction.atomic
def claim_reopen(*, actor, claim: Claim, reason: str = "") -> Claim:
    """Reopen a closed claim (the customer came back): it is in progress again, its former outcome kept in the
    timeline."""
    claim = _lock(claim)
    if claim.status not in CLOSED:
        raise BusinessError("claim_not_closed", "Cette réclamation n'est pas close.", field="status")
    before = snapshot(claim, AUDITED)
    former = Claim.Outcome(claim.outcome).label if claim.outcome else "—"
    claim.status = Claim.Status.IN_PROGRESS
    claim.closed_on = None
    claim.outcome = Claim.Outcome.NONE
    claim.outcome_document = None
    claim.save(update_fields=["status", "closed_on", "outcome", "outcome_document"])
    text = f"Réclamation rouverte (issue précédente : {former})."
    if (reason or "").strip():
        text += f" Motif : {reason.strip()}"
    _note(claim, actor, text)
    audit_record(organisation=claim.organisation, actor=actor, action="claim.reopen", obj=claim, before=before,
                 after=snapshot(claim, AUDITED))
    return claim


@transaction.atomic
def claim_credit_note(*, actor, claim: Claim, reason: str = "", quantities=None) -> SalesDocument:
    """Draft the credit note of the claim's invoice (documents service), to validate and then link when resolving."""
    from agora.sales.services.documents import credit_note_from_invoice

    claim = _lock(claim)
    if claim.status in CLOSED:
        raise BusinessError("claim_closed", "Cette réclamation est déjà close.", field="outcome")
    invoice = claim.document
    if invoice is None or invoice.kind != DocumentKind.INVOICE or invoice.state != DocumentState.VALIDATED:
        raise BusinessError("no_invoice", "La réclamation ne porte pas sur une facture validée : créez l'avoir "
                                          "depuis la facture.", field="outcome_document")
    credit_note = credit_note_from_invoice(actor=actor, invoice=invoice, quantities=quantities,
                                           reason=(reason or f"Réclamation {claim.number}")[:200],
                                           kind_of_credit="claim")
    _note(claim, actor, f"Avoir préparé sur la facture {invoice.number}.")
    return credit_note


def claim_reply_pdf(*, claim: Claim) -> bytes:
    """The written reply as a letter on the organisation's letterhead."""
    from agora.core.exports import pdf_bytes

    if not claim.reply.strip():
        raise BusinessError("no_reply", "Cette réclamation n'a pas de réponse écrite.", field="reply")
    return pdf_bytes("sales/claims/pdf/reply.html", {"organisation": claim.organisation, "claim": claim,
                                                     "today": timezone.localdate()})
