"""Trigram index of entry labels and references for the entry list's search (see ledger/search.py)."""

from django.db import migrations

from agora.ledger import search


def install(apps, schema_editor):
    search.install(schema_editor)


def uninstall(apps, schema_editor):
    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_trial_balance_covering_index")]
    operations = [migrations.RunPython(install, uninstall)]
