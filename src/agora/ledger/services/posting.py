"""The one door into the books: drafts, posting, reversal.

Business documents call `entries_post` with EntryInput values; the screens create drafts and post them with
`entry_post`. Both end in `_seal`, which numbers entries gapless per journal and fiscal year, chains their
hash under the counter's lock and freezes them.
"""

from collections import defaultdict
from dataclasses import replace
from datetime import date

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_bulk, audit_record
from agora.core.bulk import insert_rows
from agora.core.counters import counter_lock
from agora.core.errors import BusinessError
from agora.parties.models import Party

from ..domain import EntryInput, LineInput, clean_lines, entry_hash
from ..hooks import posting_guards_run
from ..models import Account, Entry, EntryLine, FiscalYear, Journal, Period, State

ENTRY_SERIES = "entry:{journal}"


class _Books:
    """Accounts, journals, parties and periods of one organisation, loaded once per call (no N+1)."""

    def __init__(self, organisation, inputs: list[EntryInput]):
        self.organisation = organisation
        account_codes = {str(line.account).strip() for entry in inputs for line in entry.lines}
        self.accounts = {a.code: a for a in Account.objects.filter(organisation=organisation, code__in=account_codes)}
        self.journals = {j.code: j for j in Journal.objects.filter(organisation=organisation)}
        party_codes = {str(line.party).upper() for entry in inputs for line in entry.lines if line.party}
        self.parties = {p.code: p for p in Party.objects.filter(organisation=organisation, code__in=party_codes)}
        self.periods = list(Period.objects.filter(organisation=organisation).select_related("fiscal_year"))

    def period_for(self, day: date, *, field: str = "date") -> Period:
        for period in self.periods:
            if period.start_date <= day <= period.end_date:
                return period
        raise BusinessError("no_period", f"Aucun exercice ouvert ne contient le {day:%d/%m/%Y}.", field=field)


def _check_period(period: Period, *, field: str = "date") -> None:
    if period.fiscal_year.state != State.OPEN:
        raise BusinessError("year_closed", f"L'exercice {period.fiscal_year.code} est clôturé : "
                            "aucune écriture n'y est plus acceptée.", field=field)
    if period.state != State.OPEN:
        state = "verrouillée" if period.state == State.LOCKED else "clôturée"
        raise BusinessError("period_closed", f"La période {period} est {state} : aucune écriture n'y est acceptée.",
                            field=field)


def _resolve(books: _Books, data: EntryInput, *, require_balance: bool) -> tuple:
    """Check one entry input against the books; return (journal, period, resolved lines)."""
    journal = books.journals.get((data.journal or "").upper())
    if journal is None or not journal.active:
        raise BusinessError("unknown_journal", f"Journal inconnu : « {data.journal} ».", field="journal")
    if not isinstance(data.date, date):
        raise BusinessError("invalid_date", "Date de l'écriture invalide.", field="date")
    if not (data.label or "").strip():
        raise BusinessError("required", "Le libellé de l'écriture est obligatoire.", field="label")
    clean_lines(data.lines, require_balance=require_balance)
    period = books.period_for(data.date)
    resolved = []
    for n, line in enumerate(data.lines, start=1):
        account = books.accounts.get(str(line.account).strip())
        if account is None:
            raise BusinessError("unknown_account", f"Ligne {n} : compte inconnu « {line.account} ».",
                                field=f"lines.{n}.account")
        if not account.active:
            raise BusinessError("inactive_account", f"Ligne {n} : le compte {account.code} est inactif.",
                                field=f"lines.{n}.account")
        party = None
        if line.party:
            party = books.parties.get(line.party.upper())
            if party is None:
                raise BusinessError("unknown_party", f"Ligne {n} : tiers inconnu « {line.party} ».",
                                    field=f"lines.{n}.party")
        elif account.party_required and require_balance:
            raise BusinessError("party_required", f"Ligne {n} : le compte {account.code} exige un tiers "
                                "(compte auxiliaire).", field=f"lines.{n}.party")
        resolved.append((line, account, party))
    return journal, period, resolved


