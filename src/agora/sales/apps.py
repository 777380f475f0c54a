from django.apps import AppConfig


class SalesConfig(AppConfig):
    name = "agora.sales"
    label = "sales"
    verbose_name = "Ventes"
