"""Posting the book-side adjustments of a reconciliation statement: each statement line up to the date that the
books do not have yet and that a saved rule recognises gets its entry (the rest are left for the assistant)."""

from datetime import date

from django.db import transaction

from agora.banking.models import StatementLine
from agora.treasury.models import BankAccount

from ..selectors import books
from ..selectors.proposals import proposals_for
from .entries import entry_from_rule


@transaction.atomic
def adjustments_post(*, actor, bank_account: BankAccount, on: date) -> dict:
    """Returns {"posted": n, "left": [statement lines no rule recognises]}."""
    open_ids = list(books.statement_lines_open(bank_account=bank_account).filter(date__lte=on)
                    .values_list("pk", flat=True))
    proposals = proposals_for(bank_account=bank_account, line_ids=open_ids, with_items=False)
    rules = {rule.pk: rule for rule in books.rules(organisation=bank_account.organisation)}
    lines = {line.pk: line for line in StatementLine.objects.filter(pk__in=open_ids)}
    posted = 0
    for line_id in open_ids:
        proposal = proposals.get(line_id)
        if proposal is not None and proposal.kind == "rule":
            entry_from_rule(actor=actor, statement_line=lines[line_id], rule=rules[proposal.targets[0]])
            posted += 1
    left = [lines[pk] for pk in open_ids if pk not in proposals]
    return {"posted": posted, "left": left}
