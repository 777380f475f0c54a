"""Members, membership fees and donations of associations and mutuals (not sales: no VAT, accounts 756/754)."""

from django.conf import settings
from django.db import models

from agora.core.models import Organisation
from agora.ledger.models import Entry
from agora.parties.models import Party

MONEY = {"max_digits": 18, "decimal_places": 2}


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Espèces"
    CHEQUE = "cheque", "Chèque"
    CARD = "card", "Carte bancaire"
    TRANSFER = "transfer", "Virement"
    DIRECT_DEBIT = "direct_debit", "Prélèvement SEPA"


class MembershipSettings(models.Model):
    """What the tax receipts and renewal letters say about the organisation (Cerfa n° 11580 "bénéficiaire")."""

    class BeneficiaryStatus(models.TextChoices):
        GENERAL_INTEREST = "general_interest", "Œuvre ou organisme d'intérêt général"
        PUBLIC_UTILITY = "public_utility", "Association ou fondation reconnue d'utilité publique"
        AID = "aid", ("Association fournissant gratuitement une aide alimentaire ou des soins médicaux à des "
                      "personnes en difficulté ou favorisant leur logement")
        CULTURAL = "cultural", "Organisme ayant pour activité principale l'organisation de festivals"
        RESEARCH = "research", "Établissement de recherche public ou privé, d'intérêt général, à but non lucratif"
        OTHER = "other", "Autre organisme"

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="+")
    purpose = models.TextField("objet", blank=True)
    legal_status = models.CharField("statut", max_length=200, default="Association loi 1901 d'intérêt général")
    beneficiary_status = models.CharField("qualité du bénéficiaire (Cerfa 11580)", max_length=20,
                                          choices=BeneficiaryStatus.choices,
                                          default=BeneficiaryStatus.GENERAL_INTEREST)
    signatory_name = models.CharField("signataire", max_length=120, blank=True)
    signatory_role = models.CharField("qualité du signataire", max_length=120, default="Trésorier")
    signature_place = models.CharField("lieu de signature", max_length=100, blank=True)

    class Meta:
        verbose_name = "paramètres des adhésions et dons"

    def __str__(self):
        return f"Paramètres adhésions — {self.organisation}"


class MembershipCategory(models.Model):
    """A fee category (membre actif, bienfaiteur, famille…) and the income account its fees go to."""

    class Account(models.TextChoices):
        WITHOUT_CONSIDERATION = "7561", "7561 — Cotisations sans contrepartie"
        WITH_CONSIDERATION = "7562", "7562 — Cotisations avec contrepartie"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    label = models.CharField("libellé", max_length=100)
    amount = models.DecimalField("cotisation annuelle", **MONEY)
    account = models.CharField("compte de produit", max_length=8, choices=Account.choices,
                               default=Account.WITHOUT_CONSIDERATION)
    active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "catégorie d'adhésion"
        verbose_name_plural = "catégories d'adhésion"
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="uniq_membership_category")]

    def __str__(self):
        return self.label


class Member(models.Model):
    """One line of the member register; the person or body itself is a party (is_member flag)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "À jour"
        LAPSED = "lapsed", "Non renouvelé"
        LEFT = "left", "Sorti"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="tiers")
    number = models.CharField("n° d'adhérent", max_length=20)
    category = models.ForeignKey(MembershipCategory, on_delete=models.PROTECT, related_name="members",
                                 verbose_name="catégorie")
    joined_on = models.DateField("date d'adhésion")
    left_on = models.DateField("date de sortie", null=True, blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField("notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "adhérent"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "number"], name="uniq_member_number"),
            models.UniqueConstraint(fields=["organisation", "party"], name="uniq_member_party"),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self):
        return f"{self.number} {self.party.name}"


class MembershipFee(models.Model):
    """The fee a member owes for one year. Nothing is posted when it is called: the income is recorded when it
    is received (associations account for fees on receipt), by the payments."""

    class State(models.TextChoices):
        DUE = "due", "À payer"
        PARTIAL = "partial", "Payée en partie"
        PAID = "paid", "Payée"
        CANCELLED = "cancelled", "Annulée"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="fees", verbose_name="adhérent")
    year = models.PositiveSmallIntegerField("année")
    category = models.ForeignKey(MembershipCategory, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="catégorie")
    amount = models.DecimalField("montant", **MONEY)
    due_date = models.DateField("échéance")
    paid_amount = models.DecimalField("payé", **MONEY, default=0)
    state = models.CharField("état", max_length=10, choices=State.choices, default=State.DUE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "cotisation"
        ordering = ["-year", "member__number"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "member", "year"], name="uniq_membership_fee"),
        ]
        indexes = [models.Index(fields=["organisation", "year", "state"])]

    def __str__(self):
        return f"Cotisation {self.year} — {self.member}"

    @property
    def balance(self):
        return self.amount - self.paid_amount

    def entries(self):
        """Ledger entries of this fee (one per payment)."""
        return Entry.objects.filter(organisation_id=self.organisation_id,
                                    pk__in=self.payments.values("entry_id"))


class FeePayment(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fee = models.ForeignKey(MembershipFee, on_delete=models.PROTECT, related_name="payments",
                            verbose_name="cotisation")
    date = models.DateField("date")
    method = models.CharField("mode de paiement", max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField("montant", **MONEY)
    reference = models.CharField("référence", max_length=60, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", verbose_name="écriture")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "règlement de cotisation"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.amount} € ({self.get_method_display()})"


class RenewalCampaign(models.Model):
    """A yearly renewal: the fees of `year` generated, a letter per member, e-mails to those who have one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("année renouvelée")
    created_at = models.DateTimeField("lancée le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    due_date = models.DateField("échéance")
    fees_generated = models.PositiveIntegerField("cotisations appelées", default=0)
    letters_count = models.PositiveIntegerField("lettres", default=0)
    emails_sent = models.PositiveIntegerField("e-mails envoyés", default=0)
    emails_failed = models.PositiveIntegerField("e-mails en échec", default=0)

    class Meta:
        verbose_name = "campagne de renouvellement"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="uniq_renewal_campaign")]

    def __str__(self):
        return f"Campagne de renouvellement {self.year}"


class Donation(models.Model):
    """A gift in cash (numéraire) and, once issued, its tax receipt (Cerfa n° 11580), kept as issued."""

    class Nature(models.TextChoices):
        CASH = "numeraire", "Numéraire"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="+", verbose_name="donateur")
    date = models.DateField("date du don")
    amount = models.DecimalField("montant", **MONEY)
    method = models.CharField("mode de versement", max_length=20, choices=PaymentMethod.choices)
    nature = models.CharField("nature", max_length=20, choices=Nature.choices, default=Nature.CASH)
    reference = models.CharField("référence", max_length=60, blank=True)
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+", verbose_name="écriture")
    receipt_number = models.CharField("n° de reçu", max_length=20, blank=True)
    receipt_issued_at = models.DateTimeField("reçu émis le", null=True, blank=True)
    receipt_pdf = models.BinaryField("reçu (PDF)", null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = "don"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "receipt_number"], condition=~models.Q(receipt_number=""),
                                    name="uniq_donation_receipt"),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self):
        return f"Don de {self.party.name} du {self.date:%d/%m/%Y}"
