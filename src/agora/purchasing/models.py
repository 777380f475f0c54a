"""The purchase chain: purchase orders, goods receipts, supplier invoices and supplier credit notes (one table, a
`kind`), their lines and one tax row per VAT rate.

A document points to the one it was created from (`source`: order → receipt → invoice → credit note) and each
line to the order line it fulfils (`order_line`), so the three-way match (ordered / received / invoiced) is a
comparison of lines. Order lines keep running totals of what was received and invoiced.
"""

from django.conf import settings
from django.db import models

from agora.catalog.models import Product, VatCategory
from agora.core.models import Organisation
from agora.ledger.models import Entry
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}
QUANTITY = {"max_digits": 18, "decimal_places": 3}
PRICE = {"max_digits": 18, "decimal_places": 4}
PERCENT = {"max_digits": 5, "decimal_places": 2}
USER = settings.AUTH_USER_MODEL


class PurchaseKind(models.TextChoices):
    ORDER = "order", "Commande fournisseur"
    RECEIPT = "receipt", "Bon de réception"
    INVOICE = "invoice", "Facture fournisseur"
    CREDIT_NOTE = "credit_note", "Avoir fournisseur"


class PurchaseStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    CONFIRMED = "confirmed", "Confirmée"
    SENT = "sent", "Envoyée"
    VALIDATED = "validated", "Validé"
    CANCELLED = "cancelled", "Annulé"


class SourceFormat(models.TextChoices):
    NONE = "", "Saisie"
    FACTURX = "facturx", "Factur-X"
    CII = "cii", "CII (XML)"
    UBL = "ubl", "UBL (XML)"
    PDF = "pdf", "PDF"


class PurchaseDocument(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("type", max_length=12, choices=PurchaseKind.choices)
    status = models.CharField("état", max_length=12, choices=PurchaseStatus.choices, default=PurchaseStatus.DRAFT)
    number = models.CharField("numéro", max_length=30, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    fiscal_year_code = models.CharField(max_length=20, blank=True)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="fournisseur")
    issue_date = models.DateField("date")
    due_date = models.DateField("échéance", null=True, blank=True)
    expected_date = models.DateField("livraison prévue le", null=True, blank=True)
    supplier_reference = models.CharField("référence du fournisseur", max_length=60, blank=True)
    order_reference = models.CharField("référence de commande", max_length=60, blank=True)
    source = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="derived",
                               verbose_name="document d'origine")
    reductions = models.JSONField("réductions commerciales", default=list, blank=True)  # [{"label", "pct"}]
    cash_discount_pct = models.DecimalField("escompte déduit sur la facture (%)", **PERCENT, default=0)
    shipping = models.DecimalField("frais de port et accessoires HT", **MONEY, default=0)
    lines_total = models.DecimalField(**MONEY, default=0)
    commercial_net = models.DecimalField(**MONEY, default=0)
    financial_net = models.DecimalField(**MONEY, default=0)
    total_untaxed = models.DecimalField("total HT", **MONEY, default=0)
    total_vat = models.DecimalField("total TVA", **MONEY, default=0)
    total_incl_tax = models.DecimalField("total TTC", **MONEY, default=0)
    net_to_pay = models.DecimalField("net à payer", **MONEY, default=0)
    escompte_offered_pct = models.DecimalField("escompte proposé pour paiement anticipé (%)", **PERCENT,
                                               default=0)
    escompte_deadline = models.DateField("escompte si payé avant le", null=True, blank=True)
    discrepancies_accepted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True,
                                                  related_name="+", verbose_name="écarts acceptés par")
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="écriture comptable")
    source_file = models.FileField("pièce du fournisseur", upload_to="purchasing/%Y/", blank=True)
    source_format = models.CharField("format reçu", max_length=10, choices=SourceFormat.choices, blank=True,
                                     default=SourceFormat.NONE)
    einvoice_xml = models.TextField("XML de la facture électronique", blank=True)
    credit_reason = models.CharField("motif de l'avoir", max_length=200, blank=True)
    returns_goods = models.BooleanField("marchandises retournées au fournisseur (sortie de stock)", default=False)
    notes = models.TextField("notes", blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "document d'achat"
        verbose_name_plural = "documents d'achat"
        ordering = ["-issue_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "number"], condition=~models.Q(number=""),
                                    name="uniq_purchase_document_number"),
            models.UniqueConstraint(
                fields=["organisation", "party", "kind", "supplier_reference"],
                condition=(~models.Q(supplier_reference="") & models.Q(kind__in=["invoice", "credit_note"])
                           & ~models.Q(status="cancelled")),
                name="uniq_purchase_supplier_reference"),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "-issue_date", "-id"], name="purchase_document_list_order"),
            models.Index(fields=["organisation", "kind", "status", "issue_date"], name="purchase_document_status"),
            models.Index(fields=["organisation", "party", "kind"], name="purchase_document_party"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or '(brouillon)'}"


class PurchaseLine(models.Model):
    document = models.ForeignKey(PurchaseDocument, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField("désignation", max_length=300)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit = models.CharField("unité", max_length=20, default="u")
    unit_price = models.DecimalField("prix unitaire HT", **PRICE)
    discount_pct = models.DecimalField("remise (%)", **PERCENT, default=0)
    vat_category = models.ForeignKey(VatCategory, on_delete=models.PROTECT, related_name="+", verbose_name="TVA")
    vat_rate = models.DecimalField("taux de TVA (%)", **PERCENT)  # copied from the category when written
    account = models.CharField("compte de charge", max_length=20, default="607")
    net_amount = models.DecimalField("montant HT", **MONEY, default=0)
    order_line = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="fulfilments", verbose_name="ligne de commande")
    credited_line = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="credits", verbose_name="ligne de facture corrigée")
    quantity_received = models.DecimalField("quantité reçue", **QUANTITY, default=0)  # order lines
    quantity_invoiced = models.DecimalField("quantité facturée", **QUANTITY, default=0)  # order lines
    quantity_accepted = models.DecimalField("quantité acceptée", **QUANTITY, default=0)  # receipt lines
    quantity_rejected = models.DecimalField("quantité refusée", **QUANTITY, default=0)  # receipt lines
    quality_note = models.CharField("contrôle qualité / écart constaté", max_length=300, blank=True)

    class Meta:
        ordering = ["document_id", "position"]
        indexes = [models.Index(fields=["order_line"], name="purchase_line_order_line")]

    def __str__(self):
        return f"{self.quantity} × {self.label}"


class PurchaseTax(models.Model):
    """One row per VAT rate of a document: base and tax, rounded once per rate."""

    document = models.ForeignKey(PurchaseDocument, on_delete=models.CASCADE, related_name="tax_rows")
    rate = models.DecimalField(**PERCENT)
    base = models.DecimalField(**MONEY)
    tax = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["-rate"]

    def __str__(self):
        return f"{self.rate} % : {self.base} / {self.tax}"

