"""États financiers: the only stored thing is an accountant's override of a year-end checklist item (the
statements themselves are read from the ledger each time)."""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import FiscalYear


class ChecklistItem(models.TextChoices):
    VAT = "vat", "Déclarations de TVA déposées"
    BANK = "bank", "Comptes bancaires rapprochés au dernier jour"
    DEPRECIATION = "depreciation", "Dotations aux amortissements passées"
    STOCK = "stock", "Stock inventorié"
    PROVISIONS = "provisions", "Provisions revues"


class ChecklistOverride(models.Model):
    """An item of the year-end checklist declared acceptable by an accountant, with the reason: the closing
    passes it even though it is not met."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+", verbose_name="exercice")
    item = models.CharField("point de contrôle", max_length=20, choices=ChecklistItem.choices)
    reason = models.TextField("motif")
    created_at = models.DateTimeField("le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="par")

    class Meta:
        verbose_name = "dérogation de fin d'exercice"
        constraints = [models.UniqueConstraint(fields=["organisation", "fiscal_year", "item"],
                                               name="uniq_checklist_override")]

    def __str__(self):
        return f"{self.get_item_display()} — {self.fiscal_year.code}"
