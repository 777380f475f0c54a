from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "agora.parties"
    label = "parties"
    verbose_name = "Tiers"
