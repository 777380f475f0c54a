"""Test builders for memberships: an association with its books, categories and members, via the services."""

from datetime import date
from decimal import Decimal

from agora.ledger.tests.builders import make_books
from agora.membership import services


def make_association(*, slug: str = "quartier", kind: str = "association", year: int = 2026):
    """An association (or mutual) with its books for `year`; returns (organisation, accountant)."""
    organisation, accountant = make_books(slug=slug, kind=kind, year=year, legal_form="Association loi 1901",
                                          siren="", siret="")
    return organisation, accountant


def make_category(organisation, actor, code="ACTIF", amount="30.00", account="7561", label=None):
    return services.category_create(actor=actor, organisation=organisation, data={
        "code": code, "label": label or f"Membre {code.lower()}", "amount": Decimal(amount), "account": account})


def make_member(organisation, actor, category, name="Martin Claire", joined_on=date(2026, 1, 10), **party):
    data = {"name": name, "email": party.pop("email", ""), "address_line1": "3 rue des Lilas",
            "postal_code": "69003", "city": "Lyon", **party}
    return services.member_register(actor=actor, organisation=organisation, category=category, joined_on=joined_on,
                                    party_data=data)
