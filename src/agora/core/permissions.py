"""The one permission map: which roles may do what. Views, API and CLI ask `require()` before calling
services, so a rule lives here once and is tested role by role."""

from .errors import PermissionDenied
from .models import Membership, Organisation, Role

A, M, C, S, P, H, E = (Role.ADMIN, Role.MANAGEMENT, Role.ACCOUNTING, Role.SALES, Role.PURCHASING,
                       Role.HR, Role.EMPLOYEE)

PERMISSIONS: dict[str, frozenset[str]] = {
    "organisation.view": frozenset({A, M, C, S, P, H, E}),
    "organisation.manage": frozenset({A}),
    "audit.view": frozenset({A}),
    "parties.view": frozenset({A, M, C, S, P}),
    "parties.manage": frozenset({A, C, S, P}),
    "ledger.view": frozenset({A, M, C}),
    "ledger.write": frozenset({A, C}),
    "ledger.close": frozenset({A, C}),
    "ledger.configure": frozenset({A, C}),
    "reports.view": frozenset({A, M, C}),
    "sales.view": frozenset({A, M, C, S}),
    "sales.write": frozenset({A, C, S}),
    "sales.validate": frozenset({A, C, S}),
    "catalog.manage": frozenset({A, S, P}),
    "purchasing.view": frozenset({A, M, C, P}),
    "purchasing.write": frozenset({A, C, P}),
    "purchasing.validate": frozenset({A, C, P}),
    "purchasing.approve": frozenset({A, M}),
    "stock.view": frozenset({A, M, C, S, P}),
    "stock.write": frozenset({A, C, P}),
    "stock.validate": frozenset({A, C}),
    "treasury.view": frozenset({A, M, C}),
    "treasury.write": frozenset({A, C}),
    "treasury.approve": frozenset({A, M}),
    "banking.view": frozenset({A, M, C}),
    "banking.write": frozenset({A, C}),
    "cash.view": frozenset({A, M, C, S}),
    "cash.write": frozenset({A, C, S}),
    "assets.view": frozenset({A, M, C}),
    "assets.write": frozenset({A, C}),
    "vat.view": frozenset({A, M, C}),
    "vat.file": frozenset({A, C}),
    "financials.view": frozenset({A, M, C}),
    "financials.override": frozenset({A, C}),
    "membership.view": frozenset({A, M, C, S}),
    "membership.write": frozenset({A, C, S}),
}


def roles_of(user, organisation: Organisation) -> set[str]:
    """The roles a user holds in an organisation (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = user.__dict__.setdefault("_agora_roles", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = set(
            Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True)
        )
    return cache[organisation.pk]


def has_perm(user, organisation: Organisation, permission: str) -> bool:
    return bool(roles_of(user, organisation) & PERMISSIONS[permission])


def require(user, organisation: Organisation, permission: str) -> None:
    if not has_perm(user, organisation, permission):
        raise PermissionDenied()


def organisations_of(user):
    """Organisations the user was given a role in: the only ones they may see."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).distinct().order_by("legal_name")
