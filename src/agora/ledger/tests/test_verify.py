"""The tamper test: the triggers refuse raw SQL on posted rows; with the triggers lifted and a line changed
(or the last entry of a chain deleted), `agora verify` names the entry and exits 1.

Lifting the triggers is DDL inside the test's transaction: it is rolled back with it on SQLite and on
PostgreSQL alike (checked by `test_triggers_are_back_after_a_tamper_test`); the tests reinstall them anyway.
"""

import contextlib
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from agora.ledger import triggers
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.integrity import verify_books
from agora.ledger.services import entries_post

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db


@pytest.fixture
def books():
    org, user = make_books()
    make_party(org, "C001")
    first = sale(org, user, date(2026, 1, 10), "C001", "1000.00", "200.00", "Facture F1")
    second = sale(org, user, date(2026, 1, 20), "C001", "500.00", "100.00", "Facture F2")
    third = sale(org, user, date(2026, 1, 30), "C001", "50.00", "10.00", "Facture F3")
    post(org, user, "BQ1", date(2026, 2, 1), "Règlement F1", ("5121", 1200, 0), ("411", 0, 1200, "C001"))
    return org, [first, second, third]


@contextlib.contextmanager
def triggers_lifted():
    triggers.uninstall(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def raw(sql: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def verify(org, capsys) -> tuple[int, list[str]]:
    try:
        call_command("verify", org=org.slug)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, capsys.readouterr().out.splitlines()


def trigger_names() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ledger_%'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'ledger_%'")
        return sorted(row[0] for row in cursor.fetchall())


def test_intact_books_verify_ok(books, capsys):
    org, _ = books
    assert verify(org, capsys) == (0, ["OK — 4 écritures vérifiées"])


def test_changed_line_is_refused_then_detected_once_the_trigger_is_lifted(books, capsys):
    org, (_, second, _) = books
    line = second.lines.get(account__code="706")
    with pytest.raises(IntegrityError, match="inaltérabilité"), transaction.atomic():
        raw("UPDATE ledger_entryline SET credit = %s WHERE id = %s", "5000.00", line.pk)
    with triggers_lifted():
        raw("UPDATE ledger_entryline SET credit = %s WHERE id = %s", "5000.00", line.pk)
        code, out = verify(org, capsys)
    assert code == 1
    assert out[0] == "ANOMALIE — première écriture en cause : VT-2026-000002"
    assert "  VT-2026-000002 : écriture déséquilibrée (débit 600.00, crédit 5100.00)" in out
    assert "  VT-2026-000002 : empreinte SHA-256 différente : l'écriture a été modifiée" in out
    assert not any("VT-2026-000001" in row or "VT-2026-000003" in row for row in out)
    # Refused again now that the triggers are back.
    with pytest.raises(IntegrityError, match="inaltérabilité"), transaction.atomic():
        raw("UPDATE ledger_entryline SET credit = %s WHERE id = %s", "500.00", line.pk)


def test_balanced_rewrite_of_an_entry_is_still_caught_by_the_hash(books, capsys):
    org, (first, _, _) = books
    lines = {line.account.code: line.pk for line in first.lines.select_related("account")}
    with triggers_lifted():
        raw("UPDATE ledger_entryline SET debit = %s WHERE id = %s", "1100.00", lines["411"])
        raw("UPDATE ledger_entryline SET credit = %s WHERE id = %s", "900.00", lines["706"])
        raw("UPDATE ledger_entry SET label = %s WHERE id = %s", "Facture F1 (corrigée)", first.pk)
    assert [str(f) for f in verify_books(org)] == [
        "VT-2026-000001 : empreinte SHA-256 différente : l'écriture a été modifiée"]
    code, out = verify(org, capsys)
    assert code == 1 and out[0].endswith("VT-2026-000001")


def test_deleting_the_last_entry_of_a_chain_is_detected(books, capsys):
    org, (_, _, third) = books
    with pytest.raises(IntegrityError, match="inaltérabilité"), transaction.atomic():
        raw("DELETE FROM ledger_entry WHERE id = %s", third.pk)
    with triggers_lifted():
        raw("DELETE FROM ledger_entryline WHERE entry_id = %s", third.pk)
        raw("DELETE FROM ledger_entry WHERE id = %s", third.pk)
    code, out = verify(org, capsys)
    assert code == 1
    assert out[0] == "ANOMALIE — première écriture en cause : VT-2026"
    assert "  VT-2026 : dernière écriture absente ou compteur incohérent (écriture supprimée ?)" in out


def test_verify_unknown_organisation_exits_2(db, capsys):
    with pytest.raises(SystemExit) as caught:
        call_command("verify", org="personne")
    assert caught.value.code == 2
    assert "Organisation inconnue : « personne »" in capsys.readouterr().err


def test_triggers_are_back_after_a_tamper_test():
    """Runs after the tests above: the triggers are in place, and lifting them is DDL that a rollback undoes."""
    expected = (["ledger_entry_posted_delete", "ledger_entry_posted_update", "ledger_line_posted_delete",
                 "ledger_line_posted_insert", "ledger_line_posted_update"] if connection.vendor == "sqlite"
                else ["ledger_entry_posted", "ledger_line_posted"])
    assert trigger_names() == expected
    with pytest.raises(RuntimeError), transaction.atomic():
        triggers.uninstall(connection)
        assert trigger_names() == []
        raise RuntimeError("rollback")
    assert trigger_names() == expected



def test_balance_check_is_exact_to_the_cent_where_sqlite_sums_floats(db):
    """0.10 + 0.20 is 0.30000000000000004 in binary floating point, as SQLite sums decimals: intact books whose
    debits and credits are split differently must not be reported unbalanced."""
    org, user = make_books()
    # 500 × 1 234,30 against 500 × (1 234,10 + 0,20): as floats, 617 150 against 617 149,999999994.
    entry = EntryInput(journal="OD", date=date(2026, 2, 3), label="Frais", lines=[
        LineInput(account="627", debit="1234.30"), LineInput(account="5121", credit="1234.10"),
        LineInput(account="5121", credit="0.20")])
    entries_post(actor=user, organisation=org, entries=[entry] * 500)
    assert verify_books(organisation=org) == []
