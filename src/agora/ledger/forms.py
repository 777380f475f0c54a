"""Forms of the accounting screens. They only read and type the input; the services decide."""

from django import forms

from .models import Account, FiscalYear, Journal

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

TRISTATE = [("", "Selon le numéro"), ("1", "Oui"), ("0", "Non")]
CLASS_CHOICES = [("", "Toutes")] + [(str(n), f"Classe {n}") for n in range(1, 9)]


def _tristate(value):
    return None if value in ("", None) else value == "1"


class AccountCreateForm(forms.Form):
    code = forms.CharField(label="Numéro", max_length=20,
                           widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric"}))
    label = forms.CharField(label="Intitulé", max_length=200)
    reconcilable = forms.TypedChoiceField(label="Lettrable", choices=TRISTATE, coerce=_tristate,
                                          empty_value=None, required=False)
    party_required = forms.TypedChoiceField(label="Tiers obligatoire", choices=TRISTATE, coerce=_tristate,
                                            empty_value=None, required=False)


class AccountEditForm(forms.Form):
    code = forms.CharField(label="Numéro", max_length=20,
                           help_text="Modifiable tant qu'aucune écriture ne porte sur le compte.")
    label = forms.CharField(label="Intitulé", max_length=200, widget=forms.TextInput(attrs={"autofocus": True}))
    reconcilable = forms.BooleanField(label="Lettrable", required=False)
    party_required = forms.BooleanField(label="Tiers obligatoire", required=False)
    active = forms.BooleanField(label="Actif", required=False)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    account_class = forms.TypedChoiceField(label="Classe", choices=CLASS_CHOICES, coerce=int, empty_value=None,
                                           required=False)


class JournalForm(forms.Form):
    code = forms.CharField(label="Code", max_length=6, widget=forms.TextInput(attrs={"autofocus": True}))
    label = forms.CharField(label="Libellé", max_length=100)
    kind = forms.ChoiceField(label="Type", choices=Journal.Kind.choices)
    default_account = forms.ModelChoiceField(label="Compte de contrepartie", queryset=Account.objects.none(),
                                             required=False, to_field_name="code")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_account"].queryset = Account.objects.filter(
            organisation=organisation, active=True, account_class=5)


class FiscalYearForm(forms.Form):
    start_date = forms.DateField(label="Début", required=False, **DATE_WIDGET,
                                 help_text="Vide : le lendemain de la fin du dernier exercice.")
    end_date = forms.DateField(label="Fin", required=False, **DATE_WIDGET,
                               help_text="Vide : douze mois après le début.")


class EntryFilterForm(forms.Form):
    journal = forms.ModelChoiceField(label="Journal", queryset=Journal.objects.none(), required=False,
                                     to_field_name="code", empty_label="Tous")
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), ("draft", "Brouillard"),
                                                                      ("posted", "Validée")])
    fiscal_year = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.none(), required=False,
                                         empty_label="Tous")
    date_from = forms.DateField(label="Du", required=False, **DATE_WIDGET)
    date_to = forms.DateField(label="Au", required=False, **DATE_WIDGET)
    q = forms.CharField(label="Libellé ou pièce", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = Journal.objects.filter(organisation=organisation)
        self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(organisation=organisation)


class EntryHeaderForm(forms.Form):
    """The header of the entry form; lines are read from the POST by the view (they are dynamic)."""

    journal = forms.ChoiceField(label="Journal")
    date = forms.DateField(label="Date", **DATE_WIDGET)
    reference = forms.CharField(label="Pièce", max_length=40, required=False)
    label = forms.CharField(label="Libellé", max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        journals = Journal.objects.filter(organisation=organisation, active=True).exclude(
            kind=Journal.Kind.OPENING)
        self.fields["journal"].choices = [(j.code, f"{j.code} — {j.label}") for j in journals]


class ReverseForm(forms.Form):
    date = forms.DateField(label="Date de l'extourne", **DATE_WIDGET)
    label = forms.CharField(label="Libellé", max_length=200, required=False)


class ReportFilterForm(forms.Form):
    """Filters shared by the journal, the general ledger and the trial balance."""

    fiscal_year = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.none(), empty_label=None)
    date_from = forms.DateField(label="Du", required=False, **DATE_WIDGET)
    date_to = forms.DateField(label="Au", required=False, **DATE_WIDGET)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(organisation=organisation).order_by(
            "-start_date")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "La date de fin précède la date de début.")
        return data


class JournalReportForm(ReportFilterForm):
    journal = forms.ModelChoiceField(label="Journal", queryset=Journal.objects.none(), required=False,
                                     to_field_name="code", empty_label="Tous")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, organisation=organisation, **kwargs)
        self.fields["journal"].queryset = Journal.objects.filter(organisation=organisation)


class GeneralLedgerForm(ReportFilterForm):
    account_from = forms.CharField(label="Du compte", required=False, max_length=20)
    account_to = forms.CharField(label="Au compte", required=False, max_length=20)
    party = forms.CharField(label="Tiers", required=False, max_length=20)


class TrialBalanceForm(ReportFilterForm):
    account_class = forms.TypedChoiceField(label="Classe", choices=CLASS_CHOICES, coerce=int, empty_value=None,
                                           required=False)
    auxiliary = forms.ChoiceField(label="Balance", required=False, choices=[
        ("", "Générale"), ("customer", "Balance clients"), ("supplier", "Balance fournisseurs")])


class FiscalYearChoiceForm(forms.Form):
    fiscal_year = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.none(), empty_label=None)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(organisation=organisation).order_by(
            "-start_date")
