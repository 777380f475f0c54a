"""Totals of a sales or purchase document, computed as the French trade does (one function for both sides).

Order of the steps (each amount rounded half up to the cent, per VAT rate):
  line gross = quantity × unit price; line discount %; line net
  → successive trade reductions in order (remise, rabais, ristourne: each a % of the running amount)
    = commercial net
  → cash discount (escompte) % = financial net
  → shipping and ancillary costs (taxed at the rate of the goods they go with, split pro rata between rates)
  = untaxed total; VAT per rate on each rate's base, rounded once per rate (EN 16931);
  total incl. VAT; minus deposits already paid = net to pay.
No ORM here: callers pass plain values and store the result.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .errors import BusinessError
from .money import ZERO, round_money

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineIn:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent, e.g. Decimal("20")
    discount_pct: Decimal = ZERO


@dataclass(frozen=True)
class Reduction:
    label: str  # "Remise", "Rabais", "Ristourne"
    pct: Decimal


@dataclass
class LineOut:
    gross: Decimal
    discount: Decimal
    net: Decimal
    vat_rate: Decimal


@dataclass
class TaxRow:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass
class StepOut:
    label: str
    pct: Decimal
    amount: Decimal  # the reduction (positive), summed over rates
    result: Decimal  # the running total after this step


@dataclass
class Totals:
    lines: list[LineOut]
    lines_total: Decimal  # Σ line nets ("montant brut" of the invoice foot)
    reductions: list[StepOut]
    commercial_net: Decimal
    cash_discount: StepOut | None
    financial_net: Decimal
    shipping: Decimal
    untaxed_total: Decimal
    tax_rows: list[TaxRow] = field(default_factory=list)
    tax_total: Decimal = ZERO
    total: Decimal = ZERO
    deposit: Decimal = ZERO
    net_to_pay: Decimal = ZERO


def _pct(value: Decimal, name: str) -> Decimal:
    value = Decimal(value)
    if not ZERO <= value < HUNDRED:
        raise BusinessError("invalid_percentage", f"Pourcentage invalide ({name}) : {value} %.", field=name)
    return value


def document_totals(*, lines: list[LineIn], reductions: list[Reduction] = (), cash_discount_pct: Decimal = ZERO,
                    shipping: Decimal = ZERO, deposit: Decimal = ZERO, allow_negative: bool = False) -> Totals:
    """Compute every figure of a document's foot. Quantities may be negative only with allow_negative."""
    out_lines = []
    bases: dict[Decimal, Decimal] = {}
    for n, line in enumerate(lines, start=1):
        if line.quantity < 0 and not allow_negative:
            raise BusinessError("negative_quantity", f"Ligne {n} : quantité négative.", field=f"lines.{n}.quantity")
        if line.unit_price < 0:
            raise BusinessError("negative_price", f"Ligne {n} : prix unitaire négatif.", field=f"lines.{n}.unit_price")
        discount_pct = _pct(line.discount_pct, f"lines.{n}.discount_pct")
        gross = round_money(line.quantity * line.unit_price)
        discount = round_money(gross * discount_pct / HUNDRED)
        net = gross - discount
        rate = Decimal(line.vat_rate)
        out_lines.append(LineOut(gross=gross, discount=discount, net=net, vat_rate=rate))
        bases[rate] = bases.get(rate, ZERO) + net
    lines_total = sum(bases.values(), ZERO)

    steps = []
    for index, reduction in enumerate(reductions):
        pct = _pct(reduction.pct, f"reductions.{index + 1}.pct")
        amount = ZERO
        for rate, base in bases.items():
            cut = round_money(base * pct / HUNDRED)
            bases[rate] = base - cut
            amount += cut
        steps.append(StepOut(reduction.label, pct, amount, sum(bases.values(), ZERO)))
    commercial_net = sum(bases.values(), ZERO)

    cash = None
    pct = _pct(cash_discount_pct, "cash_discount_pct")
    if pct:
        amount = ZERO
        for rate, base in bases.items():
            cut = round_money(base * pct / HUNDRED)
            bases[rate] = base - cut
            amount += cut
        cash = StepOut("Escompte", pct, amount, sum(bases.values(), ZERO))
    financial_net = sum(bases.values(), ZERO)

    shipping = round_money(Decimal(shipping))
    if shipping < 0:
        raise BusinessError("negative_shipping", "Frais de port négatifs.", field="shipping")
    if shipping:
        _spread(bases, shipping)
    untaxed_total = sum(bases.values(), ZERO)

    tax_rows = [TaxRow(rate, base, round_money(base * rate / HUNDRED)) for rate, base in sorted(bases.items())]
    tax_total = sum((row.tax for row in tax_rows), ZERO)
    total = untaxed_total + tax_total
    deposit = round_money(Decimal(deposit))
    if deposit < 0 or (deposit > total and total >= 0):
        raise BusinessError("invalid_deposit", "L'acompte déjà versé dépasse le total TTC.", field="deposit")
    return Totals(lines=out_lines, lines_total=lines_total, reductions=steps, commercial_net=commercial_net,
                  cash_discount=cash, financial_net=financial_net, shipping=shipping, untaxed_total=untaxed_total,
                  tax_rows=tax_rows, tax_total=tax_total, total=total, deposit=deposit, net_to_pay=total - deposit)


def _spread(bases: dict[Decimal, Decimal], amount: Decimal) -> None:
    """Add `amount` to the rate bases pro rata (ancillary costs follow the goods); the cent left by rounding
    goes to the largest base."""
    total = sum(bases.values(), ZERO)
    if not bases:
        raise BusinessError("shipping_without_goods", "Des frais de port sans marchandise à facturer.",
                            field="shipping")
    if total == 0:
        rate = max(bases)
        bases[rate] += amount
        return
    shares = {rate: round_money(amount * base / total) for rate, base in bases.items()}
    residue = amount - sum(shares.values(), ZERO)
    largest = max(bases, key=lambda rate: (bases[rate], rate))
    shares[largest] += residue
    for rate, share in shares.items():
        bases[rate] += share
