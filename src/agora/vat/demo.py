"""Demo VAT returns: the company (normal regime) files the monthly CA3 of every complete month of the year up to
`today` and pays what it owes on the deadline; the current month stays a draft to show. The association is under
the franchise: nothing to file. Runs after the other apps' demos, so the months are complete."""

from datetime import date

from agora.core.models import Organisation
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine
from agora.ledger.services import entries_post
from agora.vat import domain
from agora.vat.services.returns import vat_return_create, vat_return_file

BANK_JOURNAL, BANK_ACCOUNT = "BQ1", "5121"


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if organisation.vat_regime != Organisation.VatRegime.NORMAL_MONTHLY:
        return
    actor = users.get("accounting")
    payments = []
    for month in range(1, today.month):
        vat_return = vat_return_create(actor=actor, organisation=organisation, start=date(today.year, month, 1))
        vat_return = vat_return_file(actor=actor, vat_return=vat_return)
        payable = (EntryLine.objects.filter(entry=vat_return.settlement_entry, credit__gt=0,
                                            account__code=domain.PAYABLE_ACCOUNT).first()
                   if vat_return.settlement_entry_id else None)
        if payable and vat_return.due_date and vat_return.due_date < today:
            payments.append(EntryInput(
                journal=BANK_JOURNAL, date=vat_return.due_date, label=f"Paiement TVA {vat_return.start_date:%m/%Y}",
                reference=f"CA3-{vat_return.start_date:%Y%m}", lines=[
                    LineInput(account=domain.PAYABLE_ACCOUNT, debit=payable.credit, label="TVA à payer"),
                    LineInput(account=BANK_ACCOUNT, credit=payable.credit, label="Prélèvement DGFiP")]))
    if payments:
        entries_post(actor=actor, organisation=organisation, entries=payments)
    vat_return_create(actor=actor, organisation=organisation, start=today.replace(day=1))
