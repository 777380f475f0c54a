"""Matching screen (lettrage): one reconcilable account, optionally one party; match and unmatch."""

from django.db.models import Sum
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.parties.models import Party

from .. import selectors, services
from ..models import Account, Matching
from .common import can, ledger_view, today


@ledger_view("ledger.view", write="ledger.write")
def matching(request, org):
    organisation = request.organisation
    source = request.POST if request.method == "POST" else request.GET
    accounts = Account.objects.filter(organisation=organisation, reconcilable=True, active=True)
    account = accounts.filter(code=(source.get("account") or "").strip()).first()
    party_code = (source.get("party") or "").strip().upper()
    party = None
    errors: list[str] = []
    if party_code:
        party = Party.objects.filter(organisation=organisation, code=party_code).first()
        if party is None:
            errors.append(f"Tiers inconnu : « {party_code} ».")
    if request.method == "POST" and account is not None and not errors:
        try:
            if request.POST.get("action") == "unmatch":
                target = Matching.objects.filter(organisation=organisation,
                                                 pk=_int(request.POST.get("matching"))).first()
                if target is None:
                    raise Http404("Lettrage introuvable")
                services.matching_delete(actor=request.user, matching=target)
            else:
                ids = [int(v) for v in request.POST.getlist("lines") if v.isdigit()]
                services.matching_create(actor=request.user, organisation=organisation, line_ids=ids)
        except BusinessError as error:
            errors.append(error.message)
        else:
            url = reverse("ledger:matching", kwargs={"org": org}) + f"?account={account.code}"
            if party is not None:
                url += f"&party={party.code}"
            return HttpResponseRedirect(url)
    context = {"accounts": accounts, "account": account, "party": party, "party_code": party_code,
               "errors": errors, "can_write": can(request, "ledger.write"), "today": today(),
               "parties": Party.objects.filter(organisation=organisation, active=True).values_list("code", "name")}
    if account is not None:
        lines = list(selectors.open_lines(organisation=organisation, account=account, party=party))
        for line in lines:
            line.signed = line.debit - line.credit
        matchings = (Matching.objects.filter(organisation=organisation, account=account)
                     .select_related("party").annotate(total=Sum("parts__amount"),
                                                       debit=Sum("parts__line__debit"),
                                                       credit=Sum("parts__line__credit"))
                     .order_by("-date", "-pk"))
        if party is not None:
            matchings = matchings.filter(party=party)
        context.update({
            "lines": lines, "matchings": matchings[:200],
            "balance": sum((line.signed for line in lines), ZERO),
        })
    return render(request, "ledger/matching.html", context)


def _int(value) -> int:
    return int(value) if value and str(value).isdigit() else 0
