"""Ledger routes of the JSON API, all under /api/v1/orgs/{org}/: thin calls to selectors and services.

Permissions: ledger.view for reads, ledger.write for entries and matching, ledger.configure for accounts.
Objects are always looked up inside the organisation of the path: another organisation's id answers 404.
"""

import json
from datetime import date

from django.db.models import Prefetch
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, NOT_FOUND, organisation_for
from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.parties.models import Party

from . import fec, selectors, services
from .domain import EntryInput, LineInput
from .models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, MatchingPart
from .schemas import (
    AccountIn,
    AccountOut,
    DeletedOut,
    EntryIn,
    EntryOut,
    EntryPageOut,
    FiscalYearOut,
    JournalOut,
    LedgerRowOut,
    MatchingIn,
    MatchingOut,
    OpenLineOut,
    ReverseIn,
    TrialBalanceOut,
)

router = Router(tags=["comptabilité"])
PREFIX = "/orgs/{org}"
MAX_LIMIT = 500


# --- helpers ---------------------------------------------------------------------------------------------------

def _entry_of(organisation, entry_id: int) -> Entry:
    """The entry of this organisation (DoesNotExist → 404, also for another organisation's id)."""
    return selectors.entry_get(organisation=organisation, pk=entry_id)


def _fiscal_year(organisation, code: str | None) -> FiscalYear:
    """The year named by its code ("2026"); without one, the year containing today, else the latest."""
    if code:
        year = FiscalYear.objects.filter(organisation=organisation, code=code).first()
        if year is None:
            raise BusinessError("unknown_fiscal_year", f"Exercice inconnu : « {code} ».", field="fiscal_year")
        return year
    year = selectors.fiscal_year_current(organisation=organisation, day=timezone.localdate())
    if year is None:
        raise BusinessError("no_fiscal_year", "Aucun exercice n'est ouvert.", field="fiscal_year")
    return year


def _entry_input(payload: EntryIn) -> EntryInput:
    return EntryInput(
        journal=payload.journal, date=payload.date, label=payload.label, reference=payload.reference,
        voucher_date=payload.voucher_date,
        lines=[LineInput(account=line.account, debit=line.debit, credit=line.credit, label=line.label,
                         party=line.party, due_date=line.due_date) for line in payload.lines])


def _entry_out(entry: Entry) -> dict:
    lines = list(entry.lines.select_related("account", "party", "matching_part__matching").order_by("line_no"))
    return {
        "id": entry.pk, "journal": entry.journal.code, "fiscal_year": entry.fiscal_year.code,
        "period": str(entry.period), "date": entry.date, "number": entry.number,
        "display_number": entry.display_number, "reference": entry.reference, "voucher_date": entry.voucher_date,
        "label": entry.label, "state": entry.state, "posted_at": entry.posted_at,
        "posted_by": entry.posted_by.username if entry.posted_by else None, "reversal_of": entry.reversal_of_id,
        "reversed_by": list(Entry.objects.filter(reversal_of=entry).values_list("pk", flat=True)),
        "previous_hash": entry.previous_hash, "hash": entry.hash,
        "total_debit": sum((line.debit for line in lines), ZERO),
        "total_credit": sum((line.credit for line in lines), ZERO),
        "lines": [_line_out(line) for line in lines],
    }


def _matching_code(line: EntryLine) -> str | None:
    part = getattr(line, "matching_part", None)  # a missing reverse one-to-one raises AttributeError
    return part.matching.display_code if part else None


def _line_out(line: EntryLine) -> dict:
    return {"id": line.pk, "line_no": line.line_no, "account": line.account.code, "account_label": line.account.label,
            "party": line.party.code if line.party else None, "label": line.label, "debit": line.debit,
            "credit": line.credit, "due_date": line.due_date, "matching": _matching_code(line)}


def _matching_out(matching: Matching) -> dict:
    parts = list(matching.parts.all())
    return {"id": matching.pk, "code": matching.display_code, "account": matching.account.code,
            "party": matching.party.code if matching.party else None, "date": matching.date,
            "is_full": matching.is_full, "lines": sorted(p.line_id for p in parts),
            "balance": sum((p.amount for p in parts), ZERO)}


# --- chart of accounts, journals, fiscal years -----------------------------------------------------------------

class AccountFilters(Schema):
    search: str | None = None
    account_class: int | None = None
    active: bool | None = None


