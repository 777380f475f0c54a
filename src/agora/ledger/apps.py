from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_triggers(sender, using, **kwargs):
    """(Re)install the posted-entry triggers after every migrate: SQLite drops a table's triggers whenever a
    migration rebuilds that table, and the books must never stay unguarded."""
    from django.db import connections

    from . import triggers

    triggers.install(connections[using])


class LedgerConfig(AppConfig):
    name = "agora.ledger"
    label = "ledger"
    verbose_name = "Comptabilité générale"

    def ready(self):
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="agora.ledger.triggers")
