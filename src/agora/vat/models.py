"""TVA: the organisation's VAT settings and its returns (CA3, CA12), with the boxes frozen at filing."""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import Entry

MONEY = {"max_digits": 18, "decimal_places": 2}


class VatSettings(models.Model):
    """How often the organisation files (monthly or quarterly CA3) and the filing deadline it observes."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    quarterly = models.BooleanField("CA3 trimestrielle", default=False,
                                    help_text="Permise quand la TVA annuelle est inférieure à 4 000 €.")
    deadline_day = models.PositiveSmallIntegerField("jour limite de dépôt", default=19,
                                                    help_text="Jour du mois suivant la période (CA3).")

    class Meta:
        verbose_name = "paramètres de TVA"

    def __str__(self):
        return f"TVA {self.organisation}"


class VatReturn(models.Model):
    """A VAT return for a period: a draft is recomputed from the books on every reading; filing stores its
    boxes (VatReturnBox) and posts the settlement entry, after which the figures never change."""

    class Form(models.TextChoices):
        CA3 = "CA3", "CA3 (3310-CA3)"
        CA12 = "CA12", "CA12 (3517-S-SD)"

    class State(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        FILED = "filed", "Déposée"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    form = models.CharField("formulaire", max_length=4, choices=Form.choices, default=Form.CA3)
    start_date = models.DateField("début de période")
    end_date = models.DateField("fin de période")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DRAFT)
    regularisation_15 = models.DecimalField("TVA à reverser (ligne 15)", **MONEY, default=0)
    regularisation_21 = models.DecimalField("autre TVA à déduire (ligne 21)", **MONEY, default=0)
    comment = models.TextField("commentaire", blank=True)
    credit_brought = models.DecimalField("crédit reporté (ligne 22)", **MONEY, default=0)
    amount_due = models.DecimalField("TVA nette due", **MONEY, default=0)
    credit_carried = models.DecimalField("crédit à reporter", **MONEY, default=0)
    due_date = models.DateField("date limite de paiement", null=True, blank=True)
    settlement_entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    filed_at = models.DateTimeField("déposée le", null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+")

    class Meta:
        verbose_name = "déclaration de TVA"
        verbose_name_plural = "déclarations de TVA"
        ordering = ["-start_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "form", "start_date"],
                                               name="uniq_vat_return_period")]
        indexes = [models.Index(fields=["organisation", "state", "start_date"], name="vat_return_state")]

    def __str__(self):
        return f"{self.form} du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class VatReturnBox(models.Model):
    """One box of a filed return, in cents as computed (the form shows it in whole euros)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    vat_return = models.ForeignKey(VatReturn, on_delete=models.CASCADE, related_name="boxes")
    code = models.CharField("case", max_length=4)
    base = models.DecimalField("base", **MONEY, default=0)
    tax = models.DecimalField("montant", **MONEY, default=0)

    class Meta:
        verbose_name = "case de déclaration"
        constraints = [models.UniqueConstraint(fields=["vat_return", "code"], name="uniq_vat_return_box")]

    def __str__(self):
        return f"{self.code} {self.base}/{self.tax}"
