"""Money helpers: Decimal only, rounded half up to the cent, French input and output."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import BusinessError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NARROW_NBSP = "\u202f"
_FRENCH_AMOUNT = re.compile(r"^[+-]?(\d{1,3}([ \u00a0\u202f.]\d{3})*|\d+)([,.]\d+)?$")


def round_money(value: Decimal) -> Decimal:
    """Round to the cent, half up (French practice; Python's round() rounds half to even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def allocate(total: Decimal, parts: dict) -> dict:
    """Split `total` between the keys of `parts` pro rata of their amounts, each share rounded to the cent; the
    cent left by rounding goes to the largest part, so the shares always add up to `total` exactly."""
    whole = sum(parts.values(), ZERO)
    largest = max(parts, key=lambda k: (parts[k], str(k)))
    if len(parts) == 1 or not whole:
        return {key: (total if key == largest else ZERO) for key in parts}
    out = {key: round_money(total * amount / whole) for key, amount in parts.items()}
    out[largest] += total - sum(out.values(), ZERO)
    return out


def parse_amount(raw, *, field: str = "montant", places: int = 2) -> Decimal:
    """Read "1 234,56", "1234.56", "1.234,56" or a Decimal; refuse anything else with a French error."""
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace("€", "").strip()
        if text == "":
            return ZERO
        if not _FRENCH_AMOUNT.match(text):
            raise BusinessError("invalid_amount", f"Montant illisible : « {raw} ».", field=field)
        text = re.sub(r"[ \u00a0\u202f]", "", text)
        if "," in text:  # French: the comma is the decimal mark, dots group thousands
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise BusinessError("invalid_amount", f"Montant illisible : « {raw} ».", field=field) from exc
    else:
        raise BusinessError("invalid_amount", f"Montant illisible : « {raw} ».", field=field)
    if not value.is_finite():
        raise BusinessError("invalid_amount", f"Montant illisible : « {raw} ».", field=field)
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise BusinessError(
            "invalid_amount", f"Montant avec plus de {places} décimales : « {raw} ».", field=field
        )
    return value.quantize(Decimal(1).scaleb(-places))


def format_amount(value: Decimal | None, *, blank_zero: bool = False) -> str:
    """French display: narrow no-break space for thousands, comma for decimals ("1 234,56")."""
    if value is None or (blank_zero and value == 0):
        return ""
    sign = "-" if value < 0 else ""
    whole, _, cents = f"{abs(round_money(value)):.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NARROW_NBSP.join(groups)},{cents}"
