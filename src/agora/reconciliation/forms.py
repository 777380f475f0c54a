"""Reconciliation forms: the account/date pickers, the entry typed from a statement line, a rule."""

from django import forms

from .models import Sign

ACCOUNT_HELP = "Numéro du compte de contrepartie : 627 frais bancaires, 661 intérêts, 626 téléphone…"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StatementForm(forms.Form):
    account = forms.TypedChoiceField(label="Compte bancaire", coerce=int, required=False)
    on = forms.DateField(label="Au", widget=DateInput())

    def __init__(self, *args, bank_accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [(b.pk, str(b)) for b in bank_accounts]


class EntryFromLineForm(forms.Form):
    account = forms.CharField(label="Compte", max_length=20, help_text=ACCOUNT_HELP)
    label = forms.CharField(label="Libellé de l'écriture", max_length=200, required=False,
                            help_text="Laissez vide pour reprendre le libellé du relevé.")
    party = forms.CharField(label="Tiers (code)", max_length=20, required=False)
    vat_rate = forms.CharField(label="TVA (%)", max_length=6, required=False,
                               help_text="Vide : sans TVA (les frais bancaires en sont exonérés).")
    save_rule = forms.BooleanField(label="Enregistrer comme règle pour les prochains relevés", required=False)
    rule_name = forms.CharField(label="Nom de la règle", max_length=100, required=False)
    label_contains = forms.CharField(label="Quand le libellé contient", max_length=100, required=False)


class RuleForm(forms.Form):
    name = forms.CharField(label="Nom de la règle", max_length=100)
    label_contains = forms.CharField(label="Le libellé du relevé contient", max_length=100,
                                     help_text="Sans tenir compte des majuscules ni des accents.")
    sign = forms.ChoiceField(label="Sens", choices=Sign.choices, initial=Sign.ANY)
    amount_min = forms.CharField(label="Montant minimum", max_length=20, required=False)
    amount_max = forms.CharField(label="Montant maximum", max_length=20, required=False)
    account = forms.CharField(label="Compte de contrepartie", max_length=20, help_text=ACCOUNT_HELP)
    party = forms.CharField(label="Tiers (code, facultatif)", max_length=20, required=False)
    entry_label = forms.CharField(label="Libellé d'écriture", max_length=200, required=False,
                                  help_text="Laissez vide pour reprendre le libellé du relevé.")
    vat_rate = forms.CharField(label="TVA (%)", max_length=6, required=False)
    bank_account = forms.TypedChoiceField(label="Compte bancaire", coerce=int, required=False, empty_value=None)
    priority = forms.IntegerField(label="Priorité", initial=10, min_value=0, max_value=999,
                                  help_text="La règle de plus petite priorité s'applique d'abord.")
    active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, bank_accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank_account"].choices = [("", "Tous les comptes")] + [(b.pk, str(b)) for b in bank_accounts]


def rule_initial(rule) -> dict:
    return {"name": rule.name, "label_contains": rule.label_contains, "sign": rule.sign,
            "amount_min": rule.amount_min or "", "amount_max": rule.amount_max or "", "account": rule.account.code,
            "party": rule.party.code if rule.party_id else "", "entry_label": rule.entry_label,
            "vat_rate": rule.vat_rate or "", "bank_account": rule.bank_account_id, "priority": rule.priority,
            "active": rule.active}
