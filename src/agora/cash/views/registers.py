"""Cash register screens: the registers, a register's movements (record a receipt or a payment, filter, export),
its daily cash book (screen, CSV, PDF)."""

from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.exports import logo_uri
from agora.core.views import add_business_error, can, org_view, paginate, today

from ..forms import BookForm, MovementForm, PeriodForm, RegisterForm
from ..selectors import registers as selectors
from ..selectors.balances import account_balances, cash_book, register_balance
from ..services.movements import MovementInput, movement_cancel, movement_record
from ..services.registers import register_create, register_update
from ._common import movement_or_404, register_or_404

EXPORT_HEADER = ["Date", "Sens", "Libellé", "Pièce", "Compte", "Tiers", "Taux de TVA", "TVA", "Montant TTC",
                 "Écriture"]
BOOK_HEADER = ["Date", "Solde d'ouverture", "Encaissements", "Décaissements", "Solde de clôture"]


@org_view("cash.view")
def registers(request, org):
    items = list(selectors.register_list(organisation=request.organisation))
    day = today()
    balances = account_balances(request.organisation, [register.account_id for register in items], day)
    for register in items:
        register.balance = balances.get(register.account_id, Decimal("0.00"))
    return render(request, "cash/registers.html", {"registers": items, "today": day,
                                                   "can_configure": can(request, "treasury.write")})


@org_view("treasury.write", write="treasury.write")
def register_new(request, org):
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            register = register_create(actor=request.user, organisation=request.organisation, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Caisse « {register.label} » ouverte ({register.journal.code}, "
                                      f"{register.account.code}).")
            return redirect("cash:register", org=org, pk=register.pk)
    return render(request, "cash/register_form.html", {"form": form, "register": None},
                  status=422 if form.errors else 200)


@org_view("treasury.write", write="treasury.write")
def register_edit(request, org, pk):
    register = register_or_404(request, pk)
    form = RegisterForm(request.POST or None, initial={"label": register.label, "active": register.active})
    if request.method == "POST" and form.is_valid():
        try:
            register_update(actor=request.user, register=register, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Caisse mise à jour.")
            return redirect("cash:register", org=org, pk=register.pk)
    return render(request, "cash/register_form.html", {"form": form, "register": register},
                  status=422 if form.errors else 200)


@org_view("cash.view", write="cash.write")
def register_detail(request, org, pk):
    """The register's balance, the form recording a movement, and its movements (filters, CSV/XLSX)."""
    register = register_or_404(request, pk)
    form = MovementForm(request.POST or None, initial={"date": today(), "direction": "receipt"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            movement = movement_record(actor=request.user, register=register, data=MovementInput(
                date=data["date"], direction=data["direction"], label=data["label"], amount=data["amount"],
                counter_account=data["counter_account"], party=data["party"],
                vat_rate=Decimal(data["vat_rate"]) if data["vat_rate"] else Decimal("0"),
                reference=data["reference"], private_customer=data["private_customer"]))
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"{movement.get_direction_display()} de {movement.amount} € enregistré.")
            return redirect("cash:register", org=org, pk=register.pk)
    filters = PeriodForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    queryset = selectors.movement_list(register=register, date_from=criteria.get("date_from"),
                                       date_to=criteria.get("date_to"), direction=criteria.get("direction") or "",
                                       search=criteria.get("q") or "")
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([m.date, m.get_direction_display(), m.label, m.reference, m.counter_account.code,
                 m.party.name if m.party else "", m.vat_rate, m.vat_amount, m.amount,
                 f"{m.entry.journal.code}-{m.entry.number}"] for m in queryset.iterator(chunk_size=2000))
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"caisse-{register.journal.code}.{export}", EXPORT_HEADER, rows)
    return render(request, "cash/register_detail.html", {
        "register": register, "form": form, "filter_form": filters, "page": paginate(request, queryset),
        "balance": register_balance(register, today()), "today": today(),
        "counts": selectors.count_list(register=register)[:10], "can_write": can(request, "cash.write"),
        "can_configure": can(request, "treasury.write")},
        status=422 if form.errors else 200)


@org_view("cash.view")
def register_book(request, org, pk):
    """The brouillard de caisse: per day, opening, receipts, payments, closing; CSV and PDF."""
    register = register_or_404(request, pk)
    day = today()
    form = BookForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    date_from = data.get("date_from") or day.replace(day=1)
    date_to = data.get("date_to") or day
    days = cash_book(register, date_from, date_to)
    opening = days[0].opening if days else register_balance(register, date_from - timedelta(days=1))
    closing = days[-1].closing if days else opening
    totals = {"receipts": sum((d.receipts for d in days), Decimal("0.00")),
              "payments": sum((d.payments for d in days), Decimal("0.00"))}
    export = request.GET.get("export")
    filename = f"brouillard-{register.journal.code}-{date_from:%Y%m%d}-{date_to:%Y%m%d}"
    if export == "csv":
        return exports.csv_response(f"{filename}.csv", BOOK_HEADER,
                                    ([d.day, d.opening, d.receipts, d.payments, d.closing] for d in days))
    context = {"register": register, "form": form, "days": days, "date_from": date_from, "date_to": date_to,
               "opening": opening, "closing": closing, "totals": totals, "organisation": request.organisation}
    if export == "pdf":
        return exports.pdf_response("cash/book_pdf.html", {**context, "rows": days,
                                                           "logo": logo_uri(request.organisation)},
                                    f"{filename}.pdf")
    return render(request, "cash/book.html", context)


@require_POST
@org_view("cash.write", write="cash.write")
def movement_cancel_view(request, org, pk):
    """Cancel a movement entered by mistake: its entry is reversed today."""
    movement = movement_or_404(request, pk)
    try:
        movement_cancel(actor=request.user, movement=movement, on=today())
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Mouvement « {movement.label} » annulé par une écriture d'extourne.")
    return redirect("cash:register", org=org, pk=movement.register_id)


urlpatterns = [
    path("", registers, name="registers"),
    path("nouvelle/", register_new, name="register_new"),
    path("<int:pk>/", register_detail, name="register"),
    path("<int:pk>/modifier/", register_edit, name="register_edit"),
    path("<int:pk>/brouillard/", register_book, name="register_book"),
    path("mouvements/<int:pk>/annuler/", movement_cancel_view, name="movement_cancel"),
]
