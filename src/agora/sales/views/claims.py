"""Claim screens: the list (filters, overdue flag, exports), the opening form (reachable from a customer, an
order, a delivery or an invoice: ?party=<id>&document=<id>), and the detail page with its timeline and actions
(log an exchange, assign, resolve, reopen, reply letter as PDF)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.models import User
from agora.core.views import add_business_error, can, org_view, paginate, today
from agora.parties.models import Party
from agora.sales.models import Claim, ClaimExchange, SalesDocument
from agora.sales.selectors import claims as selectors
from agora.sales.services import claims as services

EXPORT_HEADER = ["Numéro", "Ouverte le", "Client (code)", "Client", "Type", "Litige", "Objet", "Document",
                 "Responsable", "Échéance", "En retard", "Statut", "Issue", "Close le"]
CHANNELS = ClaimExchange._meta.get_field("channel").choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _members(organisation):
    return User.objects.filter(memberships__organisation=organisation).distinct().order_by("username")


def _document_by_number(organisation, number: str, field: str) -> SalesDocument | None:
    number = (number or "").strip()
    if not number:
        return None
    found = SalesDocument.objects.filter(organisation=organisation, number__iexact=number).first()
    if found is None:
        raise BusinessError("unknown_document", f"Aucun document de vente ne porte le numéro « {number} ».",
                            field=field)
    return found


class ClaimFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    status = forms.ChoiceField(label="Statut", required=False,
                               choices=[("", "Tous"), ("active", "Non closes")] + Claim.Status.choices)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Tous")] + Claim.Kind.choices)
    overdue = forms.ChoiceField(label="Délai", required=False,
                                choices=[("", "Tous"), ("1", "En retard"), ("0", "Dans les délais")])
    owner = forms.ModelChoiceField(label="Responsable", queryset=User.objects.none(), required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)


class ClaimForm(forms.Form):
    party = forms.ModelChoiceField(label="Client", queryset=Party.objects.none())
    document_number = forms.CharField(label="Document concerné (numéro)", required=False,
                                      help_text="Commande, bon de livraison ou facture, par exemple FA-2026-00012.")
    kind = forms.ChoiceField(label="Type", choices=Claim.Kind.choices)
    is_dispute = forms.BooleanField(label="Litige", required=False)
    subject = forms.CharField(label="Objet", max_length=200)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    owner = forms.ModelChoiceField(label="Responsable", queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label="Échéance de traitement", required=False, widget=DateInput(),
                               help_text="Par défaut : 15 jours après l'ouverture.")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = Party.objects.filter(organisation=organisation, is_customer=True)\
            .order_by("name")
        self.fields["owner"].queryset = _members(organisation)


class ExchangeForm(forms.Form):
    channel = forms.ChoiceField(label="Canal", choices=CHANNELS)
    text = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(label="Responsable", queryset=User.objects.none(), required=False)
    deadline = forms.DateField(label="Échéance de traitement", required=False, widget=DateInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _members(organisation)


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(label="Issue", choices=[c for c in Claim.Outcome.choices if c[0]])
    outcome_document_number = forms.CharField(
        label="Avoir ou document de remplacement (numéro)", required=False,
        help_text="Avoir (AV-…) pour une issue « Avoir » ; commande ou livraison pour un remplacement.")
    reply = forms.CharField(label="Réponse écrite au client", required=False,
                            widget=forms.Textarea(attrs={"rows": 12}),
                            help_text="Obligatoire en cas de refus ; elle devient une lettre (PDF).")


class ReopenForm(forms.Form):
    reason = forms.CharField(label="Motif", required=False)


def _claim(request, pk) -> Claim:
    try:
        return selectors.claim_get(organisation=request.organisation, pk=pk, today=today())
    except Claim.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("sales.view")
def claim_list(request, org):
    organisation = request.organisation
    form = ClaimFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"status": data["status"], "kind": data["kind"], "owner": data["owner"],
                   "overdue": {"1": True, "0": False}.get(data["overdue"]), "search": data["q"].strip()}
    queryset = selectors.claim_list(organisation=organisation, today=today(), **filters)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([c.number, c.opened_on, c.party.code, c.party.name, c.get_kind_display(), c.is_dispute, c.subject,
                 c.document.number if c.document else "", c.owner.username if c.owner else "", c.deadline,
                 c.is_overdue, c.get_status_display(), c.get_outcome_display() if c.outcome else "", c.closed_on]
                for c in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"reclamations.{export}", EXPORT_HEADER, rows)
    return render(request, "sales/claims/list.html", {
        "form": form, "page": paginate(request, queryset), "can_write": can(request, "sales.write"),
        "overdue_count": selectors.overdue_claims(organisation=organisation, today=today()).count()})


def _initial_from_query(request) -> dict:
    """?party=<id>&document=<id> (from a customer, order, delivery or invoice page)."""
    initial = {}
    document_id, party_id = request.GET.get("document", ""), request.GET.get("party", "")
    if document_id.isdigit():
        document = SalesDocument.objects.filter(organisation=request.organisation, pk=int(document_id)).first()
        if document is not None:
            initial.update(party=document.party_id, document_number=document.number)
            if document.kind == "delivery":
                initial["kind"] = Claim.Kind.DEFECT
            elif document.kind in ("invoice", "credit_note"):
                initial["kind"] = Claim.Kind.BILLING
    if party_id.isdigit() and "party" not in initial:
        if Party.objects.filter(organisation=request.organisation, pk=int(party_id)).exists():
            initial["party"] = int(party_id)
    return initial


@org_view("sales.write", write="sales.write")
def claim_new(request, org):
    organisation = request.organisation
    form = ClaimForm(request.POST or None, organisation=organisation, initial=_initial_from_query(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = _document_by_number(organisation, data["document_number"], "document_number")
            claim = services.claim_open(
                actor=request.user, organisation=organisation, party=data["party"], document=document,
                kind=data["kind"], subject=data["subject"], description=data["description"], owner=data["owner"],
                deadline=data["deadline"], is_dispute=data["is_dispute"])
        except BusinessError as error:
            if error.field == "document":
                error.field = "document_number"
            add_business_error(form, error)
        else:
            messages.success(request, f"Réclamation {claim.number} ouverte.")
            return redirect("sales:claim_detail", org=org, pk=claim.pk)
    return render(request, "sales/claims/form.html", {"form": form}, status=422 if form.errors else 200)


def _detail(request, claim, *, exchange_form=None, assign_form=None, resolve_form=None, status=200):
    organisation = request.organisation
    if resolve_form is None:
        initial = {}
        if request.GET.get("modele") == "refus":
            initial = {"outcome": Claim.Outcome.REFUSAL, "reply": selectors.refusal_reply_draft(claim=claim)}
        resolve_form = ResolveForm(initial=initial)
    return render(request, "sales/claims/detail.html", {
        "claim": claim, "exchanges": selectors.claim_exchanges(claim=claim),
        "exchange_form": exchange_form or ExchangeForm(),
        "assign_form": assign_form or AssignForm(organisation=organisation,
                                                 initial={"owner": claim.owner_id, "deadline": claim.deadline}),
        "resolve_form": resolve_form, "reopen_form": ReopenForm(), "closed": claim.status in selectors.CLOSED,
        "can_write": can(request, "sales.write"),
        "history": history_of(organisation=organisation, obj=claim),
    }, status=status)


@org_view("sales.view")
def claim_detail(request, org, pk):
    return _detail(request, _claim(request, pk))


@require_POST
@org_view("sales.write", write="sales.write")
def claim_exchange(request, org, pk):
    claim = _claim(request, pk)
    form = ExchangeForm(request.POST)
    if form.is_valid():
        try:
            services.claim_log_exchange(actor=request.user, claim=claim, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("sales:claim_detail", org=org, pk=pk)
    return _detail(request, claim, exchange_form=form, status=422)


@require_POST
@org_view("sales.write", write="sales.write")
def claim_assign(request, org, pk):
    claim = _claim(request, pk)
    form = AssignForm(request.POST, organisation=request.organisation)
    if form.is_valid():
        try:
            services.claim_assign(actor=request.user, claim=claim, owner=form.cleaned_data["owner"],
                                  deadline=form.cleaned_data["deadline"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("sales:claim_detail", org=org, pk=pk)
    return _detail(request, claim, assign_form=form, status=422)


@require_POST
@org_view("sales.write", write="sales.write")
def claim_resolve(request, org, pk):
    claim = _claim(request, pk)
    form = ResolveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = _document_by_number(request.organisation, data["outcome_document_number"],
                                           "outcome_document_number")
            services.claim_resolve(actor=request.user, claim=claim, outcome=data["outcome"],
                                   outcome_document=document, reply=data["reply"])
        except BusinessError as error:
            if error.field == "outcome_document":
                error.field = "outcome_document_number"
            add_business_error(form, error)
        else:
            messages.success(request, "Réclamation close.")
            return redirect("sales:claim_detail", org=org, pk=pk)
    return _detail(request, claim, resolve_form=form, status=422)


@require_POST
@org_view("sales.write", write="sales.write")
def claim_reopen(request, org, pk):
    claim = _claim(request, pk)
    form = ReopenForm(request.POST)
    try:
        services.claim_reopen(actor=request.user, claim=claim,
                              reason=form.cleaned_data["reason"] if form.is_valid() else "")
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("sales:claim_detail", org=org, pk=pk)


@require_POST
@org_view("sales.write", write="sales.write")
def claim_credit_note(request, org, pk):
    """Draft the credit note of the claimed invoice, to review and validate, then link it when resolving."""
    claim = _claim(request, pk)
    try:
        note = services.claim_credit_note(actor=request.user, claim=claim)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Avoir brouillon n° {note.pk} créé depuis la facture {claim.document.number} : "
                                  "validez-le, puis indiquez son numéro pour clore la réclamation.")
    return redirect("sales:claim_detail", org=org, pk=pk)


@org_view("sales.view")
def claim_reply_pdf(request, org, pk):
    claim = _claim(request, pk)
    try:
        content = services.claim_reply_pdf(claim=claim)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("sales:claim_detail", org=org, pk=pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="reponse-{claim.number}.pdf"'
    return response


urlpatterns = [
    path("reclamations/", claim_list, name="claims"),
    path("reclamations/nouvelle/", claim_new, name="claim_new"),
    path("reclamations/<int:pk>/", claim_detail, name="claim_detail"),
    path("reclamations/<int:pk>/echange/", claim_exchange, name="claim_exchange"),
    path("reclamations/<int:pk>/attribuer/", claim_assign, name="claim_assign"),
    path("reclamations/<int:pk>/clore/", claim_resolve, name="claim_resolve"),
    path("reclamations/<int:pk>/rouvrir/", claim_reopen, name="claim_reopen"),
    path("reclamations/<int:pk>/avoir/", claim_credit_note, name="claim_credit_note"),
    path("reclamations/<int:pk>/reponse.pdf", claim_reply_pdf, name="claim_reply_pdf"),
]
