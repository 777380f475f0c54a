"""Purchase request screens: the list (filters, exports, those awaiting approval), the form with its line grid,
the detail page with its actions (submit, approve / reject with a comment, consult suppliers, order, cancel) and
history, and the action turning the stock reorder list into draft requests."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, paginate
from agora.procurement.forms import DecisionForm, OrderForm, RequestFilterForm, RequestForm
from agora.procurement.models import PurchaseRequest, RequestStatus
from agora.procurement.selectors import requests as selectors
from agora.procurement.selectors.reorder import reorder_proposals
from agora.procurement.selectors.settings import settings_of
from agora.procurement.services import requests as services
from agora.procurement.services.rfqs import rfq_from_request

from ._lines import decimal_text, place_error, products, rows_from_post, service_lines, with_blanks

FIELDS = ("product", "label", "quantity", "unit", "estimated_unit_price", "needed_by")
EXPORT_HEADER = ["Numéro", "Créée le", "Demandeur", "Origine", "Motif", "Fournisseur suggéré", "Montant estimé HT",
                 "Approbation requise", "Statut", "Décision par", "Décision le", "Commande"]


def _request(request, pk) -> PurchaseRequest:
    try:
        return selectors.request_get(organisation=request.organisation, pk=pk)
    except PurchaseRequest.DoesNotExist:
        raise Http404("Demande d'achat introuvable") from None


@org_view("purchasing.view")
def request_list(request, org):
    organisation = request.organisation
    form = RequestFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"], "origin": data["origin"], "search": data["q"].strip()}
    queryset = selectors.request_list(organisation=organisation, **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([r.number or f"brouillon {r.pk}", timezone.localtime(r.created_at).date(),
                 str(r.requester or ""), r.get_origin_display(), r.reason, r.supplier.name if r.supplier else "",
                 r.estimated_total, r.approval_required, r.get_status_display(), str(r.decided_by or ""),
                 timezone.localtime(r.decided_at).date() if r.decided_at else None,
                 (r.order.number or "brouillon") if r.order else ""]
                for r in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"demandes-achat.{export}", EXPORT_HEADER, rows)
    return render(request, "procurement/requests/list.html", {
        "form": form, "page": paginate(request, queryset), "can_write": can(request, "purchasing.write"),
        "awaiting": selectors.awaiting_approval(organisation=organisation).count(),
        "threshold": settings_of(organisation=organisation).approval_threshold})


def _form(request, org, instance: PurchaseRequest | None):
    organisation = request.organisation
    line_errors: list[str] = []
    if request.method == "POST":
        form = RequestForm(request.POST, organisation=organisation)
        rows = rows_from_post(request.POST, FIELDS)
        if form.is_valid():
            data = {**form.cleaned_data, "supplier": form.cleaned_data["supplier"]}
            try:
                if instance is None:
                    saved = services.purchase_request_create(actor=request.user, organisation=organisation,
                                                             data=data, lines=service_lines(rows))
                else:
                    saved = services.purchase_request_update(actor=request.user, request=instance, data=data,
                                                             lines=service_lines(rows))
            except BusinessError as error:
                place_error(error, form, rows, line_errors)
            else:
                return redirect("procurement:request_detail", org=org, pk=saved.pk)
    elif instance is None:
        form, rows = RequestForm(organisation=organisation), []
    else:
        form = RequestForm(organisation=organisation, initial={
            "reason": instance.reason, "needed_by": instance.needed_by, "supplier": instance.supplier_id})
        rows = [{"product": str(x.product_id or ""), "label": x.label, "quantity": decimal_text(x.quantity),
                 "unit": x.unit, "estimated_unit_price": decimal_text(x.estimated_unit_price),
                 "needed_by": x.needed_by.isoformat() if x.needed_by else "", "errors": {}}
                for x in selectors.request_lines(request=instance)]
    return render(request, "procurement/requests/form.html", {
        "form": form, "rows": with_blanks(rows, FIELDS), "line_errors": line_errors, "instance": instance,
        "products": products(organisation)}, status=422 if request.method == "POST" else 200)


@org_view("purchasing.write", write="purchasing.write")
def request_new(request, org):
    return _form(request, org, None)


@org_view("purchasing.write", write="purchasing.write")
def request_edit(request, org, pk):
    instance = _request(request, pk)
    if instance.status != RequestStatus.DRAFT:
        messages.error(request, f"{instance} n'est plus un brouillon : elle ne peut plus être modifiée.")
        return redirect("procurement:request_detail", org=org, pk=pk)
    return _form(request, org, instance)


def _detail(request, instance, *, decision_form=None, order_form=None, status=200):
    organisation = request.organisation
    return render(request, "procurement/requests/detail.html", {
        "purchase_request": instance, "lines": selectors.request_lines(request=instance),
        "rfqs": instance.rfqs.order_by("-id"),
        "decision_form": decision_form or DecisionForm(),
        "order_form": order_form or OrderForm(organisation=organisation,
                                              initial={"supplier": instance.supplier_id}),
        "can_write": can(request, "purchasing.write"), "can_approve": can(request, "purchasing.approve"),
        "threshold": settings_of(organisation=organisation).approval_threshold,
        "history": history_of(organisation=organisation, obj=instance)}, status=status)


@org_view("purchasing.view")
def request_detail(request, org, pk):
    return _detail(request, _request(request, pk))


def _act(request, org, pk, action, success: str):
    instance = _request(request, pk)
    try:
        action(instance)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("procurement:request_detail", org=org, pk=pk)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def request_submit(request, org, pk):
    instance = _request(request, pk)
    try:
        instance = services.purchase_request_submit(actor=request.user, request=instance)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{instance} soumise : " + (
            "elle attend l'approbation de la direction." if instance.approval_required
            else "approuvée automatiquement (montant sous le seuil)."))
    return redirect("procurement:request_detail", org=org, pk=pk)


def _decision(request, org, pk, service, success: str):
    instance = _request(request, pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        service(actor=request.user, request=instance, comment=form.cleaned_data.get("comment", ""))
    except BusinessError as error:
        add_business_error(form, error)
        return _detail(request, instance, decision_form=form, status=422)
    messages.success(request, success)
    return redirect("procurement:request_detail", org=org, pk=pk)


@require_POST
@org_view("purchasing.view", write="purchasing.approve")
def request_approve(request, org, pk):
    return _decision(request, org, pk, services.purchase_request_approve, "Demande approuvée.")


@require_POST
@org_view("purchasing.view", write="purchasing.approve")
def request_reject(request, org, pk):
    return _decision(request, org, pk, services.purchase_request_reject, "Demande refusée.")


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def request_cancel(request, org, pk):
    return _act(request, org, pk, lambda r: services.purchase_request_cancel(actor=request.user, request=r),
                "Demande annulée.")


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def request_order(request, org, pk):
    instance = _request(request, pk)
    form = OrderForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            order = services.purchase_request_order(actor=request.user, request=instance,
                                                    supplier=form.cleaned_data["supplier"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Commande fournisseur brouillon créée pour {order.party.name} : vérifiez-la "
                                      "puis confirmez-la dans les achats.")
            return redirect("procurement:request_detail", org=org, pk=pk)
    return _detail(request, instance, order_form=form, status=422)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def request_rfq(request, org, pk):
    instance = _request(request, pk)
    try:
        rfq = rfq_from_request(actor=request.user, request=instance)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("procurement:request_detail", org=org, pk=pk)
    messages.success(request, f"{rfq} préparée : vérifiez les fournisseurs consultés, puis envoyez-la.")
    return redirect("procurement:rfq_detail", org=org, pk=rfq.pk)


@require_POST
@org_view("purchasing.write", write="purchasing.write")
def request_from_reorder(request, org):
    """The stock reorder list → draft purchase requests, one per supplier to order from."""
    organisation = request.organisation
    try:
        created = services.purchase_requests_from_reorder(
            actor=request.user, organisation=organisation, proposals=reorder_proposals(organisation=organisation))
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("procurement:requests", org=org)
    if not created:
        messages.info(request, "Aucun article à réapprovisionner qui ne soit déjà sur une demande en cours.")
    else:
        messages.success(request, f"{len(created)} demande{'s' if len(created) > 1 else ''} d'achat brouillon "
                                  "créée" + ("s" if len(created) > 1 else "") + " depuis le réapprovisionnement.")
    return redirect(reverse("procurement:requests", kwargs={"org": org}) + "?origin=reorder&status=draft")


urlpatterns = [
    path("demandes/", request_list, name="requests"),
    path("demandes/nouvelle/", request_new, name="request_new"),
    path("demandes/depuis-reapprovisionnement/", request_from_reorder, name="request_from_reorder"),
    path("demandes/<int:pk>/", request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", request_edit, name="request_edit"),
    path("demandes/<int:pk>/soumettre/", request_submit, name="request_submit"),
    path("demandes/<int:pk>/approuver/", request_approve, name="request_approve"),
    path("demandes/<int:pk>/refuser/", request_reject, name="request_reject"),
    path("demandes/<int:pk>/annuler/", request_cancel, name="request_cancel"),
    path("demandes/<int:pk>/commander/", request_order, name="request_order"),
    path("demandes/<int:pk>/consulter/", request_rfq, name="request_rfq"),
]
