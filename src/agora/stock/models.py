"""Stock: locations, stocked items (the stock settings of a catalogue product), moves with their running
balances, physical counts, and bills of materials for the cost of a simple manufactured product.

A move row carries the item's running balance after it (quantity, value, unit cost, and the method's state:
FIFO layers or the periodic-average basis), computed at insert under a lock on the item row. The stock card is
then one indexed read, and the valuation at a date one query (latest move per item at that date).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from agora.catalog.models import Product
from agora.core.models import Organisation
from agora.ledger.models import Entry
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}
COST = {"max_digits": 18, "decimal_places": 4}
QUANTITY = {"max_digits": 18, "decimal_places": 3}
USER = settings.AUTH_USER_MODEL
ZERO_QTY = Decimal("0.000")


class Location(models.Model):
    """A place where stock is kept (warehouse, shelf, van)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    label = models.CharField("libellé", max_length=100)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "emplacement"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_stock_location_code")]

    def __str__(self):
        return f"{self.code} {self.label}"


class Category(models.TextChoices):
    GOODS = "goods", "Marchandises"
    RAW_MATERIAL = "raw_material", "Matières premières"
    FINISHED = "finished", "Produits finis"
    CONSUMABLE = "consumable", "Matières consommables"
    SUPPLIES = "supplies", "Fournitures de bureau"


class Method(models.TextChoices):
    WAC_PERPETUAL = "wac_perpetual", "CUMP après chaque entrée"
    WAC_PERIODIC = "wac_periodic", "CUMP de période (mensuel)"
    FIFO = "fifo", "PEPS (premier entré, premier sorti)"


class StockItem(models.Model):
    """The stock settings of a catalogue product, and its current balance (the state after its latest move)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    product = models.OneToOneField(Product, on_delete=models.PROTECT, related_name="stock_item",
                                   verbose_name="article")
    category = models.CharField("catégorie", max_length=20, choices=Category.choices, default=Category.GOODS)
    valuation_method = models.CharField("méthode de valorisation", max_length=20, choices=Method.choices,
                                        default=Method.WAC_PERPETUAL)
    stock_account = models.CharField("compte de stock", max_length=20)
    variation_account = models.CharField("compte de variation", max_length=20)
    minimum_stock = models.DecimalField("stock minimum", **QUANTITY, default=0)
    reorder_point = models.DecimalField("stock d'alerte", **QUANTITY, default=0)
    safety_stock = models.DecimalField("stock de sécurité", **QUANTITY, default=0)
    maximum_stock = models.DecimalField("stock maximum", **QUANTITY, default=0)
    lead_time_days = models.PositiveSmallIntegerField("délai de livraison (jours)", default=0)
    order_cost = models.DecimalField("coût de passation d'une commande", **MONEY, default=0)
    holding_rate = models.DecimalField("taux de possession annuel (%)", max_digits=5, decimal_places=2, default=0)
    preferred_supplier = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                           verbose_name="fournisseur habituel")
    allow_negative = models.BooleanField("stock négatif autorisé", default=False)
    default_location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name="emplacement par défaut")
    active = models.BooleanField("actif", default=True)
    quantity = models.DecimalField("quantité en stock", **QUANTITY, default=0)
    value = models.DecimalField("valeur du stock", **MONEY, default=0)
    unit_cost = models.DecimalField("coût unitaire", **COST, default=0)
    state = models.JSONField(default=dict, blank=True)
    last_move_date = models.DateField(null=True, blank=True)
    frozen_until = models.DateField(null=True, blank=True)  # date of the latest validated count of the item
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "article en stock"
        verbose_name_plural = "articles en stock"
        ordering = ["product__reference"]
        indexes = [models.Index(fields=["organisation", "category"])]

    def __str__(self):
        return str(self.product)


class MoveKind(models.TextChoices):
    RECEIPT = "receipt", "Réception"
    DELIVERY = "delivery", "Livraison"
    RETURN_IN = "return_in", "Retour client"
    RETURN_OUT = "return_out", "Retour fournisseur"
    TRANSFER_IN = "transfer_in", "Transfert (arrivée)"
    TRANSFER_OUT = "transfer_out", "Transfert (départ)"
    ADJUSTMENT_IN = "adjustment_in", "Ajustement (entrée)"
    ADJUSTMENT_OUT = "adjustment_out", "Ajustement (sortie)"
    COUNT_VARIANCE = "count_variance", "Écart d'inventaire"
    PRODUCTION_IN = "production_in", "Entrée de production"
    PRODUCTION_OUT = "production_out", "Consommation de production"


class StockMove(models.Model):
    """One entry into or exit from stock (signed quantity and value), with the item's balance after it.

    Append-only: a correction is a new move. A back-dated move re-values the item's later moves (their running
    balances are recomputed), except before a validated count of the item, which freezes what precedes it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="moves", db_index=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    kind = models.CharField("nature", max_length=20, choices=MoveKind.choices)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit_cost = models.DecimalField("coût unitaire", **COST)
    cost_given = models.BooleanField(default=False)  # entry at a given cost (else valued by the method)
    value = models.DecimalField("montant", **MONEY)
    quantity_after = models.DecimalField("stock après", **QUANTITY)
    value_after = models.DecimalField("valeur après", **MONEY)
    unit_cost_after = models.DecimalField("coût unitaire après", **COST)
    state_after = models.JSONField(default=dict, blank=True)
    origin_type = models.CharField("origine", max_length=40, blank=True)
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField("libellé", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "mouvement de stock"
        verbose_name_plural = "mouvements de stock"
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["item", "date", "id"], name="stock_move_card"),
            models.Index(fields=["organisation", "date", "id"], name="stock_move_org_date"),
            models.Index(fields=["organisation", "kind", "date"], name="stock_move_kind_date"),
            models.Index(fields=["origin_type", "origin_id"], name="stock_move_origin"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.quantity} — {self.item_id} le {self.date:%d/%m/%Y}"


