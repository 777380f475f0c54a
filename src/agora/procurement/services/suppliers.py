"""Writes on what we know of suppliers: their catalogue (product, price, minimum quantity, lead time, preferred),
their rating, and the documents they must provide (Kbis, insurance, URSSAF vigilance certificate…)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record, snapshot
from agora.core.dates import parse_date
from agora.core.errors import BusinessError
from agora.procurement.domain import add_months
from agora.procurement.inputs import (
    parse_days,
    parse_price,
    parse_quantity,
    product_get,
    supplier_get,
)
from agora.procurement.models import SupplierDocument, SupplierProduct, SupplierProfile

PRODUCT_FIELDS = ["supplier", "product", "supplier_reference", "unit_price", "minimum_quantity", "lead_time_days",
                  "preferred", "active"]
DOCUMENT_FIELDS = ["supplier", "kind", "label", "file", "issued_on", "expires_on", "notes"]
RATING_FIELDS = ["rating_quality", "rating_delays", "rating_price", "rating", "comment"]
MAX_FILE_SIZE = 10 * 1024 * 1024
FILE_TYPES = {b"%PDF-": "pdf", b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
VIGILANCE_MONTHS = 6  # Code du travail L8222-1, D8222-5: the certificate is checked every six months


# --- supplier catalogue --------------------------------------------------------------------------------------------

def _clean_product_terms(organisation, data: dict, current: SupplierProduct | None) -> dict:
    def value(name, default=None):
        return data[name] if name in data else (getattr(current, name) if current else default)

    supplier = supplier_get(organisation, data.get("supplier", current.supplier_id if current else None))
    product = product_get(organisation, data.get("product", current.product_id if current else None))
    return {
        "supplier": supplier, "product": product,
        "supplier_reference": (value("supplier_reference", "") or "").strip()[:60],
        "unit_price": parse_price(value("unit_price"), field="unit_price"),
        "minimum_quantity": parse_quantity(value("minimum_quantity", "1") or "1", field="minimum_quantity",
                                           label="La quantité minimale"),
        "lead_time_days": parse_days(value("lead_time_days", 0) or 0, field="lead_time_days"),
        "preferred": bool(value("preferred", False)),
        "active": bool(value("active", True)),
    }


def _drop_other_preferred(item: SupplierProduct) -> None:
    """One preferred supplier per product: choosing one withdraws the flag from the others."""
    if item.preferred:
        SupplierProduct.objects.filter(organisation_id=item.organisation_id, product_id=item.product_id,
                                       preferred=True).exclude(pk=item.pk).update(preferred=False)


@transaction.atomic
def supplier_product_create(*, actor, organisation, data: dict) -> SupplierProduct:
    clean = _clean_product_terms(organisation, data, None)
    if SupplierProduct.objects.filter(organisation=organisation, supplier=clean["supplier"],
                                      product=clean["product"]).exists():
        raise BusinessError("duplicate_supplier_product", f"{clean['supplier'].name} propose déjà "
                            f"l'article {clean['product'].reference} : modifiez la ligne existante.",
                            field="product")
    item = SupplierProduct(organisation=organisation, **clean)
    _drop_other_preferred(item)
    item.save()
    audit_record(organisation=organisation, actor=actor, action="procurement.supplier_product.create", obj=item,
                 after=snapshot(item, PRODUCT_FIELDS))
    return item


@transaction.atomic
def supplier_product_update(*, actor, item: SupplierProduct, data: dict) -> SupplierProduct:
    item = SupplierProduct.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, PRODUCT_FIELDS)
    clean = _clean_product_terms(item.organisation, data, item)
    if SupplierProduct.objects.filter(organisation_id=item.organisation_id, supplier=clean["supplier"],
                                      product=clean["product"]).exclude(pk=item.pk).exists():
        raise BusinessError("duplicate_supplier_product", f"{clean['supplier'].name} propose déjà "
                            f"l'article {clean['product'].reference}.", field="product")
    for name, value in clean.items():
        setattr(item, name, value)
    _drop_other_preferred(item)
    item.save()
    audit_record(organisation=item.organisation, actor=actor, action="procurement.supplier_product.update",
                 obj=item, before=before, after=snapshot(item, PRODUCT_FIELDS))
    return item


@transaction.atomic
def supplier_product_delete(*, actor, item: SupplierProduct) -> None:
    before = snapshot(item, PRODUCT_FIELDS)
    audit_record(organisation=item.organisation, actor=actor, action="procurement.supplier_product.delete",
                 obj=item, before=before)
    item.delete()


# --- rating --------------------------------------------------------------------------------------------------------

def _grade(raw, field: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise BusinessError("invalid_rating", "Note illisible : de 1 à 5.", field=field) from None
    if not 1 <= value <= 5:
        raise BusinessError("invalid_rating", "La note va de 1 à 5.", field=field)
    return value


@transaction.atomic
def supplier_rate(*, actor, organisation, supplier, data: dict) -> SupplierProfile:
    """Record the buyers' grades; the mean of the given grades (one decimal, half up) ranks offers."""
    supplier = supplier_get(organisation, supplier)
    profile, _ = SupplierProfile.objects.select_for_update().get_or_create(organisation=organisation,
                                                                             supplier=supplier)
    before = snapshot(profile, RATING_FIELDS)
    grades = {name: _grade(data.get(name), name) for name in ("rating_quality", "rating_delays", "rating_price")}
    for name, value in grades.items():
        setattr(profile, name, value)
    given = [value for value in grades.values() if value is not None]
    profile.rating = (Decimal(sum(given)) / len(given)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) \
        if given else None
    profile.comment = (data.get("comment") or "").strip()
    profile.rated_at, profile.rated_by = timezone.now(), actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    audit_record(organisation=organisation, actor=actor, action="procurement.supplier.rate", obj=profile,
                 before=before, after=snapshot(profile, RATING_FIELDS))
    return profile


