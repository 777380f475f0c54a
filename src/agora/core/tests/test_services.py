"""Core services: organisations, memberships."""

import pytest

from agora.core.errors import BusinessError
from agora.core.models import Membership, Organisation
from agora.core.services import membership_grant, membership_revoke, organisation_create

from .builders import grant, make_organisation, make_user

pytestmark = pytest.mark.django_db


def test_last_administrator_cannot_be_removed():
    org = make_organisation()
    alice, bob = make_user("alice"), make_user("bob")
    grant(alice, org, "admin")
    with pytest.raises(BusinessError, match="dernier administrateur"):
        membership_revoke(actor=alice, organisation=org, user=alice, role="admin")
    membership_grant(actor=alice, organisation=org, user=bob, role="admin")
    membership_revoke(actor=alice, organisation=org, user=alice, role="admin")
    assert list(Membership.objects.filter(organisation=org).values_list("user__username", flat=True)) == ["bob"]


@pytest.mark.parametrize(("field", "value"), [
    ("siren", "123456789"), ("siret", "73282932000075"), ("vat_number", "FR00123456789"), ("ape_code", "4791"),
])
def test_invalid_identifiers_are_refused_and_nothing_is_written(field, value):
    data = {"slug": "x", "legal_name": "X SARL", field: value}
    with pytest.raises(BusinessError) as caught:
        organisation_create(actor=None, data=data)
    assert caught.value.field == field
    assert not Organisation.objects.exists()


def test_siret_fills_siren():
    org = organisation_create(actor=None, data={"slug": "y", "legal_name": "Y", "siret": "73282932000074"})
    assert org.siren == "732829320"
