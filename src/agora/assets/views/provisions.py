"""Provisions screens: the état des provisions of a year, the open provisions, the overdue customers (from the
aged balance) to mark doubtful, a new provision for risks or charges, the yearly review; a provision's page with
its movements, the adjustment and the final loss."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, today
from agora.ledger.models import FiscalYear
from agora.parties.models import Party

from ..forms import AdjustForm, DoubtfulForm, LossForm, ProvisionForm, ReviewForm
from ..models import Provision
from ..selectors import provisions as selectors
from ..services import provisions as services


def _provision(request, pk) -> Provision:
    try:
        return selectors.provision_get(organisation=request.organisation, pk=pk)
    except Provision.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def _year(request):
    years = list(FiscalYear.objects.filter(organisation=request.organisation).order_by("-start_date"))
    chosen = next((y for y in years if y.code == request.GET.get("year")), None)
    current = next((y for y in years if y.start_date <= today() <= y.end_date), None)
    return years, chosen or current or (years[0] if years else None)


def _page(request, *, doubtful_form=None, provision_form=None, status=200):
    organisation = request.organisation
    years, year = _year(request)
    state = request.GET.get("state", Provision.State.OPEN)
    state = state if state in Provision.State.values else ""
    return render(request, "assets/provisions.html", {
        "years": years, "year": year,
        "table": selectors.provision_table(organisation=organisation, fiscal_year=year) if year else None,
        "review": selectors.provisions_reviewed(year) if year else None,
        "provisions": selectors.provision_list(organisation=organisation, state=state),
        "state": state,
        "overdue": selectors.overdue_customers(organisation=organisation, as_of=today()),
        "doubtful_form": doubtful_form or DoubtfulForm(initial={"date": today(), "loss_rate": "50"}),
        "provision_form": provision_form or ProvisionForm(initial={"date": today()}),
        "review_form": ReviewForm(initial={"fiscal_year": year.pk if year else None}),
        "can_write": can(request, "assets.write")}, status=status)


@org_view("assets.view")
def provisions(request, org):
    return _page(request)


@require_POST
@org_view("assets.write", write="assets.write")
def doubtful_new(request, org):
    form = DoubtfulForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        party = Party.objects.filter(organisation=request.organisation, code=data["party_code"].upper()).first()
        if party is None:
            form.add_error("party_code", "Client inconnu.")
        else:
            try:
                provision = services.doubtful_customer_mark(actor=request.user, organisation=request.organisation,
                                                            party=party, on=data["date"],
                                                            loss_rate=data["loss_rate"])
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, f"{party.name} transféré en client douteux ; provision de "
                                          f"{provision.amount} €.")
                return redirect("assets:provision_detail", org=org, pk=provision.pk)
    return _page(request, doubtful_form=form, status=422)


@require_POST
@org_view("assets.write", write="assets.write")
def provision_new(request, org):
    form = ProvisionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            provision = services.provision_create(actor=request.user, organisation=request.organisation,
                                                  kind=data["kind"], label=data["label"],
                                                  account_code=data["account_code"], amount=data["amount"],
                                                  on=data["date"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Provision « {provision.label} » constituée.")
            return redirect("assets:provision_detail", org=org, pk=provision.pk)
    return _page(request, provision_form=form, status=422)


@require_POST
@org_view("assets.write", write="assets.write")
def review(request, org):
    form = ReviewForm(request.POST)
    year = None
    if form.is_valid():
        year = FiscalYear.objects.filter(organisation=request.organisation, pk=form.cleaned_data["fiscal_year"]).first()
    if year is None:
        raise Http404("Introuvable")
    services.provisions_review(actor=request.user, organisation=request.organisation, fiscal_year=year,
                               note=form.cleaned_data["note"])
    messages.success(request, f"Revue des provisions {year.code} enregistrée.")
    return redirect(f"{reverse('assets:provisions', kwargs={'org': org})}?year={year.code}")


@org_view("assets.view", write="assets.write")
def provision_detail(request, org, pk):
    provision = _provision(request, pk)
    adjust_form = AdjustForm(initial={"date": today()})
    loss_form = LossForm(initial={"date": today()})
    if request.method == "POST":
        action = request.POST.get("action")
        form = LossForm(request.POST) if action == "loss" else AdjustForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "loss":
                    services.doubtful_customer_loss(actor=request.user, provision=provision, on=data["date"],
                                                    reason=data["reason"])
                else:
                    services.provision_adjust(actor=request.user, provision=provision, on=data["date"],
                                              amount=data["amount"], loss_rate=data["loss_rate"],
                                              reason=data["reason"])
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, "Provision mise à jour.")
                return redirect("assets:provision_detail", org=org, pk=pk)
        if action == "loss":
            loss_form = form
        else:
            adjust_form = form
    return render(request, "assets/provision_detail.html", {
        "provision": provision, "movements": selectors.provision_movements(provision),
        "adjust_form": adjust_form, "loss_form": loss_form, "can_write": can(request, "assets.write")},
        status=422 if request.method == "POST" else 200)


urlpatterns = [
    path("provisions/", provisions, name="provisions"),
    path("provisions/douteux/", doubtful_new, name="doubtful_new"),
    path("provisions/nouvelle/", provision_new, name="provision_new"),
    path("provisions/revue/", review, name="provisions_review"),
    path("provisions/<int:pk>/", provision_detail, name="provision_detail"),
]
