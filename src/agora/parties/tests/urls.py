"""URLs for the party and catalogue tests: the real screens of the shell, the ledger, the parties and the
catalogue, and an API holding the party and catalogue routers (the lead wires them into config/ for real)."""

from django.urls import include, path
from ninja import NinjaAPI

from agora.catalog.api import router as catalog_router
from agora.core.api import api_auth, install_error_handlers
from agora.parties.api import router as parties_router

api = NinjaAPI(title="Agora API (tests tiers et catalogue)", version="tests-parties", urls_namespace="api",
               auth=api_auth())
install_error_handlers(api)
api.add_router("", parties_router)
api.add_router("", catalog_router)

urlpatterns = [
    path("api/v1/", api.urls),
    path("o/<slug:org>/compta/", include("agora.ledger.urls")),
    path("o/<slug:org>/tiers/", include("agora.parties.urls")),
    path("o/<slug:org>/catalogue/", include("agora.catalog.urls")),
    path("", include("agora.web.urls")),
]
