from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "agora.ledger"
    label = "ledger"
    verbose_name = "Comptabilité générale"