LINE_FIELDS = ["entry", "organisation", "journal", "fiscal_year", "date", "posted", "line_no", "account", "party",
               "label", "debit", "credit", "due_date", "tax_role", "vat_box"]


ENTRY_ATTNAMES = [f.attname for f in Entry._meta.concrete_fields]


def _new_entry(organisation, journal, period, data: EntryInput, creator) -> Entry:
    """An unsaved draft Entry, built positionally: Model.__init__'s fast path (thousands per batch)."""
    values = {"id": None, "organisation_id": organisation.pk, "journal_id": journal.pk,
              "fiscal_year_id": period.fiscal_year_id, "period_id": period.pk, "date": data.date, "number": None,
              "reference": (data.reference or "")[:40], "voucher_date": data.voucher_date or data.date,
              "label": data.label.strip()[:200], "state": Entry.Status.DRAFT, "posted_at": None,
              "posted_by_id": None, "origin_type": data.origin_type, "origin_id": str(data.origin_id or ""),
              "reversal_of_id": data.reversal_of_id, "previous_hash": "", "hash": "", "created_at": None,
              "created_by_id": creator.pk if creator else None}
    entry = Entry(*[values[name] for name in ENTRY_ATTNAMES])
    entry._state.fields_cache.update(organisation=organisation, journal=journal, fiscal_year=period.fiscal_year,
                                     period=period)
    return entry


def _line_rows(entry: Entry, resolved: list, *, posted: bool) -> list[tuple]:
    """Line values in LINE_FIELDS order (foreign keys as ids), for core.bulk.insert_rows."""
    return [
        (entry.pk, entry.organisation_id, entry.journal_id, entry.fiscal_year_id, entry.date, posted, n, account.pk,
         party.pk if party else None, (line.label or entry.label)[:200], line.debit, line.credit, line.due_date,
         line.tax_role, line.vat_box)
        for n, (line, account, party) in enumerate(resolved, start=1)
    ]


def _hash_lines(resolved: list, entry_label: str) -> list[tuple]:
    return [(account.code, party.code if party else "", (line.label or entry_label)[:200], line.debit,
             line.credit, line.due_date) for line, account, party in resolved]


def _seal(organisation, actor, items: list[tuple[Entry, list]]) -> None:
    """Number and hash entries (in list order) per (journal, fiscal year) under each counter's lock."""
    groups: dict[tuple, list] = defaultdict(list)
    for entry, resolved in items:
        groups[(entry.journal.code, entry.fiscal_year.code)].append((entry, resolved))
    now = timezone.now()
    for (journal_code, year_code), group in sorted(groups.items()):  # fixed lock order: no deadlock
        counter = counter_lock(organisation=organisation, series=ENTRY_SERIES.format(journal=journal_code),
                               fiscal_year=year_code)
        previous = counter.chain_hash
        for entry, resolved in group:
            counter.last_value += 1
            entry.number = counter.last_value
            entry.previous_hash = previous
            entry.hash = previous = entry_hash(
                previous_hash=previous, organisation_id=organisation.pk, journal=journal_code,
                fiscal_year=year_code, number=entry.number, entry_date=entry.date, reference=entry.reference,
                voucher_date=entry.voucher_date, label=entry.label, lines=_hash_lines(resolved, entry.label))
            entry.posted_at = now
            entry.posted_by = actor if getattr(actor, "is_authenticated", False) else None
        counter.chain_hash = previous
        counter.save(update_fields=["last_value", "chain_hash"])


