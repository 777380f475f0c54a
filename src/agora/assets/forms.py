"""Forms of the fixed assets and provisions screens (the services do the checking; these only read input)."""

from django import forms

from .models import Disposal, FixedAsset, Provision


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


DATE_ERRORS = {"required": "Indiquez la date.", "invalid": "Date invalide."}


class AssetForm(forms.Form):
    label = forms.CharField(label="Désignation", max_length=200)
    account_code = forms.CharField(label="Compte d'immobilisation", max_length=20,
                                   help_text="205 logiciels, 2154 matériel industriel, 2182 transport, 2183 "
                                             "informatique, 2184 mobilier… Le compte 28… d'amortissement suit.")
    acquisition_date = forms.DateField(label="Date d'acquisition", widget=DateInput(), error_messages=DATE_ERRORS)
    in_service_date = forms.DateField(label="Date de mise en service", widget=DateInput(), required=False,
                                      help_text="Par défaut, la date d'acquisition.")
    cost = forms.CharField(label="Valeur d'origine HT", max_length=30,
                           help_text="Hors TVA récupérable ; TVA comprise si elle n'est pas déductible.")
    non_deductible_vat = forms.BooleanField(label="TVA non récupérable incluse dans la valeur", required=False)
    residual_value = forms.CharField(label="Valeur résiduelle", max_length=30, required=False,
                                     help_text="Le plus souvent 0.")
    life_years = forms.IntegerField(label="Durée (années)", required=False, min_value=1, max_value=50)
    life_months = forms.IntegerField(label="ou durée (mois)", required=False, min_value=1, max_value=600)
    method = forms.ChoiceField(label="Mode d'amortissement", choices=FixedAsset.Method.choices)
    opening_depreciation = forms.CharField(
        label="Amortissements antérieurs repris", max_length=30, required=False,
        help_text="Bien acquis avant le premier exercice tenu dans Agora : cumul à la veille de cet exercice "
                  "(laissez vide pour le calculer selon le plan).")
    opening_date = forms.DateField(label="… arrêtés au", widget=DateInput(), required=False,
                                   help_text="Par défaut, la veille du premier exercice tenu dans Agora ; la fin "
                                             "d'un exercice plus récent pour un bien entré plus tard (apport).")
    supplier_code = forms.CharField(label="Code fournisseur", max_length=20, required=False)


class FromInvoiceForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    life_years = forms.IntegerField(label="Durée (années)", min_value=1, max_value=50, initial=5)
    method = forms.ChoiceField(label="Mode", choices=FixedAsset.Method.choices)


class DisposalForm(forms.Form):
    date = forms.DateField(label="Date de sortie", widget=DateInput(), error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label="Type de sortie", choices=Disposal.Kind.choices)
    price = forms.CharField(label="Prix de cession HT", max_length=30, required=False,
                            help_text="0 pour une mise au rebut.")
    vat_rate = forms.CharField(label="Taux de TVA sur la cession (%)", max_length=10, required=False,
                               help_text="20 pour un bien dont la TVA avait été déduite ; vide sinon.")
    counterpart = forms.ChoiceField(label="Contrepartie du prix", choices=[
        ("462", "462 Créance sur cession (encaissement plus tard)"), ("5121", "5121 Banque (payé comptant)")])


class RunForm(forms.Form):
    fiscal_year = forms.IntegerField(widget=forms.HiddenInput)


class DoubtfulForm(forms.Form):
    party_code = forms.CharField(label="Code client", max_length=20)
    date = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)
    loss_rate = forms.CharField(label="Perte estimée (%)", max_length=10)


class ProvisionForm(forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=[(Provision.Kind.RISK, Provision.Kind.RISK.label),
                                                      (Provision.Kind.CHARGE, Provision.Kind.CHARGE.label)])
    label = forms.CharField(label="Objet", max_length=200)
    account_code = forms.CharField(label="Compte", max_length=20, required=False,
                                   help_text="151 litiges et risques, 158 autres charges ; vide : selon la nature.")
    amount = forms.CharField(label="Montant", max_length=30)
    date = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)


class AdjustForm(forms.Form):
    date = forms.DateField(label="Date", widget=DateInput(), error_messages=DATE_ERRORS)
    amount = forms.CharField(label="Nouveau montant de la provision", max_length=30, required=False)
    loss_rate = forms.CharField(label="ou nouvelle perte estimée (%)", max_length=10, required=False)
    reason = forms.CharField(label="Motif", max_length=200, required=False)


class LossForm(forms.Form):
    date = forms.DateField(label="Date de la perte", widget=DateInput(), error_messages=DATE_ERRORS)
    reason = forms.CharField(label="Motif", max_length=200, required=False,
                             help_text="Par exemple : clôture de la liquidation judiciaire.")


class ReviewForm(forms.Form):
    fiscal_year = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Observations", max_length=300, required=False)
