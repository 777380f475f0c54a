"""Fixed assets and their depreciation; provisions (doubtful customers 491, risks and charges 15x).

A fixed asset is registered (from a supplier invoice line on a class-2 account, or entered directly); its
schedule is computed, never stored; what is stored is what was posted: one `Annuity` per asset and fiscal year
(the year-end run or a disposal wrote it), so the run is idempotent and the checklist knows what is missing.
A provision keeps its movements (dotations and reversals), each with its entry.
"""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import Account, Entry, FiscalYear
from agora.parties.models import Party
from agora.purchasing.models import PurchaseDocument, PurchaseLine

MONEY = {"max_digits": 18, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class FixedAsset(models.Model):
    class Method(models.TextChoices):
        LINEAR = "linear", "Linéaire"
        DECLINING = "declining", "Dégressif"

    class State(models.TextChoices):
        IN_SERVICE = "in_service", "En service"
        DISPOSED = "disposed", "Sorti"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField("numéro")
    label = models.CharField("désignation", max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name="compte "
                                "d'immobilisation")
    depreciation_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+",
                                             verbose_name="compte d'amortissement")
    expense_account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+",
                                        verbose_name="compte de dotation")
    acquisition_date = models.DateField("date d'acquisition")
    in_service_date = models.DateField("date de mise en service")
    cost = models.DecimalField("valeur d'origine HT", **MONEY)
    non_deductible_vat = models.BooleanField("TVA non récupérable incluse dans la valeur d'origine", default=False)
    residual_value = models.DecimalField("valeur résiduelle", **MONEY, default=0)
    life_months = models.PositiveSmallIntegerField("durée d'utilisation (mois)")
    method = models.CharField("mode", max_length=10, choices=Method.choices, default=Method.LINEAR)
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="fournisseur")
    purchase_document = models.ForeignKey(PurchaseDocument, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name="facture fournisseur")
    purchase_line = models.ForeignKey(PurchaseLine, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")
    opening_depreciation = models.DecimalField("amortissements antérieurs repris", **MONEY, default=0)
    opening_date = models.DateField("amortissements antérieurs arrêtés au", null=True, blank=True)
    state = models.CharField("état", max_length=12, choices=State.choices, default=State.IN_SERVICE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "immobilisation"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="uniq_fixed_asset_number"),
            models.UniqueConstraint(fields=["organisation", "purchase_line"], condition=models.Q(
                purchase_line__isnull=False), name="uniq_fixed_asset_purchase_line"),
            models.CheckConstraint(condition=models.Q(cost__gt=0), name="fixed_asset_cost_positive"),
        ]

    def __str__(self):
        return f"{self.display_number} {self.label}"

    @property
    def display_number(self) -> str:
        return f"IMM-{self.number:04d}"

    @property
    def base(self):
        return self.cost - self.residual_value


class DepreciationRun(models.Model):
    """The year-end depreciation of a fiscal year: one per year (a second run is refused)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField("total des dotations", **MONEY)
    asset_count = models.PositiveIntegerField("immobilisations")
    posted_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "dotation annuelle aux amortissements"
        ordering = ["-fiscal_year__start_date"]
        constraints = [models.UniqueConstraint(fields=["organisation", "fiscal_year"],
                                               name="uniq_depreciation_run_year")]

    def __str__(self):
        return f"Dotations {self.fiscal_year.code}"


class Annuity(models.Model):
    """A posted annuity: the year-end run's (`run`) or the complement a disposal posted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    asset = models.ForeignKey(FixedAsset, on_delete=models.PROTECT, related_name="annuities")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("annuité", **MONEY)
    run = models.ForeignKey(DepreciationRun, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "annuité comptabilisée"
        constraints = [models.UniqueConstraint(fields=["asset", "fiscal_year"], name="uniq_annuity_asset_year")]
        indexes = [models.Index(fields=["organisation", "fiscal_year"], name="annuity_year")]

    def __str__(self):
        return f"{self.asset_id} {self.fiscal_year_id} {self.amount}"


class Disposal(models.Model):
    """The asset's exit (sale or scrapping): what it was worth, what it brought, the entries."""

    class Kind(models.TextChoices):
        SALE = "sale", "Cession"
        SCRAP = "scrap", "Mise au rebut"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    asset = models.OneToOneField(FixedAsset, on_delete=models.PROTECT, related_name="disposal")
    kind = models.CharField("type de sortie", max_length=6, choices=Kind.choices)
    date = models.DateField("date de sortie")
    price = models.DecimalField("prix de cession HT", **MONEY, default=0)
    vat = models.DecimalField("TVA sur la cession", **MONEY, default=0)
    accumulated = models.DecimalField("amortissements cumulés", **MONEY)
    net_book_value = models.DecimalField("valeur nette comptable", **MONEY)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "sortie d'immobilisation"

    def __str__(self):
        return f"Sortie {self.asset}"

    @property
    def result(self):
        """Gain (positive) or loss on disposal: price − net book value."""
        return self.price - self.net_book_value


class Provision(models.Model):
    """A provision and its running amount: a doubtful customer (416/491) or a risk or charge (151, 158)."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", "Dépréciation de créance client"
        RISK = "risk", "Provision pour risques"
        CHARGE = "charge", "Provision pour charges"

    class State(models.TextChoices):
        OPEN = "open", "En cours"
        CLOSED = "closed", "Soldée"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    label = models.CharField("objet", max_length=200)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", verbose_name="compte")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="client")
    receivable = models.DecimalField("créance douteuse TTC", **MONEY, default=0)
    receivable_net = models.DecimalField("créance douteuse HT", **MONEY, default=0)
    vat_box = models.CharField("case TVA des factures", max_length=10, blank=True)
    loss_rate = models.DecimalField("perte estimée (%)", max_digits=7, decimal_places=2, default=0)
    amount = models.DecimalField("montant provisionné", **MONEY, default=0)
    state = models.CharField("état", max_length=8, choices=State.choices, default=State.OPEN)
    transfer_entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "provision"
        ordering = ["kind", "label", "pk"]

    def __str__(self):
        return self.label


class ProvisionMovement(models.Model):
    """A dotation (increase) or a reversal (decrease) of a provision, with its entry."""

    class Kind(models.TextChoices):
        DOTATION = "dotation", "Dotation"
        REVERSAL = "reversal", "Reprise"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    provision = models.ForeignKey(Provision, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("mouvement", max_length=10, choices=Kind.choices)
    date = models.DateField("date")
    amount = models.DecimalField("montant", **MONEY)
    reason = models.CharField("motif", max_length=200, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "mouvement de provision"
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["organisation", "date"], name="provision_movement_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class ProvisionReview(models.Model):
    """"Revue des provisions faite le … par …" for a fiscal year: the year-end checklist reads it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField("revue faite le", auto_now_add=True)
    reviewed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField("observations", max_length=300, blank=True)

    class Meta:
        verbose_name = "revue des provisions"
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"Revue des provisions {self.fiscal_year_id}"
