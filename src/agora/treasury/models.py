"""Treasury: the organisation's bank accounts, its treasury settings, and supplier payment runs.

A payment run is proposed for a date (open supplier items read from the ledger), reviewed line by line
(selected, amount editable down, method), approved, then executed: one bank entry, the invoices matched, a SEPA
credit transfer file for the transfers, payment advices e-mailed to the suppliers.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import Account, Entry, EntryLine, Journal
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class TreasurySettings(models.Model):
    """Per-organisation treasury rules: the rate an early payment must beat, and four-eyes approval."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="treasury_settings")
    reference_rate = models.DecimalField("taux de référence pour l'escompte (% par an)", **PERCENT,
                                         default=Decimal("5.00"))
    four_eyes = models.BooleanField("double validation (l'approbateur ne peut pas être l'auteur de la "
                                    "proposition)", default=False)

    class Meta:
        verbose_name = "paramètres de trésorerie"

    def __str__(self):
        return f"Paramètres de trésorerie — {self.organisation}"


class BankAccount(models.Model):
    """A real bank account of the organisation: its IBAN/BIC, its 512x ledger account and its BQn journal."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    label = models.CharField("libellé", max_length=100)
    bank_name = models.CharField("banque", max_length=100, blank=True)
    iban = models.CharField("IBAN", max_length=34)
    bic = models.CharField("BIC", max_length=11, blank=True)
    holder_name = models.CharField("titulaire (nom SEPA du donneur d'ordre)", max_length=70, blank=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name="compte 512")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+", verbose_name="journal")
    active = models.BooleanField("actif", default=True)
    is_default = models.BooleanField("compte par défaut", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "compte bancaire"
        ordering = ["-is_default", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "iban"], name="uniq_bank_account_iban"),
            models.UniqueConstraint(fields=["organisation", "journal"], name="uniq_bank_account_journal"),
        ]

    def __str__(self):
        return f"{self.label} ({self.journal.code})" if self.journal_id else self.label

    @property
    def iban_display(self) -> str:
        return " ".join(self.iban[i:i + 4] for i in range(0, len(self.iban), 4))


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", "Virement"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
    DIRECT_DEBIT = "direct_debit", "Prélèvement"


class PaymentRun(models.Model):
    """A supplier payment proposal, then run: draft → approved → executed (or deleted while a draft)."""

    class State(models.TextChoices):
        DRAFT = "draft", "Proposition"
        APPROVED = "approved", "Approuvée"
        EXECUTED = "executed", "Exécutée"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30)
    date = models.DateField("date de paiement")
    due_until = models.DateField("échéances jusqu'au")
    bank_account = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="runs",
                                     verbose_name="compte bancaire")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DRAFT)
    reference_rate = models.DecimalField("taux de référence (%)", **PERCENT, default=Decimal("5.00"))
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="écriture de règlement")
    sepa_file = models.FileField("fichier SEPA", upload_to="treasury/sepa/%Y/", blank=True)
    sepa_message_id = models.CharField("identifiant du message SEPA", max_length=35, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    executed_at = models.DateTimeField(null=True, blank=True)
    executed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "campagne de paiement"
        ordering = ["-date", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="uniq_payment_run_number")]
        indexes = [models.Index(fields=["organisation", "-date", "-id"], name="payment_run_list_order")]

    def __str__(self):
        return f"Paiements {self.number}"


class PaymentLine(models.Model):
    """One open supplier item in a run: what is due, the escompte, what is paid and how.

    `item` is the supplier's 401 credit line in the ledger (the invoice); `payment_line` the 401 debit line of
    the run's entry once executed. `blocked_reason` keeps a transfer without valid IBAN out of the run.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    run = models.ForeignKey(PaymentRun, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(EntryLine, on_delete=models.PROTECT, related_name="+", verbose_name="échéance")
    # Read through its run only (the review table): no index of its own, which keeps proposing fast.
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="fournisseur",
                              db_index=False)
    reference = models.CharField("facture", max_length=80)
    supplier_reference = models.CharField("référence fournisseur", max_length=80, blank=True)
    document_id = models.BigIntegerField(null=True, blank=True)  # the purchase document, when there is one
    invoice_date = models.DateField("date de la facture")
    due_date = models.DateField("échéance")
    amount_due = models.DecimalField("reste dû", **MONEY)
    escompte_pct = models.DecimalField("escompte offert (%)", **PERCENT, default=0)
    escompte_deadline = models.DateField("escompte jusqu'au", null=True, blank=True)
    escompte_rate = models.DecimalField("taux annuel de l'escompte (%)", max_digits=9, decimal_places=2,
                                        null=True, blank=True)
    escompte_available = models.DecimalField("escompte possible TTC", **MONEY, default=0)
    escompte_vat = models.DecimalField("TVA sur l'escompte possible", **MONEY, default=0)
    escompte_amount = models.DecimalField("escompte retenu TTC", **MONEY, default=0)
    amount = models.DecimalField("montant à payer", **MONEY)
    method = models.CharField("mode de règlement", max_length=15, choices=PaymentMethod.choices,
                              default=PaymentMethod.TRANSFER)
    cheque_number = models.CharField("n° de chèque", max_length=30, blank=True)
    selected = models.BooleanField("retenue", default=True)
    blocked_reason = models.CharField("motif de blocage", max_length=200, blank=True)
    payment_line = models.ForeignKey(EntryLine, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")

    class Meta:
        verbose_name = "ligne de paiement"
        ordering = ["run_id", "party_id", "due_date", "id"]

    def __str__(self):
        return f"{self.reference} — {self.amount}"

    @property
    def is_set_off(self) -> bool:
        """A credit note or payment on account set against the supplier's invoices (negative line)."""
        return self.amount_due < 0

    @property
    def settled(self) -> Decimal:
        """What the payment clears on the supplier account: the money paid plus the escompte deducted."""
        return self.amount + self.escompte_amount
