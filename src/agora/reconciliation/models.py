"""Bank reconciliation (rapprochement bancaire): which statement lines (bank side) answer which posted 512 lines
(books side), and the rules that turn a recurring bank-only line into an entry.

Neither statement lines nor entry lines are ever modified: a reconciliation is its own group row with one link
row per line. Each line may sit in at most one group (one-to-one links, enforced by the database, so two
concurrent accepts cannot reconcile a line twice). Undoing is deleting the group (audited).
"""

from django.conf import settings
from django.db import models

from agora.banking.models import StatementLine
from agora.core.models import Organisation
from agora.ledger.models import Account, EntryLine
from agora.parties.models import Party
from agora.treasury.models import BankAccount

MONEY = {"max_digits": 18, "decimal_places": 2}


class Reason(models.TextChoices):
    REFERENCE = "reference", "référence"
    AMOUNT_DATE = "amount_date", "montant et date"
    AMOUNT_NAME = "amount_name", "montant et nom"
    RULE = "rule", "règle"
    MANUAL = "manual", "manuel"
    ENTRY = "entry", "écriture créée"


class Reconciliation(models.Model):
    """One group: statement lines and 512 lines whose amounts sum equal (1↔1, 1↔n or n↔1)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="compte bancaire")
    reason = models.CharField("motif", max_length=12, choices=Reason.choices, default=Reason.MANUAL)
    amount = models.DecimalField("montant", **MONEY)
    created_at = models.DateTimeField("rapproché le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="par")

    class Meta:
        verbose_name = "rapprochement"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "bank_account", "-created_at"], name="recon_list_order")]

    def __str__(self):
        return f"Rapprochement n° {self.pk}"


class ReconciledStatementLine(models.Model):
    """A statement line inside a reconciliation (a line belongs to one reconciliation at most)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="statement_links")
    statement_line = models.OneToOneField(StatementLine, on_delete=models.PROTECT, related_name="reconciled")

    class Meta:
        verbose_name = "ligne de relevé rapprochée"

    def __str__(self):
        return f"{self.reconciliation} — relevé {self.statement_line_id}"


class ReconciledEntryLine(models.Model):
    """A posted 512 line inside a reconciliation (a line belongs to one reconciliation at most)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    reconciliation = models.ForeignKey(Reconciliation, on_delete=models.CASCADE, related_name="entry_links")
    entry_line = models.OneToOneField(EntryLine, on_delete=models.PROTECT, related_name="bank_reconciled")

    class Meta:
        verbose_name = "ligne d'écriture rapprochée"

    def __str__(self):
        return f"{self.reconciliation} — écriture {self.entry_line_id}"


class Sign(models.TextChoices):
    ANY = "any", "entrée ou sortie"
    IN = "in", "entrée d'argent (crédit banque)"
    OUT = "out", "sortie d'argent (débit banque)"


class ReconciliationRule(models.Model):
    """"Libellé contient … → compte …": turns a bank-only line (fees, interest, direct debit) into an entry.

    `vat_rate` (percent) splits a gross amount into net and deductible/collected VAT; empty means no VAT
    (bank fees are exempt)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                     verbose_name="compte bancaire (vide : tous)")
    name = models.CharField("nom de la règle", max_length=100)
    label_contains = models.CharField("le libellé contient", max_length=100)
    sign = models.CharField("sens", max_length=3, choices=Sign.choices, default=Sign.ANY)
    amount_min = models.DecimalField("montant minimum (valeur absolue)", **MONEY, null=True, blank=True)
    amount_max = models.DecimalField("montant maximum (valeur absolue)", **MONEY, null=True, blank=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name="compte")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="tiers (facultatif)")
    entry_label = models.CharField("libellé d'écriture (vide : celui du relevé)", max_length=200, blank=True)
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    priority = models.PositiveSmallIntegerField("priorité (la plus petite s'applique d'abord)", default=10)
    active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "règle de rapprochement"
        ordering = ["priority", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="uniq_recon_rule_name")]

    def __str__(self):
        return self.name
