"""Turn agora.core.errors.PermissionDenied escaping any view into the French 403 page.

Views of every app call `permissions.require(...)`, which raises core's PermissionDenied (a BusinessError, not
Django's exception); this lets them skip the try/except. Register after CurrentOrganisationMiddleware:
"agora.web.middleware.PermissionDeniedMiddleware".
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.views.defaults import permission_denied

from agora.core.errors import PermissionDenied


class PermissionDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, DjangoPermissionDenied(exception.message))
        return None
