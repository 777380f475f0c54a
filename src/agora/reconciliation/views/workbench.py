"""The reconciliation workbench: statement lines on the left (each with its proposal and an accept button),
the books' open 512 lines and open customer/supplier items on the right (search, tick, running sum), manual
matching, accept all, undo; and the page creating the missing entry from one statement line."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from agora.banking.models import StatementLine
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.core.views import add_business_error, can, org_view, paginate

from ..forms import EntryFromLineForm
from ..models import Reconciliation
from ..selectors import books
from ..selectors.proposals import proposals_for
from ..services import entries, rules
from ..services.proposals import proposal_accept, proposals_accept_all
from ..services.reconcile import reconciliation_create, reconciliation_delete
from .common import chosen_bank

RIGHT_LIMIT = 200
RULE_FIELDS = {"name": "rule_name"}  # the rule's fields as this form names them


def _back(org, bank, query: str = ""):
    params = {"account": bank.pk} if bank else {}
    if query:
        params["q"] = query
    return redirect(f"{reverse('reconciliation:workbench', kwargs={'org': org})}?{urlencode(params)}")


def _search(queryset, query: str, *, party: bool):
    """Label, reference, party name, or the amount itself ("120,00")."""
    if not query:
        return queryset
    condition = Q(label__icontains=query) | Q(entry__reference__icontains=query)
    if party:
        condition |= Q(party__name__icontains=query) | Q(party__code__iexact=query)
    try:
        amount = abs(parse_amount(query))
    except BusinessError:
        amount = None
    if amount is not None:
        condition |= Q(debit=amount) | Q(credit=amount)
    return queryset.filter(condition)


@org_view("banking.view")
def workbench(request, org):
    bank, accounts = chosen_bank(request)
    query = (request.GET.get("q") or "").strip()
    context = {"accounts": accounts, "bank": bank, "q": query, "can_write": can(request, "banking.write")}
    if bank is not None:
        page = paginate(request, books.statement_lines_open(bank_account=bank), 100)
        proposals = proposals_for(bank_account=bank, line_ids=[line.pk for line in page])
        organisation = request.organisation
        context.update({
            "page": page, "rows": [(line, proposals.get(line.pk)) for line in page],
            "proposal_count": len(proposals),
            "entry_lines": _search(books.entry_lines_open(bank_account=bank).select_related(
                "entry__journal", "entry__fiscal_year"), query, party=False)[:RIGHT_LIMIT],
            "customer_items": _search(books.open_items(organisation=organisation, side="customer")
                                      .select_related("party", "entry"), query, party=True)[:RIGHT_LIMIT],
            "supplier_items": _search(books.open_items(organisation=organisation, side="supplier")
                                      .select_related("party", "entry"), query, party=True)[:RIGHT_LIMIT],
            "recent": books.reconciliations(bank_account=bank)[:20]})
    return render(request, "reconciliation/workbench.html", context)


@require_POST
@org_view("banking.write", write="banking.write")
def accept(request, org):
    """One proposal: the button posts "line|kind|targets|reason"."""
    bank, _ = chosen_bank(request)
    try:
        line_id, kind, targets, reason = (request.POST.get("proposal") or "").split("|")
        line = books.statement_line_get(organisation=request.organisation, pk=int(line_id))
        target_ids = [int(t) for t in targets.split(",") if t]
    except (ValueError, StatementLine.DoesNotExist) as missing:
        raise Http404("Introuvable") from missing
    try:
        proposal_accept(actor=request.user, statement_line=line, kind=kind, targets=target_ids, reason=reason)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Ligne du {line.date:%d/%m/%Y} rapprochée.")
    return _back(org, bank, request.POST.get("q", ""))


@require_POST
@org_view("banking.write", write="banking.write")
def accept_all(request, org):
    bank, _ = chosen_bank(request)
    if bank is None:
        raise Http404("Introuvable")
    try:
        counts = proposals_accept_all(actor=request.user, bank_account=bank)
    except BusinessError as error:
        messages.error(request, f"Rien n'a été rapproché : {error.message}")
    else:
        messages.success(request, f"{sum(counts.values())} proposition(s) acceptée(s) : {counts['entry']} écriture(s) "
                         f"existante(s), {counts['customer']} encaissement(s), {counts['supplier']} paiement(s), "
                         f"{counts['rule']} écriture(s) par règle.")
    return _back(org, bank)


@require_POST
@org_view("banking.write", write="banking.write")
def match(request, org):
    """The ticked lines: statement line(s) with 512 line(s), or one statement line with open items."""
    bank, _ = chosen_bank(request)
    if bank is None:
        raise Http404("Introuvable")
    statement_ids = request.POST.getlist("statement_lines")
    customer, supplier = request.POST.getlist("customer_items"), request.POST.getlist("supplier_items")
    try:
        if customer or supplier:
            if len(statement_ids) != 1 or (customer and supplier):
                raise BusinessError("one_line", "Pour régler des factures, cochez une seule ligne de relevé et des "
                                    "factures d'un seul côté (clients ou fournisseurs).", field="statement_lines")
            line = books.statement_line_get(organisation=request.organisation, pk=int(statement_ids[0]))
            settle = entries.customer_receipt_from_line if customer else entries.supplier_payment_from_line
            settle(actor=request.user, statement_line=line, item_ids=customer or supplier)
        else:
            reconciliation_create(actor=request.user, bank_account=bank, statement_line_ids=statement_ids,
                                  entry_line_ids=request.POST.getlist("entry_lines"))
    except (ValueError, StatementLine.DoesNotExist) as missing:
        raise Http404("Introuvable") from missing
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Rapprochement enregistré.")
    return _back(org, bank, request.POST.get("q", ""))


@require_POST
@org_view("banking.write", write="banking.write")
def unmatch(request, org, pk):
    try:
        group = books.reconciliation_get(organisation=request.organisation, pk=pk)
    except Reconciliation.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    reconciliation_delete(actor=request.user, reconciliation=group)
    messages.success(request, "Rapprochement défait : les lignes sont de nouveau à rapprocher.")
    return _back(org, group.bank_account)


@org_view("banking.view", write="banking.write")
def line_entry(request, org, pk):
    """Create the entry the books miss for one statement line (fees, interest, direct debit), optionally saving
    the rule that will propose it next time."""
    try:
        line = books.statement_line_get(organisation=request.organisation, pk=pk)
    except StatementLine.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    form = EntryFromLineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["save_rule"]:
                rule = rules.rule_create(actor=request.user, organisation=request.organisation, data={
                    "name": data["rule_name"], "label_contains": data["label_contains"], "account": data["account"],
                    "party": data["party"], "entry_label": data["label"], "vat_rate": data["vat_rate"],
                    "sign": "in" if line.amount > 0 else "out", "bank_account": line.bank_account_id})
                entries.entry_from_rule(actor=request.user, statement_line=line, rule=rule)
            else:
                entries.entry_from_line(actor=request.user, statement_line=line, account=data["account"],
                                        label=data["label"], party=data["party"], vat_rate=data["vat_rate"])
        except BusinessError as error:
            error.field = RULE_FIELDS.get(error.field, error.field)
            add_business_error(form, error)
        else:
            messages.success(request, "Écriture passée et rapprochée.")
            return _back(org, line.bank_account)
    return render(request, "reconciliation/line_entry.html", {
        "line": line, "form": form, "reconciled": hasattr(line, "reconciled"),
        "can_write": can(request, "banking.write")}, status=422 if form.errors else 200)


urlpatterns = [
    path("", workbench, name="workbench"),
    path("accepter/", accept, name="accept"),
    path("tout-accepter/", accept_all, name="accept_all"),
    path("associer/", match, name="match"),
    path("rapprochements/<int:pk>/defaire/", unmatch, name="unmatch"),
    path("lignes/<int:pk>/ecriture/", line_entry, name="line_entry"),
]
