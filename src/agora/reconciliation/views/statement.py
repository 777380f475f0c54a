"""The bank reconciliation statement at a date (screen and PDF), and posting its book-side adjustments."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from agora.core import exports
from agora.core.errors import BusinessError
from agora.core.views import can, org_view, today

from ..forms import StatementForm
from ..selectors.statement import reconciliation_statement
from ..services.adjustments import adjustments_post
from .common import chosen_bank


def _context(request):
    bank, accounts = chosen_bank(request)
    form = StatementForm(request.GET or None, initial={"on": today(), "account": bank.pk if bank else None},
                         bank_accounts=accounts)
    on = form.cleaned_data["on"] if form.is_bound and form.is_valid() else today()
    report = reconciliation_statement(bank, on) if bank is not None else None
    return {"form": form, "bank": bank, "accounts": accounts, "on": on, "report": report,
            "organisation": request.organisation}


@org_view("banking.view")
def statement(request, org):
    context = _context(request)
    if request.GET.get("format") == "pdf" and context["report"] is not None:
        filename = f"etat-de-rapprochement-{context['bank'].journal.code}-{context['on']:%Y-%m-%d}.pdf"
        return exports.pdf_response("reconciliation/statement_pdf.html", {
            **context, "logo": exports.logo_uri(request.organisation)}, filename, inline=True)
    context["can_write"] = can(request, "banking.write")
    return render(request, "reconciliation/statement.html", context)


@require_POST
@org_view("banking.write", write="banking.write")
def statement_adjust(request, org):
    """Post, for the lines up to the date, the entries the saved rules recognise."""
    bank, _ = chosen_bank(request)
    form = StatementForm(request.POST, bank_accounts=[bank] if bank else [])
    on = form.cleaned_data["on"] if form.is_valid() else today()
    if bank is not None:
        try:
            done = adjustments_post(actor=request.user, bank_account=bank, on=on)
        except BusinessError as error:
            messages.error(request, f"Rien n'a été passé : {error.message}")
        else:
            messages.success(request, f"{done['posted']} écriture(s) passée(s) par règle ; {len(done['left'])} ligne(s)"
                             " restent à traiter sur l'écran de rapprochement.")
    query = f"?account={bank.pk}&on={on:%Y-%m-%d}" if bank else ""
    return redirect(reverse("reconciliation:statement", kwargs={"org": org}) + query)


urlpatterns = [
    path("etat/", statement, name="statement"),
    path("etat/ajustements/", statement_adjust, name="statement_adjust"),
]
