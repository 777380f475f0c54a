"""Top-level URLs: the JSON API under /api/v1, the accounting screens under /o/<org>/compta/, the shell."""

from django.urls import include, path

from agora.config.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("o/<slug:org>/compta/", include("agora.ledger.urls")),
    path("o/<slug:org>/tiers/", include("agora.parties.urls")),
    path("o/<slug:org>/catalogue/", include("agora.catalog.urls")),
    path("o/<slug:org>/tableaux-de-bord/", include("agora.reporting.urls")),
    path("o/<slug:org>/ventes/", include("agora.sales.urls")),
    path("o/<slug:org>/adherents/", include("agora.membership.urls")),
    path("o/<slug:org>/achats/", include("agora.purchasing.urls")),
    path("o/<slug:org>/approvisionnement/", include("agora.procurement.urls")),
    path("o/<slug:org>/stock/", include("agora.stock.urls")),
    path("o/<slug:org>/tresorerie/", include("agora.treasury.urls")),
    path("o/<slug:org>/banque/", include("agora.banking.urls")),
    path("o/<slug:org>/rapprochement/", include("agora.reconciliation.urls")),
    path("o/<slug:org>/caisse/", include("agora.cash.urls")),
    path("o/<slug:org>/immobilisations/", include("agora.assets.urls")),
    path("o/<slug:org>/tva/", include("agora.vat.urls")),
    path("o/<slug:org>/etats-financiers/", include("agora.financials.urls")),
    path("", include("agora.web.urls")),
]
