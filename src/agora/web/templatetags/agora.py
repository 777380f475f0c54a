"""Template helpers shared by every screen: `{% load agora %}`.

- `{{ amount|money }}` → "1 234,56" (narrow no-break space); `{{ amount|money:"blank" }}` leaves zero empty.
- `{{ d|fr_date }}` → "05/03/2026"; `{{ dt|fr_datetime }}` → "05/03/2026 14:07" (local time).
- `{% if request|can:"ledger.write" %}` → the user's permission in the current organisation.
- `{% audit_changes event as changes %}` → [(field, before, after)] for the history snippet.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone

from agora.core.models import Role
from agora.core.money import format_amount
from agora.core.permissions import PERMISSIONS, has_perm
from agora.web.labels import action_label

register = template.Library()

@register.filter
def money(value, arg=""):
    if value is None or value == "":
        return ""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    return format_amount(amount, blank_zero=(arg == "blank"))


@register.filter
def fr_date(value):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


@register.filter
def fr_datetime(value):
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return fr_date(value)


@register.filter
def can(request, permission):
    """Whether the user holds `permission` in request.organisation (False outside an organisation)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or permission not in PERMISSIONS:
        return False
    return has_perm(request.user, organisation, permission)


@register.filter(name="action_label")
def action_label_filter(action: str) -> str:
    return action_label(action)


@register.filter
def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return value


@register.simple_tag
def audit_changes(event) -> list[tuple[str, object, object]]:
    """Fields whose value differs between before and after (all fields for a creation or a deletion)."""
    before = event.before if isinstance(event.before, dict) else {}
    after = event.after if isinstance(event.after, dict) else {}
    keys = list(before) + [k for k in after if k not in before]
    return [(key, _show(before.get(key)), _show(after.get(key))) for key in keys
            if before.get(key) != after.get(key) or not (before and after)]


def _show(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list | dict):
        return ", ".join(map(str, value)) if isinstance(value, list) else value
    return value
