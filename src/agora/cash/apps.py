from django.apps import AppConfig


class CashConfig(AppConfig):
    name = "agora.cash"
    label = "cash"
    verbose_name = "Caisse et prévisions"
