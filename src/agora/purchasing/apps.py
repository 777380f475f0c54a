from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "agora.purchasing"
    label = "purchasing"
    verbose_name = "Achats"
