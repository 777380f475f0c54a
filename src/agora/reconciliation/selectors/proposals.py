"""Automatic proposals for a bank account: each unreconciled statement line gets its best counterpart.

Reasons, strongest first (each candidate is proposed once):
1. "référence": a token of the line's label/reference (invoice number, cheque number, payment reference) is the
   reference of a 512 line or of an open customer/supplier item with the same amount;
2. "montant et date": a 512 line of the same signed amount within ±`window` days;
3. "montant et nom": an open customer item (money in) or supplier item (money out) of the same amount whose
   party name appears in the label or the counterparty;
4. "règle": a saved rule whose text is in the label (the entry is then created from the rule).

Everything is looked up in dicts keyed by (token, amount in cents) or amount in cents, built once from a few SQL
reads: the cost grows with the number of lines, never with the product of both sides.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import F

from agora.treasury.models import BankAccount

from ..domain import SCORES, date_score, fold, name_found, normalised_name, reference_tokens
from ..models import ReconciliationRule, Sign
from . import books

DATE_WINDOW = 5
REASON_LABELS = {"reference": "référence", "amount_date": "montant et date", "amount_name": "montant et nom",
                 "rule": "règle"}
KIND_LABELS = {"entry": "Écriture", "customer": "Client", "supplier": "Fournisseur", "rule": "Règle"}


@dataclass
class Proposal:
    """What to do with one statement line: link 512 lines (`entry`), settle an open item (`customer`,
    `supplier`: targets are ledger line ids) or create the entry of a rule (`rule`: the rule's id)."""

    line_id: int
    kind: str
    targets: tuple[int, ...]
    reason: str
    score: int
    description: str
    rule_name: str = ""

    @property
    def reason_label(self) -> str:
        label = REASON_LABELS[self.reason]
        return f"{label} : {self.rule_name}" if self.rule_name else label

    @property
    def targets_text(self) -> str:
        return ",".join(str(t) for t in self.targets)


@dataclass
class _Candidate:
    kind: str
    pk: int
    day: date
    amount_cents: int  # signed like a statement line: + money in
    description: str
    name: str = ""
    tokens: set[str] = field(default_factory=set)


def _candidates(bank_account: BankAccount, with_items: bool) -> list[_Candidate]:
    out = []
    rows = books.entry_lines_open(bank_account=bank_account).annotate(signed=books.cents_of(F("debit") - F("credit")))
    for pk, day, signed, label, reference in rows.values_list("id", "date", "signed", "label", "entry__reference"):
        out.append(_Candidate("entry", pk, day, signed, f"{reference} {label}".strip(),
                              tokens=reference_tokens(reference, label)))
    if not with_items:
        return out
    organisation = bank_account.organisation_id
    for side, sign in (("customer", 1), ("supplier", -1)):
        rows = books.open_items(organisation=organisation, side=side).annotate(
            size=books.cents_of(F("debit") if sign > 0 else F("credit"))).values_list(
            "id", "date", "size", "label", "entry__reference", "party__name")
        for pk, day, size, label, reference, party_name in rows:
            out.append(_Candidate(side, pk, day, sign * size, f"{party_name} — {reference or label}",
                                  name=normalised_name(party_name), tokens=reference_tokens(reference)))
    return out


def rule_matches(rule: ReconciliationRule, *, label: str, amount: Decimal, bank_account_id: int) -> bool:
    if not rule.active or (rule.bank_account_id and rule.bank_account_id != bank_account_id):
        return False
    if fold(rule.label_contains).strip() not in fold(label):
        return False
    if (rule.sign == Sign.IN and amount <= 0) or (rule.sign == Sign.OUT and amount >= 0):
        return False
    size = abs(amount)
    return not ((rule.amount_min is not None and size < rule.amount_min)
                or (rule.amount_max is not None and size > rule.amount_max))


def proposals_for(*, bank_account: BankAccount, window: int = DATE_WINDOW, with_items: bool = True,
                  line_ids: list[int] | None = None) -> dict[int, Proposal]:
    """{statement line id: its best proposal} for the account's unreconciled lines (or the given ones)."""
    statement = books.statement_lines_open(bank_account=bank_account)
    if line_ids is not None:
        statement = statement.filter(pk__in=line_ids)
    lines = list(statement.annotate(size=books.cents_of(F("amount"))).values_list(
        "id", "date", "size", "label", "reference", "counterparty_name"))
    if not lines:
        return {}
    candidates = _candidates(bank_account, with_items)
    by_reference: dict[tuple[str, int], list[_Candidate]] = defaultdict(list)
    by_amount: dict[tuple[str, int], list[_Candidate]] = defaultdict(list)
    for candidate in candidates:
        for token in candidate.tokens:
            by_reference[(token, candidate.amount_cents)].append(candidate)
        by_amount[("entry" if candidate.kind == "entry" else "item", candidate.amount_cents)].append(candidate)
    used: set[tuple[str, int]] = set()
    found: dict[int, Proposal] = {}

    def take(line_id, candidate, reason, score):
        used.add((candidate.kind, candidate.pk))
        found[line_id] = Proposal(line_id, candidate.kind, (candidate.pk,), reason, score, candidate.description)

    keyed = [(pk, day, size, f"{label} {reference}", counterparty) for pk, day, size, label, reference,
             counterparty in lines]
    for pk, _, amount, text, _ in keyed:  # 1. reference
        for token in sorted(reference_tokens(text)):
            match = next((c for c in by_reference.get((token, amount), ()) if (c.kind, c.pk) not in used), None)
            if match is not None:
                take(pk, match, "reference", SCORES["reference"])
                break
    for pk, day, amount, _, _ in keyed:  # 2. amount and date (512 lines)
        if pk in found:
            continue
        near = [(abs((c.day - day).days), c.pk, c) for c in by_amount.get(("entry", amount), ())
                if (c.kind, c.pk) not in used and abs((c.day - day).days) <= window]
        if near:
            days, _, match = min(near, key=lambda item: item[:2])
            take(pk, match, "amount_date", date_score(days))
    for pk, _, amount, text, counterparty in keyed:  # 3. amount and party name (open items)
        if pk in found:
            continue
        haystack = normalised_name(f"{text} {counterparty}")
        match = next((c for c in by_amount.get(("item", amount), ())
                      if (c.kind, c.pk) not in used and name_found(c.name, haystack)), None)
        if match is not None:
            take(pk, match, "amount_name", SCORES["amount_name"])
    saved = list(books.rules(organisation=bank_account.organisation_id).filter(active=True))
    for pk, _, size, label, _, _ in lines:  # 4. rules
        if pk in found:
            continue
        amount = Decimal(size) / 100
        rule = next((r for r in saved if rule_matches(r, label=label, amount=amount,
                                                      bank_account_id=bank_account.pk)), None)
        if rule is not None:
            found[pk] = Proposal(pk, "rule", (rule.pk,), "rule", SCORES["rule"],
                                 f"{rule.account.code} {rule.entry_label or rule.account.label}", rule_name=rule.name)
    return found
