"""The general ledger (DESIGN.md §4): accounts, journals, fiscal years and periods, entries and lines,
matching. Business documents never hold accounting lines; they post through services.entry_post."""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}


class PostedEntryError(Exception):
    """Raised by the model guard when code tries to change or delete a posted entry or its lines."""


class Account(models.Model):
    class Kind(models.TextChoices):
        EQUITY = "equity", "Capitaux"
        ASSET = "asset", "Immobilisation"
        STOCK = "stock", "Stock"
        RECEIVABLE = "receivable", "Créance tiers"
        PAYABLE = "payable", "Dette tiers"
        TAX = "tax", "État / TVA"
        THIRD_PARTY = "third_party", "Autre tiers"
        BANK = "bank", "Banque"
        CASH = "cash", "Caisse"
        EXPENSE = "expense", "Charge"
        INCOME = "income", "Produit"
        OFF_BALANCE = "off_balance", "Hors bilan / contributions volontaires"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("numéro", max_length=20)
    label = models.CharField("intitulé", max_length=200)
    account_class = models.PositiveSmallIntegerField("classe")
    kind = models.CharField("nature", max_length=20, choices=Kind.choices)
    reconcilable = models.BooleanField("lettrable", default=False)
    party_required = models.BooleanField("tiers obligatoire", default=False)
    active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "compte"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_account_code")]

    def __str__(self):
        return f"{self.code} {self.label}"


