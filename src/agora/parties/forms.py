"""Forms of the party screens. They read and type the input; the identifiers are checked with the same
functions the service uses (so every wrong field shows its French error at once), the service decides."""

from django import forms

from agora.core.errors import BusinessError
from agora.core.identifiers import clean_bic, clean_iban, clean_siren, clean_siret, clean_vat_number

from .models import Party, PaymentTerm

ROLE_CHOICES = [("", "Tous"), ("customer", "Clients"), ("prospect", "Prospects"), ("supplier", "Fournisseurs"),
                ("subcontractor", "Sous-traitants"), ("service_provider", "Prestataires"), ("member", "Adhérents")]
ACTIVE_CHOICES = [("1", "Actifs"), ("0", "Inactifs"), ("", "Tous")]
KIND_CHOICES = [(Party.Kind.ORGANISATION, "Personne morale (B2B)"), (Party.Kind.INDIVIDUAL, "Particulier (B2C)")]


class PartyFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False,
                        widget=forms.TextInput(attrs={"placeholder": "Nom, code, SIRET, ville…", "type": "search"}))
    role = forms.ChoiceField(label="Rôle", choices=ROLE_CHOICES, required=False)
    active = forms.ChoiceField(label="État", choices=ACTIVE_CHOICES, required=False)

    def filters(self) -> dict:
        """Arguments of selectors.party_list (active parties by default)."""
        if not self.is_valid():
            return {"search": "", "role": "", "active": True}
        active = self.cleaned_data["active"]
        if "active" not in self.data:
            active = "1"
        return {"search": self.cleaned_data["q"], "role": self.cleaned_data["role"],
                "active": None if active == "" else active == "1"}


def _identifier(cleaner, form, name):
    value = (form.cleaned_data.get(name) or "").strip()
    try:
        return cleaner(value, field=name)
    except BusinessError as error:
        raise forms.ValidationError(error.message, code=error.code) from error


class PartyForm(forms.Form):
    code = forms.CharField(label="Code auxiliaire", max_length=20,
                           help_text="Compte auxiliaire du tiers (ex. C0001) : 411 + ce code pour un client.",
                           widget=forms.TextInput(attrs={"autofocus": True}))
    name = forms.CharField(label="Nom ou raison sociale", max_length=200)
    kind = forms.ChoiceField(label="Type", choices=KIND_CHOICES)
    is_customer = forms.BooleanField(label="Client", required=False)
    is_prospect = forms.BooleanField(label="Prospect", required=False)
    is_supplier = forms.BooleanField(label="Fournisseur", required=False)
    is_subcontractor = forms.BooleanField(label="Sous-traitant", required=False)
    is_service_provider = forms.BooleanField(label="Prestataire", required=False)
    is_member = forms.BooleanField(label="Adhérent", required=False)
    siren = forms.CharField(label="SIREN", max_length=20, required=False)
    siret = forms.CharField(label="SIRET", max_length=20, required=False,
                            help_text="Le SIREN en est déduit s'il est vide.")
    vat_number = forms.CharField(label="N° de TVA intracommunautaire", max_length=20, required=False)
    email = forms.EmailField(label="E-mail", required=False)
    phone = forms.CharField(label="Téléphone", max_length=30, required=False)
    address_line1 = forms.CharField(label="Adresse de facturation", max_length=200, required=False)
    postal_code = forms.CharField(label="Code postal", max_length=10, required=False)
    city = forms.CharField(label="Ville", max_length=100, required=False)
    country = forms.CharField(label="Pays (code ISO)", max_length=2, initial="FR")
    delivery_name = forms.CharField(label="Livraison : destinataire", max_length=200, required=False)
    delivery_address_line1 = forms.CharField(label="Livraison : adresse", max_length=200, required=False,
                                             help_text="Vide : livraison à l'adresse de facturation.")
    delivery_postal_code = forms.CharField(label="Livraison : code postal", max_length=10, required=False)
    delivery_city = forms.CharField(label="Livraison : ville", max_length=100, required=False)
    delivery_country = forms.CharField(label="Livraison : pays", max_length=2, required=False)
    payment_term = forms.ModelChoiceField(label="Conditions de paiement", queryset=PaymentTerm.objects.none(),
                                          required=False, empty_label="Celles de l'organisation")
    default_discount_pct = forms.CharField(label="Remise habituelle (%)", required=False, initial="0",
                                           widget=forms.TextInput(attrs={"class": "amount", "inputmode": "decimal"}))
    payment_method = forms.ChoiceField(label="Mode de règlement", required=False,
                                       choices=[("", "—")] + list(Party.PaymentMethod.choices))
    iban = forms.CharField(label="IBAN", max_length=42, required=False)
    bic = forms.CharField(label="BIC", max_length=11, required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    active = forms.BooleanField(label="Actif", required=False, initial=True)

    GROUPS = {
        "identity": ["code", "name", "kind", "active"],
        "role": ["is_customer", "is_prospect", "is_supplier", "is_subcontractor", "is_service_provider",
                 "is_member"],
        "legal": ["siren", "siret", "vat_number"],
        "billing": ["address_line1", "postal_code", "city", "country", "email", "phone"],
        "delivery": ["delivery_name", "delivery_address_line1", "delivery_postal_code", "delivery_city",
                     "delivery_country"],
        "payment": ["payment_term", "default_discount_pct", "payment_method", "iban", "bic"],
        "note": ["notes"],
    }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment_term"].queryset = PaymentTerm.objects.filter(organisation=organisation)

    def __getattr__(self, name):
        """form.identity_fields, form.legal_fields…: the bound fields of one section of the form."""
        if name.endswith("_fields") and name[:-7] in self.GROUPS:
            return [self[field] for field in self.GROUPS[name[:-7]]]
        raise AttributeError(name)

    def clean_siren(self):
        return _identifier(clean_siren, self, "siren")

    def clean_siret(self):
        return _identifier(clean_siret, self, "siret")

    def clean_vat_number(self):
        return _identifier(clean_vat_number, self, "vat_number")

    def clean_iban(self):
        return _identifier(clean_iban, self, "iban")

    def clean_bic(self):
        return _identifier(clean_bic, self, "bic")

    def clean_country(self):
        return (self.cleaned_data.get("country") or "FR").strip().upper()

    def clean_delivery_country(self):
        return (self.cleaned_data.get("delivery_country") or "").strip().upper()

    @staticmethod
    def initial_of(party: Party) -> dict:
        initial = {name: getattr(party, name) for name in PartyForm.base_fields if name != "payment_term"}
        initial["payment_term"] = party.payment_term_id
        initial["default_discount_pct"] = f"{party.default_discount_pct:f}".replace(".", ",")
        return initial
