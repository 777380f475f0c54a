"""Procurement: the supplier catalogue (who sells what, at which terms), supplier ratings and documents with their
expiry, internal purchase requests with their approval, and requests for quotation sent to several suppliers.

The purchase order itself lives in the purchasing app: choosing a supplier on a request for quotation (or ordering
an approved request directly) creates it there, and the request and the RFQ keep a link to it.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models

from agora.catalog.models import Product
from agora.core.models import Organisation
from agora.parties.models import Party
from agora.purchasing.models import PurchaseDocument

MONEY = {"max_digits": 18, "decimal_places": 2}
QUANTITY = {"max_digits": 18, "decimal_places": 3}  # as purchase order lines
PRICE = {"max_digits": 18, "decimal_places": 4}
USER = settings.AUTH_USER_MODEL


class ProcurementSettings(models.Model):
    """Per-organisation procurement rules."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="procurement_settings")
    approval_threshold = models.DecimalField("seuil d'approbation des demandes d'achat (HT)", **MONEY,
                                             default=Decimal("1000.00"))
    document_warning_days = models.PositiveSmallIntegerField("alerte avant expiration des documents (jours)",
                                                             default=30)

    class Meta:
        verbose_name = "paramètres de l'approvisionnement"

    def __str__(self):
        return f"Paramètres de l'approvisionnement — {self.organisation}"


class SupplierProduct(models.Model):
    """One supplier's terms for one product; at most one preferred supplier per product."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="fournisseur")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name="article")
    supplier_reference = models.CharField("référence fournisseur", max_length=60, blank=True)
    unit_price = models.DecimalField("prix unitaire HT", **PRICE)
    minimum_quantity = models.DecimalField("quantité minimale de commande", **QUANTITY, default=Decimal(1))
    lead_time_days = models.PositiveSmallIntegerField("délai de livraison (jours)", default=0)
    preferred = models.BooleanField("fournisseur préféré", default=False)
    active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "article fournisseur"
        verbose_name_plural = "catalogue fournisseurs"
        ordering = ["product__reference", "unit_price"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "supplier", "product"], name="uniq_supplier_product"),
            models.UniqueConstraint(fields=["organisation", "product"], condition=models.Q(preferred=True),
                                    name="uniq_preferred_supplier_product"),
        ]
        indexes = [models.Index(fields=["organisation", "product"], name="supplier_product_product")]

    def __str__(self):
        return f"{self.supplier.name} — {self.product.reference}"


class SupplierProfile(models.Model):
    """What the buyers think of a supplier (1 to 5 on quality, delays, price): one per party, used to rank offers."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supplier = models.OneToOneField(Party, on_delete=models.PROTECT, related_name="supplier_profile")
    rating_quality = models.PositiveSmallIntegerField("qualité (1 à 5)", null=True, blank=True)
    rating_delays = models.PositiveSmallIntegerField("respect des délais (1 à 5)", null=True, blank=True)
    rating_price = models.PositiveSmallIntegerField("prix (1 à 5)", null=True, blank=True)
    rating = models.DecimalField("note moyenne", max_digits=3, decimal_places=1, null=True, blank=True)
    comment = models.TextField("commentaire", blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rated_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "évaluation fournisseur"

    def __str__(self):
        return f"Évaluation de {self.supplier.name}"


class SupplierDocument(models.Model):
    """A document a supplier must provide (Kbis, insurance, URSSAF vigilance certificate…) and when it expires."""

    class Kind(models.TextChoices):
        KBIS = "kbis", "Extrait Kbis"
        INSURANCE = "insurance", "Attestation d'assurance"
        URSSAF_VIGILANCE = "urssaf_vigilance", "Attestation de vigilance URSSAF"
        CERTIFICATE = "certificate", "Certificat (qualité, qualification…)"
        OTHER = "other", "Autre document"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="fournisseur")
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    label = models.CharField("intitulé", max_length=200, blank=True)
    file = models.FileField("fichier (PDF ou image)", upload_to="procurement/documents/%Y/")
    issued_on = models.DateField("délivré le")
    expires_on = models.DateField("expire le", null=True, blank=True)
    notes = models.CharField("notes", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "document fournisseur"
        verbose_name_plural = "documents fournisseurs"
        ordering = ["expires_on", "id"]
        indexes = [models.Index(fields=["organisation", "expires_on"], name="supplier_document_expiry"),
                   # the "to renew" check looks for a later document of the same kind, per row
                   models.Index(fields=["organisation", "supplier", "kind", "expires_on"],
                                name="supplier_document_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.supplier.name}"

    def is_expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "En attente d'approbation"
    APPROVED = "approved", "Approuvée"
    REJECTED = "rejected", "Refusée"
    ORDERED = "ordered", "Commandée"
    CANCELLED = "cancelled", "Annulée"


class PurchaseRequest(models.Model):
    """An internal purchase request (demande d'achat), approved by the management above a threshold."""

    class Origin(models.TextChoices):
        MANUAL = "manual", "Saisie"
        REORDER = "reorder", "Réapprovisionnement"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30, blank=True)
    status = models.CharField("statut", max_length=12, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    origin = models.CharField("origine", max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    requester = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name="demandeur")
    reason = models.TextField("motif", blank=True)
    needed_by = models.DateField("souhaité pour le", null=True, blank=True)
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name="fournisseur suggéré")
    estimated_total = models.DecimalField("montant estimé HT", **MONEY, default=0)
    approval_required = models.BooleanField("approbation requise", default=False)
    submitted_at = models.DateTimeField("soumise le", null=True, blank=True)
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name="décision par")
    decision_comment = models.TextField("commentaire de la décision", blank=True)
    order = models.ForeignKey(PurchaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="commande fournisseur")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "demande d'achat"
        verbose_name_plural = "demandes d'achat"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], condition=~models.Q(number=""),
                                               name="uniq_purchase_request_number")]
        indexes = [models.Index(fields=["organisation", "-created_at", "-id"], name="purchase_request_list"),
                   models.Index(fields=["organisation", "status"], name="purchase_request_status")]

    def __str__(self):
        return f"Demande d'achat {self.number or f'(brouillon {self.pk})'}"


