from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "agora.core"
    label = "core"
    verbose_name = "Socle"
