from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "agora.procurement"
    label = "procurement"
    verbose_name = "Approvisionnement"
