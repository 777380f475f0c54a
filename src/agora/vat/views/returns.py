"""VAT return screens: the returns (next period to declare, "Préparer"), a return's boxes with their drill-down,
the manual regularisations, filing with confirmation, the PDF form, the settings."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate, query_with
from agora.vat import domain
from agora.vat.forms import PrepareForm, RegularisationForm, ReturnFilterForm, SettingsForm
from agora.vat.models import VatReturn
from agora.vat.selectors import returns as selectors
from agora.vat.services import returns as services
from agora.vat.services.output import return_pdf, return_rows

LINES_HEADER = ["Date", "Journal", "N° d'écriture", "Pièce", "Compte", "Libellé", "Case", "Débit", "Crédit"]


def _return(request, pk) -> VatReturn:
    try:
        return selectors.vat_return_get(organisation=request.organisation, pk=pk)
    except VatReturn.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("vat.view", write="vat.file")
def vat_returns(request, org):
    """The returns, and the form preparing the next one (or one for a chosen date)."""
    organisation = request.organisation
    form = PrepareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vat_return = services.vat_return_create(actor=request.user, organisation=organisation,
                                                    start=form.cleaned_data["start"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("vat:return", org=org, pk=vat_return.pk)
    filters = ReturnFilterForm(request.GET or None)
    values = filters.cleaned_data if filters.is_valid() else {}
    returns = selectors.vat_return_list(organisation=organisation, state=values.get("state", ""),
                                        form=values.get("form", ""))
    return render(request, "vat/returns.html", {
        "form": form, "filters": filters, "page": paginate(request, returns),
        "next": selectors.next_period(organisation),
        "drafts": selectors.vat_return_list(organisation=organisation, state=VatReturn.State.DRAFT)[:5],
        "settings": selectors.vat_settings_of(organisation),
        "franchise": organisation.vat_regime == organisation.VatRegime.FRANCHISE,
        "can_file": can(request, "vat.file")}, status=422 if form.errors else 200)


@org_view("vat.view", write="vat.file")
def vat_settings(request, org):
    current = selectors.vat_settings_of(request.organisation)
    form = SettingsForm(request.POST or None, initial={"quarterly": current.quarterly,
                                                       "deadline_day": current.deadline_day})
    if request.method == "POST" and form.is_valid():
        try:
            services.vat_settings_update(actor=request.user, organisation=request.organisation,
                                         quarterly=form.cleaned_data["quarterly"],
                                         deadline_day=form.cleaned_data["deadline_day"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Paramètres de TVA enregistrés.")
            return redirect("vat:returns", org=org)
    return render(request, "vat/settings.html", {"form": form, "can_file": can(request, "vat.file")},
                  status=422 if form.errors else 200)


@org_view("vat.view", write="vat.file")
def vat_return(request, org, pk):
    """A return's boxes (cents; the form in whole euros is the PDF), the regularisations of a draft."""
    vat_return = _return(request, pk)
    form = RegularisationForm(request.POST or None, initial={
        "regularisation_15": vat_return.regularisation_15, "regularisation_21": vat_return.regularisation_21,
        "comment": vat_return.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.vat_return_update(actor=request.user, vat_return=vat_return, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Régularisations enregistrées.")
            return redirect("vat:return", org=org, pk=pk)
    result = selectors.return_computation(vat_return)
    return render(request, "vat/return_detail.html", {
        "vat_return": vat_return, "rows": return_rows(vat_return, result), "form": form,
        "without_box": result.without_box, "can_file": can(request, "vat.file"),
        "history": history_of(organisation=request.organisation, obj=vat_return)},
        status=422 if form.errors else 200)


@org_view("vat.view", write="vat.file")
def vat_return_file(request, org, pk):
    """Confirmation page (GET), then filing (POST): boxes frozen, settlement entry posted, period locked."""
    vat_return = _return(request, pk)
    if request.method == "POST":
        try:
            vat_return = services.vat_return_file(actor=request.user, vat_return=vat_return)
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            entry = vat_return.settlement_entry
            messages.success(request, "Déclaration déposée : les cases sont figées, la période est verrouillée pour "
                                      "la TVA" + (f", écriture de liquidation {entry.display_number} passée en OD."
                                                  if entry else "."))
        return redirect("vat:return", org=org, pk=pk)
    result = selectors.return_computation(vat_return)
    return render(request, "vat/return_file.html", {
        "vat_return": vat_return, "result": result, "due_date": services.payment_deadline(
            vat_return, selectors.vat_settings_of(request.organisation))})


@require_POST
@org_view("vat.file", write="vat.file")
def vat_return_delete(request, org, pk):
    vat_return = _return(request, pk)
    try:
        services.vat_return_delete(actor=request.user, vat_return=vat_return)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("vat:return", org=org, pk=pk)
    messages.success(request, f"Brouillon {vat_return} supprimé.")
    return redirect("vat:returns", org=org)


@org_view("vat.view")
def vat_return_pdf(request, org, pk):
    vat_return = _return(request, pk)
    response = HttpResponse(return_pdf(vat_return), content_type="application/pdf")
    response["Content-Disposition"] = (f'attachment; filename="tva-{vat_return.form.lower()}-'
                                       f'{vat_return.start_date:%Y-%m}.pdf"')
    return response


@org_view("vat.view")
def vat_box_lines(request, org, pk):
    """Drill-down: the ledger lines behind a box (`?case=08`), paginated, CSV/XLSX."""
    vat_return = _return(request, pk)
    box = request.GET.get("case", "")
    if not box:
        return redirect("vat:return", org=org, pk=pk)
    if box not in domain.DRILLABLE:
        raise Http404("Case inconnue")
    lines = selectors.box_lines(organisation=request.organisation, start=vat_return.start_date,
                                end=vat_return.end_date, box=box)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([line.date, line.journal.code, line.entry.display_number, line.entry.reference, line.account.code,
                 line.label, line.vat_box, line.debit, line.credit] for line in lines.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"tva-{vat_return.start_date:%Y-%m}-case-{box}.{export}", LINES_HEADER, rows)
    totals = selectors.box_totals(lines)
    return render(request, "vat/box_lines.html", {
        "vat_return": vat_return, "box": box, "label": domain.BOX_LABELS[box], "page": paginate(request, lines, 100),
        "totals": totals, "query": query_with(request)})


urlpatterns = [
    path("", vat_returns, name="returns"),
    path("parametres/", vat_settings, name="settings"),
    path("<int:pk>/", vat_return, name="return"),
    path("<int:pk>/deposer/", vat_return_file, name="return_file"),
    path("<int:pk>/supprimer/", vat_return_delete, name="return_delete"),
    path("<int:pk>/declaration.pdf", vat_return_pdf, name="return_pdf"),
    path("<int:pk>/ecritures/", vat_box_lines, name="box_lines"),
]
