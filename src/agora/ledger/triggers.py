"""Database triggers that refuse any UPDATE or DELETE of a posted entry or its lines, and any new line
on a posted entry — the third guard after the service and the model, effective even against raw SQL.

Installed by migration 0002 on SQLite and PostgreSQL. Matching lives in its own tables, so nothing
legitimate ever needs to write a posted row.
"""

MESSAGE = "Écriture validée : modification ou suppression interdite (inaltérabilité)."

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS ledger_entry_posted_update BEFORE UPDATE ON ledger_entry
        WHEN OLD.state = 'posted' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_entry_posted_delete BEFORE DELETE ON ledger_entry
        WHEN OLD.state = 'posted' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_line_posted_update BEFORE UPDATE ON ledger_entryline
        WHEN (SELECT state FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
          OR (SELECT state FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_line_posted_delete BEFORE DELETE ON ledger_entryline
        WHEN (SELECT state FROM ledger_entry WHERE id = OLD.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS ledger_line_posted_insert BEFORE INSERT ON ledger_entryline
        WHEN (SELECT state FROM ledger_entry WHERE id = NEW.entry_id) = 'posted'
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {name}" for name in (
        "ledger_entry_posted_update", "ledger_entry_posted_delete", "ledger_line_posted_update",
        "ledger_line_posted_delete", "ledger_line_posted_insert")
]

POSTGRES_INSTALL = [
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_entry() RETURNS trigger AS $$
    BEGIN
      IF OLD.state = 'posted' THEN RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE OR REPLACE FUNCTION ledger_refuse_posted_line() RETURNS trigger AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE')
         AND EXISTS (SELECT 1 FROM ledger_entry WHERE id = OLD.entry_id AND state = 'posted') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP IN ('UPDATE', 'INSERT')
         AND EXISTS (SELECT 1 FROM ledger_entry WHERE id = NEW.entry_id AND state = 'posted') THEN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    """DROP TRIGGER IF EXISTS ledger_entry_posted ON ledger_entry""",
    """CREATE TRIGGER ledger_entry_posted BEFORE UPDATE OR DELETE ON ledger_entry
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_entry()""",
    """DROP TRIGGER IF EXISTS ledger_line_posted ON ledger_entryline""",
    """CREATE TRIGGER ledger_line_posted BEFORE INSERT OR UPDATE OR DELETE ON ledger_entryline
       FOR EACH ROW EXECUTE FUNCTION ledger_refuse_posted_line()""",
]
POSTGRES_UNINSTALL = [
    "DROP TRIGGER IF EXISTS ledger_entry_posted ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_line_posted ON ledger_entryline",
]


def statements(vendor: str, *, install: bool) -> list[str]:
    if vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
    if vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_UNINSTALL
    raise RuntimeError(f"Base de données non prise en charge : {vendor}")


def install(connection) -> None:
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=True):
            cursor.execute(sql)


def uninstall(connection) -> None:
    """Only for test teardown (flush) and for the tamper test that proves `agora verify` still catches it."""
    with connection.cursor() as cursor:
        for sql in statements(connection.vendor, install=False):
            cursor.execute(sql)
