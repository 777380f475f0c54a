"""API plumbing shared by every app's router: authentication, the organisation in the path, error bodies,
money as strings; and the organisations routes.

The organisation named in the path is resolved during authentication, before the body and the query are
validated: a user who holds no role in it gets 404 whatever they send, so an organisation's existence is
never disclosed (not even by a 422 that only a real organisation would reach).
"""

import re
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth
from pydantic import BeforeValidator, PlainSerializer

from .errors import BusinessError, PermissionDenied
from .models import Membership, Organisation
from .money import round_money
from .permissions import organisations_of, require, roles_of
from .services import api_token_user, user_create

NOT_FOUND = "Introuvable."


# --- schemas shared by every router -------------------------------------------------------------------------

class ErrorOut(Schema):
    """Every error body: a stable code, a French message, and the input at fault (or null)."""

    code: str
    message: str
    field: str | None = None


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
BODY_ERRORS = {400: ErrorOut, **ERRORS}  # routes reading a JSON body also answer 400 when it is not JSON


def _money_out(value) -> str:
    return f"{round_money(Decimal(value)):.2f}"


# Amounts leave the API as strings with two decimals ("1234.56"): JSON numbers are floats for most clients.
Money = Annotated[Decimal, PlainSerializer(_money_out, return_type=str)]


def _amount_in(value):
    """Accept an amount as a string ("1234.56", "1 234,56") or an integer; refuse JSON floats, which lose
    cents. Parsing (and its French error naming the line) is the service's job."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError("montant à transmettre en chaîne, par exemple \"1234.56\"")
    if isinstance(value, int | Decimal):
        return str(value)
    return value


AmountIn = Annotated[str, BeforeValidator(_amount_in)]


# --- authentication ---------------------------------------------------------------------------------------------

def _admit(request, user):
    """Let `user` in, and resolve the organisation named in the path (404 unless they hold a role in it)."""
    if user is None:
        return None
    request.user = user
    match = getattr(request, "resolver_match", None)
    slug = match.kwargs.get("org") if match else None
    request.organisation = None
    if slug is not None:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or not roles_of(user, organisation):
            raise Http404(NOT_FOUND)
        request.organisation = organisation
    return user


class TokenAuth(HttpBearer):
    """Per-user API token: header "Authorization: Bearer agora_…" (tokens are created on the profile page)."""

    def authenticate(self, request, token):
        return _admit(request, api_token_user(token.strip()) if token.strip() else None)


class SessionUserAuth(SessionAuth):
    """The browser's Django session. CSRF is checked for writes (as ninja does), but only when a session user
    is there: an anonymous call gets 401, not a CSRF 403."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        return _admit(request, request.user if request.user.is_authenticated else None)


def api_auth():
    return [TokenAuth(), SessionUserAuth()]


def organisation_for(request, org: str, permission: str | None = None) -> Organisation:
    """The organisation in the path (already checked by the authentication), then the permission (403)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or organisation.slug != org:  # defensive: routes always pass through _admit
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None or not roles_of(request.auth, organisation):
            raise Http404(NOT_FOUND)
    if permission:
        require(request.auth, organisation, permission)
    return organisation


# --- error handlers ------------------------------------------------------------------------------------------

_PYDANTIC_MESSAGES = {
    "missing": "Champ obligatoire.",
    "string_type": "Texte attendu.",
    "int_type": "Nombre entier attendu.",
    "int_parsing": "Nombre entier attendu.",
    "int_from_float": "Nombre entier attendu.",
    "bool_type": "Vrai ou faux attendu.",
    "bool_parsing": "Vrai ou faux attendu.",
    "date_type": "Date attendue (AAAA-MM-JJ).",
    "date_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_parsing": "Date invalide : format attendu AAAA-MM-JJ.",
    "date_from_datetime_inexact": "Date invalide : format attendu AAAA-MM-JJ.",
    "list_type": "Liste attendue.",
    "dict_type": "Objet attendu.",
    "model_type": "Objet attendu.",
    "model_attributes_type": "Objet attendu.",
    "enum": "Valeur non reconnue.",
    "literal_error": "Valeur non reconnue.",
    "greater_than_equal": "Valeur trop petite.",
    "less_than_equal": "Valeur trop grande.",
    "string_too_long": "Texte trop long.",
    "string_too_short": "Texte trop court.",
    "too_short": "Pas assez d'éléments.",
    "json_invalid": "Corps de requête JSON illisible.",
}
_LOCATIONS = {"body", "query", "path", "header", "cookie", "form", "file"}


def validation_field(loc) -> str | None:
    """("body", "payload", "lines", 0, "debit") → "lines.1.debit": the service's naming (lines from 1)."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        where = parts.pop(0)
        if where == "body" and len(parts) > 1:
            parts.pop(0)  # the view's parameter name
    out = [str(p + 1) if isinstance(p, int) else str(p) for p in parts]
    return ".".join(out) or None


