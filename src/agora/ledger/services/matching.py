"""Matching (lettrage) of posted lines on a reconcilable account, and unmatching.

A line belongs to at most one matching. Matching lines that already sit in a partial matching extends
it (keeping its code), so a partial then a full matching reads "aa" then "AA" as in French ledgers.
"""

from datetime import date

from django.db import transaction

from agora.core.audit import audit_record
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.money import ZERO

from ..domain import matching_code
from ..models import EntryLine, Matching, MatchingPart, Period, State


def _signed(line: EntryLine):
    return line.debit - line.credit


@transaction.atomic
def matching_create(*, actor, organisation, line_ids: list[int], on: date | None = None) -> Matching:
    """Match the given lines together (with the partial matchings they already belong to)."""
    # of=("self",): PostgreSQL cannot lock the nullable side (party) of the outer join.
    lines = list(EntryLine.objects.select_for_update(of=("self",))
                 .filter(organisation=organisation, pk__in=line_ids)
                 .select_related("account", "party", "fiscal_year").order_by("pk"))
    if len(lines) != len(set(line_ids)):
        raise BusinessError("unknown_line", "Une des lignes à lettrer est introuvable.", field="lines")
    if not lines:
        raise BusinessError("required", "Choisissez au moins deux lignes à lettrer.", field="lines")
    existing = {part.matching_id: part.matching for part in MatchingPart.objects.filter(line__in=lines)
                .select_related("matching")}
    if any(m.is_full for m in existing.values()):
        raise BusinessError("already_matched", "Une des lignes est déjà lettrée totalement.", field="lines")
    account_ids = {line.account_id for line in lines}
    party_ids = {line.party_id for line in lines}
    if len(account_ids) != 1:
        raise BusinessError("mixed_accounts", "Les lignes à lettrer doivent porter sur le même compte.",
                            field="lines")
    account = lines[0].account
    if not account.reconcilable:
        raise BusinessError("not_reconcilable", f"Le compte {account.code} n'est pas lettrable.", field="lines")
    if len(party_ids) != 1:
        raise BusinessError("mixed_parties", "Les lignes à lettrer doivent concerner le même tiers.",
                            field="lines")
    if any(not line.posted for line in lines):
        raise BusinessError("not_posted", "Seules les lignes validées se lettrent.", field="lines")
    if any(line.fiscal_year.state == State.LOCKED for line in lines):
        raise BusinessError("year_locked", "Une des lignes appartient à un exercice verrouillé.", field="lines")
    matching_date = on or max(line.date for line in lines)
    keep = min(existing.values(), key=lambda m: m.code) if existing else None
    if keep is None:
        if len(lines) < 2:
            raise BusinessError("required", "Choisissez au moins deux lignes à lettrer.", field="lines")
        number = counter_next(organisation=organisation, series=f"matching:{account.pk}", fiscal_year="*")
        keep = Matching.objects.create(organisation=organisation, account=account, party=lines[0].party,
                                       code=matching_code(number), date=matching_date, created_by=_user(actor))
    for other in existing.values():
        if other.pk != keep.pk:
            MatchingPart.objects.filter(matching=other).update(matching=keep)
            other.delete()
    already = set(MatchingPart.objects.filter(matching=keep).values_list("line_id", flat=True))
    MatchingPart.objects.bulk_create([MatchingPart(matching=keep, line=line, amount=_signed(line))
                                      for line in lines if line.pk not in already])
    balance = sum((p.amount for p in MatchingPart.objects.filter(matching=keep)), ZERO)
    keep.is_full = balance == ZERO
    keep.date = max(matching_date, keep.date)
    keep.save(update_fields=["is_full", "date"])
    audit_record(organisation=organisation, actor=actor, action="matching.create", obj=keep,
                 after={"code": keep.display_code, "account": account.code, "lines": sorted(line_ids),
                        "balance": str(balance)})
    return keep


@transaction.atomic
def matching_delete(*, actor, matching: Matching) -> None:
    """Unmatch while the period holding the matching date is still open."""
    matching = Matching.objects.select_for_update().get(pk=matching.pk)
    period = Period.objects.filter(organisation_id=matching.organisation_id, start_date__lte=matching.date,
                                   end_date__gte=matching.date).select_related("fiscal_year").first()
    if period is None or period.state != State.OPEN or period.fiscal_year.state != State.OPEN:
        raise BusinessError("period_closed", "La période du lettrage est close : il ne peut plus être défait.",
                            field="matching")
    lines = list(matching.parts.values_list("line_id", flat=True))
    audit_record(organisation=matching.organisation, actor=actor, action="matching.delete", obj=matching,
                 before={"code": matching.display_code, "lines": lines})
    matching.delete()


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
