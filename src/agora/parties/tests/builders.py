"""Builders for the party and catalogue screen tests: an organisation with its books, payment terms and VAT
categories (through the real services), and one user per role."""

from agora.catalog.services import vat_categories_setup
from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.parties.services import payment_terms_setup


def make_org(slug: str = "durand", year: int = 2026):
    """(organisation, accountant) with chart, journals, fiscal year, payment terms and VAT categories."""
    organisation, accountant = make_books(slug=slug, year=year)
    payment_terms_setup(organisation=organisation)
    vat_categories_setup(organisation=organisation)
    return organisation, accountant


def user_with(organisation, role: str, username: str | None = None):
    return grant(make_user(username or f"{role}-{organisation.slug}"), organisation, role)
