"""Plumbing every app's screens share: the permission gate, error mapping, pagination, filter links.

It lives in core because no app may import another app's views (DESIGN.md §2).
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone

from .errors import BusinessError, PermissionDenied
from .permissions import has_perm, require

PAGE_SIZE = 50


def org_view(read: str, write: str | None = None):
    """Log-in, organisation and permission gate of a screen.

    `read` is required for every request; `write` (if given) for POST. A refused permission answers 403
    (the page exists for this organisation, the user just may not do that); another organisation's URL has
    already answered 404 in the middleware.
    """

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                require(request.user, request.organisation, read)
                if write and request.method == "POST":
                    require(request.user, request.organisation, write)
                return view(request, *args, **kwargs)
            except PermissionDenied as denied:
                raise Forbidden(denied.message) from denied

        return wrapper

    return decorator


def found_or_404(read, **kwargs):
    """Call a selector that reads one object (it ends in `.get()`), a missing one becoming a 404: an object of
    another organisation is simply not found."""
    try:
        return read(**kwargs)
    except ObjectDoesNotExist as missing:
        raise Http404("Introuvable") from missing


def can(request, permission: str) -> bool:
    return has_perm(request.user, request.organisation, permission)


def add_business_error(form, error: BusinessError) -> None:
    """Show a service's refusal on the field it names, or on the whole form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def query_with(request, **changes) -> str:
    """The current filters as a query string, without the page number, with `changes` applied (export links)."""
    params = request.GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


def today():
    return timezone.localdate()
