import pytest
from django.core.cache import cache

from agora.core.tests.builders import grant, make_organisation, make_user


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_orgs(db):
    """Durand SARL (admin "alice", accountant "bruno", salesperson "chloe") and Quartier Vivant (admin "yves")."""
    durand = make_organisation(slug="durand", legal_name="Durand SARL")
    quartier = make_organisation(slug="quartier", kind="association", legal_name="Quartier Vivant",
                                 legal_form="Association loi 1901", siren="", siret="")
    users = {
        "alice": grant(make_user("alice"), durand, "admin"),
        "bruno": grant(make_user("bruno"), durand, "accounting"),
        "chloe": grant(make_user("chloe"), durand, "sales"),
        "yves": grant(make_user("yves"), quartier, "admin"),
    }
    return durand, quartier, users
