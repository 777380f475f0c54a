"""Cash registers and their movements and counts; the cash forecast's recurring items and manual lines.

The ledger is the truth for balances: a register's balance is the balance of its 530x account. A movement and a
count keep what the user entered and point at the entry that was posted for it.
"""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import Account, Entry, Journal
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class CashRegister(models.Model):
    """A physical cash box: its 530x account and its cash journal (CA, then CA2, CA3…)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    label = models.CharField("libellé", max_length=100)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name="compte 530")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+", verbose_name="journal")
    active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "caisse"
        ordering = ["label", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "journal"], name="uniq_cash_register_journal"),
            models.UniqueConstraint(fields=["organisation", "account"], name="uniq_cash_register_account"),
        ]

    def __str__(self):
        return f"{self.label} ({self.journal.code})" if self.journal_id else self.label


class CashMovement(models.Model):
    """A receipt or a payment in cash, as entered; `entry` is what was posted in the register's journal."""

    class Direction(models.TextChoices):
        RECEIPT = "receipt", "Encaissement"
        PAYMENT = "payment", "Décaissement"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    register = models.ForeignKey(CashRegister, on_delete=models.PROTECT, related_name="movements")
    date = models.DateField("date")
    direction = models.CharField("sens", max_length=10, choices=Direction.choices)
    label = models.CharField("libellé", max_length=200)
    amount = models.DecimalField("montant TTC", **MONEY)
    counter_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+",
                                        verbose_name="compte de contrepartie")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="tiers")
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2, default=0)
    vat_amount = models.DecimalField("dont TVA", **MONEY, default=0)
    reference = models.CharField("pièce", max_length=40, blank=True)
    private_customer = models.BooleanField("client particulier confirmé", default=False)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", verbose_name="écriture")
    reversal_entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name="écriture d'annulation")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "mouvement de caisse"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organisation", "register", "date"], name="cash_movement_register_date")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.amount} € — {self.label}"


class CashCount(models.Model):
    """A count sheet: quantities per denomination against the book balance; immutable once validated."""

    class State(models.TextChoices):
        DRAFT = "draft", "Brouillon"
        VALIDATED = "validated", "Validé"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    register = models.ForeignKey(CashRegister, on_delete=models.PROTECT, related_name="counts")
    date = models.DateField("date du comptage")
    counter_name = models.CharField("compté par", max_length=100)
    note = models.CharField("observations", max_length=300, blank=True)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DRAFT)
    counted_total = models.DecimalField("total compté", **MONEY, default=0)
    book_balance = models.DecimalField("solde comptable", **MONEY, null=True, blank=True)
    variance = models.DecimalField("écart", **MONEY, null=True, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="écriture d'écart")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "contrôle de caisse"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["organisation", "register", "date"], name="cash_count_register_date")]

    def __str__(self):
        return f"Contrôle de caisse du {self.date:%d/%m/%Y}"


class CashCountLine(models.Model):
    """One denomination of a count sheet: quantity × face value."""

    count = models.ForeignKey(CashCount, on_delete=models.CASCADE, related_name="lines")
    denomination = models.DecimalField("valeur faciale", max_digits=6, decimal_places=2)
    quantity = models.PositiveIntegerField("quantité", default=0)

    class Meta:
        verbose_name = "ligne de comptage"
        ordering = ["-denomination"]
        constraints = [models.UniqueConstraint(fields=["count", "denomination"], name="uniq_cash_count_line")]

    def __str__(self):
        return f"{self.quantity} × {self.denomination} €"

    @property
    def amount(self):
        return self.denomination * self.quantity


class Direction(models.TextChoices):
    INFLOW = "in", "Encaissement"
    OUTFLOW = "out", "Décaissement"


class Category(models.TextChoices):
    SALES = "ventes", "Ventes et clients"
    SALARIES = "salaires", "Salaires et charges sociales"
    RENT = "loyer", "Loyer"
    VAT = "tva", "TVA"
    SUBSCRIPTIONS = "abonnements", "Abonnements"
    LOAN = "emprunt", "Emprunt"
    SUPPLIERS = "fournisseurs", "Fournisseurs"
    TAXES = "impots", "Impôts et taxes"
    FINANCING = "financement", "Apports et financements"
    OTHER = "autre", "Autres"


class RecurringItem(models.Model):
    """A flow that comes back on a fixed day (rent, salaries, a subscription), projected into the forecast."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Mensuelle"
        QUARTERLY = "quarterly", "Trimestrielle"
        YEARLY = "yearly", "Annuelle"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    label = models.CharField("libellé", max_length=100)
    amount = models.DecimalField("montant", **MONEY)
    direction = models.CharField("sens", max_length=3, choices=Direction.choices, default=Direction.OUTFLOW)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices, default=Category.OTHER)
    frequency = models.CharField("périodicité", max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    day_of_month = models.PositiveSmallIntegerField("jour du mois", default=1)
    start_date = models.DateField("à partir du")
    end_date = models.DateField("jusqu'au", null=True, blank=True)
    active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "échéance récurrente"
        ordering = ["direction", "category", "label"]

    def __str__(self):
        return self.label


class ForecastLine(models.Model):
    """A one-off expected flow the ledger does not know yet (a grant, an investment, a loan)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date prévue")
    label = models.CharField("libellé", max_length=100)
    amount = models.DecimalField("montant", **MONEY)
    direction = models.CharField("sens", max_length=3, choices=Direction.choices, default=Direction.OUTFLOW)
    category = models.CharField("catégorie", max_length=20, choices=Category.choices, default=Category.OTHER)

    class Meta:
        verbose_name = "ligne prévisionnelle"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.label} ({self.date:%d/%m/%Y})"
