"""Configuration screens: chart of accounts, journals, fiscal years and their periods."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from agora.core.errors import BusinessError

from .. import selectors, services
from ..forms import AccountCreateForm, AccountEditForm, AccountFilterForm, FiscalYearForm, JournalForm
from ..models import Account, FiscalYear, Journal, Period, State
from .common import add_business_error, can, ledger_view, paginate


@ledger_view()
def accounts(request, org):
    form = AccountFilterForm(request.GET or None)
    search, account_class = "", None
    if form.is_valid():
        search, account_class = form.cleaned_data["q"], form.cleaned_data["account_class"]
    queryset = selectors.account_list(organisation=request.organisation, search=search,
                                      account_class=account_class)
    return render(request, "ledger/accounts.html", {
        "form": form, "page": paginate(request, queryset, 100),
        "can_configure": can(request, "ledger.configure"),
    })


@ledger_view("ledger.configure", write="ledger.configure")
def account_new(request, org):
    form = AccountCreateForm(request.POST if request.method == "POST" else None,
                             initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_create(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect(reverse("ledger:accounts", kwargs={"org": org}) + f"?q={form.cleaned_data['code']}")
    return render(request, "ledger/account_form.html", {"form": form, "account": None})


@ledger_view("ledger.configure", write="ledger.configure")
def account_edit(request, org, pk):
    account = _get(Account, request, pk)
    initial = {f: getattr(account, f) for f in ("code", "label", "reconcilable", "party_required", "active")}
    form = AccountEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=request.user, account=account, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect(reverse("ledger:accounts", kwargs={"org": org}) + f"?q={account.code}")
    return render(request, "ledger/account_form.html", {"form": form, "account": account})


@ledger_view()
def journals(request, org):
    rows = Journal.objects.filter(organisation=request.organisation).select_related("default_account")
    return render(request, "ledger/journals.html", {"journals": rows,
                                                    "can_configure": can(request, "ledger.configure")})


@ledger_view("ledger.configure", write="ledger.configure")
def journal_new(request, org):
    form = JournalForm(request.POST if request.method == "POST" else None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_create(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("ledger:journals", org=org)
    return render(request, "ledger/journal_form.html", {"form": form})


@ledger_view()
def fiscal_years(request, org):
    years = (FiscalYear.objects.filter(organisation=request.organisation).order_by("-start_date")
             .prefetch_related(Prefetch("periods", queryset=Period.objects.order_by("start_date"))))
    return render(request, "ledger/fiscal_years.html", {
        "years": years, "can_close": can(request, "ledger.close"), "error": request.GET.get("erreur", ""),
        "states": State,
    })


@ledger_view("ledger.close", write="ledger.close")
def fiscal_year_new(request, org):
    form = FiscalYearForm(request.POST if request.method == "POST" else None)
    latest = FiscalYear.objects.filter(organisation=request.organisation).order_by("-start_date").first()
    if request.method == "POST" and form.is_valid():
        try:
            services.fiscal_year_create(actor=request.user, organisation=request.organisation, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("ledger:fiscal_years", org=org)
    return render(request, "ledger/fiscal_year_form.html", {"form": form, "latest": latest})


@require_POST
@ledger_view("ledger.close", write="ledger.close")
def period_state(request, org, pk, state):
    period = _get(Period, request, pk)
    if state not in State.values:
        raise Http404("État inconnu")
    try:
        services.period_set_state(actor=request.user, period=period, state=state)
    except BusinessError as error:
        return _fiscal_years_with_error(request, error)
    return redirect("ledger:fiscal_years", org=org)


@require_POST
@ledger_view("ledger.close", write="ledger.close")
def fiscal_year_lock(request, org, pk):
    year = _get(FiscalYear, request, pk)
    try:
        services.fiscal_year_lock(actor=request.user, fiscal_year=year)
    except BusinessError as error:
        return _fiscal_years_with_error(request, error)
    return redirect("ledger:fiscal_years", org=org)


def _fiscal_years_with_error(request, error: BusinessError):
    years = (FiscalYear.objects.filter(organisation=request.organisation).order_by("-start_date")
             .prefetch_related(Prefetch("periods", queryset=Period.objects.order_by("start_date"))))
    return render(request, "ledger/fiscal_years.html", {"years": years, "can_close": True, "error": error.message,
                                                        "states": State})


def _get(model, request, pk):
    """One object of the current organisation, else 404 (another organisation's ids are not disclosed)."""
    try:
        return model.objects.get(organisation=request.organisation, pk=pk)
    except model.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
