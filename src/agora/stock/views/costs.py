"""Cost screens: bills of materials with their textbook cost table (coût d'achat des matières consommées, coût de
production, coût de revient), recording a production run, and the purchase cost calculator (ancillary costs
allocated by value or quantity)."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.core.views import add_business_error, can, org_view, today

from ..domain.costs import PurchaseLine, purchase_costs
from ..forms import BillForm, ProductionForm, PurchaseCostForm
from ..models import BillOfMaterials, StockItem
from ..selectors import costs as selectors
from ..services.costs import bill_save, production_record


def _rows(text: str, width: int, field: str) -> list[list[str]]:
    rows = []
    for n, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split(";")]
        if len(parts) != width:
            raise BusinessError("invalid_line", f"Ligne {n} : {width} valeurs séparées par « ; » attendues.",
                                field=field)
        rows.append(parts)
    return rows


def _purchase_table(form: PurchaseCostForm):
    data = form.cleaned_data
    lines = [PurchaseLine(label, parse_amount(q, field="lines", places=3), parse_amount(p, field="lines", places=4))
             for label, q, p in _rows(data["lines"], 3, "lines")]
    if not lines or any(line.quantity <= 0 for line in lines):
        raise BusinessError("invalid_line", "Indiquez au moins une ligne de quantité positive.", field="lines")
    return purchase_costs(lines, ancillary=parse_amount(data["ancillary"], field="ancillary"), basis=data["basis"])


@org_view("stock.view")
def costs(request, org):
    """Bills of materials and the purchase cost calculator (GET: nothing is stored)."""
    form = PurchaseCostForm(request.GET or None)
    table = None
    if form.is_bound and form.is_valid():
        try:
            table = _purchase_table(form)
        except BusinessError as error:
            add_business_error(form, error)
    return render(request, "stock/costs/list.html", {
        "bills": selectors.bill_list(organisation=request.organisation), "form": form, "table": table,
        "totals": {key: sum((getattr(r, key) for r in table), Decimal(0)) for key in
                   ("price_amount", "ancillary", "amount")} if table else None,
        "can_write": can(request, "stock.write")})


def _bill_lines(organisation, text: str) -> list[dict]:
    references = {item.product.reference: item.pk for item in
                  StockItem.objects.filter(organisation=organisation).select_related("product")}
    lines = []
    for reference, quantity in _rows(text, 2, "components"):
        if reference.upper() not in references:
            raise BusinessError("unknown_component", f"Composant inconnu : « {reference} ».", field="components")
        lines.append({"component": references[reference.upper()], "quantity": quantity})
    return lines


@org_view("stock.write", write="stock.write")
def bill_edit(request, org, pk=None):
    organisation = request.organisation
    bill = None
    initial = {}
    if pk is not None:
        bill = BillOfMaterials.objects.filter(organisation=organisation, pk=pk).select_related("item").first()
        if bill is None:
            raise Http404("Introuvable")
        initial = {name: getattr(bill, name) for name in ("batch_quantity", "labour_hours", "labour_rate",
                                                          "overhead_basis", "overhead_rate", "distribution_cost")}
        initial["item"] = bill.item_id
        initial["components"] = "\n".join(f"{line.component.product.reference} ; {line.quantity:f}"
                                          for line in bill.lines.select_related("component__product"))
    form = BillForm(request.POST or None, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bill = bill_save(actor=request.user, organisation=organisation, item=data["item"], data=data,
                             lines=_bill_lines(organisation, data["components"]))
        except BusinessError as error:
            if error.field and error.field.startswith("lines"):
                error.field = "components"
            add_business_error(form, error)
        else:
            messages.success(request, "Nomenclature enregistrée.")
            return redirect("stock:bill_detail", org=org, pk=bill.pk)
    return render(request, "stock/costs/bill_form.html", {"form": form, "bill": bill},
                  status=422 if form.errors else 200)


@org_view("stock.view", write="stock.write")
def bill_detail(request, org, pk):
    try:
        bill = selectors.bill_get(organisation=request.organisation, pk=pk)
    except BillOfMaterials.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    form = ProductionForm(request.POST or None, initial={"date": today(), "quantity": bill.batch_quantity})
    if request.method == "POST" and form.is_valid():
        try:
            production_record(actor=request.user, organisation=request.organisation, bill=bill,
                              quantity=form.cleaned_data["quantity"], day=form.cleaned_data["date"])
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Production enregistrée : composants consommés, produit entré en stock.")
            return redirect("stock:bill_detail", org=org, pk=pk)
    try:
        quantity = parse_amount(request.GET.get("quantite") or bill.batch_quantity, field="quantite", places=3)
    except BusinessError:
        quantity = bill.batch_quantity
    return render(request, "stock/costs/bill_detail.html", {
        "bill": bill, "quantity": quantity if quantity > 0 else bill.batch_quantity, "form": form,
        "rows": selectors.bill_cost_table(bill=bill, quantity=quantity if quantity > 0 else None),
        "can_write": can(request, "stock.write")}, status=422 if form.errors else 200)


urlpatterns = [
    path("couts/", costs, name="costs"),
    path("couts/nomenclatures/nouvelle/", bill_edit, name="bill_new"),
    path("couts/nomenclatures/<int:pk>/", bill_detail, name="bill_detail"),
    path("couts/nomenclatures/<int:pk>/modifier/", bill_edit, name="bill_edit"),
]