class StockCount(models.Model):
    """A physical count (inventaire): expected quantities snapshot, counted quantities, then validation, which
    records the variances as moves and posts the stock variation entry (inventaire intermittent)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "En cours"
        VALIDATED = "validated", "Validé"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date de l'inventaire")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="emplacement")
    label = models.CharField("libellé", max_length=200, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="écriture de variation")
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "inventaire"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Inventaire n° {self.pk} du {self.date:%d/%m/%Y}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    item = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="+")
    expected_quantity = models.DecimalField("quantité théorique", **QUANTITY)
    counted_quantity = models.DecimalField("quantité comptée", **QUANTITY, null=True, blank=True)
    unit_cost = models.DecimalField("coût unitaire", **COST, default=0)
    variance_quantity = models.DecimalField("écart en quantité", **QUANTITY, default=0)
    variance_value = models.DecimalField("écart en valeur", **MONEY, default=0)

    class Meta:
        ordering = ["count_id", "item__product__reference"]
        constraints = [models.UniqueConstraint(fields=["count", "item"], name="uniq_stock_count_item")]

    def __str__(self):
        return f"{self.item_id}: {self.counted_quantity} / {self.expected_quantity}"


class BillOfMaterials(models.Model):
    """How a manufactured product is made: components per batch, direct labour, overheads, distribution."""

    class OverheadBasis(models.TextChoices):
        PERCENT = "percent", "% des coûts directs"
        PER_HOUR = "per_hour", "par heure de main-d'œuvre (unité d'œuvre)"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    item = models.OneToOneField(StockItem, on_delete=models.PROTECT, related_name="bill_of_materials",
                                verbose_name="produit fabriqué")
    batch_quantity = models.DecimalField("quantité produite par lot", **QUANTITY, default=1)
    labour_hours = models.DecimalField("heures de main-d'œuvre directe par lot", **QUANTITY, default=0)
    labour_rate = models.DecimalField("coût horaire de la main-d'œuvre", **COST, default=0)
    overhead_basis = models.CharField("base des charges indirectes", max_length=10, choices=OverheadBasis.choices,
                                      default=OverheadBasis.PER_HOUR)
    overhead_rate = models.DecimalField("taux des charges indirectes", **COST, default=0)
    distribution_cost = models.DecimalField("coût de distribution par unité", **COST, default=0)

    class Meta:
        verbose_name = "nomenclature"

    def __str__(self):
        return f"Nomenclature de {self.item}"


class BillLine(models.Model):
    bill = models.ForeignKey(BillOfMaterials, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    component = models.ForeignKey(StockItem, on_delete=models.PROTECT, related_name="+", verbose_name="composant")
    quantity = models.DecimalField("quantité par lot", **QUANTITY)

    class Meta:
        ordering = ["bill_id", "id"]
        constraints = [models.UniqueConstraint(fields=["bill", "component"], name="uniq_bill_component")]

    def __str__(self):
        return f"{self.quantity} × {self.component_id}"
