"""Reads on the catalogue, always scoped to one organisation."""

from django.db.models import Q

from .models import Product, VatCategory

# Revenue accounts offered when the organisation has no chart of accounts yet (PCG class 70).
DEFAULT_REVENUE_ACCOUNTS = [("706", "Prestations de services"), ("707", "Ventes de marchandises"),
                            ("708", "Produits des activités annexes")]


def product_list(*, organisation, search: str = "", kind: str = "", active: bool | None = None):
    """Articles by reference; `search` matches the reference or the label."""
    qs = Product.objects.filter(organisation=organisation).select_related("vat_category")
    if search:
        search = search.strip()
        qs = qs.filter(Q(reference__icontains=search) | Q(label__icontains=search))
    if kind in Product.Kind.values:
        qs = qs.filter(kind=kind)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("reference")


def product_get(*, organisation, pk: int) -> Product:
    return Product.objects.select_related("vat_category").get(organisation=organisation, pk=pk)


def vat_category_list(*, organisation, active: bool | None = None):
    qs = VatCategory.objects.filter(organisation=organisation)
    if active is not None:
        qs = qs.filter(active=active)
    return qs.order_by("-rate", "code")


def revenue_accounts(*, organisation) -> list[tuple[str, str]]:
    """(code, label) of the organisation's active class-70 accounts (sales of goods, services, ancillary);
    the PCG defaults when it has no chart yet. The account model belongs to the ledger (an upper layer), so it
    is looked up by name in the app registry rather than imported."""
    from django.apps import apps

    try:
        account_model = apps.get_model("ledger", "Account")
    except LookupError:
        return list(DEFAULT_REVENUE_ACCOUNTS)
    rows = list(account_model.objects.filter(organisation=organisation, code__startswith="70", active=True)
                .exclude(code__startswith="709")  # reductions granted: never an article's account
                .order_by("code").values_list("code", "label"))
    return rows or list(DEFAULT_REVENUE_ACCOUNTS)


def product_export_rows(queryset):
    header = ["Référence", "Désignation", "Nature", "Unité", "Prix de vente HT", "TVA", "Taux (%)",
              "Compte de produit", "Actif"]
    kinds = dict(Product.Kind.choices)

    def rows():
        for p in queryset.iterator(chunk_size=2000):
            yield [p.reference, p.label, kinds.get(p.kind, p.kind), p.unit, p.sale_price, p.vat_category.label,
                   p.vat_category.rate, p.revenue_account, p.active]

    return header, rows()
