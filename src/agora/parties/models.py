"""Parties: every person or organisation the organisation deals with; roles are flags, not tables."""

from django.db import models

from agora.core.models import Organisation


class Party(models.Model):
    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "Particulier"
        ORGANISATION = "organisation", "Personne morale"

    class PaymentMethod(models.TextChoices):
        TRANSFER = "transfer", "Virement"
        CHEQUE = "cheque", "Chèque"
        CARD = "card", "Carte bancaire"
        DIRECT_DEBIT = "direct_debit", "Prélèvement"
        CASH = "cash", "Espèces"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code auxiliaire", max_length=20)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.ORGANISATION)
    is_customer = models.BooleanField("client", default=False)
    is_prospect = models.BooleanField("prospect", default=False)
    is_supplier = models.BooleanField("fournisseur", default=False)
    is_subcontractor = models.BooleanField("sous-traitant", default=False)
    is_service_provider = models.BooleanField("prestataire", default=False)
    is_member = models.BooleanField("adhérent", default=False)
    is_employee = models.BooleanField("salarié", default=False)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    vat_number = models.CharField("n° TVA intracommunautaire", max_length=13, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    country = models.CharField("pays", max_length=2, default="FR")
    delivery_name = models.CharField("livraison : destinataire", max_length=200, blank=True)
    delivery_address_line1 = models.CharField("livraison : adresse", max_length=200, blank=True)
    delivery_postal_code = models.CharField("livraison : code postal", max_length=10, blank=True)
    delivery_city = models.CharField("livraison : ville", max_length=100, blank=True)
    delivery_country = models.CharField("livraison : pays", max_length=2, blank=True)
    payment_term = models.ForeignKey("PaymentTerm", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="conditions de paiement")
    default_discount_pct = models.DecimalField("remise habituelle (%)", max_digits=5, decimal_places=2, default=0)
    payment_method = models.CharField("mode de règlement", max_length=20, choices=PaymentMethod.choices,
                                      blank=True)
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    notes = models.TextField("notes", blank=True)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "tiers"
        verbose_name_plural = "tiers"
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_party_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class PaymentTerm(models.Model):
    """Payment terms: N days, optionally end of month (C. com. L441-10 caps them at 60 days or 45 days EOM)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    label = models.CharField("libellé", max_length=100)
    days = models.PositiveSmallIntegerField("jours", default=30)
    end_of_month = models.BooleanField("fin de mois", default=False)

    class Meta:
        verbose_name = "conditions de paiement"
        ordering = ["days", "end_of_month"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_payment_term_code")]

    def __str__(self):
        return self.label
