"""Party screens ("dossier tiers"), under /o/<org>/tiers/: list with filters and exports, form, detail page
with the customer account, documents, e-mails and history. Thin: selectors read, services write."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render

from agora.core.audit import history_of
from agora.core.errors import BusinessError, PermissionDenied
from agora.core.exports import csv_response, xlsx_response
from agora.core.permissions import has_perm, require
from agora.core.views import query_with

from . import selectors, services
from .forms import PartyFilterForm, PartyForm
from .models import Party

PAGE_SIZE = 50


def party_view(read: str = "parties.view", write: str | None = None):
    """Log-in and permission gate: `read` for every request, `write` for POST; refused → 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                require(request.user, request.organisation, read)
                if write and request.method == "POST":
                    require(request.user, request.organisation, write)
            except PermissionDenied as denied:
                raise Forbidden(denied.message) from denied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _get(request, pk) -> Party:
    try:
        return selectors.party_get(organisation=request.organisation, pk=pk)
    except Party.DoesNotExist as missing:
        raise Http404("Tiers introuvable") from missing


def _add_error(form, error: BusinessError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@party_view()
def party_list(request, org):
    form = PartyFilterForm(request.GET)
    queryset = selectors.party_list(organisation=request.organisation, **form.filters())
    export = request.GET.get("format")
    if export in {"csv", "xlsx"}:
        header, rows = selectors.party_export_rows(queryset)
        if export == "csv":
            return csv_response(f"tiers-{org}.csv", header, rows)
        return xlsx_response(f"tiers-{org}.xlsx", header, rows, title="Tiers")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "parties/party_list.html", {
        "form": form, "page": page, "can_manage": has_perm(request.user, request.organisation, "parties.manage"),
        "exports": {"csv": query_with(request, format="csv"), "xlsx": query_with(request, format="xlsx")},
    })


@party_view("parties.manage", write="parties.manage")
def party_new(request, org):
    role = request.GET.get("role", "customer")
    initial = {"kind": Party.Kind.ORGANISATION, "country": "FR", "active": True, "default_discount_pct": "0"}
    if role in {"customer", "prospect", "supplier", "subcontractor", "service_provider", "member"}:
        initial[f"is_{role}"] = True
    form = PartyForm(request.POST if request.method == "POST" else None, organisation=request.organisation,
                     initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            party = services.party_create(actor=request.user, organisation=request.organisation,
                                          data=form.cleaned_data)
        except BusinessError as error:
            _add_error(form, error)
        else:
            return redirect("parties:detail", org=org, pk=party.pk)
    return render(request, "parties/party_form.html", {"form": form, "party": None})


@party_view("parties.manage", write="parties.manage")
def party_edit(request, org, pk):
    party = _get(request, pk)
    form = PartyForm(request.POST if request.method == "POST" else None, organisation=request.organisation,
                     initial=PartyForm.initial_of(party))
    if request.method == "POST" and form.is_valid():
        try:
            services.party_update(actor=request.user, party=party, data=form.cleaned_data)
        except BusinessError as error:
            _add_error(form, error)
        else:
            return redirect("parties:detail", org=org, pk=party.pk)
    return render(request, "parties/party_form.html", {"form": form, "party": party})


@party_view()
def party_detail(request, org, pk):
    party = _get(request, pk)
    organisation = request.organisation
    return render(request, "parties/party_detail.html", {
        "party": party,
        "balances": selectors.party_account_balances(organisation=organisation, party=party),
        "documents": selectors.party_documents(organisation=organisation, party=party),
        "mails": selectors.party_mails(organisation=organisation, party=party),
        "history": history_of(organisation=organisation, obj=party),
        "can_manage": has_perm(request.user, organisation, "parties.manage"),
        "can_see_ledger": has_perm(request.user, organisation, "ledger.view"),
    })
