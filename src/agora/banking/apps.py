from django.apps import AppConfig


class BankingConfig(AppConfig):
    name = "agora.banking"
    label = "banking"
    verbose_name = "Banque"
