"""API authentication (token and session), CSRF, organisations routes and the JSON error bodies."""

import json

import pytest
from django.test import Client

from agora.core.api import validation_field
from agora.core.models import ApiToken
from agora.core.services import api_token_create, api_token_revoke

from .builders import grant, make_organisation, make_user

pytestmark = pytest.mark.django_db

UNAUTHENTICATED = {"code": "unauthenticated", "field": None,
                   "message": "Authentification requise : jeton d'API (Authorization: Bearer …) ou session."}


@pytest.fixture
def setup():
    durand = make_organisation(slug="durand")
    martin = make_organisation(slug="martin", legal_name="Martin SAS")
    make_organisation(slug="autre", legal_name="Autre SA")
    user = grant(make_user("alice"), durand, "accounting", "management")
    grant(user, martin, "sales")
    return user


def test_token_authentication(setup):
    token, raw = api_token_create(user=setup, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.get("/api/v1/orgs")
    assert response.status_code == 200
    assert [(o["slug"], o["legal_name"], o["roles"]) for o in response.json()] == [
        ("durand", "Durand SARL", ["accounting", "management"]), ("martin", "Martin SAS", ["sales"])]
    token.refresh_from_db()
    assert token.last_used_at is not None
    detail = client.get("/api/v1/orgs/durand").json()
    assert (detail["siren"], detail["siret"], detail["currency"]) == ("732829320", "73282932000074", "EUR")


def test_wrong_revoked_or_missing_token_is_401(setup):
    token, raw = api_token_create(user=setup, name="script")
    for header in ["Bearer agora_faux", f"Bearer {raw}x", "Bearer ", f"Token {raw}"]:
        response = Client(HTTP_AUTHORIZATION=header).get("/api/v1/orgs")
        assert (response.status_code, response.json()) == (401, UNAUTHENTICATED), header
    api_token_revoke(user=setup, token_id=token.pk)
    assert not ApiToken.objects.exists()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/orgs").status_code == 401
    anonymous = Client()
    assert anonymous.get("/api/v1/orgs").status_code == 401
    response = anonymous.post("/api/v1/orgs/durand/entries", data="{}", content_type="application/json")
    assert (response.status_code, response.json()) == (401, UNAUTHENTICATED)  # not a CSRF 403


def test_inactive_user_token_is_401(setup):
    _, raw = api_token_create(user=setup, name="script")
    setup.is_active = False
    setup.save()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/orgs").status_code == 401


def test_session_authentication_and_csrf(setup):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setup)
    assert [o["slug"] for o in client.get("/api/v1/orgs").json()] == ["durand", "martin"]
    body = json.dumps({"code": "4110001", "label": "Client"})
    refused = client.post("/api/v1/orgs/durand/accounts", data=body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json() == {"code": "csrf_failed", "message": "Jeton CSRF manquant ou invalide.", "field": None}
    # A token-authenticated call needs no CSRF token, even from a client that enforces it.
    _, raw = api_token_create(user=setup, name="script")
    tokened = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = tokened.post("/api/v1/orgs/durand/accounts", data=body, content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (201, "4110001")


def test_organisation_without_role_is_404(setup):
    _, raw = api_token_create(user=setup, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for slug in ["autre", "inexistante"]:
        response = client.get(f"/api/v1/orgs/{slug}")
        assert (response.status_code, response.json()) == (404, {"code": "not_found", "message": "Introuvable.",
                                                                 "field": None})
    # Even a malformed body answers 404 there: the organisation is checked before the input.
    response = client.post("/api/v1/orgs/autre/entries", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert client.get("/api/v1/orgs/martin").status_code == 200  # any role sees its organisation


@pytest.mark.parametrize(("loc", "field"), [
    (("body", "payload", "lines", 0, "debit"), "lines.1.debit"),
    (("query", "limit"), "limit"),
    (("path", "entry_id"), "entry_id"),
    (("body", "payload"), "payload"),
    ((), None),
])
def test_validation_field_names_inputs_as_the_services_do(loc, field):
    assert validation_field(loc) == field
