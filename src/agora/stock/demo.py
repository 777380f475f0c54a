"""Demo stock for `agora demo` (the company only): the goods of the sales catalogue tracked in stock (the three
valuation methods), two locations, the opening stock on 1 January — worth the 12 000.00 the books carry on
account 37 —, replenishments from the usual supplier whenever an item reaches its reorder point, and a count at
the end of the previous month, validated with its stock variation entry (journal OD).

It runs day by day inside the ledger's demo (`demo_steps`), after the sales demo on the same day, so the sales
delivery notes (which take the goods out of stock) always find their stock. Nothing is dated after `today`; the
same `today` always gives the same data.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from agora.catalog.models import Product
from agora.core.errors import BusinessError
from agora.parties.models import Party

from .models import MoveKind, StockCount
from .selectors.reorder import reorder_proposals
from .services.counts import count_create, count_quantities_enter, count_validate
from .services.items import location_create, stock_item_create
from .services.moves import MoveInput, stock_moves_record

# reference: (method, unit cost, opening quantity, reorder point, safety stock, maximum stock)
ITEMS = {
    "FOUR-MX10": ("wac_perpetual", "4734.00", 1, 2, 1, 4),
    "LV-CAPOT": ("wac_perpetual", "2070.00", 1, 2, 1, 5),
    "ARM-700": ("wac_perpetual", "1314.00", 1, 3, 1, 6),
    "TRANCH-300": ("wac_perpetual", "774.00", 1, 2, 1, 5),
    "HOTTE-2M": ("wac_perpetual", "1104.00", 1, 2, 1, 5),
    "CAFE-2G": ("fifo", "2520.00", 0, 2, 1, 5),
    "BATT-20": ("fifo", "990.00", 1, 2, 1, 5),
    "KIT-JOINTS": ("fifo", "53.70", 10, 25, 10, 80),
    "DETART-5L": ("wac_periodic", "15.90", 30, 30, 10, 100),
}  # opening: 4 734 + 2 070 + 1 314 + 774 + 1 104 + 990 + 537 + 477 = 12 000.00
SUPPLIER = "F001"
COUNT_ADJUSTMENTS = {"KIT-JOINTS": Decimal(-2), "DETART-5L": Decimal(1)}  # lost kits, a can found


class _StockDemo:
    def __init__(self, *, organisation, actor, today: date):
        self.organisation, self.actor, self.today = organisation, actor, today
        self.costs: dict[int, Decimal] = {}

    def setup(self) -> None:
        depot = location_create(actor=self.actor, organisation=self.organisation, code="DEPOT",
                                label="Dépôt de Villeurbanne")
        location_create(actor=self.actor, organisation=self.organisation, code="EXPO", label="Salle d'exposition")
        supplier = Party.objects.filter(organisation=self.organisation, code=SUPPLIER).first()
        products = {p.reference: p for p in Product.objects.filter(organisation=self.organisation,
                                                                   reference__in=ITEMS)}
        self.opening = []
        for reference, (method, cost, opening, alert, safety, maximum) in ITEMS.items():
            if reference not in products:
                continue
            product = products[reference]
            stock_item_create(actor=self.actor, organisation=self.organisation, product=product, data={
                "valuation_method": method, "reorder_point": str(alert), "safety_stock": str(safety),
                "minimum_stock": str(safety), "maximum_stock": str(maximum), "lead_time_days": 5,
                "order_cost": "45", "holding_rate": "15", "default_location": depot.pk,
                "preferred_supplier": supplier.pk if supplier else None})
            self.costs[product.pk] = Decimal(cost)
            if opening:
                self.opening.append(MoveInput(product_id=product.pk, quantity=Decimal(opening),
                                              kind=MoveKind.ADJUSTMENT_IN, date=date(self.today.year, 1, 1),
                                              unit_cost=Decimal(cost), origin_type="stock.opening",
                                              label="Stock initial (inventaire au 31/12)"))

    def replenish(self, day: date) -> None:
        """Receive from the usual supplier what the reorder list proposes (prices up 2 % from July)."""
        rise = Decimal("1.02") if day.month >= 7 else Decimal(1)
        moves = [MoveInput(product_id=p.product.pk, quantity=p.quantity_to_order, kind=MoveKind.RECEIPT, date=day,
                           unit_cost=(self.costs[p.product.pk] * rise).quantize(Decimal("0.01")),
                           origin_type="stock.demo", label=f"Réception fournisseur {SUPPLIER} du {day:%d/%m/%Y}")
                 for p in reorder_proposals(organisation=self.organisation, today=day)]
        if moves:
            stock_moves_record(actor=self.actor, organisation=self.organisation, moves=moves)

    def count(self, day: date) -> StockCount:
        count = count_create(actor=self.actor, organisation=self.organisation, day=day,
                             label=f"Inventaire de fin de mois au {day:%d/%m/%Y}")
        lines = list(count.lines.select_related("item__product"))
        count_quantities_enter(actor=self.actor, count=count, quantities={
            line.pk: max(Decimal(0), line.expected_quantity + COUNT_ADJUSTMENTS.get(line.item.product.reference, 0))
            for line in lines})
        try:
            return count_validate(actor=self.actor, count=count)
        except BusinessError:  # the period is closed: the count stands, without its entry
            return count_validate(actor=self.actor, count=count, post=False)

    def steps(self) -> Iterator[date]:
        self.setup()
        start = date(self.today.year, 1, 1)
        yield start
        stock_moves_record(actor=self.actor, organisation=self.organisation, moves=self.opening)
        self.replenish(start)
        count_day = start.replace(month=self.today.month) - timedelta(days=1) if self.today.month > 1 else None
        day = start + timedelta(days=1)
        while day <= self.today:
            if day.weekday() < 5 or day == count_day:
                yield day
                if day == count_day:
                    self.count(day)
                if day.weekday() < 5:
                    self.replenish(day)
            day += timedelta(days=1)


def demo_steps(*, organisation, users: dict, today: date):
    """`agora demo` hook: the company's year of stock, played day by day by the ledger's demo; None otherwise."""
    if organisation.kind != "company":
        return None
    return _StockDemo(organisation=organisation, actor=users.get("purchasing"), today=today).steps()


def demo_populate(*, organisation, users: dict, today: date) -> None:
    """`agora demo` hook when no ledger demo plays the steps: the same stock in one go."""
    for _ in demo_steps(organisation=organisation, users=users, today=today) or ():
        pass
