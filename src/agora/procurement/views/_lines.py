"""The line grid of the request and RFQ forms: rows read from POST (`line-<field>` lists), errors placed on the
row and field a service names ("lines.2.quantity"), and the product choices. Shared by views/requests.py and
views/rfqs.py."""

from agora.catalog.models import Product
from agora.core.errors import BusinessError

EXTRA_ROWS = 3


def rows_from_post(post, fields: tuple[str, ...]) -> list[dict]:
    columns = [post.getlist(f"line-{name}") for name in fields]
    rows = []
    for values in zip(*columns, strict=False):
        row = {name: (value or "").strip() for name, value in zip(fields, values, strict=True)}
        if any(row.get(name) for name in ("product", "label", "quantity")):
            rows.append({**row, "errors": {}})
    return rows


def service_lines(rows: list[dict]) -> list[dict]:
    return [{k: (v or None) for k, v in row.items() if k != "errors"} for row in rows]


def with_blanks(rows: list[dict], fields: tuple[str, ...]) -> list[dict]:
    return list(rows) + [{name: "" for name in fields} | {"errors": {}} for _ in range(EXTRA_ROWS)]


def place_error(error: BusinessError, form, rows: list[dict], line_errors: list[str]) -> None:
    parts = (error.field or "").split(".")
    if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and 0 < int(parts[1]) <= len(rows):
        rows[int(parts[1]) - 1]["errors"][parts[2]] = error.message
        line_errors.append(error.message)
    elif error.field == "lines":
        line_errors.append(error.message)
    elif error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def products(organisation):
    return Product.objects.filter(organisation=organisation, active=True).only("id", "reference", "label", "unit")


def decimal_text(value) -> str:
    """A stored quantity or price as the French form shows it ("12,5")."""
    return f"{value.normalize():f}".replace(".", ",") if value is not None else ""
