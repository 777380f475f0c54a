"""Creating a colleague's account: the service, the organisation settings screen's permission and the API."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Membership, User
from agora.core.services import api_token_create, user_create

from .builders import grant, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def durand():
    organisation = make_organisation(slug="durand")
    admin = grant(make_user("alice"), organisation, "admin")
    clerk = grant(make_user("bruno"), organisation, "accounting")
    return organisation, admin, clerk


def _create(organisation, actor, **overrides):
    data = {"username": "m.martin", "first_name": "Marie", "last_name": "Martin", "email": "marie@example.fr",
            "role": "sales", **overrides}
    return user_create(actor=actor, organisation=organisation, **data)


def _footprint():
    return User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()


def test_creates_an_active_user_with_the_role_who_can_log_in(durand):
    organisation, admin, _ = durand
    user, password = _create(organisation, admin)
    assert (user.username, user.get_full_name(), user.email, user.is_active, user.is_staff) == (
        "m.martin", "Marie Martin", "marie@example.fr", True, False)
    assert len(password) >= 16
    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [
        ("durand", "sales")]
    assert authenticate(username="m.martin", password=password) == user
    assert Client().login(username="m.martin", password=password)


def test_audit_row_names_the_user_and_role_but_not_the_password(durand):
    organisation, admin, _ = durand
    user, password = _create(organisation, admin)
    event = AuditEvent.objects.get(action="user.create")
    assert (event.organisation, event.actor, event.object_id) == (organisation, admin, str(user.pk))
    assert event.after == {"username": "m.martin", "first_name": "Marie", "last_name": "Martin",
                           "email": "marie@example.fr", "role": "sales"}
    grant_event = AuditEvent.objects.get(action="membership.grant", object_id=str(Membership.objects.get(user=user).pk))
    assert grant_event.after == {"user": "m.martin", "role": "sales"}
    for row in AuditEvent.objects.values("before", "after", "object_repr"):
        assert password not in str(row)


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"username": "Alice"}, "duplicate_username", "username"),  # "alice" exists: unique ignoring case
    ({"username": "marie martin"}, "invalid_username", "username"),
    ({"username": "  "}, "required", "username"),
    ({"email": "marie@"}, "invalid_email", "email"),
    ({"role": "boss"}, "invalid_role", "role"),
])
def test_bad_input_is_refused_in_french_and_writes_nothing(durand, overrides, code, field):
    organisation, admin, _ = durand
    before = _footprint()
    with pytest.raises(BusinessError) as caught:
        _create(organisation, admin, **overrides)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert _footprint() == before


def test_duplicate_username_message(durand):
    organisation, admin, _ = durand
    with pytest.raises(BusinessError, match="L'identifiant « ALICE » est déjà pris."):
        _create(organisation, admin, username="ALICE")


def test_screen_refuses_a_non_administrator(durand):
    _, _, clerk = durand
    client = Client()
    client.force_login(clerk)
    before = _footprint()
    response = client.post("/o/durand/organisation/", {
        "action": "create_user", "new-username": "m.martin", "new-role": "admin"})
    assert response.status_code in {403, 404}
    assert _footprint() == before


def test_api_creates_the_user_for_an_administrator(durand):
    _, admin, _ = durand
    _, raw = api_token_create(user=admin, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    response = client.post("/api/v1/orgs/durand/users", content_type="application/json", data={
        "username": "m.martin", "first_name": "Marie", "last_name": "Martin", "email": "marie@example.fr",
        "role": "hr"})
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="m.martin")
    assert (body["id"], body["username"]) == (user.pk, "m.martin")
    assert authenticate(username="m.martin", password=body["temporary_password"]) == user
    assert Membership.objects.filter(user=user, organisation__slug="durand", role="hr").exists()

    duplicate = client.post("/api/v1/orgs/durand/users", content_type="application/json",
                            data={"username": "M.Martin", "role": "hr"})
    assert (duplicate.status_code, duplicate.json()) == (422, {
        "code": "duplicate_username", "message": "L'identifiant « M.Martin » est déjà pris.", "field": "username"})


def test_api_refuses_a_non_administrator(durand):
    _, _, clerk = durand
    _, raw = api_token_create(user=clerk, name="script")
    before = _footprint()
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        "/api/v1/orgs/durand/users", content_type="application/json", data={"username": "m.martin", "role": "admin"})
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert _footprint() == before