@router.get(PREFIX + "/accounts", response={200: list[AccountOut], **ERRORS}, summary="Plan comptable")
def account_list(request, org: str, filters: Query[AccountFilters]):
    """Accounts by number; `search` matches the start of the number or any part of the label."""
    organisation = organisation_for(request, org, "ledger.view")
    accounts = selectors.account_list(organisation=organisation, search=filters.search or "",
                                      account_class=filters.account_class)
    if filters.active is not None:
        accounts = accounts.filter(active=filters.active)
    return list(accounts)


@router.post(PREFIX + "/accounts", response={201: AccountOut, **BODY_ERRORS}, summary="Créer un compte (sous-compte)")
def account_create(request, org: str, payload: AccountIn):
    organisation = organisation_for(request, org, "ledger.configure")
    account = services.account_create(actor=request.auth, organisation=organisation, code=payload.code,
                                      label=payload.label, reconcilable=payload.reconcilable,
                                      party_required=payload.party_required)
    return Status(201, account)


@router.get(PREFIX + "/journals", response={200: list[JournalOut], **ERRORS}, summary="Journaux")
def journal_list(request, org: str):
    organisation = organisation_for(request, org, "ledger.view")
    journals = Journal.objects.filter(organisation=organisation).select_related("default_account").order_by("code")
    return [{"id": j.pk, "code": j.code, "label": j.label, "kind": j.kind, "active": j.active,
             "default_account": j.default_account.code if j.default_account else None} for j in journals]


@router.get(PREFIX + "/fiscal-years", response={200: list[FiscalYearOut], **ERRORS}, summary="Exercices et périodes")
def fiscal_year_list(request, org: str):
    organisation = organisation_for(request, org, "ledger.view")
    return list(FiscalYear.objects.filter(organisation=organisation).order_by("start_date")
                .prefetch_related("periods"))


# --- entries ---------------------------------------------------------------------------------------------------

class EntryFilters(Schema):
    journal: str | None = None
    state: Entry.Status | None = None
    date_from: date | None = None
    date_to: date | None = None
    fiscal_year: str | None = None
    search: str | None = None
    limit: int = 50
    offset: int = 0


@router.get(PREFIX + "/entries", response={200: EntryPageOut, **ERRORS}, summary="Écritures")
def entry_list(request, org: str, filters: Query[EntryFilters]):
    """Entries, latest first, with limit/offset pagination (limit ≤ 500)."""
    organisation = organisation_for(request, org, "ledger.view")
    if not 1 <= filters.limit <= MAX_LIMIT:
        raise BusinessError("invalid_limit", f"« limit » va de 1 à {MAX_LIMIT}.", field="limit")
    if filters.offset < 0:
        raise BusinessError("invalid_offset", "« offset » est positif ou nul.", field="offset")
    entries = selectors.entry_list(organisation=organisation, journal=filters.journal or None,
                                   state=filters.state or None, date_from=filters.date_from, date_to=filters.date_to,
                                   search=filters.search or "", fiscal_year=filters.fiscal_year or None)
    count = entries.count()
    page = entries[filters.offset:filters.offset + filters.limit]
    items = [{"id": e.pk, "journal": e.journal.code, "fiscal_year": e.fiscal_year.code, "date": e.date,
              "number": e.number, "display_number": e.display_number, "reference": e.reference,
              "label": e.label, "state": e.state, "total": e.total or ZERO, "reversal_of": e.reversal_of_id}
             for e in page]
    return {"count": count, "limit": filters.limit, "offset": filters.offset, "items": items}


@router.get(PREFIX + "/entries/{entry_id}", response={200: EntryOut, **ERRORS}, summary="Une écriture")
def entry_get(request, org: str, entry_id: int):
    organisation = organisation_for(request, org, "ledger.view")
    return _entry_out(_entry_of(organisation, entry_id))


@router.post(PREFIX + "/entries", response={201: EntryOut, **BODY_ERRORS}, summary="Créer un brouillard")
def entry_create(request, org: str, payload: EntryIn):
    """Save a draft (it may be unbalanced; posting checks that). Amounts as strings: "1234.56" or "1 234,56"."""
    organisation = organisation_for(request, org, "ledger.write")
    entry = services.entry_draft_save(actor=request.auth, organisation=organisation, data=_entry_input(payload))
    return Status(201, _entry_out(_entry_of(organisation, entry.pk)))


