"""Writing the audit log. Every service that changes business data calls `audit_record`."""

from decimal import Decimal

from django.forms.models import model_to_dict

from .models import AuditEvent


def snapshot(instance, fields: list[str] | None = None) -> dict:
    """A JSON-safe picture of a model instance for before/after."""
    data = model_to_dict(instance, fields=fields)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # files
        return value.name or ""
    return value


def audit_record(*, organisation, actor, action: str, obj=None, object_type: str = "", object_id="",
                 before: dict | None = None, after: dict | None = None) -> AuditEvent:
    return AuditEvent.objects.create(**audit_fields(
        organisation=organisation, actor=actor, action=action, obj=obj, object_type=object_type,
        object_id=object_id, before=before, after=after))


def audit_fields(*, organisation, actor, action, obj=None, object_type="", object_id="", before=None,
                 after=None) -> dict:
    """Field values of an audit row, for callers that bulk-create many at once."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    return {
        "organisation": organisation,
        "actor": actor if getattr(actor, "is_authenticated", False) else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_repr": str(obj)[:200] if obj is not None else "",
        "before": _jsonable(before) if before is not None else None,
        "after": _jsonable(after) if after is not None else None,
    }


AUDIT_FIELDS = ["organisation", "actor", "at", "action", "object_type", "object_id", "object_repr", "before",
                "after"]


def audit_bulk(*, organisation, actor, action: str, items: list[tuple]) -> None:
    """One audit row per (object, after) pair, written in bulk (posting thousands of entries at once)."""
    from django.utils import timezone

    from .bulk import insert_rows

    now = timezone.now()
    actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    label = items[0][0]._meta.label_lower if items else ""
    insert_rows(AuditEvent, AUDIT_FIELDS, [
        (organisation.pk, actor_id, now, action, label, str(obj.pk), str(obj)[:200], None, _jsonable(after))
        for obj, after in items])


def history_of(*, organisation, obj):
    """Audit rows of one object, newest first (shown to administrators on its page)."""
    return (AuditEvent.objects.filter(organisation=organisation, object_type=obj._meta.label_lower,
                                      object_id=str(obj.pk)).select_related("actor"))
