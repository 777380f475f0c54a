"""Year-end closing wizard: choose the year, read what blocks, check the result and the opening entry, confirm."""

from django.shortcuts import redirect, render
from django.urls import reverse

from agora.core.errors import BusinessError
from agora.core.money import ZERO

from .. import services
from ..forms import FiscalYearChoiceForm
from ..hooks import closing_notes_run
from ..models import FiscalYear, State
from .common import ledger_view


def _default_year(organisation):
    """The oldest year still open: the one to close next."""
    years = FiscalYear.objects.filter(organisation=organisation)
    return years.filter(state=State.OPEN).order_by("start_date").first() or years.order_by("-start_date").first()


@ledger_view("ledger.close", write="ledger.close")
def closing(request, org):
    organisation = request.organisation
    source = request.POST if request.method == "POST" else request.GET
    data = source.copy()
    if not data.get("fiscal_year"):
        default = _default_year(organisation)
        if default is not None:
            data["fiscal_year"] = str(default.pk)
    form = FiscalYearChoiceForm(data, organisation=organisation)
    context = {"form": form, "errors": []}
    if not form.is_valid():
        return render(request, "ledger/closing.html", context)
    year = form.cleaned_data["fiscal_year"]
    if request.method == "POST":
        try:
            services.fiscal_year_close(actor=request.user, fiscal_year=year)
        except BusinessError as error:
            context["errors"].append(error.message)
        else:
            return redirect(reverse("ledger:closing", kwargs={"org": org}) + f"?fiscal_year={year.pk}&fait=1")
    context.update({"year": year, "done": request.GET.get("fait") == "1",
                    "next_year": FiscalYear.objects.filter(organisation=organisation,
                                                           start_date__gt=year.end_date).order_by("start_date")
                    .first()})
    if year.state == State.OPEN:
        preview = services.opening_lines(year)
        context.update({
            "blockers": services.closing_blockers(year), "notes": closing_notes_run(year),
            "result": services.fiscal_year_result(year),
            "preview": preview, "preview_debit": sum((line.debit for line in preview), ZERO),
            "preview_credit": sum((line.credit for line in preview), ZERO),
        })
    return render(request, "ledger/closing.html", context)