@router.put(PREFIX + "/entries/{entry_id}", response={200: EntryOut, **BODY_ERRORS}, summary="Remplacer un brouillard")
def entry_replace(request, org: str, entry_id: int, payload: EntryIn):
    organisation = organisation_for(request, org, "ledger.write")
    entry = _entry_of(organisation, entry_id)
    services.entry_draft_save(actor=request.auth, organisation=organisation, data=_entry_input(payload),
                              entry=entry)
    return _entry_out(_entry_of(organisation, entry.pk))


@router.delete(PREFIX + "/entries/{entry_id}", response={200: DeletedOut, **ERRORS},
               summary="Supprimer un brouillard")
def entry_delete(request, org: str, entry_id: int):
    organisation = organisation_for(request, org, "ledger.write")
    services.entry_draft_delete(actor=request.auth, entry=_entry_of(organisation, entry_id))
    return {"deleted": True}


@router.post(PREFIX + "/entries/{entry_id}/post", response={200: EntryOut, **ERRORS}, summary="Valider")
def entry_post(request, org: str, entry_id: int):
    """Post a draft: numbered, hashed and frozen for good."""
    organisation = organisation_for(request, org, "ledger.write")
    entry = services.entry_post(actor=request.auth, entry=_entry_of(organisation, entry_id))
    return _entry_out(_entry_of(organisation, entry.pk))


@router.post(PREFIX + "/entries/{entry_id}/reverse", response={201: EntryOut, **BODY_ERRORS}, summary="Extourner")
def entry_reverse(request, org: str, entry_id: int, payload: ReverseIn | None = None):
    """Cancel a posted entry by a reversal entry (on `date`, by default the original's date)."""
    organisation = organisation_for(request, org, "ledger.write")
    payload = payload or ReverseIn()
    reversal = services.entry_reverse(actor=request.auth, entry=_entry_of(organisation, entry_id),
                                      on=payload.date, label=payload.label)
    return Status(201, _entry_out(_entry_of(organisation, reversal.pk)))


# --- matching ----------------------------------------------------------------------------------------------------

class OpenLineFilters(Schema):
    account: str
    party: str | None = None


@router.get(PREFIX + "/matching/open-lines", response={200: list[OpenLineOut], **ERRORS},
            summary="Lignes à lettrer")
def open_lines(request, org: str, filters: Query[OpenLineFilters]):
    """Posted lines of one account (and party) not yet fully matched."""
    organisation = organisation_for(request, org, "ledger.view")
    account = Account.objects.filter(organisation=organisation, code=filters.account.strip()).first()
    if account is None:
        raise BusinessError("unknown_account", f"Compte inconnu « {filters.account} ».", field="account")
    party = None
    if filters.party:
        party = Party.objects.filter(organisation=organisation, code=filters.party.strip().upper()).first()
        if party is None:
            raise BusinessError("unknown_party", f"Tiers inconnu « {filters.party} ».", field="party")
    lines = selectors.open_lines(organisation=organisation, account=account, party=party)
    return [{"id": line.pk, "entry_id": line.entry_id, "display_number": line.entry.display_number,
             "journal": line.entry.journal.code, "date": line.date, "label": line.label,
             "account": account.code, "party": line.party.code if line.party else None,
             "debit": line.debit, "credit": line.credit, "due_date": line.due_date,
             "matching": line.matching_code or None} for line in lines]


@router.post(PREFIX + "/matchings", response={201: MatchingOut, **BODY_ERRORS}, summary="Lettrer des lignes")
def matching_create(request, org: str, payload: MatchingIn):
    organisation = organisation_for(request, org, "ledger.write")
    matching = services.matching_create(actor=request.auth, organisation=organisation, line_ids=payload.lines,
                                        on=payload.date)
    matching = (Matching.objects.select_related("account", "party")
                .prefetch_related(Prefetch("parts", queryset=MatchingPart.objects.order_by("line_id")))
                .get(pk=matching.pk))
    return Status(201, _matching_out(matching))


@router.delete(PREFIX + "/matchings/{matching_id}", response={200: DeletedOut, **ERRORS}, summary="Délettrer")
def matching_delete(request, org: str, matching_id: int):
    organisation = organisation_for(request, org, "ledger.write")
    matching = Matching.objects.filter(organisation=organisation, pk=matching_id).first()
    if matching is None:
        raise Http404(NOT_FOUND)
    services.matching_delete(actor=request.auth, matching=matching)
    return {"deleted": True}


