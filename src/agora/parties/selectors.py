"""Reads on parties, always scoped to one organisation."""

from django.db.models import Q

from .models import Party


def party_list(*, organisation, search: str = "", role: str = ""):
    qs = Party.objects.filter(organisation=organisation)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if role in {"customer", "supplier", "member", "employee"}:
        qs = qs.filter(**{f"is_{role}": True})
    return qs


def party_get(*, organisation, pk: int) -> Party:
    return Party.objects.get(organisation=organisation, pk=pk)
