"""Shell pages: login, home, organisation switcher, profile, organisation settings and the audit log.

Views stay thin: they check the permission, hand the input to a core service and turn a BusinessError into
a form error. Organisation-scoped pages rely on core.middleware, which answers 404 for a foreign slug.
"""


from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agora.core import services
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.models import AuditEvent, Membership, Role
from agora.core.permissions import organisations_of, roles_of
from agora.core.views import org_view

from . import forms
from .context import build_navigation, current_organisation

AUDIT_PAGE_SIZE = 50
THROTTLED_MESSAGE = ("Trop de tentatives de connexion infructueuses. Réessayez dans quelques minutes "
                     "ou demandez à un administrateur de vérifier votre compte.")


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR", "") or "inconnue"


class LoginView(auth_views.LoginView):
    """Django's login with throttling: too many recent failures refuse the attempt before any check."""

    template_name = "web/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        if services.login_throttled(username=username, address=client_address(request)):
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled_message=THROTTLED_MESSAGE)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        username = self.request.POST.get("username", "")
        if username:
            services.login_failed(username=username, address=client_address(self.request))
        return super().form_invalid(form)

    def form_valid(self, form):
        services.login_succeeded(username=form.cleaned_data["username"])
        return super().form_valid(form)


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "Vous êtes déconnecté.")
        return response


@login_required
def home(request):
    organisation = current_organisation(request)
    if organisation is None:
        return render(request, "web/no_organisation.html")
    return redirect("web:org_home", org=organisation.slug)


@org_view("organisation.view")
def org_home(request, org):
    organisation = request.organisation
    roles = sorted(roles_of(request.user, organisation))
    return render(request, "web/org_home.html", {
        "organisation": organisation,
        "role_labels": [Role(r).label for r in roles],
        "shortcuts": build_navigation(request.user, organisation),
    })


@require_POST
@login_required
def switch(request):
    form = forms.OrganisationSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404("Organisation introuvable")
    organisation = organisations_of(request.user).filter(slug=form.cleaned_data["org"]).first()
    if organisation is None:
        raise Http404("Organisation introuvable")
    request.session["organisation"] = organisation.slug
    return redirect("web:org_home", org=organisation.slug)


@login_required
def profile(request):
    user = request.user
    password_form = _password_form(user)
    token_form = forms.ApiTokenForm()
    new_token = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "password":
            password_form = _password_form(user, request.POST)
            if password_form.is_valid():
                password_form.save()
                update_session_auth_hash(request, password_form.user)
                messages.success(request, "Votre mot de passe a été changé.")
                return redirect("web:profile")
        elif action == "token_create":
            token_form = forms.ApiTokenForm(request.POST)
            if token_form.is_valid():
                try:
                    token, new_token = services.api_token_create(user=user, name=token_form.cleaned_data["name"])
                except BusinessError as exc:
                    forms.add_business_error(token_form, exc)
                else:
                    # Rendered, not redirected: the clear value is never stored, not even in the session.
                    token_form = forms.ApiTokenForm()
                    messages.success(request, f"Jeton « {token.name} » créé. Copiez-le maintenant : il ne sera "
                                              "plus jamais affiché.")
        elif action == "token_revoke":
            revoke_form = forms.ApiTokenRevokeForm(request.POST)
            if revoke_form.is_valid():
                try:
                    services.api_token_revoke(user=user, token_id=revoke_form.cleaned_data["token"])
                except BusinessError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "Le jeton a été révoqué.")
            return redirect("web:profile")
    return render(request, "web/profile.html", {
        "password_form": password_form,
        "token_form": token_form,
        "new_token": new_token,
        "tokens": user.api_tokens.order_by("-created_at"),
        "memberships": Membership.objects.filter(user=user).select_related("organisation")
                                         .order_by("organisation__legal_name", "role"),
    })


def _password_form(user, data=None) -> PasswordChangeForm:
    form = PasswordChangeForm(user, data)
    form.fields["old_password"].widget.attrs.pop("autofocus", None)  # the page is mostly about tokens
    return form


@org_view("organisation.view")
def org_logo(request, org):
    """The organisation's logo, for its own members only (no public media URL)."""
    organisation = request.organisation
    if not organisation.logo:
        raise Http404("Pas de logo")
    return FileResponse(organisation.logo.open("rb"))