@transaction.atomic
def entries_post(*, actor, organisation, entries: list[EntryInput]) -> list[Entry]:
    """Validate and post new entries in one transaction: all of them or none."""
    books = _Books(organisation, entries)
    creator = books_actor(actor)
    items = []
    for index, data in enumerate(entries):
        try:
            journal, period, resolved = _resolve(books, data, require_balance=True)
            _check_period(period)
        except BusinessError as error:
            if len(entries) > 1:
                error.message = f"Écriture {index + 1} : {error.message}"
            raise
        entry = _new_entry(organisation, journal, period, data, creator)
        items.append((entry, resolved))
    posting_guards_run(organisation, entries)
    _seal(organisation, actor, items)
    # Inserted as drafts carrying their number and hash, lines added, then flipped to posted: the triggers
    # refuse lines on a posted entry, so this order is the only one that works.
    _insert_entries(organisation, [entry for entry, _ in items])
    insert_rows(EntryLine, LINE_FIELDS,
                [row for entry, resolved in items for row in _line_rows(entry, resolved, posted=True)])
    ids = [entry.pk for entry, _ in items]
    for start in range(0, len(ids), 900):
        Entry.objects.filter(pk__in=ids[start:start + 900]).update(state=Entry.Status.POSTED)
    audit_bulk(organisation=organisation, actor=actor, action="entry.post",
               items=[(entry, _summary(entry, resolved)) for entry, resolved in items])
    for entry, _ in items:
        entry.state = Entry.Status.POSTED
    return [entry for entry, _ in items]


