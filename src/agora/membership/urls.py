"""Membership screens, under /o/<org>/adherents/."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "membership"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="membership:members"), name="home"),
    path("registre/", views.members, name="members"),
    path("registre/nouveau/", views.member_new, name="member_new"),
    path("registre/<int:pk>/", views.member_detail, name="member_detail"),
    path("registre/<int:pk>/sortie/", views.member_leave, name="member_leave"),
    path("categories/", views.categories, name="categories"),
    path("categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("parametres/", views.settings_edit, name="settings"),
    path("cotisations/", views.fees, name="fees"),
    path("cotisations/appeler/", views.fees_generate, name="fees_generate"),
    path("cotisations/<int:pk>/", views.fee_detail, name="fee_detail"),
    path("cotisations/<int:pk>/annuler/", views.fee_cancel, name="fee_cancel"),
    path("renouvellement/", views.campaigns, name="campaigns"),
    path("renouvellement/<int:pk>/lettres.pdf", views.campaign_letters, name="campaign_letters"),
    path("dons/", views.donations, name="donations"),
    path("dons/nouveau/", views.donation_new, name="donation_new"),
    path("dons/<int:pk>/", views.donation_detail, name="donation_detail"),
    path("dons/<int:pk>/recu/", views.donation_receipt_issue, name="donation_receipt_issue"),
    path("dons/<int:pk>/recu.pdf", views.donation_receipt_pdf, name="donation_receipt_pdf"),
]
