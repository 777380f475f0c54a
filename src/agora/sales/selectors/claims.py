"""Reads for claims: the filtered list (overdue flag computed in SQL), overdue claims, one claim with its
timeline, the claims of a customer or a document, and the default text of a refusal."""

from datetime import date

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.template.loader import render_to_string

from agora.sales.models import Claim

CLOSED = (Claim.Status.RESOLVED, Claim.Status.REFUSED)


def _overdue_q(today: date) -> Q:
    return Q(deadline__lt=today) & ~Q(status__in=CLOSED)


def with_overdue(queryset: QuerySet, today: date) -> QuerySet:
    """Annotate `is_overdue`: deadline passed and not closed."""
    return queryset.annotate(is_overdue=Case(When(_overdue_q(today), then=Value(True)), default=Value(False),
                                             output_field=BooleanField()))


def claim_list(*, organisation, today: date, status: str = "", kind: str = "", overdue: bool | None = None,
               owner=None, party=None, is_dispute: bool | None = None, search: str = "") -> QuerySet:
    """Claims newest first; `status` may also be "active" (open or in progress)."""
    queryset = Claim.objects.filter(organisation=organisation).select_related("party", "owner", "document")
    if status == "active":
        queryset = queryset.exclude(status__in=CLOSED)
    elif status:
        queryset = queryset.filter(status=status)
    if kind:
        queryset = queryset.filter(kind=kind)
    if overdue is True:
        queryset = queryset.filter(_overdue_q(today))
    elif overdue is False:
        queryset = queryset.exclude(_overdue_q(today))
    if owner is not None:
        queryset = queryset.filter(owner=owner)
    if party is not None:
        queryset = queryset.filter(party=party)
    if is_dispute is not None:
        queryset = queryset.filter(is_dispute=is_dispute)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(subject__icontains=search)
                                   | Q(party__name__icontains=search) | Q(party__code__icontains=search))
    return with_overdue(queryset, today).order_by("-opened_on", "-id")


def overdue_claims(*, organisation, today: date) -> QuerySet:
    """Claims past their deadline and not closed, most overdue first."""
    return (with_overdue(Claim.objects.filter(organisation=organisation).filter(_overdue_q(today)), today)
            .select_related("party", "owner").order_by("deadline", "id"))


def claim_get(*, organisation, pk: int, today: date) -> Claim:
    return (with_overdue(Claim.objects.filter(organisation=organisation), today)
            .select_related("party", "owner", "document", "outcome_document").get(pk=pk))


def claim_exchanges(*, claim) -> QuerySet:
    return claim.exchanges.select_related("author").order_by("at", "id")


def claims_of_document(*, document) -> QuerySet:
    return Claim.objects.filter(organisation_id=document.organisation_id, document=document).order_by("-id")


def claims_of_party(*, organisation, party) -> QuerySet:
    return Claim.objects.filter(organisation=organisation, party=party).order_by("-opened_on", "-id")


def refusal_reply_draft(*, claim) -> str:
    """A French starting point for a reasoned refusal, to complete with the reasons."""
    return render_to_string("sales/claims/refusal_reply.txt", {"claim": claim,
                                                                "organisation": claim.organisation}).strip()
