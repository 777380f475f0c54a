"""The sales chain: quotes, orders, delivery notes, invoices and credit notes (one table, a `kind`), receipts and
their allocation to invoices, cheque deposit slips, reminders, claims, and the organisation's sales settings.

A document copies the customer's identity and addresses at validation (a later change of the party never
rewrites an issued invoice) and stores its computed totals and one tax row per VAT rate (core.totals).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models

from agora.catalog.models import Product
from agora.core.models import Organisation
from agora.ledger.models import Entry
from agora.parties.models import Party, PaymentTerm

MONEY = {"max_digits": 18, "decimal_places": 2}
QUANTITY = {"max_digits": 18, "decimal_places": 4}
PRICE = {"max_digits": 18, "decimal_places": 4}
PERCENT = {"max_digits": 5, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class SalesSettings(models.Model):
    """Per-organisation sales rules: invoice mentions, late-payment terms, reminder levels, VAT option."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sales_settings")
    vat_on_debits = models.BooleanField("option pour le paiement de la TVA d'après les débits", default=False)
    late_interest_rate = models.DecimalField("taux des pénalités de retard (%)", **PERCENT,
                                             default=Decimal("12.15"))
    fixed_recovery_fee = models.DecimalField("indemnité forfaitaire de recouvrement", **MONEY, default=Decimal(40))
    cash_discount_terms = models.CharField("conditions d'escompte", max_length=200,
                                           default="Pas d'escompte pour paiement anticipé.")
    default_payment_term = models.ForeignKey(PaymentTerm, on_delete=models.PROTECT, null=True, blank=True,
                                             related_name="+")
    quote_validity_days = models.PositiveSmallIntegerField("validité des devis (jours)", default=30)
    reminder_days_1 = models.PositiveSmallIntegerField("1re relance (jours après échéance)", default=7)
    reminder_days_2 = models.PositiveSmallIntegerField("2e relance (jours après échéance)", default=21)
    reminder_days_3 = models.PositiveSmallIntegerField("mise en demeure (jours après échéance)", default=45)
    invoice_footer = models.TextField("pied de facture", blank=True)

    class Meta:
        verbose_name = "paramètres des ventes"

    def __str__(self):
        return f"Paramètres des ventes — {self.organisation}"


class DocumentKind(models.TextChoices):
    QUOTE = "quote", "Devis"
    ORDER = "order", "Commande"
    DELIVERY = "delivery", "Bon de livraison"
    INVOICE = "invoice", "Facture"
    CREDIT_NOTE = "credit_note", "Avoir"


class DocumentState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyé"
    ACCEPTED = "accepted", "Accepté"
    REFUSED = "refused", "Refusé"
    EXPIRED = "expired", "Expiré"
    CONFIRMED = "confirmed", "Confirmée"
    VALIDATED = "validated", "Validé"
    CANCELLED = "cancelled", "Annulé"


class OperationCategory(models.TextChoices):
    """Nature of the operation, a mandatory mention of the e-invoicing reform (BT-23: S1/B1/M1)."""

    GOODS = "goods", "Livraison de biens"
    SERVICES = "services", "Prestation de services"
    MIXED = "mixed", "Opération mixte"


