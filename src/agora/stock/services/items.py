"""Writes on stock settings: locations and stocked items (the stock side of a catalogue product)."""

from decimal import Decimal

from django.db import transaction

from agora.catalog.models import Product
from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.parties.models import Party

from ..models import Category, Location, Method, StockItem

# Category → (stock account, variation account), PCG 2025: 37/6037 goods, 31/6031 raw materials, 355/713
# finished products, 321/6032 consumables, 322/6032 office supplies.
DEFAULT_ACCOUNTS = {
    Category.GOODS: ("37", "6037"),
    Category.RAW_MATERIAL: ("31", "6031"),
    Category.FINISHED: ("355", "713"),
    Category.CONSUMABLE: ("321", "6032"),
    Category.SUPPLIES: ("322", "6032"),
}
DEFAULT_LOCATION = ("PRINC", "Stock principal")
ITEM_FIELDS = ["category", "valuation_method", "stock_account", "variation_account", "minimum_stock",
               "reorder_point", "safety_stock", "maximum_stock", "lead_time_days", "order_cost", "holding_rate",
               "preferred_supplier", "allow_negative", "default_location", "active"]
QUANTITY_FIELDS = ["minimum_stock", "reorder_point", "safety_stock", "maximum_stock"]


@transaction.atomic
def location_create(*, actor, organisation, code: str, label: str) -> Location:
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        raise BusinessError("required", "Le code de l'emplacement est obligatoire (20 caractères au plus).",
                            field="code")
    if not (label or "").strip():
        raise BusinessError("required", "Le libellé de l'emplacement est obligatoire.", field="label")
    if Location.objects.filter(organisation=organisation, code=code).exists():
        raise BusinessError("duplicate_location", f"L'emplacement {code} existe déjà.", field="code")
    location = Location.objects.create(organisation=organisation, code=code, label=label.strip()[:100])
    audit_record(organisation=organisation, actor=actor, action="stock.location.create", obj=location,
                 after={"code": code, "label": location.label})
    return location


@transaction.atomic
def location_update(*, actor, location: Location, label: str, active: bool) -> Location:
    if not (label or "").strip():
        raise BusinessError("required", "Le libellé de l'emplacement est obligatoire.", field="label")
    before = snapshot(location, ["label", "active"])
    if not active and StockItem.objects.filter(default_location=location, active=True).exists():
        raise BusinessError("location_in_use", "Cet emplacement est l'emplacement par défaut d'articles actifs.",
                            field="active")
    location.label, location.active = label.strip()[:100], bool(active)
    location.save(update_fields=["label", "active"])
    audit_record(organisation=location.organisation, actor=actor, action="stock.location.update", obj=location,
                 before=before, after=snapshot(location, ["label", "active"]))
    return location


def default_location(organisation) -> Location:
    """The organisation's first active location, created ("PRINC") when it has none."""
    location = Location.objects.filter(organisation=organisation, active=True).order_by("id").first()
    if location is None:
        location, _ = Location.objects.get_or_create(organisation=organisation, code=DEFAULT_LOCATION[0],
                                                     defaults={"label": DEFAULT_LOCATION[1]})
    return location


