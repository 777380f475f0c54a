"""Suite-wide fixtures.

Posted entries are frozen by database triggers, which also refuse the flush (DELETE on SQLite) that ends a
transactional test; `flushable_db` empties the database itself with the triggers lifted, then restores them.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture
def flushable_db(transactional_db, django_db_blocker):
    """Transactional database (real commits, visible to other processes or a live server)."""
    yield
    from django.core.management import call_command
    from django.db import connection

    from agora.ledger import triggers

    with django_db_blocker.unblock():
        triggers.uninstall(connection)
        try:
            call_command("flush", interactive=False, verbosity=0)
        finally:
            triggers.install(connection)