# --- reports -----------------------------------------------------------------------------------------------------

class TrialBalanceFilters(Schema):
    fiscal_year: str | None = None
    auxiliary: str | None = None
    account_class: int | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get(PREFIX + "/trial-balance", response={200: TrialBalanceOut, **ERRORS}, summary="Balance")
def trial_balance(request, org: str, filters: Query[TrialBalanceFilters]):
    """General balance by account, or the customer / supplier auxiliary balance (by party and account)."""
    organisation = organisation_for(request, org, "ledger.view")
    year = _fiscal_year(organisation, filters.fiscal_year)
    if filters.auxiliary not in (None, "", "customer", "supplier"):
        raise BusinessError("invalid_auxiliary", "« auxiliary » vaut customer ou supplier.", field="auxiliary")
    report = selectors.trial_balance(organisation=organisation, fiscal_year=year, date_from=filters.date_from,
                                     date_to=filters.date_to, account_class=filters.account_class,
                                     auxiliary=filters.auxiliary or None)
    return {
        "fiscal_year": year.code, "date_from": report.date_from, "date_to": report.date_to,
        "auxiliary": report.auxiliary, "balanced": report.balanced,
        "rows": [{"account": r.account_code, "label": r.account_label, "account_class": r.account_class,
                  "party": r.party_code or None, "party_name": r.party_name or None,
                  "opening_debit": r.opening_debit, "opening_credit": r.opening_credit, "debit": r.debit,
                  "credit": r.credit, "closing_debit": r.closing_debit, "closing_credit": r.closing_credit}
                 for r in report.rows],
        "class_totals": report.class_totals, "totals": report.totals,
    }


class LedgerFilters(Schema):
    fiscal_year: str | None = None
    account_from: str | None = None
    account_to: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def _json_lines(rows):
    """The general ledger as JSON lines, amounts as strings: no validation per row (a year may hold
    millions of lines), so the shape is LedgerRowOut by construction."""
    for r in rows:
        yield json.dumps({
            "kind": r.kind, "account": r.account_code, "account_label": r.account_label,
            "date": r.date.isoformat() if r.date else None, "journal": r.journal, "entry_number": r.entry_number,
            "reference": r.reference, "label": r.label, "party": r.party_code, "debit": f"{r.debit:.2f}",
            "credit": f"{r.credit:.2f}", "balance": f"{r.balance:.2f}", "matching": r.matching,
        }, ensure_ascii=False) + "\n"


@router.get(PREFIX + "/general-ledger", response={200: None, **ERRORS}, summary="Grand livre",
            openapi_extra={"responses": {200: {
                "description": "Grand livre en JSON lines (un objet par ligne : ouverture, lignes, total par compte)",
                "content": {"application/jsonl": {"schema": LedgerRowOut.model_json_schema(mode="serialization")}}}}})
def general_ledger(request, org: str, filters: Query[LedgerFilters]):
    """Posted lines by account with the running balance, streamed as JSON lines (application/jsonl)."""
    organisation = organisation_for(request, org, "ledger.view")
    year = _fiscal_year(organisation, filters.fiscal_year)
    rows = selectors.general_ledger_rows(organisation=organisation, fiscal_year=year, date_from=filters.date_from,
                                         date_to=filters.date_to, account_from=filters.account_from or None,
                                         account_to=filters.account_to or None)
    return StreamingHttpResponse(_json_lines(rows), content_type="application/jsonl; charset=utf-8")


@router.get(PREFIX + "/fec", response={200: None, **ERRORS}, summary="Fichier des écritures comptables (FEC)",
            openapi_extra={"responses": {200: {"description": "Fichier FEC (texte, séparateur |)",
                                                 "content": {"text/plain": {"schema": {"type": "string"}}}}}})
def fec_download(request, org: str, fiscal_year: str | None = None):
    """The FEC of a fiscal year (LPF art. A47 A-1), streamed, named as the administration expects."""
    organisation = organisation_for(request, org, "ledger.view")
    year = _fiscal_year(organisation, fiscal_year)
    filename = fec.fec_filename(organisation, year)  # refuses (422) an organisation without a SIREN
    response = StreamingHttpResponse(fec.fec_iter(organisation, year), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
