"""Forms of the procurement screens. Amounts, quantities and dates typed in French stay text here: the services
parse them and name the field at fault. Lines are a grid read from POST (see views/_lines.py)."""

from django import forms

from agora.catalog.models import Product
from agora.parties.models import Party
from agora.procurement.models import PurchaseRequest, RequestStatus, RfqStatus, SupplierDocument
from agora.procurement.selectors.suppliers import EXPIRED, EXPIRING, VALID, suppliers

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = forms.TextInput(attrs={"class": "amount", "size": 10})
# Quantities (3 decimals) and unit prices (4): not "amount", which amounts.js rounds to the cent on blur.
DECIMAL = forms.TextInput(attrs={"inputmode": "decimal", "style": "text-align:right", "size": 10})
DAYS = forms.NumberInput(attrs={"min": 0, "max": 999, "size": 5})


def _supplier_field(label: str = "Fournisseur", *, required: bool = True, empty: str = "—"):
    return forms.ModelChoiceField(label=label, queryset=Party.objects.none(), required=required, empty_label=empty)


class _WithSuppliers:
    def set_suppliers(self, organisation, *names):
        for name in names:
            self.fields[name].queryset = suppliers(organisation=organisation).only("id", "code", "name")


# --- purchase requests -----------------------------------------------------------------------------------------

class RequestFilterForm(_WithSuppliers, forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    status = forms.ChoiceField(label="Statut", required=False,
                               choices=[("", "Tous"), ("open", "En cours")] + RequestStatus.choices)
    origin = forms.ChoiceField(label="Origine", required=False,
                               choices=[("", "Toutes")] + PurchaseRequest.Origin.choices)


class RequestForm(_WithSuppliers, forms.Form):
    reason = forms.CharField(label="Motif", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    needed_by = forms.DateField(label="Souhaité pour le", required=False, widget=DATE)
    supplier = _supplier_field("Fournisseur suggéré", required=False, empty="Aucun")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


class DecisionForm(forms.Form):
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OrderForm(_WithSuppliers, forms.Form):
    supplier = _supplier_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


# --- requests for quotation ----------------------------------------------------------------------------------------

class RfqFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous")] + RfqStatus.choices)


class RfqForm(_WithSuppliers, forms.Form):
    subject = forms.CharField(label="Objet", max_length=200)
    issue_date = forms.DateField(label="Date", widget=DATE)
    response_due = forms.DateField(label="Réponse attendue avant le", required=False, widget=DATE)
    notes = forms.CharField(label="Notes pour les fournisseurs", required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    suppliers = forms.ModelMultipleChoiceField(label="Fournisseurs consultés", queryset=Party.objects.none(),
                                               required=False, widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "suppliers")


class AddSupplierForm(_WithSuppliers, forms.Form):
    supplier = _supplier_field()
    email = forms.EmailField(label="E-mail (sinon celui de la fiche)", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


class ResponseForm(forms.Form):
    declined = forms.BooleanField(label="Ne répond pas / décline", required=False)
    quote_reference = forms.CharField(label="Référence du devis", required=False, max_length=60)
    lead_time_days = forms.CharField(label="Délai de livraison (jours)", required=False, widget=DAYS)
    valid_until = forms.DateField(label="Offre valable jusqu'au", required=False, widget=DATE)
    comments = forms.CharField(label="Commentaires", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ChoiceForm(forms.Form):
    consulted = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(label="Motif du choix", required=False)
    confirm_vigilance = forms.BooleanField(
        label="Retenir malgré l'absence d'attestation de vigilance URSSAF valide", required=False)


# --- supplier catalogue, rating, documents ---------------------------------------------------------------------------

class SupplierProductFilterForm(_WithSuppliers, forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    supplier = _supplier_field(required=False, empty="Tous")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


class SupplierProductForm(_WithSuppliers, forms.Form):
    supplier = _supplier_field()
    product = forms.ModelChoiceField(label="Article", queryset=Product.objects.none())
    supplier_reference = forms.CharField(label="Référence fournisseur", required=False, max_length=60)
    unit_price = forms.CharField(label="Prix unitaire HT", widget=DECIMAL)
    minimum_quantity = forms.CharField(label="Quantité minimale", required=False, initial="1", widget=DECIMAL)
    lead_time_days = forms.CharField(label="Délai de livraison (jours)", required=False, initial="0", widget=DAYS)
    preferred = forms.BooleanField(label="Fournisseur préféré pour cet article", required=False)
    active = forms.BooleanField(label="Actif", required=False, initial=True)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")
        self.fields["product"].queryset = Product.objects.filter(organisation=organisation, active=True)\
            .only("id", "reference", "label")


class RatingForm(forms.Form):
    GRADES = [("", "—")] + [(str(n), str(n)) for n in range(1, 6)]
    rating_quality = forms.ChoiceField(label="Qualité", choices=GRADES, required=False)
    rating_delays = forms.ChoiceField(label="Respect des délais", choices=GRADES, required=False)
    rating_price = forms.ChoiceField(label="Prix", choices=GRADES, required=False)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentFilterForm(_WithSuppliers, forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    supplier = _supplier_field(required=False, empty="Tous")
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + SupplierDocument.Kind.choices)
    status = forms.ChoiceField(label="Validité", required=False, choices=[
        ("", "Toutes"), (EXPIRED, "Expirés"), (EXPIRING, "Expirent bientôt"), (VALID, "Valides")])
    a_renouveler = forms.BooleanField(label="À renouveler", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


class DocumentForm(_WithSuppliers, forms.Form):
    supplier = _supplier_field()
    kind = forms.ChoiceField(label="Type", choices=SupplierDocument.Kind.choices)
    label = forms.CharField(label="Intitulé", required=False, max_length=200)
    issued_on = forms.DateField(label="Délivré le", widget=DATE)
    expires_on = forms.DateField(label="Expire le", required=False, widget=DATE,
                                 help_text="Attestation de vigilance URSSAF : 6 mois après sa délivrance au plus.")
    file = forms.FileField(label="Fichier (PDF ou image, 10 Mo au plus)")
    notes = forms.CharField(label="Notes", required=False, max_length=300)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_suppliers(organisation, "supplier")


class SettingsForm(forms.Form):
    approval_threshold = forms.CharField(label="Seuil d'approbation des demandes d'achat (€ HT)", widget=AMOUNT,
                                         help_text="Au-delà, la direction approuve ; en deçà ou à égalité, la "
                                                   "demande est approuvée dès sa soumission.")
    document_warning_days = forms.CharField(label="Alerte avant expiration des documents (jours)", widget=DAYS)
