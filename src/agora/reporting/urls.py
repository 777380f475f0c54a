"""Dashboards, all under /o/<org>/tableaux-de-bord/ (the middleware resolves `org`)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "reporting"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="reporting:sales"), name="dashboard"),
    path("ventes/", views.sales_dashboard, name="sales"),
    path("stock/", views.stock_dashboard, name="stock"),
]