def _validation_message(error: dict, field: str | None) -> str:
    kind = error.get("type", "")
    if kind == "value_error":
        detail = re.sub(r"^Value error, ", "", str(error.get("msg", "")))
        text = f"Valeur invalide : {detail}."
    else:
        text = _PYDANTIC_MESSAGES.get(kind, "Valeur invalide.")
    return f"{field} : {text}" if field else text


def install_error_handlers(api) -> None:
    """Every error leaves as {"code", "message", "field"} with a French message."""

    def business_error(request, exc: BusinessError):
        return api.create_response(request, exc.as_dict(), status=422)

    def permission_denied(request, exc: PermissionDenied):
        return api.create_response(request, {"code": "permission_denied", "message": exc.message, "field": None},
                                   status=403)

    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "message": NOT_FOUND, "field": None},
                                   status=404)

    def validation_error(request, exc: ValidationError):
        first = exc.errors[0] if exc.errors else {}
        field = validation_field(first.get("loc", ()))
        return api.create_response(
            request, {"code": "invalid", "message": _validation_message(first, field), "field": field},
            status=422)

    def authentication_error(request, exc):
        return api.create_response(
            request, {"code": "unauthenticated",
                      "message": "Authentification requise : jeton d'API (Authorization: Bearer …) ou session.",
                      "field": None}, status=401)

    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and "CSRF" in str(exc):
            body = {"code": "csrf_failed", "message": "Jeton CSRF manquant ou invalide.", "field": None}
        elif exc.status_code == 400:
            body = {"code": "bad_request", "message": "Corps de requête illisible : JSON attendu.", "field": None}
        else:
            body = {"code": f"http_{exc.status_code}", "message": str(exc), "field": None}
        return api.create_response(request, body, status=exc.status_code)

    api.add_exception_handler(BusinessError, business_error)
    api.add_exception_handler(PermissionDenied, permission_denied)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(AuthenticationError, authentication_error)
    api.add_exception_handler(HttpError, http_error)


# --- organisations ---------------------------------------------------------------------------------------------

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    slug: str
    legal_name: str
    legal_form: str
    kind: str
    siren: str
    siret: str
    vat_number: str
    ape_code: str
    vat_regime: str
    fiscal_year_start_month: int
    currency: str
    roles: list[str]


def _organisation_out(organisation: Organisation, roles) -> dict:
    data = {key: getattr(organisation, key) for key in OrganisationOut.model_fields if key != "roles"}
    return {**data, "roles": sorted(roles)}


@router.get("/orgs", response={200: list[OrganisationOut], **ERRORS}, summary="Mes organisations")
def org_list(request):
    """The organisations the user holds a role in (the only ones they may see)."""
    roles: dict[int, set[str]] = {}
    for organisation_id, role in Membership.objects.filter(user=request.auth).values_list("organisation_id", "role"):
        roles.setdefault(organisation_id, set()).add(role)
    return [_organisation_out(o, roles[o.pk]) for o in organisations_of(request.auth)]


@router.get("/orgs/{org}", response={200: OrganisationOut, **ERRORS}, summary="Une organisation")
def org_get(request, org: str):
    organisation = organisation_for(request, org, "organisation.view")
    return _organisation_out(organisation, roles_of(request.auth, organisation))


class UserCreateIn(Schema):
    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    role: str


class UserCreateOut(Schema):
    id: int
    username: str
    temporary_password: str


@router.post("/orgs/{org}/users", response={201: UserCreateOut, **BODY_ERRORS},
             summary="Créer un utilisateur et lui donner un rôle")
def org_user_create(request, org: str, payload: UserCreateIn):
    """Administrators only. The temporary password is in this answer only: pass it on to the user, who changes
    it on the profile page."""
    organisation = organisation_for(request, org, "organisation.manage")
    user, password = user_create(actor=request.auth, organisation=organisation, **payload.dict())
    return Status(201, {"id": user.pk, "username": user.username, "temporary_password": password})
