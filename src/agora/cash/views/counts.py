"""Cash count screens: a new count sheet for a register, its page (edit while a draft, validate, delete), its PDF
signed by the counter's name."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view, today

from ..forms import CountForm
from ..models import CashCount
from ..selectors.balances import register_balance
from ..services.counts import count_create, count_delete, count_update, count_validate
from ._common import count_or_404, register_or_404


@org_view("cash.write", write="cash.write")
def count_new(request, org, pk):
    register = register_or_404(request, pk)
    name = request.user.get_full_name() or request.user.get_username()
    form = CountForm(request.POST or None, initial={"date": today(), "counter_name": name})
    if request.method == "POST" and form.is_valid():
        try:
            count = count_create(actor=request.user, register=register, data=form.service_data())
        except BusinessError as error:
            add_business_error(form, error)
        else:
            return redirect("cash:count", org=org, pk=count.pk)
    return render(request, "cash/count_form.html", {"form": form, "register": register, "count": None,
                                                    "book_balance": register_balance(register, today())},
                  status=422 if form.errors else 200)


@org_view("cash.view", write="cash.write")
def count_detail(request, org, pk):
    """The sheet: quantities × face values, total counted vs book balance; edited while a draft."""
    count = count_or_404(request, pk)
    draft = count.state == CashCount.State.DRAFT
    form = None
    if draft and can(request, "cash.write"):
        initial = {"date": count.date, "counter_name": count.counter_name, "note": count.note,
                   **{f"q_{line.denomination}": line.quantity for line in count.lines.all()}}
        form = CountForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                count_update(actor=request.user, count=count, data=form.service_data())
            except BusinessError as error:
                add_business_error(form, error)
            else:
                messages.success(request, "Comptage enregistré.")
                return redirect("cash:count", org=org, pk=count.pk)
    book = count.book_balance if not draft else register_balance(count.register, count.date)
    if request.GET.get("export") == "pdf":
        return exports.pdf_response("cash/count_pdf.html", {
            "count": count, "lines": count.lines.all(), "book_balance": book, "variance": count.counted_total - book,
            "organisation": request.organisation,
            "logo": exports.logo_uri(request.organisation)}, f"controle-caisse-{count.date:%Y%m%d}-{count.pk}.pdf")
    return render(request, "cash/count_detail.html", {
        "count": count, "lines": [line for line in count.lines.all() if line.quantity], "form": form,
        "book_balance": book, "variance": count.counted_total - book, "can_write": can(request, "cash.write")},
        status=422 if form is not None and form.errors else 200)


@require_POST
@org_view("cash.write", write="cash.write")
def count_validate_view(request, org, pk):
    count = count_or_404(request, pk)
    try:
        count = count_validate(actor=request.user, count=count)
    except BusinessError as error:
        messages.error(request, error.message)
    else:
        if count.variance:
            messages.success(request, f"Contrôle validé : écart de {count.variance} € passé en "
                                      f"{'658 (manquant)' if count.variance < 0 else '758 (excédent)'}.")
        else:
            messages.success(request, "Contrôle validé : la caisse est juste.")
    return redirect("cash:count", org=org, pk=pk)


@require_POST
@org_view("cash.write", write="cash.write")
def count_delete_view(request, org, pk):
    count = count_or_404(request, pk)
    register_pk = count.register_id
    try:
        count_delete(actor=request.user, count=count)
    except BusinessError as error:
        messages.error(request, error.message)
        return redirect("cash:count", org=org, pk=pk)
    messages.success(request, "Brouillon de comptage supprimé.")
    return redirect("cash:register", org=org, pk=register_pk)


urlpatterns = [
    path("<int:pk>/controle/", count_new, name="count_new"),
    path("controles/<int:pk>/", count_detail, name="count"),
    path("controles/<int:pk>/valider/", count_validate_view, name="count_validate"),
    path("controles/<int:pk>/supprimer/", count_delete_view, name="count_delete"),
]
