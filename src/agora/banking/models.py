"""Bank statements: the files the bank sends (OFX, CAMT.053, CFONB 120, CSV) and their lines.

A statement belongs to one of the organisation's bank accounts (treasury). Its lines are the bank's side of
the bank reconciliation (the `reconciliation` app links them to the books). Lines are never edited after
import; a re-imported line is recognised by its `dedup_key` and skipped.
"""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.treasury.models import BankAccount

MONEY = {"max_digits": 18, "decimal_places": 2}


class StatementFormat(models.TextChoices):
    OFX = "ofx", "OFX"
    CAMT053 = "camt053", "CAMT.053 (ISO 20022)"
    CFONB120 = "cfonb120", "CFONB 120"
    CSV = "csv", "CSV"


class CsvMapping(models.Model):
    """How one bank's CSV export reads: separator, encoding, date and number formats, and which column holds
    what (`columns`: {"date": 0, "value_date": 1, "label": 2, "amount": 3} or "debit"/"credit" instead of
    "amount", optionally "reference", "counterparty"). Saved per bank account, reused at the next import."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.CASCADE, related_name="csv_mappings",
                                     verbose_name="compte bancaire")
    name = models.CharField("nom", max_length=100)
    delimiter = models.CharField("séparateur", max_length=1, default=";")
    encoding = models.CharField("encodage", max_length=20, default="utf-8")
    date_format = models.CharField("format de date", max_length=20, default="%d/%m/%Y")
    decimal_comma = models.BooleanField("virgule décimale", default=True)
    skip_rows = models.PositiveSmallIntegerField("lignes d'en-tête à ignorer", default=1)
    columns = models.JSONField("colonnes", default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "modèle d'import CSV"
        constraints = [models.UniqueConstraint(fields=["bank_account", "name"], name="uniq_csv_mapping_name")]

    def __str__(self):
        return self.name


class BankStatement(models.Model):
    """One imported file (or one statement of a multi-statement file): period, balances, what was skipped."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="statements",
                                     verbose_name="compte bancaire")
    format = models.CharField("format", max_length=10, choices=StatementFormat.choices)
    reference = models.CharField("référence du relevé", max_length=80, blank=True)
    start_date = models.DateField("du")
    end_date = models.DateField("au")
    opening_balance = models.DecimalField("solde initial", **MONEY, null=True, blank=True)
    closing_balance = models.DecimalField("solde final", **MONEY, null=True, blank=True)
    file = models.FileField("fichier", upload_to="banking/statements/%Y/", blank=True)
    filename = models.CharField("nom du fichier", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    line_count = models.PositiveIntegerField("lignes importées", default=0)
    duplicate_count = models.PositiveIntegerField("doublons ignorés", default=0)
    report = models.JSONField("compte rendu d'import", default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = "relevé bancaire"
        ordering = ["-end_date", "-id"]
        indexes = [models.Index(fields=["organisation", "bank_account", "-end_date"], name="statement_list_order")]

    def __str__(self):
        return f"Relevé {self.bank_account} du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}"


class StatementLine(models.Model):
    """One movement on the bank's side. `amount` is signed from the organisation's point of view: positive
    when the bank credits the account (money in), negative when it debits it (money out)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    statement = models.ForeignKey(BankStatement, on_delete=models.CASCADE, related_name="lines")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+", db_index=False)
    sequence = models.PositiveIntegerField("ordre dans le relevé", default=0)
    date = models.DateField("date d'opération")
    value_date = models.DateField("date de valeur", null=True, blank=True)
    amount = models.DecimalField("montant", **MONEY)
    label = models.CharField("libellé", max_length=300)
    reference = models.CharField("référence", max_length=140, blank=True)
    counterparty_name = models.CharField("contrepartie", max_length=140, blank=True)
    counterparty_iban = models.CharField("IBAN de la contrepartie", max_length=34, blank=True)
    bank_code = models.CharField("code opération", max_length=40, blank=True)
    dedup_key = models.CharField(max_length=64)

    class Meta:
        verbose_name = "ligne de relevé"
        ordering = ["date", "sequence", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "bank_account", "dedup_key"],
                                               name="uniq_statement_line_dedup")]
        indexes = [models.Index(fields=["organisation", "bank_account", "date"], name="statement_line_date"),
                   models.Index(fields=["organisation", "bank_account", "amount"], name="statement_line_amount")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.label} {self.amount}"
