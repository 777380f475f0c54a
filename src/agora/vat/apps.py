from django.apps import AppConfig


class VatConfig(AppConfig):
    name = "agora.vat"
    label = "vat"
    verbose_name = "TVA"