class PurchaseRequestLine(models.Model):
    request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    line_no = models.PositiveSmallIntegerField(default=1)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="article")
    label = models.CharField("désignation", max_length=300)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit = models.CharField("unité", max_length=20, default="u")
    estimated_unit_price = models.DecimalField("prix unitaire estimé HT", **PRICE, default=0)
    estimated_amount = models.DecimalField("montant estimé HT", **MONEY, default=0)
    needed_by = models.DateField("souhaité pour le", null=True, blank=True)

    class Meta:
        ordering = ["request_id", "line_no"]

    def __str__(self):
        return f"{self.quantity} × {self.label}"


class RfqStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SENT = "sent", "Envoyée"
    CLOSED = "closed", "Fournisseur retenu"
    CANCELLED = "cancelled", "Annulée"


class RequestForQuotation(models.Model):
    """A request for quotation (demande de prix) sent to several suppliers; the chosen offer becomes an order."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    number = models.CharField("numéro", max_length=30)
    status = models.CharField("statut", max_length=12, choices=RfqStatus.choices, default=RfqStatus.DRAFT)
    request = models.ForeignKey(PurchaseRequest, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="rfqs", verbose_name="demande d'achat")
    subject = models.CharField("objet", max_length=200)
    issue_date = models.DateField("date")
    response_due = models.DateField("réponse attendue avant le", null=True, blank=True)
    notes = models.TextField("notes pour les fournisseurs", blank=True)
    chosen = models.ForeignKey("RfqSupplier", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="offre retenue")
    chosen_at = models.DateTimeField(null=True, blank=True)
    chosen_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    choice_comment = models.TextField("motif du choix", blank=True)
    order = models.ForeignKey(PurchaseDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="commande fournisseur")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = "demande de prix"
        verbose_name_plural = "demandes de prix"
        ordering = ["-issue_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "number"], name="uniq_rfq_number")]
        indexes = [models.Index(fields=["organisation", "-issue_date", "-id"], name="rfq_list_order")]

    def __str__(self):
        return f"Demande de prix {self.number}"


class RfqLine(models.Model):
    rfq = models.ForeignKey(RequestForQuotation, on_delete=models.CASCADE, related_name="lines")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    line_no = models.PositiveSmallIntegerField(default=1)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="article")
    label = models.CharField("désignation", max_length=300)
    quantity = models.DecimalField("quantité", **QUANTITY)
    unit = models.CharField("unité", max_length=20, default="u")

    class Meta:
        ordering = ["rfq_id", "line_no"]

    def __str__(self):
        return f"{self.quantity} × {self.label}"


class RfqSupplier(models.Model):
    """One supplier consulted on an RFQ: when it was sent, and its answer (per-line prices in RfqQuote)."""

    rfq = models.ForeignKey(RequestForQuotation, on_delete=models.CASCADE, related_name="suppliers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="fournisseur")
    email = models.EmailField("e-mail d'envoi", blank=True)
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    responded_at = models.DateTimeField("réponse saisie le", null=True, blank=True)
    declined = models.BooleanField("ne répond pas / décline", default=False)
    lead_time_days = models.PositiveSmallIntegerField("délai de livraison (jours)", null=True, blank=True)
    valid_until = models.DateField("offre valable jusqu'au", null=True, blank=True)
    quote_reference = models.CharField("référence du devis", max_length=60, blank=True)
    comments = models.TextField("commentaires", blank=True)
    total_untaxed = models.DecimalField("total HT de l'offre", **MONEY, null=True, blank=True)

    class Meta:
        ordering = ["rfq_id", "id"]
        constraints = [models.UniqueConstraint(fields=["rfq", "supplier"], name="uniq_rfq_supplier")]

    def __str__(self):
        return f"{self.rfq.number} — {self.supplier.name}"


class RfqQuote(models.Model):
    """A supplier's price for one line of an RFQ."""

    rfq_supplier = models.ForeignKey(RfqSupplier, on_delete=models.CASCADE, related_name="quotes")
    line = models.ForeignKey(RfqLine, on_delete=models.CASCADE, related_name="quotes")
    unit_price = models.DecimalField("prix unitaire HT", **PRICE)
    amount = models.DecimalField("montant HT", **MONEY)
    lead_time_days = models.PositiveSmallIntegerField("délai (jours)", null=True, blank=True)
    comment = models.CharField("commentaire", max_length=200, blank=True)

    class Meta:
        ordering = ["line__line_no"]
        constraints = [models.UniqueConstraint(fields=["rfq_supplier", "line"], name="uniq_rfq_quote")]

    def __str__(self):
        return f"{self.rfq_supplier} — ligne {self.line.line_no}: {self.unit_price}"
