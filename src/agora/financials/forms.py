"""Filter and action forms of the financial statements screens."""

from django import forms

from agora.ledger.models import FiscalYear

from .models import ChecklistItem


class YearForm(forms.Form):
    """The fiscal year shown (the organisation's own years only: another organisation's id is refused)."""

    fiscal_year = forms.ModelChoiceField(label="Exercice", queryset=FiscalYear.objects.none(), empty_label=None,
                                         error_messages={"invalid_choice": "Exercice inconnu."})

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = FiscalYear.objects.filter(organisation=organisation).order_by(
            "-start_date")


class CashStatementForm(YearForm):
    period = forms.ChoiceField(label="Par", choices=[("month", "mois"), ("quarter", "trimestre")], required=False)


class OverrideForm(forms.Form):
    item = forms.ChoiceField(choices=ChecklistItem.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label="Motif de la dérogation", widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": "Indiquez le motif de la dérogation."})
