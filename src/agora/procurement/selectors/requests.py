"""Reads on purchase requests: the filtered list, one request with its lines, those awaiting approval."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet

from agora.procurement.models import PurchaseRequest, PurchaseRequestLine, RequestStatus

FULL_NUMBER = re.compile(r"DA-\d{4}-\d{5}", re.IGNORECASE)


def request_list(*, organisation, status: str = "", requester=None, origin: str = "", search: str = "") -> QuerySet:
    """Newest first; `status="open"` keeps drafts, requests awaiting approval and approved ones not yet ordered."""
    queryset = (PurchaseRequest.objects.filter(organisation=organisation)
                .select_related("requester", "supplier", "decided_by", "order"))
    if status == "open":
        queryset = queryset.filter(status__in=(RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.APPROVED))
    elif status:
        queryset = queryset.filter(status=status)
    if requester is not None:
        queryset = queryset.filter(requester=requester)
    if origin:
        queryset = queryset.filter(origin=origin)
    search = (search or "").strip()
    if FULL_NUMBER.fullmatch(search):  # a whole number: the unique index answers at once
        queryset = queryset.filter(number=search.upper())
    elif search:
        lines = PurchaseRequestLine.objects.filter(request_id=OuterRef("pk"), label__icontains=search)
        queryset = queryset.filter(Q(number__icontains=search) | Q(reason__icontains=search)
                                   | Q(supplier__name__icontains=search) | Exists(lines))
    return queryset.order_by("-created_at", "-id")


def awaiting_approval(*, organisation) -> QuerySet:
    return PurchaseRequest.objects.filter(organisation=organisation, status=RequestStatus.SUBMITTED)


def request_get(*, organisation, pk: int) -> PurchaseRequest:
    return (PurchaseRequest.objects.select_related("requester", "supplier", "decided_by", "order", "organisation")
            .get(organisation=organisation, pk=pk))


def request_lines(*, request) -> list:
    return list(request.lines.select_related("product").order_by("line_no"))