@org_view("organisation.manage")
def org_settings(request, org):
    organisation = request.organisation
    form = forms.OrganisationForm(initial=forms.OrganisationForm.initial_of(organisation))
    grant_form = forms.MembershipGrantForm()
    create_form = forms.UserCreateForm(prefix="new")
    new_password = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "organisation":
            form = forms.OrganisationForm(request.POST)
            if form.is_valid():
                try:
                    services.organisation_update(actor=request.user, organisation=organisation,
                                                 data=form.service_data())
                except BusinessError as exc:
                    organisation.refresh_from_db()  # the transaction rolled back; drop in-memory changes
                    forms.add_business_error(form, exc)
                else:
                    messages.success(request, "Les informations de l'organisation ont été enregistrées.")
                    return redirect("web:org_settings", org=organisation.slug)
        elif action == "logo":
            logo_form = forms.LogoForm(request.POST, request.FILES)
            if logo_form.is_valid():
                try:
                    services.organisation_logo_set(actor=request.user, organisation=organisation,
                                                   upload=logo_form.cleaned_data["logo"])
                except BusinessError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "Le logo a été enregistré ; il figure désormais sur les documents.")
                return redirect("web:org_settings", org=organisation.slug)
            messages.error(request, "Choisissez un fichier image.")
        elif action == "grant":
            grant_form = forms.MembershipGrantForm(request.POST)
            if grant_form.is_valid():
                try:
                    services.membership_grant(actor=request.user, organisation=organisation, user=grant_form.user,
                                              role=grant_form.cleaned_data["role"])
                except BusinessError as exc:
                    forms.add_business_error(grant_form, exc)
                else:
                    role = Role(grant_form.cleaned_data["role"]).label
                    messages.success(request, f"Rôle « {role} » accordé à {grant_form.user}.")
                    return redirect("web:org_settings", org=organisation.slug)
        elif action == "create_user":
            create_form = forms.UserCreateForm(request.POST, prefix="new")
            if create_form.is_valid():
                try:
                    user, password = services.user_create(actor=request.user, organisation=organisation,
                                                          **create_form.cleaned_data)
                except BusinessError as exc:
                    forms.add_business_error(create_form, exc)
                else:
                    # Rendered, not redirected: the password never goes through the session or a cookie.
                    create_form = forms.UserCreateForm(prefix="new")
                    messages.success(request, f"Compte « {user.username} » créé.")
                    new_password = password
        elif action == "revoke":
            revoke_form = forms.MembershipRevokeForm(request.POST)
            if revoke_form.is_valid():
                membership = (Membership.objects.select_related("user")
                              .filter(organisation=organisation, user_id=revoke_form.cleaned_data["user"],
                                      role=revoke_form.cleaned_data["role"]).first())
                if membership is None:
                    raise Http404("Rôle introuvable")
                try:
                    services.membership_revoke(actor=request.user, organisation=organisation,
                                               user=membership.user, role=membership.role)
                except BusinessError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, f"Rôle « {membership.get_role_display()} » retiré à "
                                              f"{membership.user}.")
            return redirect("web:org_settings", org=organisation.slug)
    return render(request, "web/org_settings.html", {
        "organisation": organisation,
        "form": form,
        "grant_form": grant_form,
        "create_form": create_form,
        "new_password": new_password,
        "members": _members_of(organisation),
        "history": history_of(organisation=organisation, obj=organisation)[:50],
    })


def _members_of(organisation) -> list[dict]:
    """Members with their roles, one row per person."""
    rows: dict[int, dict] = {}
    memberships = (Membership.objects.filter(organisation=organisation).select_related("user")
                   .order_by("user__last_name", "user__username", "role"))
    for membership in memberships:
        row = rows.setdefault(membership.user_id, {"user": membership.user, "roles": []})
        row["roles"].append({"value": membership.role, "label": membership.get_role_display()})
    return list(rows.values())


@org_view("audit.view")
def audit_log(request, org):
    organisation = request.organisation
    filters = forms.AuditFilterForm(request.GET or None, organisation=organisation)
    events = filters.filter(AuditEvent.objects.filter(organisation=organisation).select_related("actor"))
    page = Paginator(events.order_by("-at", "-id"), AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/audit_log.html", {
        "organisation": organisation,
        "filters": filters,
        "page": page,
    })
