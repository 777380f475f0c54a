"""What the reconciliation screens share: the chosen bank account (select, else the default one)."""

from django.http import Http404

from agora.treasury.models import BankAccount

from ..selectors import books


def chosen_bank(request) -> tuple[BankAccount | None, list[BankAccount]]:
    """The bank account named by `account` (GET or POST), else the default one; 404 for another's account."""
    accounts = list(books.bank_accounts(organisation=request.organisation))
    raw = request.POST.get("account") or request.GET.get("account")
    if not raw:
        return (accounts[0] if accounts else None), accounts
    try:
        return books.bank_account_get(organisation=request.organisation, pk=int(raw)), accounts
    except (ValueError, BankAccount.DoesNotExist) as missing:
        raise Http404("Introuvable") from missing
