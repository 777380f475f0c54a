"""Forms of the purchasing screens: list filters and the document header (lines are a grid read from POST)."""

from django import forms

from agora.parties.models import Party

from .models import PurchaseStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = forms.TextInput(attrs={"class": "amount", "size": 8})


def suppliers(organisation):
    return Party.objects.filter(organisation=organisation, active=True).filter(
        is_supplier=True) | Party.objects.filter(organisation=organisation, active=True, is_subcontractor=True) | \
        Party.objects.filter(organisation=organisation, active=True, is_service_provider=True)


class DocumentFilterForm(forms.Form):
    status = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + PurchaseStatus.choices)
    party = forms.ModelChoiceField(label="Fournisseur", required=False, queryset=Party.objects.none(),
                                   empty_label="Tous")
    date_from = forms.DateField(label="Du", required=False, widget=DATE)
    date_to = forms.DateField(label="Au", required=False, widget=DATE)
    q = forms.CharField(label="Recherche", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "n°, fournisseur, référence"}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = suppliers(organisation).only("id", "code", "name").order_by("name")


class DocumentHeaderForm(forms.Form):
    """Header of an order or an invoice; amounts stay text (French input parsed by the service)."""

    party = forms.ModelChoiceField(label="Fournisseur", queryset=Party.objects.none())
    issue_date = forms.DateField(label="Date", widget=DATE)
    supplier_reference = forms.CharField(label="N° de pièce du fournisseur", required=False, max_length=60)
    order_reference = forms.CharField(label="Référence de commande", required=False, max_length=60)
    expected_date = forms.DateField(label="Livraison prévue le", required=False, widget=DATE)
    due_date = forms.DateField(label="Échéance", required=False, widget=DATE)
    remise = forms.CharField(label="Remise (%)", required=False, widget=AMOUNT)
    rabais = forms.CharField(label="Rabais (%)", required=False, widget=AMOUNT)
    ristourne = forms.CharField(label="Ristourne (%)", required=False, widget=AMOUNT)
    cash_discount_pct = forms.CharField(label="Escompte déduit (%)", required=False, widget=AMOUNT)
    shipping = forms.CharField(label="Frais de port HT", required=False, widget=AMOUNT)
    escompte_offered_pct = forms.CharField(label="Escompte proposé pour paiement anticipé (%)", required=False,
                                           widget=AMOUNT)
    escompte_deadline = forms.DateField(label="… si payé avant le", required=False, widget=DATE)
    source_file = forms.FileField(label="Pièce du fournisseur (PDF)", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    REDUCTIONS = (("remise", "Remise"), ("rabais", "Rabais"), ("ristourne", "Ristourne"))
    ORDER_ONLY = ("expected_date",)
    INVOICE_ONLY = ("supplier_reference", "due_date", "source_file")

    def __init__(self, *args, organisation, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = suppliers(organisation).order_by("name")
        for name in self.INVOICE_ONLY if kind == "order" else self.ORDER_ONLY:
            del self.fields[name]

    @classmethod
    def initial_from(cls, document) -> dict:
        initial = {name: getattr(document, name) for name in (
            "issue_date", "supplier_reference", "order_reference", "expected_date", "due_date", "cash_discount_pct",
            "shipping", "escompte_offered_pct", "escompte_deadline", "notes")}
        initial["party"] = document.party_id
        for reduction in document.reductions or []:
            for name, label in cls.REDUCTIONS:
                if reduction.get("label") == label:
                    initial[name] = reduction.get("pct")
        return initial

    def service_data(self) -> dict:
        """The cleaned header as the service's `data` dict."""
        data = dict(self.cleaned_data)
        data.pop("party", None)
        if not data.get("source_file"):
            data.pop("source_file", None)
        data["reductions"] = [{"label": label, "pct": data.pop(name) or "0"} for name, label in self.REDUCTIONS]
        return data
