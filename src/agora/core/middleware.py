"""Resolve the organisation named in the URL (/o/<slug>/…) for the logged-in user.

A slug the user holds no role in answers 404, never 403: another organisation's existence is not disclosed.
"""

from django.http import Http404

from .models import Organisation
from .permissions import roles_of


class CurrentOrganisationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.organisation = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("org")
        if slug is None or request.path.startswith("/api/"):
            return None  # the API checks the organisation itself and answers JSON
        if not request.user.is_authenticated:
            return None  # the view's login_required redirects
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None or not roles_of(request.user, organisation):
            raise Http404("Organisation introuvable")
        request.organisation = organisation
        if request.session.get("organisation") != slug:  # remembered for the next visit; no write per page
            request.session["organisation"] = slug
        return None
