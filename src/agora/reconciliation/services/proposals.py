"""Accepting proposals: one (the button on a line) or all of them (the "tout accepter" button, the demo)."""

from datetime import date

from django.db import transaction

from agora.banking.models import StatementLine
from agora.core.errors import BusinessError
from agora.treasury.models import BankAccount

from ..models import Reason, Reconciliation, ReconciliationRule
from ..selectors import books
from ..selectors.proposals import proposals_for
from .entries import customer_receipt_from_line, entry_from_rule, supplier_payment_from_line
from .reconcile import reconciliation_create, reconciliations_bulk_create

KINDS = ("entry", "customer", "supplier", "rule")


def proposal_accept(*, actor, statement_line: StatementLine, kind: str, targets, reason: str = Reason.MANUAL
                    ) -> Reconciliation:
    """Carry out one proposal (as shown: its kind and targets); every check is made again by the service."""
    if kind not in KINDS:
        raise BusinessError("unknown_kind", f"Type de proposition inconnu : « {kind} ».", field="kind")
    targets = list(targets or [])
    if kind == "entry":
        return reconciliation_create(actor=actor, bank_account=statement_line.bank_account,
                                     statement_line_ids=[statement_line.pk], entry_line_ids=targets,
                                     reason=reason if reason in Reason.values else Reason.MANUAL)
    if kind == "customer":
        return customer_receipt_from_line(actor=actor, statement_line=statement_line, item_ids=targets)
    if kind == "supplier":
        return supplier_payment_from_line(actor=actor, statement_line=statement_line, item_ids=targets)
    rule = ReconciliationRule.objects.filter(organisation_id=statement_line.organisation_id,
                                             pk__in=targets[:1]).select_related("account", "party").first()
    if rule is None or len(targets) != 1:
        raise BusinessError("unknown_rule", "Règle introuvable.", field="targets")
    return entry_from_rule(actor=actor, statement_line=statement_line, rule=rule)


@transaction.atomic
def proposals_accept_all(*, actor, bank_account: BankAccount, min_score: int = 0, kinds=KINDS,
                         before: date | None = None) -> dict:
    """Accept every current proposal of the account scoring at least `min_score` (of the given kinds, for
    statement lines dated before `before` when given): 512 links in bulk, then each entry to create (receipts,
    payments, rules). Returns counts by kind."""
    line_ids = None
    if before is not None:
        line_ids = list(books.statement_lines_open(bank_account=bank_account).filter(date__lt=before)
                        .values_list("pk", flat=True))
    found = [p for p in proposals_for(bank_account=bank_account, line_ids=line_ids).values()
             if p.score >= min_score and p.kind in kinds]
    counts = {kind: 0 for kind in KINDS}
    by_reason: dict[str, list[tuple[int, int]]] = {}
    for proposal in found:
        if proposal.kind == "entry":
            by_reason.setdefault(proposal.reason, []).append((proposal.line_id, proposal.targets[0]))
    for reason, pairs in by_reason.items():
        counts["entry"] += reconciliations_bulk_create(actor=actor, bank_account=bank_account, pairs=pairs,
                                                       reason=reason)
    others = [p for p in found if p.kind != "entry"]
    lines = {line.pk: line for line in StatementLine.objects.filter(
        pk__in=[p.line_id for p in others]).select_related("bank_account__account", "bank_account__journal")}
    for proposal in others:
        proposal_accept(actor=actor, statement_line=lines[proposal.line_id], kind=proposal.kind,
                        targets=proposal.targets, reason=proposal.reason)
        counts[proposal.kind] += 1
    return counts
