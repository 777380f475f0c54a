"""Reconciliation rules: the list (what each rule books, how often it would apply now), create, edit, delete."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view

from ..forms import RuleForm, rule_initial
from ..models import ReconciliationRule
from ..selectors import books
from ..services import rules as services


def _rule(request, pk) -> ReconciliationRule:
    try:
        return books.rule_get(organisation=request.organisation, pk=pk)
    except ReconciliationRule.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


@org_view("banking.view")
def rule_list(request, org):
    return render(request, "reconciliation/rules.html", {
        "rules": books.rules(organisation=request.organisation), "can_write": can(request, "banking.write")})


@org_view("banking.write", write="banking.write")
def rule_edit(request, org, pk=None):
    rule = _rule(request, pk) if pk else None
    accounts = books.bank_accounts(organisation=request.organisation)
    form = RuleForm(request.POST or None, initial=rule_initial(rule) if rule else None, bank_accounts=accounts)
    if request.method == "POST" and form.is_valid():
        try:
            if rule is None:
                services.rule_create(actor=request.user, organisation=request.organisation, data=form.cleaned_data)
            else:
                services.rule_update(actor=request.user, rule=rule, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Règle enregistrée.")
            return redirect("reconciliation:rules", org=org)
    return render(request, "reconciliation/rule_form.html", {"form": form, "rule": rule},
                  status=422 if form.errors else 200)


@require_POST
@org_view("banking.write", write="banking.write")
def rule_delete(request, org, pk):
    services.rule_delete(actor=request.user, rule=_rule(request, pk))
    messages.success(request, "Règle supprimée.")
    return redirect("reconciliation:rules", org=org)


urlpatterns = [
    path("regles/", rule_list, name="rules"),
    path("regles/nouvelle/", rule_edit, name="rule_new"),
    path("regles/<int:pk>/", rule_edit, name="rule_edit"),
    path("regles/<int:pk>/supprimer/", rule_delete, name="rule_delete"),
]
