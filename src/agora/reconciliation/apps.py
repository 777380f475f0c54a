from django.apps import AppConfig


class ReconciliationConfig(AppConfig):
    name = "agora.reconciliation"
    label = "reconciliation"
    verbose_name = "Rapprochement bancaire"
