"""Screen URLs. Organisation-scoped pages live under /o/<org>/ (see core.middleware)."""

from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("changer-organisation/", views.switch, name="switch"),
    path("profil/", views.profile, name="profile"),
    path("o/<slug:org>/", views.org_home, name="org_home"),
    path("o/<slug:org>/organisation/", views.org_settings, name="org_settings"),
    path("o/<slug:org>/organisation/logo/", views.org_logo, name="org_logo"),
    path("o/<slug:org>/journal-des-modifications/", views.audit_log, name="audit_log"),
]
