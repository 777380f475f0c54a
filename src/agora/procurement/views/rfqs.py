"""Request-for-quotation screens: the list, the form (header, consulted suppliers, line grid), the detail page
with the comparison table (total HT, lead time, rating, best price per line ✓, URSSAF vigilance flag), the
answer form of one supplier, sending by e-mail, the PDF, and the choice that creates the purchase order."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.mail import mails_of
from agora.core.views import add_business_error, can, org_view, paginate, today
from agora.procurement.forms import AddSupplierForm, ChoiceForm, ResponseForm, RfqFilterForm, RfqForm
from agora.procurement.models import RequestForQuotation, RfqStatus, RfqSupplier
from agora.procurement.selectors import rfqs as selectors
from agora.procurement.services import rfqs as services

from ._lines import decimal_text, place_error, products, rows_from_post, service_lines, with_blanks

FIELDS = ("product", "label", "quantity", "unit")
EXPORT_HEADER = ["Numéro", "Date", "Objet", "Demande d'achat", "Réponse attendue", "Fournisseurs consultés",
                 "Réponses", "Statut", "Fournisseur retenu", "Total HT retenu", "Commande"]


def _rfq(request, pk) -> RequestForQuotation:
    try:
        return selectors.rfq_get(organisation=request.organisation, pk=pk)
    except RequestForQuotation.DoesNotExist:
        raise Http404("Demande de prix introuvable") from None


def _consulted(rfq, pk) -> RfqSupplier:
    try:
        return selectors.rfq_supplier_get(rfq=rfq, pk=pk)
    except RfqSupplier.DoesNotExist:
        raise Http404("Fournisseur non consulté") from None


@org_view("purchasing.view")
def rfq_list(request, org):
    form = RfqFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        filters = {"status": form.cleaned_data["status"], "search": form.cleaned_data["q"].strip()}
    queryset = selectors.rfq_list(organisation=request.organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([r.number, r.issue_date, r.subject, r.request.number if r.request else "", r.response_due,
                 r.supplier_count, r.answer_count, r.get_status_display(),
                 r.chosen.supplier.name if r.chosen else "", r.chosen.total_untaxed if r.chosen else None,
                 (r.order.number or "brouillon") if r.order else ""]
                for r in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"demandes-de-prix.{export}", EXPORT_HEADER, rows)
    return render(request, "procurement/rfqs/list.html", {
        "form": form, "page": paginate(request, queryset), "can_write": can(request, "purchasing.write")})


def _form(request, org, instance: RequestForQuotation | None):
    organisation = request.organisation
    line_errors: list[str] = []
    if request.method == "POST":
        form = RfqForm(request.POST, organisation=organisation)
        rows = rows_from_post(request.POST, FIELDS)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if instance is None:
                    saved = services.rfq_create(actor=request.user, organisation=organisation, data=data,
                                                lines=service_lines(rows), suppliers=list(data["suppliers"]))
                else:
                    saved = services.rfq_update(actor=request.user, rfq=instance, data=data,
                                                lines=service_lines(rows))
            except BusinessError as error:
                place_error(error, form, rows, line_errors)
            else:
                return redirect("procurement:rfq_detail", org=org, pk=saved.pk)
    elif instance is None:
        form, rows = RfqForm(organisation=organisation, initial={"issue_date": today()}), []
    else:
        form = RfqForm(organisation=organisation, initial={
            "subject": instance.subject, "issue_date": instance.issue_date, "response_due": instance.response_due,
            "notes": instance.notes})
        rows = [{"product": str(x.product_id or ""), "label": x.label, "quantity": decimal_text(x.quantity),
                 "unit": x.unit, "errors": {}} for x in instance.lines.all()]
    if instance is not None:
        form.fields.pop("suppliers", None)
    return render(request, "procurement/rfqs/form.html", {
        "form": form, "rows": with_blanks(rows, FIELDS), "line_errors": line_errors, "instance": instance,
        "products": products(organisation)}, status=422 if request.method == "POST" else 200)


@org_view("purchasing.write", write="purchasing.write")
def rfq_new(request, org):
    return _form(request, org, None)


@org_view("purchasing.write", write="purchasing.write")
def rfq_edit(request, org, pk):
    instance = _rfq(request, pk)
    if instance.status != RfqStatus.DRAFT:
        messages.error(request, f"{instance} a été envoyée : elle ne peut plus être modifiée.")
        return redirect("procurement:rfq_detail", org=org, pk=pk)
    return _form(request, org, instance)


def _detail(request, rfq, *, add_form=None, choice_form=None, status=200):
    organisation = request.organisation
    open_ = rfq.status in services.OPEN
    return render(request, "procurement/rfqs/detail.html", {
        "rfq": rfq, "comparison": selectors.rfq_comparison(rfq=rfq, today=today()), "open": open_,
        "add_form": add_form or AddSupplierForm(organisation=organisation),
        "choice_form": choice_form, "can_write": can(request, "purchasing.write"),
        "mails": mails_of(organisation=organisation, obj=rfq)[:20],
        "history": history_of(organisation=organisation, obj=rfq)}, status=status)


@org_view("purchasing.view")
def rfq_detail(request, org, pk):
    return _detail(request, _rfq(request, pk))


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_add_supplier(request, org, pk):
    rfq = _rfq(request, pk)
    form = AddSupplierForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.rfq_supplier_add(actor=request.user, rfq=rfq, supplier=form.cleaned_data["supplier"],
                                      email=form.cleaned_data["email"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("procurement:rfq_detail", org=org, pk=pk)
    return _detail(request, rfq, add_form=form, status=422)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_remove_supplier(request, org, pk, consulted):
    rfq = _rfq(request, pk)
    try:
        services.rfq_supplier_remove(actor=request.user, consulted=_consulted(rfq, consulted))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("procurement:rfq_detail", org=org, pk=pk)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_send(request, org, pk):
    rfq = _rfq(request, pk)
    only = request.POST.get("consulted")
    try:
        logs = services.rfq_send(actor=request.user, rfq=rfq, consulted_ids=[only] if only and only.isdigit()
                                 else None)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        sent = [log for log in logs if log.sent_at]
        failed = [log for log in logs if not log.sent_at]
        if sent:
            messages.success(request, f"Demande de prix envoyée à {len(sent)} fournisseur"
                                      f"{'s' if len(sent) > 1 else ''}.")
        for log in failed:
            messages.error(request, f"Envoi à {log.to} impossible : {log.error}")
    return redirect("procurement:rfq_detail", org=org, pk=pk)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_mark_sent(request, org, pk, consulted):
    rfq = _rfq(request, pk)
    try:
        services.rfq_mark_sent(actor=request.user, consulted=_consulted(rfq, consulted))
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("procurement:rfq_detail", org=org, pk=pk)


@org_view("purchasing.write", write="purchasing.write")
def rfq_response(request, org, pk, consulted):
    rfq = _rfq(request, pk)
    target = _consulted(rfq, consulted)
    lines = list(rfq.lines.order_by("line_no"))
    quotes = {q.line_id: q for q in target.quotes.all()}
    errors: dict[int, str] = {}
    if request.method == "POST":
        form = ResponseForm(request.POST)
        prices = {line.pk: {name: request.POST.get(f"{name}-{line.pk}", "")
                            for name in ("unit_price", "lead_time_days", "comment")} for line in lines}
        if form.is_valid():
            try:
                services.rfq_response_record(actor=request.user, consulted=target, data=form.cleaned_data,
                                             prices=prices)
            except BusinessError as error:
                parts = (error.field or "").split(".")
                if parts[0] == "prices" and len(parts) > 1 and parts[1].isdigit():
                    errors[int(parts[1])] = error.message
                    form.add_error(None, error.message)
                else:
                    add_business_error(form, error)
            else:
                messages.success(request, f"Réponse de {target.supplier.name} enregistrée.")
                return redirect("procurement:rfq_detail", org=org, pk=pk)
    else:
        form = ResponseForm(initial={"declined": target.declined, "quote_reference": target.quote_reference,
                                     "lead_time_days": target.lead_time_days if target.lead_time_days is not None
                                     else "", "valid_until": target.valid_until, "comments": target.comments})
        prices = {line.pk: {"unit_price": decimal_text(quotes[line.pk].unit_price) if line.pk in quotes else "",
                            "lead_time_days": (quotes[line.pk].lead_time_days if line.pk in quotes
                                               and quotes[line.pk].lead_time_days is not None else ""),
                            "comment": quotes[line.pk].comment if line.pk in quotes else ""} for line in lines}
    grid = [{"line": line, "values": prices[line.pk], "error": errors.get(line.line_no, "")} for line in lines]
    return render(request, "procurement/rfqs/response.html", {"rfq": rfq, "consulted": target, "form": form,
                                                              "grid": grid},
                  status=422 if request.method == "POST" else 200)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_choose(request, org, pk):
    rfq = _rfq(request, pk)
    form = ChoiceForm(request.POST)
    if form.is_valid():
        try:
            order = services.rfq_choose(actor=request.user, rfq=rfq,
                                        consulted=_consulted(rfq, form.cleaned_data["consulted"]),
                                        comment=form.cleaned_data["comment"],
                                        confirm_vigilance=form.cleaned_data["confirm_vigilance"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Offre de {order.party.name} retenue : commande fournisseur brouillon créée, "
                                      "à vérifier puis confirmer dans les achats.")
            return redirect("procurement:rfq_detail", org=org, pk=pk)
    return _detail(request, rfq, choice_form=form, status=422)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def rfq_cancel(request, org, pk):
    rfq = _rfq(request, pk)
    try:
        services.rfq_cancel(actor=request.user, rfq=rfq)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Demande de prix annulée.")
    return redirect("procurement:rfq_detail", org=org, pk=pk)


@org_view("purchasing.view")
def rfq_pdf(request, org, pk):
    rfq = _rfq(request, pk)
    consulted = request.GET.get("fournisseur", "")
    target = _consulted(rfq, int(consulted)) if consulted.isdigit() else None
    response = HttpResponse(services.rfq_pdf(rfq=rfq, consulted=target), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{services.rfq_filename(rfq)}"'
    return response


urlpatterns = [
    path("demandes-de-prix/", rfq_list, name="rfqs"),
    path("demandes-de-prix/nouvelle/", rfq_new, name="rfq_new"),
    path("demandes-de-prix/<int:pk>/", rfq_detail, name="rfq_detail"),
    path("demandes-de-prix/<int:pk>/modifier/", rfq_edit, name="rfq_edit"),
    path("demandes-de-prix/<int:pk>/fournisseurs/", rfq_add_supplier, name="rfq_add_supplier"),
    path("demandes-de-prix/<int:pk>/fournisseurs/<int:consulted>/retirer/", rfq_remove_supplier,
         name="rfq_remove_supplier"),
    path("demandes-de-prix/<int:pk>/fournisseurs/<int:consulted>/reponse/", rfq_response, name="rfq_response"),
    path("demandes-de-prix/<int:pk>/fournisseurs/<int:consulted>/envoyee/", rfq_mark_sent, name="rfq_mark_sent"),
    path("demandes-de-prix/<int:pk>/envoyer/", rfq_send, name="rfq_send"),
    path("demandes-de-prix/<int:pk>/retenir/", rfq_choose, name="rfq_choose"),
    path("demandes-de-prix/<int:pk>/annuler/", rfq_cancel, name="rfq_cancel"),
    path("demandes-de-prix/<int:pk>/pdf/", rfq_pdf, name="rfq_pdf"),
]
