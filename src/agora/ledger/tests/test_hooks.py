"""The ledger's hooks: a guard registered by an upper app refuses a posting (nothing written), a closing
check adds its blocker to the closing wizard."""

from datetime import date

import pytest

from agora.core.errors import BusinessError
from agora.ledger import hooks
from agora.ledger.models import Entry, FiscalYear
from agora.ledger.services import closing_blockers

from .builders import make_books, make_party, sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    monkeypatch.setattr(hooks, "_posting_guards", [])
    monkeypatch.setattr(hooks, "_closing_checks", [])

    def no_vat_in_march(organisation, entries):
        for entry in entries:
            if entry.date.month == 3 and any(line.account.startswith("445") for line in entry.lines):
                raise BusinessError("vat_locked", "Mars est déclaré : TVA verrouillée.", field="date")

    hooks.register_posting_guard(no_vat_in_march)
    hooks.register_posting_guard(no_vat_in_march)
    hooks.register_closing_check(lambda year: [f"Contrôle de fin d'exercice {year.code} non fait."])
    return no_vat_in_march


def test_guard_refuses_and_writes_nothing(registered):
    org, user = make_books()
    make_party(org)
    sale(org, user, date(2026, 2, 10), "C001", "100.00", "20.00")
    with pytest.raises(BusinessError) as error:
        sale(org, user, date(2026, 3, 10), "C001", "100.00", "20.00")
    assert error.value.field == "date"
    assert Entry.objects.filter(organisation=org).count() == 1
    assert len(hooks._posting_guards) == 1


def test_closing_check_blocks(registered):
    org, _ = make_books()
    year = FiscalYear.objects.get(organisation=org)
    assert closing_blockers(year) == ["Contrôle de fin d'exercice 2026 non fait."]
