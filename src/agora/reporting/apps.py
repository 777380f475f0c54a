from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "agora.reporting"
    label = "reporting"
    verbose_name = "Tableaux de bord"
