"""Forms of the sales document screens (filters and the document header; lines are a grid read from POST)."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from agora.parties.models import Party, PaymentTerm

from .models import DocumentState, OperationCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuickSelect(forms.Select):
    """A <select> built in Python: Django renders each option through a template, which made a filter of 500
    customers cost more than the whole list of 200,000 invoices (issue §10: list < 200 ms)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f'<option value="{escape(key)}"{" selected" if str(key) in chosen else ""}>{escape(label)}</option>'
            for key, label in self.choices)
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped


class DocumentFilterForm(forms.Form):
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous")] + DocumentState.choices)
    party = forms.ModelChoiceField(label="Client", required=False, queryset=Party.objects.none(),
                                   empty_label="Tous", widget=QuickSelect)
    date_from = forms.DateField(label="Du", required=False, widget=DATE)
    date_to = forms.DateField(label="Au", required=False, widget=DATE)
    q = forms.CharField(label="Recherche", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "n°, client, référence"}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(organisation=organisation, is_customer=True).only(
            "id", "code", "name")


class DocumentHeaderForm(forms.Form):
    """Header of a document; amounts stay text (French input parsed by the service)."""

    party = forms.ModelChoiceField(label="Client", queryset=Party.objects.none())
    date = forms.DateField(label="Date", widget=DATE)
    valid_until = forms.DateField(label="Valable jusqu'au", required=False, widget=DATE)
    delivery_date = forms.DateField(label="Date de livraison / d'exécution", required=False, widget=DATE)
    customer_reference = forms.CharField(label="Référence de commande du client", required=False, max_length=60)
    payment_term = forms.ModelChoiceField(label="Conditions de paiement", required=False,
                                          queryset=PaymentTerm.objects.none(), empty_label="Celles du client")
    remise = forms.CharField(label="Remise (%)", required=False, widget=forms.TextInput(attrs={"class": "amount"}))
    rabais = forms.CharField(label="Rabais (%)", required=False, widget=forms.TextInput(attrs={"class": "amount"}))
    ristourne = forms.CharField(label="Ristourne (%)", required=False,
                                widget=forms.TextInput(attrs={"class": "amount"}))
    cash_discount_pct = forms.CharField(label="Escompte (%)", required=False,
                                        widget=forms.TextInput(attrs={"class": "amount"}))
    shipping = forms.CharField(label="Frais de port HT", required=False,
                               widget=forms.TextInput(attrs={"class": "amount"}))
    operation_category = forms.ChoiceField(label="Nature de l'opération", required=False,
                                           choices=[("", "Selon les lignes")] + OperationCategory.choices)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    REDUCTIONS = (("remise", "Remise"), ("rabais", "Rabais"), ("ristourne", "Ristourne"))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(organisation=organisation, active=True).filter(
            is_customer=True) | Party.objects.filter(organisation=organisation, active=True, is_prospect=True)
        self.fields["payment_term"].queryset = PaymentTerm.objects.filter(organisation=organisation)

    def service_data(self) -> dict:
        """The cleaned header as the service's `data` dict."""
        data = dict(self.cleaned_data)
        data.pop("party", None)
        data["payment_term"] = data["payment_term"].pk if data.get("payment_term") else None
        data["reductions"] = [{"label": label, "pct": data.pop(name) or "0"} for name, label in self.REDUCTIONS]
        return data

    @classmethod
    def initial_from(cls, document) -> dict:
        initial = {"party": document.party_id, "date": document.date, "valid_until": document.valid_until,
                   "delivery_date": document.delivery_date, "customer_reference": document.customer_reference,
                   "payment_term": document.payment_term_id, "cash_discount_pct": document.cash_discount_pct or "",
                   "shipping": document.shipping or "", "operation_category": document.operation_category,
                   "notes": document.notes}
        by_label = {r["label"]: r["pct"] for r in document.reductions or []}
        for name, label in cls.REDUCTIONS:
            initial[name] = by_label.get(label, "")
        return initial


class DepositForm(forms.Form):
    pct = forms.CharField(label="Acompte (%)", widget=forms.TextInput(attrs={"class": "amount"}))


class CreditForm(forms.Form):
    kind_of_credit = forms.ChoiceField(label="Motif", choices=[
        ("return", "Retour de marchandises"), ("claim", "Réclamation"), ("rebate", "Rabais après facturation"),
        ("cancellation", "Annulation")])
    reason = forms.CharField(label="Précisions", max_length=150)
    returns_goods = forms.BooleanField(label="Marchandises retournées (remise en stock)", required=False)
