from django.apps import AppConfig


class FinancialsConfig(AppConfig):
    name = "agora.financials"
    label = "financials"
    verbose_name = "États financiers"
