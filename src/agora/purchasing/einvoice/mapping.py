"""From a received invoice to the figures of a purchase document that core.totals reproduces to the cent.

A supplier's invoice states line nets, document allowances and charges, and VAT per rate; Agora stores quantity
× unit price − line discount %, successive reductions %, escompte % and shipping, and recomputes the rest. Each
line is mapped to the first of three readings whose net equals the stated one: as sent; with the unit price
taken as net ÷ quantity; or one unit at the line net (the quantity is then kept in the label). Document
allowances map to reductions when every VAT rate carries the same percentages, which is how a document built by
core.totals (ours, or any built the same way) lays them out. The import service then compares the recomputed
totals with the invoice and refuses any difference: figures are never silently changed.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agora.core.errors import BusinessError
from agora.core.money import round_money

from .detect import FIELD
from .incoming import ZERO, IncomingAllowance, IncomingInvoice, IncomingLine

PRICE_PLACES = Decimal("0.0001")
QUANTITY_PLACES = Decimal("0.001")
PCT_PLACES = Decimal("0.01")
UNITS = {"C62": "u", "H87": "pce", "HUR": "h", "DAY": "j", "KGM": "kg", "GRM": "g", "TNE": "t", "LTR": "l",
         "MTR": "m", "MTK": "m2", "MTQ": "m3", "KMT": "km", "MON": "mois", "WEE": "semaine", "ANN": "an"}


@dataclass
class LineFigures:
    quantity: Decimal
    unit_price: Decimal
    discount_pct: Decimal
    label: str
    unit: str


def _net(quantity: Decimal, unit_price: Decimal, discount_pct: Decimal) -> Decimal:
    gross = round_money(quantity * unit_price)
    return gross - round_money(gross * discount_pct / 100)


def _fits(value: Decimal, places: Decimal) -> bool:
    return value == value.quantize(places)


def _fmt(value: Decimal) -> str:
    text = f"{value:f}"
    return (text.rstrip("0").rstrip(".") if "." in text else text).replace(".", ",")


def line_figures(line: IncomingLine, number: int) -> LineFigures:
    """Quantity, unit price and discount of a received line whose net is exactly the stated line net."""
    where = f"Ligne {number} ({line.at})" if line.at else f"Ligne {number}"
    if line.quantity < 0 or line.line_total < 0:
        raise BusinessError("einvoice_negative_line", f"{where} : quantité ou montant négatif. Une facture "
                            "fournisseur ne peut pas porter de ligne négative : le fournisseur doit émettre un avoir.",
                            field=FIELD)
    unit = UNITS.get(line.unit_code, (line.unit_code or "u").lower()[:20])
    label = (line.name or line.seller_item_id or f"Ligne {line.line_id}")[:300]
    base = line.base_quantity or Decimal(1)
    price = line.net_price / base
    quantity = line.quantity
    if _fits(quantity, QUANTITY_PLACES) and quantity > 0:
        if _fits(price, PRICE_PLACES) and _net(quantity, price, line.discount_pct) == line.line_total:
            return LineFigures(quantity, price, line.discount_pct, label, unit)
        average = (line.line_total / quantity).quantize(PRICE_PLACES, rounding=ROUND_HALF_UP)
        if _net(quantity, average, ZERO) == line.line_total:
            return LineFigures(quantity, average, ZERO, label, unit)
    detail = f" ({_fmt(quantity)} {unit} × {_fmt(price.normalize())})"
    return LineFigures(Decimal(1), line.line_total, ZERO, (label[:300 - len(detail)] + detail), "u")


def _pct(allowance: IncomingAllowance) -> Decimal | None:
    if allowance.pct is not None:
        return allowance.pct
    if allowance.basis:
        pct = (allowance.amount * 100 / allowance.basis).quantize(PCT_PLACES, rounding=ROUND_HALF_UP)
        if round_money(allowance.basis * pct / 100) == allowance.amount:
            return pct
    return None


def _is_cash_discount(allowance: IncomingAllowance) -> bool:
    return "escompte" in allowance.reason.lower() or "cash discount" in allowance.reason.lower()


def header_figures(invoice: IncomingInvoice) -> dict:
    """Reductions, escompte and shipping of the document, from the invoice's document-level allowances/charges.

    Refused when the allowances cannot be read as percentages common to every VAT rate (a fixed-amount
    allowance, or percentages that differ between rates)."""
    by_rate: dict[Decimal, list[IncomingAllowance]] = {}
    for allowance in invoice.allowances:
        if not allowance.charge and allowance.amount:
            by_rate.setdefault(allowance.vat_rate, []).append(allowance)
    sequences = {rate: [(_pct(a), _is_cash_discount(a)) for a in items] for rate, items in by_rate.items()}
    reductions, cash_discount = [], ZERO
    if sequences:
        first_rate = next(iter(by_rate))
        sequence = sequences[first_rate]
        rates = {tax.rate for tax in invoice.taxes if tax.basis}
        if any(pct is None for pct, _ in sequence) or any(s != sequence for s in sequences.values()) \
                or set(sequences) != rates:
            raise BusinessError("einvoice_allowances", "Les remises de pied de cette facture ne sont pas exprimées "
                                "en pourcentages identiques pour chaque taux de TVA : Agora ne peut pas les "
                                "reproduire au centime. Saisissez la facture à la main.", field=FIELD)
        for allowance, (pct, is_cash) in zip(by_rate[first_rate], sequence, strict=True):
            if is_cash and allowance is by_rate[first_rate][-1]:
                cash_discount = pct
            else:
                reductions.append({"label": (allowance.reason or "Remise")[:40], "pct": str(pct)})
    shipping = sum((a.amount for a in invoice.allowances if a.charge), ZERO)
    return {"reductions": reductions, "cash_discount_pct": str(cash_discount), "shipping": str(shipping)}
