"""Pure payment arithmetic, no ORM: the escompte decision, its VAT share, amounts in cents, remittance text."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from agora.core.money import ZERO, round_money

HUNDRED = Decimal(100)
REMITTANCE_MAX = 140  # SEPA unstructured remittance information (Ustrd): 140 characters


def escompte_annual_rate(pct: Decimal, days_early: int) -> Decimal | None:
    """The annual rate earned by paying `days_early` days before the due date to take an escompte of `pct` %.

    Paying 100 − p now instead of 100 later earns p / (100 − p) over the days gained, i.e.
    p / (1 − p) × 365 / days once annualised (p as a fraction). None when nothing is gained by waiting
    (due date reached or past: the escompte is then free money)."""
    if pct <= 0 or days_early <= 0:
        return None
    fraction = Decimal(pct) / HUNDRED
    rate = fraction / (1 - fraction) * Decimal(365) / Decimal(days_early) * HUNDRED
    return rate.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Escompte:
    available: Decimal  # TTC deducted from the payment
    vat: Decimal  # its VAT share (input VAT given back)
    rate: Decimal | None  # annualised rate of paying early (None: not early)
    worth_it: bool


def escompte_offer(*, pct: Decimal, deadline: date | None, due_date: date, pay_on: date, open_amount: Decimal,
                   invoice_total: Decimal | None, invoice_vat: Decimal | None,
                   reference_rate: Decimal) -> Escompte:
    """The escompte a payment on `pay_on` can take on an open item.

    Available while `pay_on` ≤ the deadline, on the open amount TTC; its VAT share follows the invoice's
    VAT / TTC ratio: an escompte reduces the price, so the VAT on it (CGI art. 267 II-2°); taken after
    invoicing, the buyer gives back the input VAT deducted on that share (BOI-TVA-DED-40-10).
    Worth it when paying on the due date or later anyway, or when its annualised rate beats `reference_rate`."""
    if pct <= 0 or deadline is None or pay_on > deadline or open_amount <= 0:
        return Escompte(ZERO, ZERO, None, False)
    available = round_money(open_amount * Decimal(pct) / HUNDRED)
    vat = ZERO
    if invoice_total and invoice_vat:
        vat = round_money(available * Decimal(invoice_vat) / Decimal(invoice_total))
    rate = escompte_annual_rate(Decimal(pct), (due_date - pay_on).days)
    worth_it = rate is None or rate > reference_rate
    return Escompte(available, vat, rate, worth_it)


def to_cents(amount: Decimal) -> int:
    """Exact Decimal → integer cents (sepaxml takes cents); refuses anything not on the cent."""
    cents = Decimal(amount) * HUNDRED
    if cents != cents.to_integral_value():
        raise ValueError(f"amount not on the cent: {amount}")
    return int(cents)


def remittance(references: list[str], *, limit: int = REMITTANCE_MAX) -> str:
    """The invoice references a transfer pays, comma-separated, cut to `limit` characters with " ..." when more
    (ASCII: the SEPA character set has no ellipsis)."""
    text = ""
    for n, reference in enumerate(references):
        candidate = reference if n == 0 else f"{text}, {reference}"
        if len(candidate) > limit:
            suffix = " ..."
            return (text[:limit - len(suffix)] + suffix) if text else reference[:limit]
        text = candidate
    return text
