"""VAT forms: preparing a return, the manual regularisations of a draft, the settings, the list filters."""

from django import forms

from agora.vat.models import VatReturn


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PrepareForm(forms.Form):
    start = forms.DateField(label="Une date de la période", required=False, widget=DateInput(),
                            help_text="Laissez vide pour la prochaine période à déclarer.")


class RegularisationForm(forms.Form):
    regularisation_15 = forms.CharField(label="Ligne 15 — TVA antérieurement déduite à reverser", required=False)
    regularisation_21 = forms.CharField(label="Ligne 21 — autre TVA à déduire", required=False)
    comment = forms.CharField(label="Commentaire (justification)", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.Form):
    quarterly = forms.BooleanField(label="CA3 trimestrielle (TVA annuelle inférieure à 4 000 €)", required=False)
    deadline_day = forms.IntegerField(label="Jour limite de dépôt et de paiement (mois suivant)", min_value=1,
                                      max_value=31)


class ReturnFilterForm(forms.Form):
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *VatReturn.State.choices])
    form = forms.ChoiceField(label="Formulaire", required=False, choices=[("", "Tous"), *VatReturn.Form.choices])
