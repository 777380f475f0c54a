"""Party screens ("dossier tiers"), all under /o/<org>/tiers/ (the middleware resolves `org`)."""

from django.urls import path

from . import views

app_name = "parties"
urlpatterns = [
    path("", views.party_list, name="list"),
    path("nouveau/", views.party_new, name="new"),
    path("<int:pk>/", views.party_detail, name="detail"),
    path("<int:pk>/modifier/", views.party_edit, name="edit"),
]