def _clean(organisation, data: dict, *, item: StockItem | None) -> dict:
    clean = {}
    category = data.get("category", item.category if item else Category.GOODS)
    if category not in Category.values:
        raise BusinessError("invalid_category", "Catégorie de stock inconnue.", field="category")
    clean["category"] = category
    method = data.get("valuation_method", item.valuation_method if item else Method.WAC_PERPETUAL)
    if method not in Method.values:
        raise BusinessError("invalid_method", "Méthode de valorisation inconnue.", field="valuation_method")
    if item is not None and method != item.valuation_method and item.moves.exists():
        raise BusinessError("method_locked", "La méthode de valorisation ne change plus une fois des mouvements "
                            "enregistrés (permanence des méthodes).", field="valuation_method")
    clean["valuation_method"] = method
    stock_default, variation_default = DEFAULT_ACCOUNTS[category]
    for name, default in (("stock_account", stock_default), ("variation_account", variation_default)):
        value = str(data.get(name) or "").strip() or (getattr(item, name) if item and category == item.category
                                                     else default)
        if not value.isdigit():
            raise BusinessError("invalid_account_code", "Numéro de compte invalide.", field=name)
        clean[name] = value
    if not clean["stock_account"].startswith("3"):
        raise BusinessError("invalid_account_code", "Le compte de stock est un compte de la classe 3.",
                            field="stock_account")
    if not clean["variation_account"].startswith(("603", "713")):
        raise BusinessError("invalid_account_code", "Le compte de variation est un 603x ou un 713x.",
                            field="variation_account")
    for name in QUANTITY_FIELDS:
        raw = data.get(name, getattr(item, name) if item else "0")
        value = parse_amount(raw if raw not in (None, "") else "0", field=name, places=3)
        if value < 0:
            raise BusinessError("negative", "Une quantité de gestion ne peut pas être négative.", field=name)
        clean[name] = value
    clean["order_cost"] = parse_amount(data.get("order_cost", item.order_cost if item else "0") or "0",
                                       field="order_cost")
    clean["holding_rate"] = parse_amount(data.get("holding_rate", item.holding_rate if item else "0") or "0",
                                         field="holding_rate")
    if clean["order_cost"] < 0 or not Decimal(0) <= clean["holding_rate"] <= 100:
        raise BusinessError("invalid", "Coût de commande positif et taux de possession entre 0 et 100 %.",
                            field="holding_rate" if clean["order_cost"] >= 0 else "order_cost")
    lead = data.get("lead_time_days", item.lead_time_days if item else 0)
    try:
        clean["lead_time_days"] = int(lead or 0)
    except (TypeError, ValueError) as exc:
        raise BusinessError("invalid", "Délai de livraison : un nombre de jours.", field="lead_time_days") from exc
    if not 0 <= clean["lead_time_days"] <= 365:
        raise BusinessError("invalid", "Délai de livraison : entre 0 et 365 jours.", field="lead_time_days")
    supplier = data.get("preferred_supplier", item.preferred_supplier_id if item else None)
    supplier_id = getattr(supplier, "pk", supplier)
    if supplier_id and not Party.objects.filter(organisation=organisation, pk=supplier_id,
                                                is_supplier=True).exists():
        raise BusinessError("unknown_supplier", "Fournisseur inconnu.", field="preferred_supplier")
    clean["preferred_supplier_id"] = supplier_id or None
    location = data.get("default_location", item.default_location_id if item else None)
    location_id = getattr(location, "pk", location)
    if location_id and not Location.objects.filter(organisation=organisation, pk=location_id).exists():
        raise BusinessError("unknown_location", "Emplacement inconnu.", field="default_location")
    clean["default_location_id"] = location_id or default_location(organisation).pk
    clean["allow_negative"] = bool(data.get("allow_negative", item.allow_negative if item else False))
    clean["active"] = bool(data.get("active", item.active if item else True))
    return clean


@transaction.atomic
def stock_item_create(*, actor, organisation, product: Product | int, data: dict) -> StockItem:
    """Track a goods product in stock; accounts default from the category."""
    product_id = getattr(product, "pk", product)
    product = Product.objects.filter(organisation=organisation, pk=product_id).first()
    if product is None:
        raise BusinessError("unknown_product", "Article du catalogue inconnu.", field="product")
    if product.kind != Product.Kind.GOODS:
        raise BusinessError("not_goods", "Seuls les biens se suivent en stock, pas les prestations.",
                            field="product")
    if StockItem.objects.filter(product=product).exists():
        raise BusinessError("already_tracked", f"L'article {product.reference} est déjà suivi en stock.",
                            field="product")
    item = StockItem.objects.create(organisation=organisation, product=product,
                                    **_clean(organisation, data, item=None))
    audit_record(organisation=organisation, actor=actor, action="stock.item.create", obj=item,
                 after=snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def stock_item_update(*, actor, item: StockItem, data: dict) -> StockItem:
    item = StockItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, ITEM_FIELDS)
    for name, value in _clean(item.organisation, data, item=item).items():
        setattr(item, name, value)
    item.save()
    audit_record(organisation=item.organisation, actor=actor, action="stock.item.update", obj=item,
                 before=before, after=snapshot(item, ITEM_FIELDS))
    return item