# --- documents -----------------------------------------------------------------------------------------------------

def _file_content(upload) -> tuple[bytes, str]:
    """The upload's bytes and extension, checked by content: a PDF, PNG or JPEG of at most 10 MB."""
    if upload is None:
        raise BusinessError("required", "Joignez le document (PDF ou image).", field="file")
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_FILE_SIZE:
        raise BusinessError("file_too_large", "Le fichier dépasse 10 Mo.", field="file")
    content = upload.read()
    if len(content) > MAX_FILE_SIZE:
        raise BusinessError("file_too_large", "Le fichier dépasse 10 Mo.", field="file")
    extension = next((ext for magic, ext in FILE_TYPES.items() if content.startswith(magic)), None)
    if extension is None:
        raise BusinessError("file_format", "Le fichier doit être un PDF ou une image (PNG, JPEG).", field="file")
    return content, extension


@transaction.atomic
def supplier_document_add(*, actor, organisation, data: dict, upload) -> SupplierDocument:
    """File a supplier document. An URSSAF vigilance certificate without an expiry date expires six months after
    its issue (Code du travail L8222-1 and D8222-5: checked at the contract and every six months after)."""
    supplier = supplier_get(organisation, data.get("supplier"))
    kind = data.get("kind") or ""
    if kind not in SupplierDocument.Kind.values:
        raise BusinessError("invalid_kind", "Type de document inconnu.", field="kind")
    issued_on = parse_date(data.get("issued_on"), field="issued_on", required=True)
    expires_on = parse_date(data.get("expires_on"), field="expires_on")
    if kind == SupplierDocument.Kind.URSSAF_VIGILANCE:
        limit = add_months(issued_on, VIGILANCE_MONTHS)
        if expires_on is None or expires_on > limit:
            expires_on = limit
    if expires_on is not None and expires_on < issued_on:
        raise BusinessError("invalid_date", "La date d'expiration précède la date de délivrance.",
                            field="expires_on")
    content, extension = _file_content(upload)
    document = SupplierDocument(organisation=organisation, supplier=supplier, kind=kind,
                                label=(data.get("label") or "").strip()[:200], issued_on=issued_on,
                                expires_on=expires_on, notes=(data.get("notes") or "").strip()[:300],
                                created_by=actor if getattr(actor, "is_authenticated", False) else None)
    document.file.save(f"{supplier.code}-{kind}-{issued_on:%Y%m%d}.{extension}", ContentFile(content), save=False)
    document.save()
    audit_record(organisation=organisation, actor=actor, action="procurement.supplier_document.add", obj=document,
                 after=snapshot(document, DOCUMENT_FIELDS))
    return document


@transaction.atomic
def supplier_document_delete(*, actor, document: SupplierDocument) -> None:
    before = snapshot(document, DOCUMENT_FIELDS)
    audit_record(organisation=document.organisation, actor=actor, action="procurement.supplier_document.delete",
                 obj=document, before=before)
    stored = document.file.name
    document.delete()
    if stored:
        transaction.on_commit(lambda: document.file.storage.delete(stored))
