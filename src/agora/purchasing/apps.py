from django.apps import AppConfig


class PurchasingConfig(AppConfig):
    name = "agora.purchasing"
    label = "purchasing"
    verbose_name = "Achats"

    def ready(self):
        from agora.stock.selectors.reorder import register_on_order

        from .selectors.documents import quantities_on_order

        register_on_order(quantities_on_order)
