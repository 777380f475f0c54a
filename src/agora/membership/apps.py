from django.apps import AppConfig


class MembershipConfig(AppConfig):
    name = "agora.membership"
    label = "membership"
    verbose_name = "Adhésions et dons"
