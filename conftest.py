"""Suite-wide fixtures.

Posted entries are frozen by database triggers, which also refuse Django's flush (DELETE) that ends a
transactional test on SQLite; such tests lift the triggers for the teardown only.
"""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def flushable_db(transactional_db, django_db_blocker):
    """Transactional database whose teardown may flush posted entries (triggers lifted, then restored)."""
    yield
    from django.db import connection

    from agora.ledger import triggers

    with django_db_blocker.unblock():
        triggers.uninstall(connection)


@pytest.fixture(autouse=True)
def _restore_triggers(request, django_db_blocker):
    """After a test that lifted the triggers and flushed, put them back for the next test."""
    yield
    if "flushable_db" in request.fixturenames or "live_server" in request.fixturenames:
        from django.db import connection

        from agora.ledger import triggers

        with django_db_blocker.unblock():
            triggers.install(connection)
