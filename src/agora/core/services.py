"""Writes on organisations, users, memberships and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .audit import audit_record, snapshot
from .errors import BusinessError
from .identifiers import clean_ape_code, clean_siren, clean_siret, clean_vat_number
from .models import ApiToken, LoginAttempt, Membership, Organisation, Role, User

ORGANISATION_FIELDS = [
    "slug", "legal_name", "legal_form", "kind", "siren", "siret", "vat_number", "ape_code", "rcs_city",
    "share_capital", "address_line1", "address_line2", "postal_code", "city", "country", "vat_regime",
    "fiscal_year_start_month", "currency",
]


def _clean_organisation(data: dict) -> dict:
    data = dict(data)
    if not (data.get("legal_name") or "").strip():
        raise BusinessError("required", "La raison sociale est obligatoire.", field="legal_name")
    data["siren"] = clean_siren(data.get("siren", ""))
    data["siret"] = clean_siret(data.get("siret", ""))
    if data["siren"] and data["siret"] and not data["siret"].startswith(data["siren"]):
        raise BusinessError("siret_siren_mismatch", "Le SIRET doit commencer par le SIREN.", field="siret")
    if data["siret"] and not data["siren"]:
        data["siren"] = data["siret"][:9]
    data["vat_number"] = clean_vat_number(data.get("vat_number", ""))
    data["ape_code"] = clean_ape_code(data.get("ape_code", ""))
    month = int(data.get("fiscal_year_start_month") or 1)
    if not 1 <= month <= 12:
        raise BusinessError("invalid_month", "Le mois de début d'exercice va de 1 à 12.",
                            field="fiscal_year_start_month")
    data["fiscal_year_start_month"] = month
    if data.get("currency", "EUR") != "EUR":
        raise BusinessError("invalid_currency", "La devise de tenue des comptes est l'euro.", field="currency")
    return data


@transaction.atomic
def organisation_create(*, actor, data: dict) -> Organisation:
    """Create an organisation; the caller then seeds its ledger (ledger.services.ledger_setup)."""
    data = _clean_organisation(data)
    data.setdefault("slug", slugify(data["legal_name"])[:50])
    if Organisation.objects.filter(slug=data["slug"]).exists():
        raise BusinessError("duplicate_slug", f"L'identifiant « {data['slug']} » est déjà pris.", field="slug")
    organisation = Organisation.objects.create(**{k: v for k, v in data.items() if k in ORGANISATION_FIELDS})
    audit_record(organisation=organisation, actor=actor, action="organisation.create", obj=organisation,
                 after=snapshot(organisation, ORGANISATION_FIELDS))
    return organisation


@transaction.atomic
def organisation_update(*, actor, organisation: Organisation, data: dict) -> Organisation:
    before = snapshot(organisation, ORGANISATION_FIELDS)
    merged = _clean_organisation({**before, **data})
    for key in ORGANISATION_FIELDS:
        if key in data or key in {"siren", "siret", "vat_number", "ape_code"}:
            setattr(organisation, key, merged[key])
    organisation.save()
    audit_record(organisation=organisation, actor=actor, action="organisation.update", obj=organisation,
                 before=before, after=snapshot(organisation, ORGANISATION_FIELDS))
    return organisation


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
LOGO_MAX_BYTES = 1024 * 1024


@transaction.atomic
def organisation_logo_set(*, actor, organisation: Organisation, upload) -> Organisation:
    """Store the logo printed on documents: a PNG or JPEG of at most 1 MB, checked by its content."""
    content = upload.read(LOGO_MAX_BYTES + 1)
    if len(content) > LOGO_MAX_BYTES:
        raise BusinessError("logo_too_large", "Le logo dépasse 1 Mo.", field="logo")
    extension = next((ext for magic, ext in LOGO_TYPES.items() if content.startswith(magic)), None)
    if extension is None:
        raise BusinessError("logo_format", "Le logo doit être une image PNG ou JPEG.", field="logo")
    from django.core.files.base import ContentFile

    before = organisation.logo.name or ""
    organisation.logo.save(f"{organisation.slug}.{extension}", ContentFile(content), save=True)
    audit_record(organisation=organisation, actor=actor, action="organisation.logo", obj=organisation,
                 before={"logo": before}, after={"logo": organisation.logo.name})
    return organisation


@transaction.atomic
def membership_grant(*, actor, organisation: Organisation, user, role: str) -> Membership:
    if role not in Role.values:
        raise BusinessError("invalid_role", f"Rôle inconnu : « {role} ».", field="role")
    membership, created = Membership.objects.get_or_create(organisation=organisation, user=user, role=role)
    if created:
        audit_record(organisation=organisation, actor=actor, action="membership.grant", obj=membership,
                     after={"user": user.username, "role": role})
    return membership


def _clean_username(username: str) -> str:
    username = User.normalize_username((username or "").strip())
    if not username:
        raise BusinessError("required", "L'identifiant est obligatoire.", field="username")
    if len(username) > 150:
        raise BusinessError("username_too_long", "L'identifiant fait 150 caractères au plus.", field="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise BusinessError("invalid_username", "L'identifiant ne peut contenir que des lettres, des chiffres "
                            "et les caractères @ . + - _ (sans espace).", field="username") from exc
    if User.objects.filter(username__iexact=username).exists():
        raise BusinessError("duplicate_username", f"L'identifiant « {username} » est déjà pris.",
                            field="username")
    return username


@transaction.atomic
def user_create(*, actor, organisation: Organisation, username: str, first_name: str, last_name: str,
                email: str, role: str) -> tuple[User, str]:
    """Create an active user holding `role` in `organisation`. The random temporary password is returned once
    (the administrator passes it on; the user changes it on the profile page) and never audited."""
    username = _clean_username(username)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise BusinessError("invalid_email", f"Adresse électronique invalide : « {email} ».",
                                field="email") from exc
    if role not in Role.values:
        raise BusinessError("invalid_role", f"Rôle inconnu : « {role} ».", field="role")
    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=username, password=password, email=email,
                                    first_name=(first_name or "").strip()[:150],
                                    last_name=(last_name or "").strip()[:150])
    audit_record(organisation=organisation, actor=actor, action="user.create", obj=user,
                 after={"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
                        "email": user.email, "role": role})
    membership_grant(actor=actor, organisation=organisation, user=user, role=role)
    return user, password


@transaction.atomic
def membership_revoke(*, actor, organisation: Organisation, user, role: str) -> None:
    """Remove a role; the last administrator of an organisation cannot be removed (nobody could manage it)."""
    if role == Role.ADMIN:
        admins = Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ADMIN)
        if admins.count() == 1 and admins.filter(user=user).exists():
            raise BusinessError("last_admin", "Impossible de retirer le dernier administrateur de l'organisation.",
                                field="role")
    deleted, _ = Membership.objects.filter(organisation=organisation, user=user, role=role).delete()
    if deleted:
        audit_record(organisation=organisation, actor=actor, action="membership.revoke",
                     object_type="core.membership", object_id=f"{user.pk}:{role}",
                     before={"user": user.username, "role": role})


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create a token; the clear value is returned once and never stored."""
    if not name.strip():
        raise BusinessError("required", "Donnez un nom au jeton.", field="name")
    raw = "agora_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=raw[6:14], digest=token_digest(raw))
    audit_record(organisation=None, actor=user, action="api_token.create", obj=token, after={"name": name})
    return token, raw


@transaction.atomic
def api_token_revoke(*, user, token_id: int) -> None:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise BusinessError("not_found", "Jeton introuvable.", field="token")
    audit_record(organisation=None, actor=user, action="api_token.revoke", obj=token, before={"name": token.name})
    token.delete()


def api_token_user(raw: str):
    """The user behind a clear token, or None; records the last use."""
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(raw)).first()
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def login_throttled(*, username: str, address: str) -> bool:
    """True when too many recent failures for this username or this address."""
    since = timezone.now() - timedelta(seconds=settings.AGORA_LOGIN_WINDOW_SECONDS)
    recent = LoginAttempt.objects.filter(at__gte=since)
    limit = settings.AGORA_LOGIN_MAX_ATTEMPTS
    return (recent.filter(username=username.lower()).count() >= limit
            or recent.filter(address=address).count() >= limit * 4)


def login_failed(*, username: str, address: str) -> None:
    LoginAttempt.objects.create(username=username.lower(), address=address)


def login_succeeded(*, username: str) -> None:
    LoginAttempt.objects.filter(username=username.lower()).delete()
