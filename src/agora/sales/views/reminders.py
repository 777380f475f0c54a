"""Reminder screens: the runs (history and "prepare for a date"), a run's review table (skip / unskip, totals,
send), and the letters as PDF (all, or only those to post)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, today
from agora.sales.models import Reminder, ReminderLevel, ReminderRun
from agora.sales.selectors import reminders as selectors
from agora.sales.services import reminders as services

EXPORT_HEADER = ["Client (code)", "Client", "Facture", "Date", "Échéance", "Jours de retard", "Niveau",
                 "Reste dû", "Pénalités", "Indemnité", "État"]
STATES = [("", "Tous"), ("proposed", "Proposée"), ("skipped", "Écartée"), ("sent", "Envoyée")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PrepareForm(forms.Form):
    on = forms.DateField(label="Date de la campagne", widget=DateInput(),
                         error_messages={"required": "Indiquez la date de la campagne de relance.",
                                         "invalid": "Date invalide."})


class ReviewFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    state = forms.ChoiceField(label="État", choices=STATES, required=False)
    level = forms.TypedChoiceField(label="Niveau", choices=[("", "Tous")] + ReminderLevel.choices, coerce=int,
                                   required=False, empty_value=None)


def _run(request, pk) -> ReminderRun:
    try:
        return selectors.run_get(organisation=request.organisation, pk=pk)
    except ReminderRun.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def _reminder(request, pk) -> Reminder:
    try:
        return Reminder.objects.select_related("run", "invoice", "party").get(organisation=request.organisation,
                                                                               pk=pk)
    except Reminder.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("sales.view", write="sales.write")
def runs(request, org):
    """History of the runs, and the form preparing a new one."""
    form = PrepareForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            run = services.reminder_run_prepare(actor=request.user, organisation=request.organisation,
                                                on=form.cleaned_data["on"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("sales:reminder_run", org=org, pk=run.pk)
    pending = ReminderRun.objects.filter(organisation=request.organisation, state="draft").first()
    return render(request, "sales/reminders/runs.html", {
        "form": form, "page": paginate(request, selectors.run_list(organisation=request.organisation)),
        "pending": pending, "can_write": can(request, "sales.write")}, status=422 if form.errors else 200)


@org_view("sales.view")
def run_detail(request, org, pk):
    run = _run(request, pk)
    form = ReviewFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {"state": form.cleaned_data["state"], "level": form.cleaned_data["level"],
                   "search": form.cleaned_data["q"].strip()}
    queryset = selectors.run_reminders(run=run, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([r.party.code, r.party.name, r.invoice.number, r.invoice.date, r.invoice.due_date, r.days_late,
                 r.get_level_display(), r.amount_due, r.interest, r.fixed_fee, r.get_state_display()]
                for r in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"relances-{run.date:%Y%m%d}.{export}", EXPORT_HEADER, rows)
    return render(request, "sales/reminders/run_detail.html", {
        "run": run, "form": form, "page": paginate(request, queryset, 100), "totals": selectors.run_totals(run=run),
        "can_write": can(request, "sales.write"), "can_send": can(request, "sales.validate"),
        "history": history_of(organisation=request.organisation, obj=run),
    })


def _toggle(request, org, pk, service):
    reminder = _reminder(request, pk)
    error = None
    try:
        reminder = service(actor=request.user, reminder=reminder)
    except BusinessError as refused:
        error = refused.message
    if request.headers.get("HX-Request"):
        reminder = _reminder(request, pk)
        return render(request, "sales/reminders/_reminder_row.html", {
            "reminder": reminder, "run": reminder.run, "can_write": True, "error": error})
    if error:
        messages.error(request, error)
    return redirect("sales:reminder_run", org=org, pk=reminder.run_id)


@require_POST
@org_view("sales.view", write="sales.write")
def reminder_skip(request, org, pk):
    return _toggle(request, org, pk, services.reminder_skip)


@require_POST
@org_view("sales.view", write="sales.write")
def reminder_unskip(request, org, pk):
    return _toggle(request, org, pk, services.reminder_unskip)


@require_POST
@org_view("sales.validate", write="sales.validate")
def run_send(request, org, pk):
    run = _run(request, pk)
    try:
        run = services.reminder_run_send(actor=request.user, run=run)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        mailed = len(services.mailed_party_ids(run=run))
        letters = len(selectors.run_letters(run=run, state="sent"))
        messages.success(request, f"Campagne envoyée : {letters} lettre{'s' if letters > 1 else ''}, dont "
                                  f"{mailed} par e-mail. Imprimez les autres pour l'envoi postal.")
    return redirect("sales:reminder_run", org=org, pk=run.pk)


@require_POST
@org_view("sales.write", write="sales.write")
def run_delete(request, org, pk):
    run = _run(request, pk)
    try:
        services.reminder_run_delete(actor=request.user, run=run)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("sales:reminder_run", org=org, pk=run.pk)
    messages.success(request, "Campagne de relance supprimée.")
    return redirect("sales:reminder_runs", org=org)


@org_view("sales.view")
def run_pdf(request, org, pk):
    """The letters of the run in one PDF (?postal=1: only those not sent by e-mail, for postal mailing)."""
    run = _run(request, pk)
    postal = request.GET.get("postal") == "1"
    try:
        content = services.reminder_run_pdf(run=run, postal_only=postal)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("sales:reminder_run", org=org, pk=run.pk)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"relances-{run.date:%Y%m%d}{'-courrier' if postal else ''}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("relances/", runs, name="reminder_runs"),
    path("relances/<int:pk>/", run_detail, name="reminder_run"),
    path("relances/<int:pk>/envoyer/", run_send, name="reminder_run_send"),
    path("relances/<int:pk>/supprimer/", run_delete, name="reminder_run_delete"),
    path("relances/<int:pk>/lettres.pdf", run_pdf, name="reminder_run_pdf"),
    path("relances/rappel/<int:pk>/ecarter/", reminder_skip, name="reminder_skip"),
    path("relances/rappel/<int:pk>/reintegrer/", reminder_unskip, name="reminder_unskip"),
]
