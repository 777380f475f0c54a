"""Money-in screens: receipts (list, "Encaisser" form, detail), cheque deposit slips (create, detail, PDF),
the customer statement and the aged balance (on screen, CSV, XLSX, PDF)."""

from datetime import date

from django import forms
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core import exports
from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount
from agora.core.views import add_business_error, can, org_view, paginate, query_with, today
from agora.ledger.models import Journal
from agora.parties.models import Party
from agora.sales.models import DepositSlip, PaymentMethod, Receipt
from agora.sales.selectors import payments as selectors
from agora.sales.services.receipts import deposit_slip_create, receipt_record

EXPORTS = ("csv", "xlsx")
REPORT_FORMATS = ("csv", "xlsx", "pdf")
RECEIPT_HEADER = ["Numéro", "Date", "Client (code)", "Client", "Mode", "Référence", "Banque tirée", "Montant",
                  "Non affecté", "Écriture", "Remise"]


def sales_view(write: bool = False):
    """Screens of this module: sales.view to read, sales.write to post a form."""
    return org_view("sales.view", write="sales.write" if write else None)


def _customers(organisation):
    return Party.objects.filter(organisation=organisation, is_customer=True).order_by("name")


def _journals(organisation, kinds=(Journal.Kind.BANK, Journal.Kind.CASH)):
    return [(j.code, f"{j.code} — {j.label}") for j in
            Journal.objects.filter(organisation=organisation, kind__in=kinds, active=True).order_by("code")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# --- receipts ------------------------------------------------------------------------------------------------------

class ReceiptFilterForm(forms.Form):
    q = forms.CharField(label="Recherche", required=False)
    party = forms.ModelChoiceField(label="Client", queryset=Party.objects.none(), required=False)
    method = forms.ChoiceField(label="Mode", choices=[("", "Tous")] + PaymentMethod.choices, required=False)
    date_from = forms.DateField(label="Du", required=False, widget=DateInput())
    date_to = forms.DateField(label="Au", required=False, widget=DateInput())
    pending = forms.BooleanField(label="Chèques non remis", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = _customers(organisation)


@sales_view()
def receipts(request, org):
    organisation = request.organisation
    form = ReceiptFilterForm(request.GET or None, organisation=organisation)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"party": data["party"], "method": data["method"] or None, "date_from": data["date_from"],
                   "date_to": data["date_to"], "search": data["q"].strip(), "pending_cheques": data["pending"]}
    queryset = selectors.receipt_list(organisation=organisation, **filters)
    export = request.GET.get("export")
    if export in EXPORTS:
        rows = ([r.number, r.date, r.party.code, r.party.name, r.get_method_display(), r.reference, r.drawee_bank,
                 r.amount, r.unallocated, r.entry.display_number if r.entry else "",
                 r.deposit_slip.number if r.deposit_slip else ""] for r in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"encaissements-{organisation.slug}.{export}", RECEIPT_HEADER, rows)
    totals = queryset.order_by().aggregate(amount=Sum("amount"), unallocated=Sum("unallocated"))
    return render(request, "sales/receipts/list.html", {
        "form": form, "page": paginate(request, queryset),
        "totals": {k: v or ZERO for k, v in totals.items()},
        "csv_query": query_with(request, export="csv"), "xlsx_query": query_with(request, export="xlsx"),
        "can_write": can(request, "sales.write"),
    })


class ReceiptForm(forms.Form):
    date = forms.DateField(label="Date", widget=DateInput())
    method = forms.ChoiceField(label="Mode de règlement", choices=PaymentMethod.choices)
    amount = forms.CharField(label="Montant reçu", widget=forms.TextInput(attrs={"class": "amount",
                                                                                 "inputmode": "decimal"}))
    journal = forms.ChoiceField(label="Journal")
    reference = forms.CharField(label="Référence (n° de chèque, libellé du virement…)", required=False,
                                max_length=80)
    drawee_bank = forms.CharField(label="Banque tirée (chèque)", required=False, max_length=80)
    allow_credit = forms.BooleanField(label="Conserver le reste en avoir client", required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = _journals(organisation)


@org_view("sales.write")
def receipt_new(request, org):
    """Choose the customer (GET ?party=), then the receipt and its allocation to the open invoices."""
    organisation = request.organisation
    customers = _customers(organisation)
    party = None
    party_id = request.POST.get("party") or request.GET.get("party")
    if party_id and str(party_id).isdigit():
        party = customers.filter(pk=int(party_id)).first()
    invoices = list(selectors.open_invoices(organisation=organisation, party=party)) if party else []
    for invoice in invoices:
        invoice.settled = invoice.paid + invoice.credited
    errors: list[str] = []
    if request.method == "POST" and party is not None:
        form = ReceiptForm(request.POST, organisation=organisation)
        allocations, typed = [], False
        for invoice in invoices:
            raw = (request.POST.get(f"alloc-{invoice.pk}") or "").strip()
            invoice.typed = raw
            if raw:
                typed = True
                try:
                    allocations.append((invoice, parse_amount(raw, field=f"alloc-{invoice.pk}")))
                except BusinessError as error:
                    errors.append(f"Facture {invoice.number} : {error.message}")
        if form.is_valid() and not errors:
            data = form.cleaned_data
            try:
                receipt = receipt_record(
                    actor=request.user, organisation=organisation, party=party, date=data["date"],
                    method=data["method"], amount=data["amount"], allocations=allocations if typed else None,
                    reference=data["reference"], drawee_bank=data["drawee_bank"], journal=data["journal"],
                    allow_credit=data["allow_credit"])
            except BusinessError as error:
                add_business_error(form, error)
            else:
                return redirect("sales:receipt_detail", org=org, pk=receipt.pk)
    else:
        form = ReceiptForm(initial={"date": today(), "method": PaymentMethod.TRANSFER, "journal": "BQ1"},
                           organisation=organisation)
    return render(request, "sales/receipts/form.html", {
        "form": form, "customers": customers, "party": party, "invoices": invoices, "errors": errors,
        "open_total": sum((i.open_amount for i in invoices), ZERO)})


@sales_view()
def receipt_detail(request, org, pk):
    try:
        receipt = selectors.receipt_get(organisation=request.organisation, pk=pk)
    except Receipt.DoesNotExist as missing:
        raise Http404("Encaissement introuvable") from missing
    allocations = list(selectors.receipt_allocations(receipt))
    for allocation in allocations:
        allocation.open_amount = selectors.invoice_open_amount(allocation.invoice)
    return render(request, "sales/receipts/detail.html", {
        "receipt": receipt, "allocations": allocations, "lines": selectors.receipt_entry_lines(receipt),
        "history": history_of(organisation=request.organisation, obj=receipt)[:50],
        "can_see_books": can(request, "ledger.view")})


# --- cheque deposit slips ----------------------------------------------------------------------------------------

class DepositSlipForm(forms.Form):
    date = forms.DateField(label="Date de remise", widget=DateInput())
    journal = forms.ChoiceField(label="Banque")
    receipts = forms.ModelMultipleChoiceField(label="Chèques", queryset=Receipt.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = _journals(organisation, kinds=(Journal.Kind.BANK,))
        self.fields["receipts"].queryset = selectors.pending_cheques(organisation=organisation)
        self.fields["receipts"].error_messages["required"] = "Cochez au moins un chèque."


@sales_view(write=True)
def deposit_slips(request, org):
    organisation = request.organisation
    if request.method == "POST":
        form = DepositSlipForm(request.POST, organisation=organisation)
        if form.is_valid():
            data = form.cleaned_data
            try:
                slip = deposit_slip_create(actor=request.user, organisation=organisation,
                                           receipts=list(data["receipts"]), date=data["date"],
                                           journal=data["journal"])
            except BusinessError as error:
                add_business_error(form, error)
            else:
                return redirect("sales:deposit_slip_detail", org=org, pk=slip.pk)
    else:
        form = DepositSlipForm(initial={"date": today(), "journal": "BQ1"}, organisation=organisation)
    pending = list(selectors.pending_cheques(organisation=organisation))
    return render(request, "sales/receipts/deposit_slips.html", {
        "form": form, "pending": pending, "pending_total": sum((c.amount for c in pending), ZERO),
        "page": paginate(request, selectors.deposit_slip_list(organisation=organisation)),
        "can_write": can(request, "sales.write")})


def _slip(request, pk) -> DepositSlip:
    try:
        return selectors.deposit_slip_get(organisation=request.organisation, pk=pk)
    except DepositSlip.DoesNotExist as missing:
        raise Http404("Bordereau introuvable") from missing


@sales_view()
def deposit_slip_detail(request, org, pk):
    slip = _slip(request, pk)
    return render(request, "sales/receipts/deposit_slip_detail.html", {
        "slip": slip, "cheques": selectors.deposit_slip_cheques(slip), "can_see_books": can(request, "ledger.view")})


@sales_view()
def deposit_slip_pdf(request, org, pk):
    slip = _slip(request, pk)
    cheques = list(selectors.deposit_slip_cheques(slip))
    return exports.pdf_response("sales/receipts/pdf/deposit_slip.html", {
        "organisation": request.organisation, "slip": slip, "cheques": cheques},
        f"remise-{slip.number}.pdf", inline=True)


# --- customer statement and aged balance ---------------------------------------------------------------------

class StatementForm(forms.Form):
    party = forms.ModelChoiceField(label="Client", queryset=Party.objects.none())
    date_from = forms.DateField(label="Du", widget=DateInput())
    date_to = forms.DateField(label="Au", widget=DateInput())

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["party"].queryset = _customers(organisation)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", "La date de fin précède la date de début.")
        return data


def _export(request, form, kind: str, stem: str, header, rows, template: str, context: dict):
    try:
        if kind == "csv":
            return exports.csv_response(f"{stem}.csv", header, rows)
        if kind == "xlsx":
            return exports.xlsx_response(f"{stem}.xlsx", header, rows)
        return exports.pdf_response(template, context, f"{stem}.pdf")
    except BusinessError as error:
        form.add_error(None, error.message)
        return None


def _links(request) -> dict:
    return {kind: query_with(request, format=kind) for kind in REPORT_FORMATS}


@sales_view()
def customer_statement(request, org):
    organisation = request.organisation
    data = request.GET.copy()
    data.setdefault("date_from", date(today().year, 1, 1).isoformat())
    data.setdefault("date_to", today().isoformat())
    form = StatementForm(data if request.GET.get("party") else None, organisation=organisation,
                         initial={"date_from": data["date_from"], "date_to": data["date_to"]})
    context = {"form": form, "exports": _links(request)}
    if form.is_valid():
        clean = form.cleaned_data
        statement = selectors.customer_statement(organisation=organisation, party=clean["party"],
                                                 date_from=clean["date_from"], date_to=clean["date_to"])
        kind = request.GET.get("format")
        if kind in REPORT_FORMATS:
            header, rows = selectors.statement_table(statement)
            response = _export(request, form, kind, f"releve-{statement.party.code}-{clean['date_to']:%Y%m%d}",
                               header, rows, "sales/receipts/pdf/statement.html",
                               {"organisation": organisation, "statement": statement, "rows": statement.rows})
            if response is not None:
                return response
        context["statement"] = statement
    return render(request, "sales/receipts/statement.html", context)


class AgedBalanceForm(forms.Form):
    as_of = forms.DateField(label="À la date du", widget=DateInput())


@sales_view()
def aged_balance(request, org):
    organisation = request.organisation
    data = request.GET.copy()
    data.setdefault("as_of", today().isoformat())
    form = AgedBalanceForm(data)
    context = {"form": form, "exports": _links(request), "buckets": selectors.BUCKETS}
    if form.is_valid():
        as_of = form.cleaned_data["as_of"]
        report = selectors.aged_balance(organisation=organisation, as_of=as_of)
        kind = request.GET.get("format")
        if kind in REPORT_FORMATS:
            header, rows = selectors.aged_balance_table(report)
            response = _export(request, form, kind, f"balance-agee-{organisation.slug}-{as_of:%Y%m%d}", header,
                               rows, "sales/receipts/pdf/aged_balance.html",
                               {"organisation": organisation, "report": report, "rows": report.rows})
            if response is not None:
                return response
        context["report"] = report
    return render(request, "sales/receipts/aged_balance.html", context)


urlpatterns = [
    path("encaissements/", receipts, name="receipts"),
    path("encaissements/nouveau/", receipt_new, name="receipt_new"),
    path("encaissements/<int:pk>/", receipt_detail, name="receipt_detail"),
    path("remises-cheques/", deposit_slips, name="deposit_slips"),
    path("remises-cheques/<int:pk>/", deposit_slip_detail, name="deposit_slip_detail"),
    path("remises-cheques/<int:pk>/pdf/", deposit_slip_pdf, name="deposit_slip_pdf"),
    path("releve-client/", customer_statement, name="customer_statement"),
    path("balance-agee/", aged_balance, name="aged_balance"),
]