class Journal(models.Model):
    class Kind(models.TextChoices):
        SALE = "sale", "Ventes"
        PURCHASE = "purchase", "Achats"
        BANK = "bank", "Banque"
        CASH = "cash", "Caisse"
        GENERAL = "general", "Opérations diverses"
        PAYROLL = "payroll", "Paie"
        OPENING = "opening", "À-nouveaux"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=6)
    label = models.CharField("libellé", max_length=100)
    kind = models.CharField("type", max_length=10, choices=Kind.choices)
    default_account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name="compte de contrepartie")
    active = models.BooleanField("actif", default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_journal_code")]

    def __str__(self):
        return f"{self.code} {self.label}"


class State(models.TextChoices):
    OPEN = "open", "Ouvert"
    CLOSED = "closed", "Clôturé"
    LOCKED = "locked", "Verrouillé"


class FiscalYear(models.Model):
    """An accounting year. Closed: result computed and opening entries carried; locked: sealed for good."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.OPEN)
    result = models.DecimalField("résultat", **MONEY, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")

    class Meta:
        verbose_name = "exercice"
        ordering = ["start_date"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="uniq_fiscal_year_code"),
            models.UniqueConstraint(fields=["organisation", "start_date"], name="uniq_fiscal_year_start"),
        ]

    def __str__(self):
        return f"Exercice {self.code}"


class Period(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = "période"
        ordering = ["start_date"]
        constraints = [models.UniqueConstraint(fields=["organisation", "start_date"], name="uniq_period_start")]

    def __str__(self):
        return f"{self.start_date:%m/%Y}"


class Entry(models.Model):
    """A journal entry. Draft: editable, unnumbered. Posted: numbered, hashed, frozen forever."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Brouillard"
        POSTED = "posted", "Validée"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    number = models.PositiveIntegerField("numéro", null=True, blank=True)
    reference = models.CharField("pièce", max_length=40, blank=True)
    voucher_date = models.DateField("date de la pièce", null=True, blank=True)
    label = models.CharField("libellé", max_length=200)
    state = models.CharField("état", max_length=10, choices=Status.choices, default=Status.DRAFT)
    posted_at = models.DateTimeField("validée le", null=True, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    origin_type = models.CharField("origine", max_length=60, blank=True)
    origin_id = models.CharField(max_length=40, blank=True)
    reversal_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="reversals", verbose_name="extourne de")
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "écriture"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "journal", "fiscal_year", "number"],
                                    name="uniq_entry_number"),
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "date"]),
            models.Index(fields=["organisation", "origin_type", "origin_id"]),
            # The entry list's order: page 100 of a million lines reads 50 index rows, not the table.
            models.Index(fields=["organisation", "-date", "-id"], name="entry_list_order"),
        ]

    def __str__(self):
        return self.display_number or f"Brouillard #{self.pk}"

    def save(self, *args, **kwargs):
        # Model guard (the service and the database triggers are the other two): once posted, never again.
        if self.pk and Entry.objects.filter(pk=self.pk, state=Entry.Status.POSTED).exists():
            raise PostedEntryError("Écriture validée : elle ne peut plus être modifiée.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Entry.objects.filter(pk=self.pk, state=Entry.Status.POSTED).exists():
            raise PostedEntryError("Écriture validée : elle ne peut pas être supprimée.")
        return super().delete(*args, **kwargs)

    @property
    def display_number(self) -> str:
        """Number as printed and exported (EcritureNum): journal, fiscal year and sequence."""
        if self.number is None:
            return ""
        return f"{self.journal.code}-{self.fiscal_year.code}-{self.number:06d}"

    @property
    def is_posted(self) -> bool:
        return self.state == self.Status.POSTED


class EntryLineQuerySet(models.QuerySet):
    def posted(self):
        """Posted lines only. Written `posted IN (true)` rather than `posted = true`: on SQLite Django renders the
        latter as a bare column, which the (…, posted, account, …) indexes cannot seek on — three times slower
        on a million lines."""
        return self.filter(posted__in=[True])


class EntryLine(models.Model):
    """One line of an entry. Organisation, journal, year, date and posted state are copied from the
    entry so that reports aggregate lines without a join (they never change once posted)."""

    class TaxRole(models.TextChoices):
        NONE = "", "—"
        BASE = "base", "Base HT"
        OUTPUT_VAT = "output_vat", "TVA collectée"
        INPUT_VAT = "input_vat", "TVA déductible"

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="lines")
    # Covered by the composite indexes below (each starts with organisation): no index of their own, which
    # keeps posting fast.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_index=False)
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+", db_index=False)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+", db_index=False)
    date = models.DateField()
    posted = models.BooleanField(default=False)
    line_no = models.PositiveSmallIntegerField(default=1)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField("libellé", max_length=200)
    debit = models.DecimalField("débit", **MONEY, default=0)
    credit = models.DecimalField("crédit", **MONEY, default=0)
    due_date = models.DateField("échéance", null=True, blank=True)
    tax_role = models.CharField(max_length=12, choices=TaxRole.choices, blank=True, default="")
    vat_box = models.CharField("case TVA", max_length=10, blank=True)
    currency_amount = models.DecimalField(**MONEY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    objects = EntryLineQuerySet.as_manager()

    class Meta:
        ordering = ["entry_id", "line_no"]
        indexes = [
            models.Index(fields=["organisation", "posted", "account", "date"], name="line_account_date"),
            # Covering index of the trial balance: the year's GROUP BY reads the index alone, never the table.
            models.Index(fields=["organisation", "fiscal_year", "posted", "account", "party", "journal", "date",
                                 "debit", "credit"], name="line_year_balance"),
            models.Index(fields=["organisation", "account", "party"], name="line_account_party"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(debit__gte=0) & models.Q(credit__gte=0),
                                   name="line_amounts_not_negative"),
            models.CheckConstraint(condition=models.Q(debit=0) | models.Q(credit=0),
                                   name="line_debit_xor_credit"),
        ]

    def __str__(self):
        return f"{self.account.code} {self.debit or ''}/{self.credit or ''}"

    def save(self, *args, **kwargs):
        if Entry.objects.filter(pk=self.entry_id, state=Entry.Status.POSTED).exists():
            raise PostedEntryError("Écriture validée : ses lignes ne peuvent plus être modifiées.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Entry.objects.filter(pk=self.entry_id, state=Entry.Status.POSTED).exists():
            raise PostedEntryError("Écriture validée : ses lignes ne peuvent pas être supprimées.")
        return super().delete(*args, **kwargs)


class Matching(models.Model):
    """A group of lines of one account (and party) matched together (lettrage).

    Full when the lines' debits equal their credits (code in capitals, AA, AB…); partial otherwise
    (the same code in lower case, as French ledgers print it). Lines are never rewritten.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    code = models.CharField("code", max_length=8)
    date = models.DateField("date de lettrage")
    is_full = models.BooleanField("lettrage total", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "lettrage"
        constraints = [models.UniqueConstraint(fields=["organisation", "account", "code"],
                                               name="uniq_matching_code")]

    def __str__(self):
        return self.display_code

    @property
    def display_code(self) -> str:
        return self.code if self.is_full else self.code.lower()


class MatchingPart(models.Model):
    """A line's membership in a matching; `amount` is its signed balance (debit − credit)."""

    matching = models.ForeignKey(Matching, on_delete=models.CASCADE, related_name="parts")
    line = models.OneToOneField(EntryLine, on_delete=models.PROTECT, related_name="matching_part")
    amount = models.DecimalField(**MONEY)

    def __str__(self):
        return f"{self.matching.code}: {self.amount}"
