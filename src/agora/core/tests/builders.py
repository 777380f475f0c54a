"""Test builders for organisations and users, going through the real services."""

from agora.core.models import Organisation, User
from agora.core.services import membership_grant, organisation_create


def make_user(username: str = "compta", *, password: str = "motdepasse-solide-42") -> User:
    user = User.objects.create_user(username=username, password=password, email=f"{username}@example.fr")
    return user


def make_organisation(*, slug: str = "durand", kind: str = "company", legal_name: str = "Durand SARL",
                      **extra) -> Organisation:
    data = {"slug": slug, "legal_name": legal_name, "kind": kind, "legal_form": "SARL",
            "siren": "732829320", "siret": "73282932000074", "city": "Lyon", "postal_code": "69002",
            "address_line1": "12 rue de la République", **extra}
    return organisation_create(actor=None, data=data)


def grant(user: User, organisation: Organisation, *roles: str) -> User:
    for role in roles:
        membership_grant(actor=None, organisation=organisation, user=user, role=role)
    return user