def books_actor(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


ENTRY_FIELDS = ["organisation", "journal", "fiscal_year", "period", "date", "number", "reference", "voucher_date",
                "label", "state", "posted_at", "posted_by", "origin_type", "origin_id", "reversal_of", "previous_hash",
                "hash", "created_at", "created_by"]


def _insert_entries(organisation, entries: list[Entry]) -> None:
    """Insert numbered entries (as drafts) and read their ids back by (journal, year, number)."""
    insert_rows(Entry, ENTRY_FIELDS, [
        (organisation.pk, e.journal_id, e.fiscal_year_id, e.period_id, e.date, e.number, e.reference, e.voucher_date,
         e.label, Entry.Status.DRAFT, e.posted_at, e.posted_by_id, e.origin_type, e.origin_id, e.reversal_of_id,
         e.previous_hash, e.hash, e.posted_at, e.created_by_id)
        for e in entries])
    by_group: dict[tuple, dict[int, Entry]] = defaultdict(dict)
    for entry in entries:
        by_group[(entry.journal_id, entry.fiscal_year_id)][entry.number] = entry
    for (journal_id, year_id), numbered in by_group.items():
        ids = Entry.objects.filter(organisation=organisation, journal_id=journal_id, fiscal_year_id=year_id,
                                   number__gte=min(numbered), number__lte=max(numbered)).values_list("number", "pk")
        for number, pk in ids:
            numbered[number].pk = pk
            numbered[number].created_at = numbered[number].posted_at
            numbered[number]._state.adding = False


def entry_post_new(*, actor, organisation, data: EntryInput) -> Entry:
    """Post one new entry (what a business document's validation calls)."""
    return entries_post(actor=actor, organisation=organisation, entries=[data])[0]


def _summary(entry: Entry, resolved: list) -> dict:
    return {"number": entry.display_number, "journal": entry.journal.code, "date": entry.date.isoformat(),
            "label": entry.label, "total": str(sum(line.debit for line, _, _ in resolved))}


@transaction.atomic
def entry_draft_save(*, actor, organisation, data: EntryInput, entry: Entry | None = None) -> Entry:
    """Create or replace a draft entry (brouillard). A draft may be unbalanced; posting checks that."""
    books = _Books(organisation, [data])
    journal, period, resolved = _resolve(books, data, require_balance=False)
    _check_period(period)
    fields = {"journal": journal, "fiscal_year": period.fiscal_year, "period": period, "date": data.date,
              "reference": (data.reference or "")[:40], "voucher_date": data.voucher_date or data.date,
              "label": data.label.strip()[:200]}
    if entry is None:
        entry = Entry.objects.create(organisation=organisation, created_by=books_actor(actor), **fields)
        before = None
    else:
        entry = Entry.objects.select_for_update().get(pk=entry.pk, organisation=organisation)
        if entry.is_posted:
            raise BusinessError("posted", "Écriture validée : elle ne peut plus être modifiée.", field="entry")
        before = {"journal": entry.journal.code, "date": entry.date.isoformat(), "label": entry.label,
                  "lines": [[line.account.code, str(line.debit), str(line.credit)]
                            for line in entry.lines.select_related("account")]}
        for key, value in fields.items():
            setattr(entry, key, value)
        entry.save()
        EntryLine.objects.filter(entry=entry).delete()
    insert_rows(EntryLine, LINE_FIELDS, _line_rows(entry, resolved, posted=False))
    audit_record(organisation=organisation, actor=actor, action="entry.draft_save", obj=entry, before=before,
                 after={"journal": journal.code, "date": data.date.isoformat(), "label": entry.label,
                        "lines": [[a.code, str(line.debit), str(line.credit)] for line, a, _ in resolved]})
    return entry


@transaction.atomic
def entry_draft_delete(*, actor, entry: Entry) -> None:
    entry = Entry.objects.select_for_update().get(pk=entry.pk)
    if entry.is_posted:
        raise BusinessError("posted", "Écriture validée : elle ne peut pas être supprimée ; passez une extourne.",
                            field="entry")
    audit_record(organisation=entry.organisation, actor=actor, action="entry.draft_delete", obj=entry,
                 before={"label": entry.label, "date": entry.date.isoformat()})
    EntryLine.objects.filter(entry=entry).delete()
    entry.delete()


def _as_input(entry: Entry) -> EntryInput:
    return EntryInput(
        journal=entry.journal.code, date=entry.date, label=entry.label, reference=entry.reference,
        voucher_date=entry.voucher_date,
        lines=[LineInput(account=line.account.code, debit=line.debit, credit=line.credit, label=line.label,
                         party=line.party.code if line.party else "", due_date=line.due_date,
                         tax_role=line.tax_role, vat_box=line.vat_box)
               for line in entry.lines.select_related("account", "party").order_by("line_no")])


@transaction.atomic
def entry_post(*, actor, entry: Entry) -> Entry:
    """Post a draft: full checks, then number, hash and freeze it."""
    entry = Entry.objects.select_for_update().select_related("organisation").get(pk=entry.pk)
    if entry.is_posted:
        raise BusinessError("already_posted", "Cette écriture est déjà validée.", field="entry")
    data = _as_input(entry)
    books = _Books(entry.organisation, [data])
    journal, period, resolved = _resolve(books, data, require_balance=True)
    _check_period(period)
    posting_guards_run(entry.organisation, [data])
    entry.journal, entry.period, entry.fiscal_year = journal, period, period.fiscal_year
    _seal(entry.organisation, actor, [(entry, resolved)])
    EntryLine.objects.filter(entry=entry).update(posted=True)
    Entry.objects.filter(pk=entry.pk).update(
        number=entry.number, previous_hash=entry.previous_hash, hash=entry.hash, posted_at=entry.posted_at,
        posted_by=entry.posted_by, state=Entry.Status.POSTED)
    entry.state = Entry.Status.POSTED
    audit_record(organisation=entry.organisation, actor=actor, action="entry.post", obj=entry,
                 after=_summary(entry, resolved))
    return entry


@transaction.atomic
def entry_reverse(*, actor, entry: Entry, on: date | None = None, label: str = "") -> Entry:
    """Cancel a posted entry by a new entry with debits and credits swapped (contre-passation)."""
    if not entry.is_posted:
        raise BusinessError("not_posted", "Seule une écriture validée s'extourne ; un brouillard se supprime.",
                            field="entry")
    if Entry.objects.filter(reversal_of=entry).exists():
        raise BusinessError("already_reversed", f"L'écriture {entry.display_number} est déjà extournée.",
                            field="entry")
    original = _as_input(entry)
    reversal = EntryInput(
        journal=original.journal, date=on or entry.date, reference=entry.reference,
        label=(label or f"Extourne de {entry.display_number} — {entry.label}")[:200],
        origin_type=entry.origin_type, origin_id=entry.origin_id, reversal_of_id=entry.pk,
        lines=[replace(line, debit=line.credit, credit=line.debit) for line in original.lines])
    return entries_post(actor=actor, organisation=entry.organisation, entries=[reversal])[0]


def fiscal_year_of(organisation, day: date) -> FiscalYear | None:
    return FiscalYear.objects.filter(organisation=organisation, start_date__lte=day, end_date__gte=day).first()
