"""Cash forms: register, movement, count sheet, filters, forecast settings, recurring items, manual lines."""

from django import forms

from .domain import DENOMINATIONS, denomination_label
from .models import CashMovement, Category, Direction, RecurringItem
from .services.movements import VAT_RATES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class RegisterForm(forms.Form):
    label = forms.CharField(label="Libellé", max_length=100)
    active = forms.BooleanField(label="Active", required=False, initial=True)


class MovementForm(forms.Form):
    direction = forms.ChoiceField(label="Sens", choices=CashMovement.Direction.choices)
    date = forms.DateField(label="Date", widget=DateInput())
    label = forms.CharField(label="Libellé", max_length=200)
    amount = forms.CharField(label="Montant TTC (€)", max_length=20)
    counter_account = forms.CharField(
        label="Compte de contrepartie", max_length=20,
        help_text="411 client (avec son code), 707 vente, 6064 fournitures, 625 déplacements, 580 remise en "
                  "banque ou retrait, 108/455 apport de l'exploitant ou d'un associé.")
    party = forms.CharField(label="Tiers (code)", max_length=20, required=False)
    vat_rate = forms.ChoiceField(label="TVA incluse", required=False,
                                 choices=[("", "Sans TVA")] + [(f"{r}", f"{r.normalize():f} %".replace(".", ","))
                                                               for r in VAT_RATES])
    reference = forms.CharField(label="Pièce (n° de ticket, de facture)", max_length=40, required=False)
    private_customer = forms.BooleanField(
        label="Client particulier confirmé", required=False,
        help_text="Entre professionnels, le paiement en espèces est limité à 1 000 € (art. L112-6 du Code "
                  "monétaire et financier). Au-delà, cochez seulement si le client est un particulier.")


class PeriodForm(forms.Form):
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="au", required=False, widget=DateInput())
    direction = forms.ChoiceField(label="Sens", required=False, choices=[("", "Tous")] + CashMovement.Direction.choices)
    q = forms.CharField(label="Recherche", required=False)


class BookForm(forms.Form):
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="au", required=False, widget=DateInput())


class CountForm(forms.Form):
    """The count sheet: one quantity per note and coin (field q_<face value>)."""

    date = forms.DateField(label="Date du comptage", widget=DateInput())
    counter_name = forms.CharField(label="Compté par (nom du signataire)", max_length=100)
    note = forms.CharField(label="Observations", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value in DENOMINATIONS:
            self.fields[f"q_{value}"] = forms.IntegerField(label=denomination_label(value), min_value=0, initial=0,
                                                           required=False)

    def denomination_fields(self):
        return [(value, self[f"q_{value}"]) for value in DENOMINATIONS]

    def header_fields(self):
        return [self["date"], self["counter_name"], self["note"]]

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"date": data["date"], "counter_name": data["counter_name"], "note": data["note"],
                "quantities": {value: data.get(f"q_{value}") or 0 for value in DENOMINATIONS}}


class PositionForm(forms.Form):
    on = forms.DateField(label="Au", required=False, widget=DateInput())


class ForecastForm(forms.Form):
    start = forms.DateField(label="À partir du", required=False, widget=DateInput())
    unit = forms.ChoiceField(label="Par", required=False, choices=[("week", "semaine"), ("month", "mois")])
    count = forms.IntegerField(label="Nombre de périodes", required=False, min_value=1, max_value=24,
                               help_text="Par défaut 13 semaines (3 mois) ou 12 mois.")


class RecurringForm(forms.Form):
    label = forms.CharField(label="Libellé", max_length=100)
    amount = forms.CharField(label="Montant (€)", max_length=20)
    direction = forms.ChoiceField(label="Sens", choices=Direction.choices, initial=Direction.OUTFLOW)
    category = forms.ChoiceField(label="Catégorie", choices=Category.choices)
    frequency = forms.ChoiceField(label="Périodicité", choices=RecurringItem.Frequency.choices)
    day_of_month = forms.IntegerField(label="Jour du mois", min_value=1, max_value=31, initial=1)
    start_date = forms.DateField(label="À partir du", widget=DateInput())
    end_date = forms.DateField(label="Jusqu'au", required=False, widget=DateInput())
    active = forms.BooleanField(label="Active", required=False, initial=True)


class ForecastLineForm(forms.Form):
    date = forms.DateField(label="Date prévue", widget=DateInput())
    label = forms.CharField(label="Libellé", max_length=100)
    amount = forms.CharField(label="Montant (€)", max_length=20)
    direction = forms.ChoiceField(label="Sens", choices=Direction.choices)
    category = forms.ChoiceField(label="Catégorie", choices=Category.choices)
