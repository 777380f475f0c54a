"""The JSON API (/api/v1): one NinjaAPI, one router per app.

Authentication: a per-user token (header "Authorization: Bearer …") or the browser's Django session (CSRF
checked for writes). Errors are JSON {"code", "message", "field"} with a French message (core.api).
"""

from ninja import NinjaAPI

from agora.catalog.api import router as catalog_router
from agora.core.api import api_auth, install_error_handlers
from agora.core.api import router as core_router
from agora.core.autodiscover import api_routers
from agora.ledger.api import router as ledger_router
from agora.membership.api import router as membership_router
from agora.parties.api import router as parties_router

api = NinjaAPI(
    title="Agora API",
    version="1",
    description="API du PGI Agora. Montants en chaînes à deux décimales (« 1234.56 »).",
    urls_namespace="api",
    auth=api_auth(),
)
install_error_handlers(api)
api.add_router("", core_router)
api.add_router("", parties_router)
api.add_router("", catalog_router)
api.add_router("", ledger_router)
api.add_router("", membership_router)
for app in ("sales", "purchasing", "procurement", "stock", "treasury", "banking", "reconciliation",
            "cash", "assets", "vat",
            "financials"):
    for app_router in api_routers(app):
        api.add_router("", app_router)