class SalesDocument(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type", max_length=12, choices=DocumentKind.choices)
    state = models.CharField("état", max_length=12, choices=DocumentState.choices, default=DocumentState.DRAFT)
    number = models.CharField("numéro", max_length=30, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    fiscal_year_code = models.CharField(max_length=20, blank=True)
    date = models.DateField("date")
    valid_until = models.DateField("valable jusqu'au", null=True, blank=True)
    delivery_date = models.DateField("date de livraison / d'exécution", null=True, blank=True)
    due_date = models.DateField("échéance", null=True, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="client")
    customer_name = models.CharField(max_length=200, blank=True)
    customer_address = models.TextField(blank=True)
    customer_siren = models.CharField(max_length=9, blank=True)
    customer_vat_number = models.CharField(max_length=13, blank=True)
    delivery_address = models.TextField("adresse de livraison", blank=True)
    customer_reference = models.CharField("référence de commande du client", max_length=60, blank=True)
    payment_term = models.ForeignKey(PaymentTerm, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
                               verbose_name="document d'origine")
    credited_invoice = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="credit_notes", verbose_name="facture corrigée")
    credit_reason = models.CharField("motif de l'avoir", max_length=200, blank=True)
    credit_kind = models.CharField("nature de l'avoir", max_length=12, blank=True, choices=[
        ("return", "Retour"), ("claim", "Réclamation"), ("rebate", "Rabais"), ("cancellation", "Annulation")])
    returns_goods = models.BooleanField("marchandises retournées (remise en stock)", default=False)
    is_deposit = models.BooleanField("facture d'acompte", default=False)
    operation_category = models.CharField("nature de l'opération", max_length=10,
                                          choices=OperationCategory.choices, default=OperationCategory.GOODS)
    vat_on_debits = models.BooleanField("TVA d'après les débits", default=False)
    reductions = models.JSONField("réductions commerciales", default=list, blank=True)  # [{"label", "pct"}]
    cash_discount_pct = models.DecimalField("escompte (%)", **PERCENT, default=0)
    shipping = models.DecimalField("frais de port HT", **MONEY, default=0)
    deposit_deducted = models.DecimalField("acompte déduit TTC", **MONEY, default=0)
    lines_total = models.DecimalField(**MONEY, default=0)
    commercial_net = models.DecimalField(**MONEY, default=0)
    financial_net = models.DecimalField(**MONEY, default=0)
    untaxed_total = models.DecimalField("total HT", **MONEY, default=0)
    tax_total = models.DecimalField("total TVA", **MONEY, default=0)
    total = models.DecimalField("total TTC", **MONEY, default=0)
    net_to_pay = models.DecimalField("net à payer", **MONEY, default=0)
    notes = models.TextField("notes", blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="écriture comptable")
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "document de vente"
        verbose_name_plural = "documents de vente"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "number"], condition=~models.Q(number=""),
                                    name="uniq_sales_document_number"),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "-date", "-id"], name="sales_document_list_order"),
            models.Index(fields=["organisation", "kind", "state", "date"]),
            models.Index(fields=["organisation", "party", "kind"]),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or '(brouillon)'}"


class SalesLine(models.Model):
    document = models.ForeignKey(SalesDocument, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    line_no = models.PositiveSmallIntegerField(default=1)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField("désignation", max_length=300)
    kind = models.CharField("nature", max_length=10, choices=Product.Kind.choices, default=Product.Kind.GOODS)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit = models.CharField("unité", max_length=20, default="u")
    unit_price = models.DecimalField("prix unitaire HT", **PRICE)
    discount_pct = models.DecimalField("remise (%)", **PERCENT, default=0)
    vat_rate = models.DecimalField("taux de TVA (%)", **PERCENT)
    vat_mention = models.CharField("mention TVA", max_length=200, blank=True)
    revenue_account = models.CharField("compte de produit", max_length=20, default="707")
    net_amount = models.DecimalField("montant HT", **MONEY, default=0)
    source_line = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived")
    delivered_quantity = models.DecimalField("quantité livrée", **QUANTITY, default=0)
    invoiced_quantity = models.DecimalField("quantité facturée", **QUANTITY, default=0)

    class Meta:
        ordering = ["document_id", "line_no"]

    def __str__(self):
        return f"{self.quantity} × {self.description}"


class SalesTax(models.Model):
    """One row per VAT rate of a document: base and tax, rounded once per rate."""

    document = models.ForeignKey(SalesDocument, on_delete=models.CASCADE, related_name="tax_rows")
    rate = models.DecimalField(**PERCENT)
    base = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)
    mention = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-rate"]

    def __str__(self):
        return f"{self.rate} % : {self.base} / {self.tax}"


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Espèces"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
    TRANSFER = "transfer", "Virement"
    DIRECT_DEBIT = "direct_debit", "Prélèvement SEPA"


