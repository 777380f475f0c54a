"""Products and services sold or bought, their units and VAT categories."""

from django.db import models

from agora.core.models import Organisation


class VatCategory(models.Model):
    """A VAT rate as used on documents, with the accounts and return box it feeds, and the legal mention an
    exemption must print (e.g. "TVA non applicable, art. 293 B du CGI")."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    label = models.CharField("libellé", max_length=100)
    rate = models.DecimalField("taux (%)", max_digits=5, decimal_places=2)
    exemption_mention = models.CharField("mention d'exonération", max_length=200, blank=True)
    output_account = models.CharField("compte de TVA collectée", max_length=20, default="44571")
    pending_output_account = models.CharField("compte de TVA collectée en attente", max_length=20, default="44574")
    input_account = models.CharField("compte de TVA déductible", max_length=20, default="44566")
    vat_box = models.CharField("case de la déclaration", max_length=10, blank=True)
    active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "catégorie de TVA"
        verbose_name_plural = "catégories de TVA"
        ordering = ["-rate", "code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_vat_category_code")]

    def __str__(self):
        return self.label


class Product(models.Model):
    class Kind(models.TextChoices):
        GOODS = "goods", "Bien (marchandise)"
        SERVICE = "service", "Prestation de services"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField("référence", max_length=40)
    label = models.CharField("désignation", max_length=200)
    description = models.TextField("description", blank=True)
    kind = models.CharField("nature", max_length=10, choices=Kind.choices, default=Kind.GOODS)
    unit = models.CharField("unité", max_length=20, default="u")
    sale_price = models.DecimalField("prix de vente HT", max_digits=18, decimal_places=4, default=0)
    purchase_price = models.DecimalField("prix d'achat HT", max_digits=18, decimal_places=4, default=0)
    vat_category = models.ForeignKey(VatCategory, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="TVA")
    revenue_account = models.CharField("compte de produit", max_length=20, default="707")
    expense_account = models.CharField("compte de charge", max_length=20, default="607")
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "article"
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["organisation", "reference"], name="uniq_product_reference")]

    def __str__(self):
        return f"{self.reference} {self.label}"
