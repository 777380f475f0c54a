"""Payment run screens: the runs (history and "propose for a date"), a run's review table (keep / leave out a
line, pay less, method, cheque number — one htmx row at a time), approve, execute, the SEPA file, the payment
advices (PDF, e-mail), and the treasury settings."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.mail import mails_of
from agora.core.views import add_business_error, can, found_or_404, org_view, paginate, today
from agora.treasury.forms import LineFilterForm, LineForm, ProposeForm, SettingsForm
from agora.treasury.models import PaymentLine, PaymentMethod, PaymentRun
from agora.treasury.selectors import runs as selectors
from agora.treasury.services import advices
from agora.treasury.services import runs as services
from agora.treasury.services.settings import treasury_settings_of, treasury_settings_update

EXPORT_HEADER = ["Fournisseur (code)", "Fournisseur", "Facture", "Réf. fournisseur", "Date", "Échéance",
                 "Reste dû", "Escompte (%)", "Taux annuel (%)", "Escompte retenu", "Montant à payer", "Mode",
                 "N° de chèque", "Retenue", "Blocage"]
LINE_STATES = {"selected": {"selected": True}, "unselected": {"selected": False}, "blocked": {"blocked": True}}


def _run(request, pk) -> PaymentRun:
    return found_or_404(selectors.run_get, organisation=request.organisation, pk=pk)


def _payment_line(request, pk) -> PaymentLine:
    return found_or_404(selectors.run_line_get, organisation=request.organisation, pk=pk)


@org_view("treasury.view", write="treasury.write")
def payment_runs(request, org):
    """History of the runs, and the form proposing a new one."""
    form = ProposeForm(request.POST or None, initial={"on": today()}, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            run = services.payment_run_propose(actor=request.user, organisation=request.organisation, on=data["on"],
                                               due_until=data["due_until"], bank_account=data["bank_account"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("treasury:payment_run", org=org, pk=run.pk)
    return render(request, "treasury/runs.html", {
        "form": form, "page": paginate(request, selectors.run_list(organisation=request.organisation)),
        "can_write": can(request, "treasury.write"), "has_bank": form.fields["bank_account"].queryset.exists()},
        status=422 if form.errors else 200)


@org_view("treasury.view")
def payment_run(request, org, pk):
    run = _run(request, pk)
    form = LineFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {**LINE_STATES.get(form.cleaned_data["state"], {}), "method": form.cleaned_data["method"],
                   "search": form.cleaned_data["q"]}
    queryset = selectors.run_lines(run=run, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([line.party.code, line.party.name, line.reference, line.supplier_reference, line.invoice_date,
                 line.due_date, line.amount_due, line.escompte_pct, line.escompte_rate, line.escompte_amount,
                 line.amount, line.get_method_display(), line.cheque_number, line.selected, line.blocked_reason]
                for line in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"paiements-{run.number}.{export}", EXPORT_HEADER, rows)
    return render(request, "treasury/run_detail.html", {
        "run": run, "form": form, "page": paginate(request, queryset, 100), "totals": selectors.run_totals(run=run),
        "can_write": can(request, "treasury.write"), "can_approve": can(request, "treasury.approve"),
        "editable": run.state == PaymentRun.State.DRAFT and can(request, "treasury.write"),
        "methods": PaymentMethod.choices,
        "history": history_of(organisation=request.organisation, obj=run),
        "mails": mails_of(organisation=request.organisation, obj=run)[:50]})


@require_POST
@org_view("treasury.write", write="treasury.write")
def payment_line_edit(request, org, pk):
    """Save one reviewed line; an htmx request gets the row back (with the refusal, if any)."""
    line = _payment_line(request, pk)
    form = LineForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.payment_line_update(
                actor=request.user, line=line, selected=data["selected"], amount=data["amount"] or None,
                method=data["method"] or None, cheque_number=data["cheque_number"])
        except BusinessError as refused:
            error = refused.message
    else:
        error = "Saisie invalide."
    if request.headers.get("HX-Request"):
        return render(request, "treasury/_line_row.html", {
            "line": _payment_line(request, pk), "run": line.run, "editable": True, "error": error,
            "methods": PaymentMethod.choices},
            status=422 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("treasury:payment_run", org=org, pk=line.run_id)


def _action(request, org, pk, service, done: str):
    run = _run(request, pk)
    try:
        service(actor=request.user, run=run)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("treasury:payment_run", org=org, pk=run.pk)


@require_POST
@org_view("treasury.approve", write="treasury.approve")
def payment_run_approve(request, org, pk):
    return _action(request, org, pk, services.payment_run_approve, "Campagne approuvée : elle peut être exécutée.")


@require_POST
@org_view("treasury.write", write="treasury.write")
def payment_run_execute(request, org, pk):
    return _action(request, org, pk, services.payment_run_execute,
                   "Campagne exécutée : règlements comptabilisés et factures lettrées.")


@require_POST
@org_view("treasury.write", write="treasury.write")
def payment_run_delete(request, org, pk):
    run = _run(request, pk)
    try:
        services.payment_run_delete(actor=request.user, run=run)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("treasury:payment_run", org=org, pk=run.pk)
    messages.success(request, f"Proposition {run.number} supprimée.")
    return redirect("treasury:payment_runs", org=org)


@org_view("treasury.view")
def payment_run_sepa(request, org, pk):
    run = _run(request, pk)
    if not run.sepa_file:
        raise Http404("Pas de fichier SEPA pour cette campagne.")
    return FileResponse(run.sepa_file.open("rb"), as_attachment=True, filename=f"virements-{run.number}.xml",
                        content_type="application/xml")


@require_POST
@org_view("treasury.write", write="treasury.write")
def payment_run_advices(request, org, pk):
    run = _run(request, pk)
    try:
        counts = advices.payment_advices_send(actor=request.user, run=run)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Avis de paiement : {counts['sent']} envoyé(s) par e-mail, {counts['failed']} en "
                                  f"échec, {counts['no_email']} fournisseur(s) sans adresse e-mail.")
    return redirect("treasury:payment_run", org=org, pk=run.pk)


@org_view("treasury.view")
def payment_advice_pdf(request, org, pk, party):
    run = _run(request, pk)
    found = advices.run_advices(run=run, party_ids=[party])
    if not found:
        raise Http404("Aucun règlement pour ce fournisseur dans cette campagne.")
    response = HttpResponse(advices.advice_pdf(run=run, advice=found[0]), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{advices.advice_filename(run, found[0])}"'
    return response


@org_view("treasury.view", write="treasury.approve")
def treasury_settings(request, org):
    current = treasury_settings_of(request.organisation)
    form = SettingsForm(request.POST or None, initial={"reference_rate": f"{current.reference_rate}".replace(".", ","),
                                                       "four_eyes": current.four_eyes})
    if request.method == "POST" and form.is_valid():
        try:
            treasury_settings_update(actor=request.user, organisation=request.organisation,
                                     reference_rate=form.cleaned_data["reference_rate"],
                                     four_eyes=form.cleaned_data["four_eyes"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Paramètres de trésorerie enregistrés.")
            return redirect("treasury:payment_runs", org=org)
    return render(request, "treasury/settings.html", {"form": form, "can_edit": can(request, "treasury.approve")},
                  status=422 if form.errors else 200)


urlpatterns = [
    path("paiements/", payment_runs, name="payment_runs"),
    path("paiements/parametres/", treasury_settings, name="settings"),
    path("paiements/<int:pk>/", payment_run, name="payment_run"),
    path("paiements/<int:pk>/approuver/", payment_run_approve, name="payment_run_approve"),
    path("paiements/<int:pk>/executer/", payment_run_execute, name="payment_run_execute"),
    path("paiements/<int:pk>/supprimer/", payment_run_delete, name="payment_run_delete"),
    path("paiements/<int:pk>/virements.xml", payment_run_sepa, name="payment_run_sepa"),
    path("paiements/<int:pk>/avis/", payment_run_advices, name="payment_run_advices"),
    path("paiements/<int:pk>/avis/<int:party>.pdf", payment_advice_pdf, name="payment_advice_pdf"),
    path("paiements/ligne/<int:pk>/", payment_line_edit, name="payment_line_edit"),
]
