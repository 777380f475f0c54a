"""Forms of the catalogue screens: they read and type the input, the service decides (prices are parsed by
the service, French style, up to 4 decimals)."""

from django import forms

from .models import Product, VatCategory

KIND_FILTER = [("", "Toutes")] + list(Product.Kind.choices)
ACTIVE_CHOICES = [("1", "Actifs"), ("0", "Inactifs"), ("", "Tous")]


class ProductFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "Référence ou désignation", "type": "search"}))
    kind = forms.ChoiceField(label="Nature", choices=KIND_FILTER, required=False)
    active = forms.ChoiceField(label="État", choices=ACTIVE_CHOICES, required=False)

    def filters(self) -> dict:
        if not self.is_valid():
            return {"search": "", "kind": "", "active": True}
        active = self.cleaned_data["active"] if "active" in self.data else "1"
        return {"search": self.cleaned_data["q"], "kind": self.cleaned_data["kind"],
                "active": None if active == "" else active == "1"}


class ProductForm(forms.Form):
    reference = forms.CharField(label="Référence", max_length=40, widget=forms.TextInput(attrs={"autofocus": True}))
    label = forms.CharField(label="Désignation", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label="Nature", choices=Product.Kind.choices,
                             help_text="Bien ou prestation : elle fixe l'exigibilité de la TVA et la mention "
                                       "de la facture.")
    unit = forms.CharField(label="Unité", max_length=20, initial="u")
    sale_price = forms.CharField(label="Prix de vente HT", help_text="Jusqu'à 4 décimales (ex. 12,3456).",
                                 widget=forms.TextInput(attrs={"class": "amount", "inputmode": "decimal"}))
    vat_category = forms.ModelChoiceField(label="TVA", queryset=VatCategory.objects.none(), empty_label=None)
    revenue_account = forms.ChoiceField(label="Compte de produit", choices=())
    active = forms.BooleanField(label="Actif", required=False, initial=True)

    def __init__(self, *args, organisation, revenue_accounts: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vat_category"].queryset = VatCategory.objects.filter(organisation=organisation, active=True)
        choices = [(code, f"{code} — {label}") for code, label in revenue_accounts]
        current = self.initial.get("revenue_account")
        if current and current not in {code for code, _ in revenue_accounts}:
            choices.insert(0, (current, current))
        self.fields["revenue_account"].choices = choices

    @staticmethod
    def initial_of(product: Product) -> dict:
        initial = {name: getattr(product, name) for name in ProductForm.base_fields if name != "vat_category"}
        initial["vat_category"] = product.vat_category_id
        initial["sale_price"] = f"{product.sale_price.normalize():f}".replace(".", ",") \
            if product.sale_price else "0"
        return initial
