"""Template filters for procurement figures that are not money: unit prices (up to 4 decimals) and quantities."""

from decimal import Decimal

from django import template

from agora.core.money import format_amount

register = template.Library()


@register.filter
def unit_price(value) -> str:
    """4.2000 → "4,20"; 4.1250 → "4,125"; 1234.5 → "1 234,50" (cents always shown, extra decimals when used)."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    if value == value.quantize(Decimal("0.01")):
        return format_amount(value)
    whole = format_amount(value.to_integral_value(rounding="ROUND_DOWN"))[:-3]
    return f"{whole},{f'{abs(value):f}'.split('.')[1].rstrip('0')}"


@register.filter
def quantity(value) -> str:
    """12.500 → "12,5"; 4.000 → "4"."""
    if value in (None, ""):
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")
