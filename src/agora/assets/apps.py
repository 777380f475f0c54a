from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "agora.assets"
    label = "assets"
    verbose_name = "Immobilisations"
