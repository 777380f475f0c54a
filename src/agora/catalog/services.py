"""Writes on the catalogue."""

from django.db import transaction

from agora.core.audit import audit_record, snapshot
from agora.core.errors import BusinessError
from agora.core.money import parse_amount

from .domain import DEFAULT_VAT_CATEGORIES
from .models import Product, VatCategory

PRODUCT_FIELDS = ["reference", "label", "description", "kind", "unit", "sale_price", "purchase_price",
                  "vat_category", "revenue_account", "expense_account", "active"]


@transaction.atomic
def vat_categories_setup(*, organisation) -> None:
    VatCategory.objects.bulk_create([
        VatCategory(organisation=organisation, code=code, label=label, rate=rate, exemption_mention=mention,
                    vat_box=box) for code, label, rate, mention, box in DEFAULT_VAT_CATEGORIES
    ], ignore_conflicts=True)


def _clean(organisation, data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in PRODUCT_FIELDS}
    if not (data.get("reference") or "").strip():
        raise BusinessError("required", "La référence de l'article est obligatoire.", field="reference")
    if not (data.get("label") or "").strip():
        raise BusinessError("required", "La désignation de l'article est obligatoire.", field="label")
    data["reference"] = data["reference"].strip().upper()
    if data.get("kind", Product.Kind.GOODS) not in Product.Kind.values:
        raise BusinessError("invalid_kind", "Nature d'article inconnue.", field="kind")
    for name in ("sale_price", "purchase_price"):
        value = parse_amount(data.get(name) or "0", field=name, places=4)
        if value < 0:
            raise BusinessError("negative_price", "Un prix ne peut pas être négatif.", field=name)
        data[name] = value
    category = data.pop("vat_category", None)
    category_id = getattr(category, "pk", category)
    if not category_id or not VatCategory.objects.filter(organisation=organisation, pk=category_id).exists():
        raise BusinessError("unknown_vat_category", "Taux de TVA inconnu.", field="vat_category")
    data["vat_category_id"] = category_id
    for name in ("revenue_account", "expense_account"):
        if name in data and not str(data[name]).isdigit():
            raise BusinessError("invalid_account_code", "Numéro de compte invalide.", field=name)
    return data


@transaction.atomic
def product_create(*, actor, organisation, data: dict) -> Product:
    data = _clean(organisation, data)
    if Product.objects.filter(organisation=organisation, reference=data["reference"]).exists():
        raise BusinessError("duplicate_reference", f"La référence « {data['reference']} » existe déjà.",
                            field="reference")
    product = Product.objects.create(organisation=organisation, **data)
    audit_record(organisation=organisation, actor=actor, action="product.create", obj=product,
                 after=snapshot(product, PRODUCT_FIELDS))
    return product


@transaction.atomic
def product_update(*, actor, product: Product, data: dict) -> Product:
    before = snapshot(product, PRODUCT_FIELDS)
    data = _clean(product.organisation, {**before, **data})
    if Product.objects.filter(organisation_id=product.organisation_id, reference=data["reference"]).exclude(
            pk=product.pk).exists():
        raise BusinessError("duplicate_reference", f"La référence « {data['reference']} » existe déjà.",
                            field="reference")
    for key, value in data.items():
        setattr(product, key, value)
    product.save()
    audit_record(organisation=product.organisation, actor=actor, action="product.update", obj=product,
                 before=before, after=snapshot(product, PRODUCT_FIELDS))
    return product
