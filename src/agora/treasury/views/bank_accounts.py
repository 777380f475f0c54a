"""Bank account screens: the list, the creation and edition forms."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view
from agora.treasury.forms import BankAccountForm
from agora.treasury.models import BankAccount
from agora.treasury.selectors.runs import bank_account_get, bank_account_list
from agora.treasury.services.bank_accounts import bank_account_create, bank_account_update


@org_view("treasury.view")
def bank_accounts(request, org):
    return render(request, "treasury/bank_accounts.html", {
        "accounts": bank_account_list(organisation=request.organisation), "can_write": can(request, "treasury.write")})


@org_view("treasury.write", write="treasury.write")
def bank_account_new(request, org):
    form = BankAccountForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            account = bank_account_create(actor=request.user, organisation=request.organisation,
                                          data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Compte bancaire « {account.label} » enregistré ({account.journal.code}, "
                                      f"{account.account.code}).")
            return redirect("treasury:bank_accounts", org=org)
    return render(request, "treasury/bank_account_form.html", {"form": form, "account": None},
                  status=422 if form.errors else 200)


@org_view("treasury.write", write="treasury.write")
def bank_account_edit(request, org, pk):
    try:
        account = bank_account_get(organisation=request.organisation, pk=pk)
    except BankAccount.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    initial = {"label": account.label, "bank_name": account.bank_name, "iban": account.iban, "bic": account.bic,
               "holder_name": account.holder_name, "account_code": account.account.code,
               "is_default": account.is_default, "active": account.active}
    form = BankAccountForm(request.POST or None, initial=initial, instance=account)
    if request.method == "POST" and form.is_valid():
        try:
            bank_account_update(actor=request.user, bank_account=account, data=form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Compte bancaire mis à jour.")
            return redirect("treasury:bank_accounts", org=org)
    return render(request, "treasury/bank_account_form.html", {"form": form, "account": account},
                  status=422 if form.errors else 200)


urlpatterns = [
    path("comptes-bancaires/", bank_accounts, name="bank_accounts"),
    path("comptes-bancaires/nouveau/", bank_account_new, name="bank_account_new"),
    path("comptes-bancaires/<int:pk>/", bank_account_edit, name="bank_account_edit"),
]
