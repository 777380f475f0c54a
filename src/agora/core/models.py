"""Organisations, users and their roles, gapless counters, the audit log and API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person who logs in; what they may see comes from their memberships."""

    class Meta:
        verbose_name = "utilisateur"

    def __str__(self):
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """The legal entity whose books and files Agora keeps; every business row belongs to one."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Entreprise"
        ASSOCIATION = "association", "Association"
        MUTUAL = "mutual", "Mutuelle"
        PUBLIC_BODY = "public_body", "Organisme public"

    class VatRegime(models.TextChoices):
        NORMAL_MONTHLY = "normal_monthly", "Réel normal (CA3 mensuelle)"
        SIMPLIFIED_YEARLY = "simplified_yearly", "Réel simplifié (CA12 annuelle)"
        FRANCHISE = "franchise", "Franchise en base (TVA non applicable, art. 293 B du CGI)"

    slug = models.SlugField(max_length=50, unique=True)
    legal_name = models.CharField("raison sociale", max_length=200)
    legal_form = models.CharField("forme juridique", max_length=80, blank=True)
    kind = models.CharField("nature", max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    vat_number = models.CharField("n° TVA intracommunautaire", max_length=13, blank=True)
    ape_code = models.CharField("code APE (NAF)", max_length=6, blank=True)
    rcs_city = models.CharField("ville du RCS", max_length=80, blank=True)
    share_capital = models.DecimalField("capital social", max_digits=18, decimal_places=2, null=True, blank=True)
    address_line1 = models.CharField("adresse", max_length=200, blank=True)
    address_line2 = models.CharField("complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    country = models.CharField("pays", max_length=2, default="FR")
    logo = models.FileField("logo", upload_to="logos/", blank=True)
    vat_regime = models.CharField(
        "régime de TVA", max_length=20, choices=VatRegime.choices, default=VatRegime.NORMAL_MONTHLY
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField("mois de début d'exercice", default=1)
    currency = models.CharField("devise", max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "organisation"
        ordering = ["legal_name"]

    def __str__(self):
        return self.legal_name


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    MANAGEMENT = "management", "Direction"
    ACCOUNTING = "accounting", "Comptabilité"
    SALES = "sales", "Accueil et ventes"
    PURCHASING = "purchasing", "Achats et stocks"
    HR = "hr", "Ressources humaines"
    EMPLOYEE = "employee", "Salarié (libre-service)"


class Membership(models.Model):
    """One role of one user in one organisation; a user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user", "role"], name="uniq_membership_role")
        ]

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Counter(models.Model):
    """Gapless number source for one series in one fiscal year (invoices, entries per journal…).

    Locked with SELECT … FOR UPDATE inside the validating transaction; `chain_hash` carries the last
    hash of the series so numbering and the integrity chain advance together under one lock.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    series = models.CharField(max_length=60)
    fiscal_year = models.CharField(max_length=20)
    last_value = models.PositiveBigIntegerField(default=0)
    chain_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "series", "fiscal_year"], name="uniq_counter")
        ]

    def __str__(self):
        return f"{self.series}/{self.fiscal_year}: {self.last_value}"


class AuditEvent(models.Model):
    """Who did what to which object, and the values before and after (append-only)."""

    # Covered by the (organisation, object_type, object_id) index.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, related_name="+",
                                     db_index=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the clear value is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("nom", max_length=80)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class LoginAttempt(models.Model):
    """Failed logins, counted per username and address to throttle guessing."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=45)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.username}@{self.address} {self.at:%H:%M:%S}"


class OutgoingMail(models.Model):
    """An e-mail Agora sent (or failed to send), logged on the object it concerns and on the party."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    party_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    to = models.CharField("destinataire", max_length=300)
    subject = models.CharField("objet", max_length=300)
    body = models.TextField("message")
    attachments = models.JSONField(default=list, blank=True)  # file names
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"
