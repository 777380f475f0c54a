"""Accounting screens, all under /o/<org>/compta/ (the middleware resolves `org`)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "ledger"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="ledger:entries")),
    path("ecritures/", views.entries, name="entries"),
    path("ecritures/nouvelle/", views.entry_new, name="entry_new"),
    path("ecritures/<int:pk>/", views.entry_detail, name="entry_detail"),
    path("ecritures/<int:pk>/modifier/", views.entry_edit, name="entry_edit"),
    path("ecritures/<int:pk>/valider/", views.entry_post, name="entry_post"),
    path("ecritures/<int:pk>/supprimer/", views.entry_delete, name="entry_delete"),
    path("ecritures/<int:pk>/extourner/", views.entry_reverse, name="entry_reverse"),
    path("comptes/", views.accounts, name="accounts"),
    path("comptes/nouveau/", views.account_new, name="account_new"),
    path("comptes/<int:pk>/", views.account_edit, name="account_edit"),
    path("journaux/", views.journals, name="journals"),
    path("journaux/nouveau/", views.journal_new, name="journal_new"),
    path("exercices/", views.fiscal_years, name="fiscal_years"),
    path("exercices/nouveau/", views.fiscal_year_new, name="fiscal_year_new"),
    path("exercices/<int:pk>/verrouiller/", views.fiscal_year_lock, name="fiscal_year_lock"),
    path("periodes/<int:pk>/<str:state>/", views.period_state, name="period_state"),
    path("lettrage/", views.matching, name="matching"),
    path("etats/journal/", views.journal_report, name="journal_report"),
    path("etats/grand-livre/", views.general_ledger, name="general_ledger"),
    path("etats/balance/", views.trial_balance, name="trial_balance"),
    path("fec/", views.fec_download, name="fec"),
    path("cloture/", views.closing, name="closing"),
]
