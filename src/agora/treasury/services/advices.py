"""Payment advices (avis de paiement): one PDF per supplier of an executed run — what is paid, for which
invoices, the escompte deducted — e-mailed to the supplier through `core.mail.mail_send`, which logs each sending
on the run and on the supplier."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string

from agora.core.errors import BusinessError
from agora.core.exports import pdf_bytes
from agora.core.mail import mail_send
from agora.core.money import ZERO, format_amount
from agora.parties.models import Party
from agora.treasury.models import PaymentLine, PaymentRun


@dataclass
class Advice:
    party: Party
    lines: list = field(default_factory=list)

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def escompte(self) -> Decimal:
        return sum((line.escompte_amount for line in self.lines), ZERO)

    @property
    def settled(self) -> Decimal:
        return self.amount + self.escompte


def run_advices(*, run: PaymentRun, party_ids: list[int] | None = None) -> list[Advice]:
    """The advices of an executed run, one per supplier paid."""
    lines = (PaymentLine.objects.filter(run=run, selected=True, payment_line__isnull=False)
             .select_related("party").order_by("party__name", "party_id", "due_date", "id"))
    if party_ids is not None:
        lines = lines.filter(party_id__in=party_ids)
    advices: dict[int, Advice] = {}
    for line in lines:
        advices.setdefault(line.party_id, Advice(party=line.party)).lines.append(line)
    return list(advices.values())


def advice_pdf(*, run: PaymentRun, advice: Advice) -> bytes:
    return pdf_bytes("treasury/advice/pdf.html", {"organisation": run.organisation, "run": run, "advice": advice})


def advice_filename(run: PaymentRun, advice: Advice) -> str:
    return f"avis-de-paiement-{run.number}-{advice.party.code}.pdf"


def payment_advices_send(*, actor, run: PaymentRun) -> dict:
    """E-mail each supplier paid by the run its advice (PDF attached). Suppliers without an e-mail address are
    counted, not failed. Returns {"sent", "failed", "no_email"}. Not atomic: each sending is logged as it goes."""
    if run.state != PaymentRun.State.EXECUTED:
        raise BusinessError("run_not_executed", "Les avis de paiement partent une fois la campagne exécutée.",
                            field="run")
    organisation = run.organisation
    counts = {"sent": 0, "failed": 0, "no_email": 0}
    for advice in run_advices(run=run):
        email = (advice.party.email or "").strip()
        if not email:
            counts["no_email"] += 1
            continue
        context = {"organisation": organisation, "run": run, "advice": advice,
                   "amount": format_amount(advice.amount), "escompte": format_amount(advice.escompte)}
        log = mail_send(actor=actor, organisation=organisation, obj=run, party_id=advice.party.pk, to=email,
                        subject=f"Avis de paiement {run.number} — {organisation.legal_name}",
                        body=render_to_string("treasury/advice/mail.txt", context).strip() + "\n",
                        attachments=[(advice_filename(run, advice), advice_pdf(run=run, advice=advice),
                                      "application/pdf")])
        counts["sent" if log.sent_at else "failed"] += 1
    return counts
