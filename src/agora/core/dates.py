"""Reading a calendar date typed by a user or sent through the API, refused in French naming the field."""

from datetime import date, datetime

from .errors import BusinessError


def parse_date(raw, *, field: str, required: bool = False) -> date | None:
    """A date from a date object, "AAAA-MM-JJ" or "JJ/MM/AAAA"; None when empty and not required."""
    if raw in (None, ""):
        if required:
            raise BusinessError("required", "La date est obligatoire.", field=field)
        return None
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time zone
        except ValueError:
            continue
    raise BusinessError("invalid_date", f"Date illisible : « {raw} » (JJ/MM/AAAA).", field=field)
