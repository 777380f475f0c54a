"""Catalogue screens, all under /o/<org>/catalogue/ (the middleware resolves `org`)."""

from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("", views.product_list, name="products"),
    path("nouveau/", views.product_new, name="product_new"),
    path("<int:pk>/", views.product_edit, name="product_edit"),
    path("tva/", views.vat_categories, name="vat_categories"),
]
