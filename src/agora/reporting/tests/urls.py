"""URLs for the dashboard tests: the shell, the ledger and the dashboards (the lead wires them into config/)."""

from django.urls import include, path

urlpatterns = [
    path("o/<slug:org>/compta/", include("agora.ledger.urls")),
    path("o/<slug:org>/tableaux-de-bord/", include("agora.reporting.urls")),
    path("", include("agora.web.urls")),
]
