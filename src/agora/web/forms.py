"""Forms of the shell pages. They only shape input: the services check the business rules."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import fields_for_model

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Organisation, Role, User
from agora.core.money import format_amount, parse_amount

from .labels import action_label

# Fields an administrator edits on the settings page (slug and currency are fixed: URLs and the euro).
ORGANISATION_FORM_FIELDS = [
    "legal_name", "legal_form", "kind", "siren", "siret", "vat_number", "ape_code", "rcs_city", "share_capital",
    "address_line1", "address_line2", "postal_code", "city", "country", "vat_regime", "fiscal_year_start_month",
]

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


class AmountField(forms.Field):
    """A money input read the French way ("1 234,56") by core.money.parse_amount; cleans to a Decimal."""

    widget = forms.TextInput

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "class": "amount", "autocomplete": "off",
                                  "maxlength": "30"})

    def prepare_value(self, value):
        if value is None or value == "":
            return ""
        if isinstance(value, str):
            return value
        return format_amount(value)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except BusinessError as exc:
            raise ValidationError(exc.message, code=exc.code) from exc


def add_business_error(form: forms.Form, error: BusinessError) -> None:
    """Show a service's BusinessError on the field it names, or at the top of the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, ValidationError(error.message, code=error.code))


class LogoForm(forms.Form):
    logo = forms.FileField(label="Logo (PNG ou JPEG, 1 Mo au plus)")


class OrganisationForm(forms.Form):
    """Organisation identity. A plain Form (not a ModelForm) so the instance is untouched until the service
    writes it: the audit's "before" must be the stored values."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = fields_for_model(Organisation, fields=ORGANISATION_FORM_FIELDS)
        for name in ORGANISATION_FORM_FIELDS:
            field = copy.deepcopy(fields[name])
            if name == "share_capital":
                field = AmountField(label=field.label, required=False)
            self.fields[name] = field
        self.fields["fiscal_year_start_month"] = forms.TypedChoiceField(
            label="Mois de début d'exercice", coerce=int,
            choices=[(i, label) for i, label in enumerate(MONTHS, start=1)])

    @classmethod
    def initial_of(cls, organisation: Organisation) -> dict:
        return {name: getattr(organisation, name) for name in ORGANISATION_FORM_FIELDS}

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("siren", "siret", "vat_number", "ape_code"):
            data[name] = (data.get(name) or "").replace(" ", "")
        return data


class MembershipGrantForm(forms.Form):
    username = forms.CharField(label="Identifiant de l'utilisateur", max_length=150)
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise ValidationError(f"Aucun utilisateur actif ne porte l'identifiant « {username} ».")
        self.user = user
        return username


class UserCreateForm(forms.Form):
    """A colleague's new account; the username, e-mail and role rules are checked by core.services.user_create."""

    username = forms.CharField(label="Identifiant", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "ex. : m.durand"}))
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    email = forms.CharField(label="Courriel", max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)


class MembershipRevokeForm(forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=Role.choices, widget=forms.HiddenInput)


class ApiTokenForm(forms.Form):
    name = forms.CharField(label="Nom du jeton", max_length=80,
                           widget=forms.TextInput(attrs={"placeholder": "ex. : export comptable"}))


class ApiTokenRevokeForm(forms.Form):
    token = forms.IntegerField(widget=forms.HiddenInput)


class OrganisationSwitchForm(forms.Form):
    org = forms.SlugField()


class AuditFilterForm(forms.Form):
    """Filters of the audit log; choices are built from the organisation's own data only."""

    q = forms.CharField(label="Objet", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "libellé ou identifiant"}))
    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.TypedChoiceField(label="Auteur", required=False, coerce=int, empty_value=None)
    start = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        actions = (AuditEvent.objects.filter(organisation=organisation).order_by("action")
                   .values_list("action", flat=True).distinct())
        self.fields["action"].choices = [("", "Toutes")] + [(a, action_label(a)) for a in actions]
        members = User.objects.filter(memberships__organisation=organisation).distinct().order_by("username")
        self.fields["actor"].choices = [("", "Tous")] + [(u.pk, str(u)) for u in members]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(Q(object_repr__icontains=data["q"]) | Q(object_id=data["q"]))
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("actor"):
            queryset = queryset.filter(actor_id=data["actor"])
        if data.get("start"):
            queryset = queryset.filter(at__date__gte=data["start"])
        if data.get("end"):
            queryset = queryset.filter(at__date__lte=data["end"])
        return queryset
