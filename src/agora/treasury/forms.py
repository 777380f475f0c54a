"""Treasury forms: bank account, schedule filters, run proposal, line review, settings."""

from django import forms

from agora.treasury.models import BankAccount, PaymentMethod


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BankAccountForm(forms.Form):
    label = forms.CharField(label="Libellé", max_length=100)
    bank_name = forms.CharField(label="Banque", max_length=100, required=False)
    iban = forms.CharField(label="IBAN", max_length=42)
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    holder_name = forms.CharField(label="Titulaire (nom SEPA)", max_length=70, required=False,
                                  help_text="Par défaut, la raison sociale de l'organisation.")
    account_code = forms.CharField(label="Compte comptable (512…)", max_length=20, required=False,
                                   help_text="Laissez vide : 5121 pour le premier compte, 5122… pour les suivants.")
    journal_code = forms.CharField(label="Journal de banque", max_length=6, required=False,
                                   help_text="Laissez vide : BQ1 pour le premier compte, un nouveau BQn ensuite.")
    is_default = forms.BooleanField(label="Compte par défaut des paiements", required=False)
    active = forms.BooleanField(label="Actif", required=False, initial=True)

    def __init__(self, *args, instance: BankAccount | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is not None:
            self.fields.pop("journal_code")
            self.fields["account_code"].help_text = f"Journal : {instance.journal.code}."


class ScheduleFilterForm(forms.Form):
    q = forms.CharField(label="Fournisseur ou facture", required=False)
    date_from = forms.DateField(label="Échéance du", required=False, widget=DateInput())
    date_to = forms.DateField(label="au", required=False, widget=DateInput())
    overdue = forms.BooleanField(label="En retard seulement", required=False)
    period = forms.ChoiceField(label="Totaux par", choices=[("month", "mois"), ("week", "semaine")], required=False)


class ProposeForm(forms.Form):
    on = forms.DateField(label="Date de paiement", widget=DateInput(),
                         error_messages={"required": "Indiquez la date de paiement.", "invalid": "Date invalide."})
    due_until = forms.DateField(label="Échéances jusqu'au", required=False, widget=DateInput(),
                                help_text="Par défaut, la date de paiement.")
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=BankAccount.objects.none(),
                                          empty_label=None)

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = BankAccount.objects.filter(
            organisation=organisation, active=True).select_related("journal").order_by("-is_default", "label")


class LineForm(forms.Form):
    amount = forms.CharField(label="Montant à payer", max_length=30, required=False)
    method = forms.ChoiceField(label="Mode", choices=PaymentMethod.choices, required=False)
    cheque_number = forms.CharField(label="N° de chèque", max_length=30, required=False)
    selected = forms.BooleanField(label="Retenue", required=False)


class LineFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    state = forms.ChoiceField(label="Lignes", required=False, choices=[
        ("", "Toutes"), ("selected", "Retenues"), ("unselected", "Écartées"), ("blocked", "Bloquées")])
    method = forms.ChoiceField(label="Mode", required=False, choices=[("", "Tous")] + PaymentMethod.choices)


class SettingsForm(forms.Form):
    reference_rate = forms.CharField(label="Taux de référence pour l'escompte (% par an)", max_length=10,
                                     help_text="Un paiement anticipé est proposé quand l'escompte rapporte plus "
                                               "que ce taux annuel.")
    four_eyes = forms.BooleanField(label="Double validation : l'approbateur doit être une autre personne que "
                                         "l'auteur de la proposition", required=False)
