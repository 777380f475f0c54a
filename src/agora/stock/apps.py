from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "agora.stock"
    label = "stock"
    verbose_name = "Stock"
