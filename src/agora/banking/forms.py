"""Banking forms: statement filters, the import form, the CSV mapping form."""

from django import forms

from .models import StatementFormat
from .services.mappings import COLUMN_NAMES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatementFilterForm(forms.Form):
    account = forms.ModelChoiceField(label="Compte", queryset=None, required=False, empty_label="Tous")
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="Au", required=False, widget=DateInput())

    def __init__(self, *args, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts


class ImportForm(forms.Form):
    file = forms.FileField(label="Fichier du relevé", help_text="OFX, CAMT.053 (XML), CFONB 120 ou CSV ; glissez-le "
                           "ici ou cliquez pour le choisir.")
    bank_account = forms.ModelChoiceField(label="Compte bancaire", queryset=None, required=False,
                                          empty_label="D'après l'IBAN du fichier",
                                          help_text="Obligatoire pour un CSV ; sinon vérifié d'après le fichier.")
    format = forms.ChoiceField(label="Format", required=False,
                               choices=[("", "Reconnu automatiquement"), *StatementFormat.choices])
    mapping = forms.ModelChoiceField(label="Modèle CSV", queryset=None, required=False,
                                     empty_label="(CSV : le modèle du compte, ou en créer un)")

    def __init__(self, *args, accounts, mappings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].queryset = accounts
        self.fields["mapping"].queryset = mappings
        self.fields["file"].widget.attrs.update({"class": "dropzone"})


COLUMN_LABELS = {"date": "Date d'opération", "value_date": "Date de valeur", "label": "Libellé",
                 "amount": "Montant signé", "debit": "Débit", "credit": "Crédit", "reference": "Référence",
                 "counterparty": "Contrepartie"}


class MappingForm(forms.Form):
    name = forms.CharField(label="Nom du modèle", max_length=100)
    delimiter = forms.ChoiceField(label="Séparateur", choices=[(";", "point-virgule ;"), (",", "virgule ,"),
                                                               ("\t", "tabulation"), ("|", "barre |")])
    encoding = forms.ChoiceField(label="Encodage", choices=[("utf-8", "UTF-8"), ("cp1252", "Windows-1252"),
                                                            ("iso-8859-15", "ISO-8859-15")])
    date_format = forms.ChoiceField(label="Format de date", choices=[
        ("%d/%m/%Y", "31/12/2026"), ("%d/%m/%y", "31/12/26"), ("%Y-%m-%d", "2026-12-31"), ("%d-%m-%Y", "31-12-2026"),
        ("%d.%m.%Y", "31.12.2026")])
    decimal_comma = forms.BooleanField(label="Virgule décimale (1 234,56)", required=False, initial=True)
    skip_rows = forms.IntegerField(label="Lignes d'en-tête à ignorer", min_value=0, max_value=50, initial=1)

    def __init__(self, *args, column_count: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—")] + [(str(i), f"Colonne {i + 1}") for i in range(max(column_count, 1))]
        for name in COLUMN_NAMES:
            self.fields[f"col_{name}"] = forms.ChoiceField(label=COLUMN_LABELS[name], choices=choices,
                                                           required=False)

    def mapping_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("col_")}
        data["columns"] = {name: self.cleaned_data[f"col_{name}"] for name in COLUMN_NAMES
                           if self.cleaned_data.get(f"col_{name}") not in (None, "")}
        return data
