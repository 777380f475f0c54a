"""Reading the values a buyer types (French dates, quantities, prices) and resolving the parties and products they
name, each refused with a French message naming the field. Shared by the procurement services."""

from decimal import Decimal

from agora.catalog.models import Product
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.parties.models import Party

SUPPLIER_ROLES = ("is_supplier", "is_subcontractor", "is_service_provider")


def parse_quantity(raw, *, field: str, label: str = "La quantité") -> Decimal:
    """A strictly positive quantity, three decimals at most (as purchase order lines)."""
    if raw in (None, ""):
        raise BusinessError("required", f"{label} est obligatoire.", field=field)
    value = parse_amount(raw, field=field, places=3)
    if value <= 0:
        raise BusinessError("negative_quantity" if value < 0 else "zero_quantity",
                            f"{label} doit être positive.", field=field)
    return value


def parse_price(raw, *, field: str, required: bool = True, label: str = "Le prix unitaire HT") -> Decimal | None:
    """A unit price (four decimals at most), zero or more."""
    if raw in (None, ""):
        if required:
            raise BusinessError("required", f"{label} est obligatoire.", field=field)
        return None
    value = parse_amount(raw, field=field, places=4)
    if value < 0:
        raise BusinessError("negative_price", f"{label} ne peut pas être négatif.", field=field)
    return value


def parse_days(raw, *, field: str, required: bool = False) -> int | None:
    """A number of days (0 to 999)."""
    if raw in (None, ""):
        if required:
            raise BusinessError("required", "Le délai est obligatoire.", field=field)
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BusinessError("invalid_days", f"Nombre de jours illisible : « {raw} ».", field=field) from None
    if not 0 <= value <= 999:
        raise BusinessError("invalid_days", "Le nombre de jours va de 0 à 999.", field=field)
    return value


def _pk(value):
    return getattr(value, "pk", value)


def supplier_get(organisation, value, *, field: str = "supplier", required: bool = True) -> Party | None:
    """A party of this organisation holding a supplier, subcontractor or service-provider role."""
    if value in (None, ""):
        if required:
            raise BusinessError("required", "Choisissez le fournisseur.", field=field)
        return None
    try:
        pk = int(_pk(value))
    except (TypeError, ValueError):
        raise BusinessError("unknown_supplier", "Fournisseur inconnu.", field=field) from None
    party = Party.objects.filter(organisation=organisation, pk=pk).first()
    if party is None:
        raise BusinessError("unknown_supplier", "Fournisseur inconnu dans cette organisation.", field=field)
    if not any(getattr(party, role) for role in SUPPLIER_ROLES):
        raise BusinessError("not_a_supplier", f"« {party.name} » n'est ni fournisseur, ni sous-traitant, ni "
                            "prestataire : ajoutez ce rôle sur sa fiche tiers.", field=field)
    return party


def product_get(organisation, value, *, field: str = "product", required: bool = True) -> Product | None:
    if value in (None, ""):
        if required:
            raise BusinessError("required", "Choisissez l'article.", field=field)
        return None
    try:
        pk = int(_pk(value))
    except (TypeError, ValueError):
        raise BusinessError("unknown_product", "Article inconnu.", field=field) from None
    product = Product.objects.filter(organisation=organisation, pk=pk).select_related("vat_category").first()
    if product is None:
        raise BusinessError("unknown_product", "Article inconnu dans cette organisation.", field=field)
    return product
