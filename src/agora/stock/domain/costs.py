"""Textbook cost calculations (comptabilité de gestion), pure:

- purchase cost (coût d'achat) = purchase price + ancillary purchase costs (transport, customs, handling)
  allocated between the lines by quantity or by value, the last line taking the rounding remainder so the
  shares add up to the cent;
- the cost table of a simple manufactured product: cost of the materials consumed, direct labour (hours × hourly
  rate), production overheads (per labour hour, the unit of work, or a % of the direct costs) = production cost;
  plus distribution cost = full cost (coût de revient). Each row: quantity, unit cost, amount.
"""

from dataclasses import dataclass
from decimal import Decimal

from agora.core.money import ZERO, round_money

from .valuation import round_cost

HUNDRED = Decimal(100)


@dataclass
class PurchaseLine:
    label: str
    quantity: Decimal
    unit_price: Decimal


@dataclass
class PurchaseCostRow:
    label: str
    quantity: Decimal
    unit_price: Decimal
    price_amount: Decimal
    ancillary: Decimal
    amount: Decimal
    unit_cost: Decimal


def purchase_costs(lines: list[PurchaseLine], *, ancillary: Decimal, basis: str = "value") -> list[PurchaseCostRow]:
    """Allocate `ancillary` costs between the lines (basis "value" or "quantity")."""
    prices = [round_money(line.quantity * line.unit_price) for line in lines]
    weights = prices if basis == "value" else [line.quantity for line in lines]
    total_weight = sum(weights, Decimal(0))
    shares, allocated = [], ZERO
    for index, weight in enumerate(weights):
        if index == len(weights) - 1:
            share = ancillary - allocated
        else:
            share = round_money(ancillary * weight / total_weight) if total_weight else ZERO
        shares.append(share)
        allocated += share
    return [PurchaseCostRow(line.label, line.quantity, line.unit_price, price, share, price + share,
                            round_cost((price + share) / line.quantity) if line.quantity else ZERO)
            for line, price, share in zip(lines, prices, shares, strict=True)]


@dataclass
class CostRow:
    label: str
    quantity: Decimal | None
    unit_cost: Decimal | None
    amount: Decimal
    total: bool = False  # a subtotal row (coût de production, coût de revient)


@dataclass
class Component:
    label: str
    quantity: Decimal  # for the quantity produced
    unit_cost: Decimal


def cost_table(*, quantity: Decimal, components: list[Component], labour_hours: Decimal, labour_rate: Decimal,
               overhead_basis: str, overhead_rate: Decimal, distribution_cost: Decimal) -> list[CostRow]:
    """The cost table for `quantity` units produced and sold."""
    rows = []
    materials = ZERO
    for component in components:
        amount = round_money(component.quantity * component.unit_cost)
        materials += amount
        rows.append(CostRow(f"Matière consommée : {component.label}", component.quantity, component.unit_cost,
                            amount))
    rows.append(CostRow("Coût d'achat des matières consommées", None, None, materials, total=True))
    labour = round_money(labour_hours * labour_rate)
    rows.append(CostRow("Main-d'œuvre directe (heures)", labour_hours, labour_rate, labour))
    if overhead_basis == "percent":
        base = materials + labour
        overhead = round_money(base * overhead_rate / HUNDRED)
        rows.append(CostRow(f"Charges indirectes de production ({overhead_rate.normalize():f} % de {base})", None,
                            None, overhead))
    else:
        overhead = round_money(labour_hours * overhead_rate)
        rows.append(CostRow("Charges indirectes de production (unité d'œuvre : l'heure)", labour_hours,
                            overhead_rate, overhead))
    production = materials + labour + overhead
    unit_production = round_cost(production / quantity) if quantity else ZERO
    rows.append(CostRow("Coût de production des produits fabriqués", quantity, unit_production, production,
                        total=True))
    distribution = round_money(quantity * distribution_cost)
    rows.append(CostRow("Coût de distribution", quantity, distribution_cost, distribution))
    full = production + distribution
    rows.append(CostRow("Coût de revient", quantity, round_cost(full / quantity) if quantity else ZERO, full,
                        total=True))
    return rows
