from django.apps import AppConfig


class TreasuryConfig(AppConfig):
    name = "agora.treasury"
    label = "treasury"
    verbose_name = "Trésorerie"