class DepositSlip(models.Model):
    """A cheque deposit slip (bordereau de remise de chèques) grouping cheques taken to the bank."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30)
    date = models.DateField("date de remise")
    bank_journal = models.CharField("journal de banque", max_length=6, default="BQ1")
    total = models.DecimalField(**MONEY, default=0)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "bordereau de remise de chèques"
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="uniq_deposit_slip_number")]

    def __str__(self):
        return f"Remise {self.number}"


class Receipt(models.Model):
    """Money received from a customer, posted 512/530 against 411 and allocated to invoices."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="client")
    date = models.DateField("date")
    method = models.CharField("mode de règlement", max_length=15, choices=PaymentMethod.choices)
    amount = models.DecimalField("montant", **MONEY)
    reference = models.CharField("référence (n° de chèque, libellé du virement…)", max_length=80, blank=True)
    drawee_bank = models.CharField("banque tirée", max_length=80, blank=True)
    journal = models.CharField("journal", max_length=6, default="BQ1")
    deposit_slip = models.ForeignKey(DepositSlip, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="receipts")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unallocated = models.DecimalField("reste non affecté (avoir client)", **MONEY, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "encaissement"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["organisation", "party", "date"])]

    def __str__(self):
        return f"Encaissement {self.number or self.pk} — {self.amount}"


class ReceiptAllocation(models.Model):
    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(SalesDocument, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    def __str__(self):
        return f"{self.receipt} → {self.invoice}: {self.amount}"


class ReminderLevel(models.IntegerChoices):
    FIRST = 1, "Première relance"
    SECOND = 2, "Deuxième relance"
    FORMAL_NOTICE = 3, "Mise en demeure"


class ReminderRun(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    state = models.CharField(max_length=10, choices=[("draft", "À revoir"), ("sent", "Envoyée")], default="draft")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "campagne de relance"
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"Relances du {self.date:%d/%m/%Y}"


class Reminder(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    run = models.ForeignKey(ReminderRun, on_delete=models.CASCADE, related_name="reminders")
    invoice = models.ForeignKey(SalesDocument, on_delete=models.PROTECT, related_name="reminders")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(choices=ReminderLevel.choices)
    days_late = models.PositiveIntegerField()
    amount_due = models.DecimalField(**MONEY)
    interest = models.DecimalField("pénalités de retard", **MONEY, default=0)
    fixed_fee = models.DecimalField("indemnité forfaitaire", **MONEY, default=0)
    state = models.CharField(max_length=10, choices=[("proposed", "Proposée"), ("sent", "Envoyée"),
                                                     ("skipped", "Écartée")], default="proposed")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "relance"
        ordering = ["party_id", "invoice_id"]

    def __str__(self):
        return f"{self.get_level_display()} — {self.invoice}"


class Claim(models.Model):
    class Kind(models.TextChoices):
        DELAY = "delay", "Retard"
        DEFECT = "defect", "Défaut / non-conformité"
        QUANTITY = "quantity", "Erreur de quantité"
        BILLING = "billing", "Erreur de facturation"
        OTHER = "other", "Autre"

    class Status(models.TextChoices):
        OPEN = "open", "Ouverte"
        IN_PROGRESS = "in_progress", "En cours de traitement"
        RESOLVED = "resolved", "Résolue"
        REFUSED = "refused", "Refusée"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        CREDIT_NOTE = "credit_note", "Avoir"
        REPLACEMENT = "replacement", "Remplacement"
        REFUSAL = "refusal", "Refus motivé"
        OTHER = "other", "Autre"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="client")
    document = models.ForeignKey(SalesDocument, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="claims", verbose_name="document concerné")
    kind = models.CharField("type", max_length=12, choices=Kind.choices)
    is_dispute = models.BooleanField("litige", default=False)
    subject = models.CharField("objet", max_length=200)
    description = models.TextField("description", blank=True)
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="responsable")
    opened_on = models.DateField("ouverte le")
    deadline = models.DateField("échéance de traitement")
    closed_on = models.DateField("close le", null=True, blank=True)
    outcome = models.CharField("issue", max_length=12, choices=Outcome.choices, blank=True, default="")
    outcome_document = models.ForeignKey(SalesDocument, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+")
    reply = models.TextField("réponse écrite", blank=True)

    class Meta:
        verbose_name = "réclamation"
        ordering = ["-opened_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="uniq_claim_number")]

    def __str__(self):
        return f"Réclamation {self.number}"


class ClaimExchange(models.Model):
    """One exchange logged on a claim (call, e-mail, letter, internal note)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="exchanges")
    at = models.DateTimeField(auto_now_add=True)
    author = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=10, choices=[("phone", "Téléphone"), ("email", "E-mail"),
                                                       ("letter", "Courrier"), ("visit", "Visite"),
                                                       ("note", "Note interne")], default="note")
    text = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y} {self.get_channel_display()}"
