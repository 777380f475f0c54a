"""Forms of the membership screens: they shape the input, the services decide (amounts are parsed there)."""

from django import forms

from agora.parties.models import Party

from .models import Member, MembershipCategory, MembershipFee, MembershipSettings, PaymentMethod

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
AMOUNT_WIDGET = forms.TextInput(attrs={"inputmode": "decimal", "class": "amount", "autocomplete": "off"})


def _categories(organisation, *, active_only: bool = True):
    categories = MembershipCategory.objects.filter(organisation=organisation)
    return categories.filter(active=True) if active_only else categories


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    status = forms.ChoiceField(label="Statut", choices=[("", "Tous")] + Member.Status.choices, required=False)
    category = forms.ModelChoiceField(label="Catégorie", queryset=MembershipCategory.objects.none(),
                                      required=False, empty_label="Toutes")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(organisation, active_only=False)


class MemberRegisterForm(forms.Form):
    category = forms.ModelChoiceField(label="Catégorie", queryset=MembershipCategory.objects.none())
    joined_on = forms.DateField(label="Date d'adhésion", **DATE_WIDGET)
    party_code = forms.CharField(label="Tiers existant (code)", max_length=20, required=False,
                                 help_text="Laisser vide pour créer le tiers avec les coordonnées ci-dessous.")
    name = forms.CharField(label="Nom et prénom / dénomination", max_length=200, required=False)
    kind = forms.ChoiceField(label="Type", choices=Party.Kind.choices, initial=Party.Kind.INDIVIDUAL)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    address_line1 = forms.CharField(label="Adresse", max_length=200, required=False)
    postal_code = forms.CharField(label="Code postal", max_length=10, required=False)
    city = forms.CharField(label="Ville", max_length=100, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["category"].queryset = _categories(organisation)

    def clean(self):
        data = super().clean()
        code = (data.get("party_code") or "").strip().upper()
        data["party"] = None
        if code:
            data["party"] = Party.objects.filter(organisation=self.organisation, code=code).first()
            if data["party"] is None:
                self.add_error("party_code", f"Aucun tiers de code « {code} ».")
        elif not (data.get("name") or "").strip():
            self.add_error("name", "Indiquez le nom de l'adhérent, ou le code d'un tiers existant.")
        return data

    def party_data(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) or "" for key in ("name", "kind", "email", "phone", "address_line1",
                                                      "postal_code", "city")}


class MemberEditForm(forms.Form):
    category = forms.ModelChoiceField(label="Catégorie", queryset=MembershipCategory.objects.none())
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories(organisation, active_only=False)


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label="Date de sortie", **DATE_WIDGET)


class CategoryForm(forms.Form):
    code = forms.CharField(label="Code", max_length=20)
    label = forms.CharField(label="Libellé", max_length=100)
    amount = forms.CharField(label="Cotisation annuelle (€)", max_length=30, widget=AMOUNT_WIDGET)
    account = forms.ChoiceField(label="Compte de produit", choices=MembershipCategory.Account.choices)
    active = forms.BooleanField(label="Proposée", required=False, initial=True)


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MembershipSettings
        fields = ["purpose", "legal_status", "beneficiary_status", "signatory_name", "signatory_role",
                  "signature_place"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}


class FeeFilterForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2999, required=False)
    state = forms.ChoiceField(label="État", choices=[("", "Tous")] + MembershipFee.State.choices, required=False)
    q = forms.CharField(label="Recherche", required=False)


class FeesGenerateForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2999)
    due_date = forms.DateField(label="Échéance", required=False, **DATE_WIDGET,
                               help_text="Vide : le 31 janvier de l'année.")


class PaymentForm(forms.Form):
    date = forms.DateField(label="Date", **DATE_WIDGET)
    method = forms.ChoiceField(label="Mode", choices=PaymentMethod.choices)
    amount = forms.CharField(label="Montant (€)", max_length=30, widget=AMOUNT_WIDGET)
    reference = forms.CharField(label="Référence (n° de chèque…)", max_length=60, required=False)


class CampaignForm(forms.Form):
    year = forms.IntegerField(label="Année à renouveler", min_value=1900, max_value=2999)
    due_date = forms.DateField(label="Échéance", required=False, **DATE_WIDGET,
                               help_text="Vide : le 31 janvier de l'année.")
    send_emails = forms.BooleanField(label="Envoyer les e-mails", required=False, initial=True)


class DonationFilterForm(forms.Form):
    year = forms.IntegerField(label="Année", min_value=1900, max_value=2999, required=False)
    receipt = forms.ChoiceField(label="Reçu", choices=[("", "Tous"), ("1", "Émis"), ("0", "À émettre")],
                                required=False)
    q = forms.CharField(label="Recherche", required=False)


class DonationForm(forms.Form):
    party_code = forms.CharField(label="Donateur existant (code tiers)", max_length=20, required=False,
                                 help_text="Laisser vide pour créer le donateur avec les coordonnées ci-dessous.")
    name = forms.CharField(label="Nom et prénom / dénomination", max_length=200, required=False)
    kind = forms.ChoiceField(label="Type", choices=Party.Kind.choices, initial=Party.Kind.INDIVIDUAL)
    email = forms.EmailField(label="E-mail", required=False)
    address_line1 = forms.CharField(label="Adresse", max_length=200, required=False)
    postal_code = forms.CharField(label="Code postal", max_length=10, required=False)
    city = forms.CharField(label="Ville", max_length=100, required=False)
    date = forms.DateField(label="Date du don", **DATE_WIDGET)
    amount = forms.CharField(label="Montant (€)", max_length=30, widget=AMOUNT_WIDGET)
    method = forms.ChoiceField(label="Mode de versement", choices=PaymentMethod.choices)
    reference = forms.CharField(label="Référence", max_length=60, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean(self):
        data = super().clean()
        code = (data.get("party_code") or "").strip().upper()
        data["party"] = None
        if code:
            data["party"] = Party.objects.filter(organisation=self.organisation, code=code).first()
            if data["party"] is None:
                self.add_error("party_code", f"Aucun tiers de code « {code} ».")
        elif not (data.get("name") or "").strip():
            self.add_error("name", "Indiquez le nom du donateur, ou le code d'un tiers existant.")
        return data

    def party_data(self) -> dict:
        data = self.cleaned_data
        return {key: data.get(key) or "" for key in ("name", "kind", "email", "address_line1", "postal_code",
                                                      "city")}
