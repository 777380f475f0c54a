"""Forms of the stock screens. They only shape input: every rule is checked by the services."""

from django import forms

from agora.catalog.models import Product
from agora.parties.models import Party

from .models import BillOfMaterials, Category, Location, Method, MoveKind, StockCount, StockItem

MANUAL_KINDS = [(k, label) for k, label in MoveKind.choices
                if k in ("receipt", "delivery", "return_in", "return_out", "adjustment_in", "adjustment_out")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _items(organisation):
    return StockItem.objects.filter(organisation=organisation, active=True).select_related("product")\
        .order_by("product__reference")


def _locations(organisation):
    return Location.objects.filter(organisation=organisation, active=True).order_by("code")


class ItemFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    category = forms.ChoiceField(label="Catégorie", required=False, choices=[("", "Toutes")] + Category.choices)
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none(), required=False)
    alert = forms.BooleanField(label="Sous le stock d'alerte", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(organisation)


class ItemForm(forms.Form):
    product = forms.ModelChoiceField(label="Article du catalogue", queryset=Product.objects.none())
    category = forms.ChoiceField(label="Catégorie", choices=Category.choices)
    valuation_method = forms.ChoiceField(label="Méthode de valorisation", choices=Method.choices)
    stock_account = forms.CharField(label="Compte de stock", required=False,
                                    help_text="Par défaut selon la catégorie (37, 31, 355, 321, 322).")
    variation_account = forms.CharField(label="Compte de variation", required=False,
                                        help_text="Par défaut selon la catégorie (6037, 6031, 713, 6032).")
    default_location = forms.ModelChoiceField(label="Emplacement par défaut", queryset=Location.objects.none(),
                                              required=False)
    minimum_stock = forms.CharField(label="Stock minimum", required=False)
    safety_stock = forms.CharField(label="Stock de sécurité", required=False)
    reorder_point = forms.CharField(label="Stock d'alerte (point de commande)", required=False)
    maximum_stock = forms.CharField(label="Stock maximum", required=False)
    lead_time_days = forms.IntegerField(label="Délai de livraison (jours)", required=False, min_value=0)
    preferred_supplier = forms.ModelChoiceField(label="Fournisseur habituel", queryset=Party.objects.none(),
                                                required=False)
    order_cost = forms.CharField(label="Coût de passation d'une commande", required=False)
    holding_rate = forms.CharField(label="Taux de possession annuel (%)", required=False)
    allow_negative = forms.BooleanField(label="Autoriser le stock négatif", required=False)
    active = forms.BooleanField(label="Actif", required=False, initial=True)

    def __init__(self, *args, organisation, item: StockItem | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if item is None:
            self.fields["product"].queryset = Product.objects.filter(
                organisation=organisation, kind=Product.Kind.GOODS, stock_item__isnull=True).order_by("reference")
        else:
            del self.fields["product"]
        self.fields["default_location"].queryset = _locations(organisation)
        self.fields["preferred_supplier"].queryset = Party.objects.filter(organisation=organisation,
                                                                          is_supplier=True).order_by("name")


class MoveFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    kind = forms.ChoiceField(label="Nature", required=False, choices=[("", "Toutes")] + MoveKind.choices)
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none(), required=False)
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(organisation)


class MoveForm(forms.Form):
    item = forms.ModelChoiceField(label="Article", queryset=StockItem.objects.none())
    kind = forms.ChoiceField(label="Nature", choices=MANUAL_KINDS)
    date = forms.DateField(label="Date", widget=DateInput())
    quantity = forms.CharField(label="Quantité")
    unit_cost = forms.CharField(label="Coût unitaire HT", required=False,
                                help_text="Entrées seulement ; vide : coût unitaire actuel. Les sorties sont "
                                          "valorisées par la méthode de l'article.")
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none(), required=False,
                                      help_text="Vide : l'emplacement par défaut de l'article.")
    label = forms.CharField(label="Libellé", required=False, max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items(organisation)
        self.fields["location"].queryset = _locations(organisation)


class TransferForm(forms.Form):
    item = forms.ModelChoiceField(label="Article", queryset=StockItem.objects.none())
    date = forms.DateField(label="Date", widget=DateInput())
    quantity = forms.CharField(label="Quantité")
    from_location = forms.ModelChoiceField(label="De", queryset=Location.objects.none())
    to_location = forms.ModelChoiceField(label="Vers", queryset=Location.objects.none())
    label = forms.CharField(label="Libellé", required=False, max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items(organisation)
        self.fields["from_location"].queryset = _locations(organisation)
        self.fields["to_location"].queryset = _locations(organisation)


class CardFilterForm(forms.Form):
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="Au", required=False, widget=DateInput())


class DateForm(forms.Form):
    day = forms.DateField(label="Au", required=False, widget=DateInput())
    q = forms.CharField(label="Recherche", required=False)
    category = forms.ChoiceField(label="Catégorie", required=False, choices=[("", "Toutes")] + Category.choices)


class LocationForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20)
    label = forms.CharField(label="Libellé", max_length=100)


class CountFilterForm(forms.Form):
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + StockCount.Status.choices)


class CountForm(forms.Form):
    date = forms.DateField(label="Date de l'inventaire", widget=DateInput())
    location = forms.ModelChoiceField(label="Emplacement", queryset=Location.objects.none(), required=False,
                                      help_text="Vide : tous les emplacements.")
    label = forms.CharField(label="Libellé", required=False, max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = _locations(organisation)


class BillForm(forms.Form):
    item = forms.ModelChoiceField(label="Produit fini", queryset=StockItem.objects.none())
    batch_quantity = forms.CharField(label="Quantité produite par lot", initial="1")
    labour_hours = forms.CharField(label="Heures de main-d'œuvre directe par lot", initial="0")
    labour_rate = forms.CharField(label="Coût horaire de la main-d'œuvre", initial="0")
    overhead_basis = forms.ChoiceField(label="Base des charges indirectes",
                                       choices=BillOfMaterials.OverheadBasis.choices)
    overhead_rate = forms.CharField(label="Taux des charges indirectes", initial="0",
                                    help_text="Par heure de main-d'œuvre, ou en % des coûts directs.")
    distribution_cost = forms.CharField(label="Coût de distribution par unité", initial="0")
    components = forms.CharField(label="Composants", widget=forms.Textarea(attrs={"rows": 5}),
                                 help_text="Une ligne par composant : référence ; quantité par lot "
                                           "(par exemple « PLANCHE ; 4 »).")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = _items(organisation).filter(category=Category.FINISHED)


class ProductionForm(forms.Form):
    quantity = forms.CharField(label="Quantité produite")
    date = forms.DateField(label="Date", widget=DateInput())


class PurchaseCostForm(forms.Form):
    lines = forms.CharField(label="Lignes achetées", widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="Une ligne par article : libellé ; quantité ; prix d'achat unitaire HT.")
    ancillary = forms.CharField(label="Frais accessoires d'achat HT", initial="0")
    basis = forms.ChoiceField(label="Répartition", choices=[("value", "Au prorata de la valeur"),
                                                            ("quantity", "Au prorata des quantités")])
