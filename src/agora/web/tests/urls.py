"""A URL configuration for navigation tests: the shell plus a stand-in "ledger" namespace with only some pages,
so the menu is checked against URL names that resolve and names that do not, whatever the real ledger holds."""

from django.http import HttpResponse
from django.urls import include, path


def _page(request, org):
    return HttpResponse("ok")


ledger_patterns = ([
    path("ecritures/", _page, name="entries"),
    path("ecritures/nouvelle/", _page, name="entry_new"),
    path("balance/", _page, name="trial_balance"),
    path("cloture/", _page, name="closing"),
], "ledger")

urlpatterns = [
    path("o/<slug:org>/compta/", include(ledger_patterns)),
    path("", include("agora.web.urls")),
]


def _requires_ledger_close(request, org):
    """A view that lets core's PermissionDenied escape, as other apps' views may."""
    from agora.core.permissions import require

    require(request.user, request.organisation, "ledger.close")
    return HttpResponse("clôture")


urlpatterns.insert(0, path("o/<slug:org>/test-permission/", _requires_ledger_close, name="test_permission"))
