"""`agora verify`: recompute every hash chain and the balances, and name the first entry that differs."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BigIntegerField, F, Sum
from django.db.models.functions import Cast, Round

from agora.core.models import Counter

from .domain import entry_hash
from .models import Entry, EntryLine
from .services.posting import ENTRY_SERIES


@dataclass
class Finding:
    entry: str
    problem: str

    def __str__(self):
        return f"{self.entry} : {self.problem}"


def verify_books(organisation) -> list[Finding]:
    """All findings, chain by chain (journal × fiscal year); an empty list means the books are intact."""
    findings: list[Finding] = []
    entries = (Entry.objects.filter(organisation=organisation, state=Entry.Status.POSTED)
               .select_related("journal", "fiscal_year").order_by("journal__code", "fiscal_year__start_date",
                                                                  "number"))
    lines_by_entry: dict[int, list[tuple]] = defaultdict(list)
    line_rows = (EntryLine.objects.filter(organisation=organisation, entry__state=Entry.Status.POSTED)
                 .order_by("entry_id", "line_no")
                 .values_list("entry_id", "account__code", "party__code", "label", "debit", "credit", "due_date"))
    for entry_id, *rest in line_rows.iterator(chunk_size=5000):
        lines_by_entry[entry_id].append(tuple(rest))
    chains: dict[tuple, list[Entry]] = defaultdict(list)
    for entry in entries.iterator(chunk_size=2000):
        chains[(entry.journal.code, entry.fiscal_year.code)].append(entry)
    counters = {(c.series, c.fiscal_year): c for c in Counter.objects.filter(organisation=organisation)}
    for (journal, year), chain in chains.items():
        previous = ""
        for expected_number, entry in enumerate(chain, start=1):
            name = entry.display_number
            lines = lines_by_entry.get(entry.pk, [])
            if entry.number != expected_number:
                findings.append(Finding(name, f"numérotation rompue (attendu n° {expected_number})"))
                break
            debit = sum(line[3] for line in lines)
            credit = sum(line[4] for line in lines)
            if debit != credit or not lines:
                findings.append(Finding(name, f"écriture déséquilibrée (débit {debit}, crédit {credit})"))
            if entry.previous_hash != previous:
                findings.append(Finding(name, "chaînage rompu : l'empreinte précédente ne correspond pas"))
            recomputed = entry_hash(previous_hash=entry.previous_hash, organisation_id=organisation.pk,
                                    journal=journal, fiscal_year=year, number=entry.number, entry_date=entry.date,
                                    reference=entry.reference, voucher_date=entry.voucher_date, label=entry.label,
                                    lines=lines)
            if recomputed != entry.hash:
                findings.append(Finding(name, "empreinte SHA-256 différente : l'écriture a été modifiée"))
            previous = entry.hash
        counter = counters.get((ENTRY_SERIES.format(journal=journal), year))
        if counter is None or counter.last_value != len(chain) or counter.chain_hash != previous:
            findings.append(Finding(f"{journal}-{year}", "dernière écriture absente ou compteur incohérent "
                                                         "(écriture supprimée ?)"))
    # Summed as integer cents: SQLite keeps decimals as binary floats, whose sum over a year drifts below the cent.
    totals = EntryLine.objects.posted().filter(organisation=organisation).aggregate(
        d=Sum(_cents("debit")), c=Sum(_cents("credit")))
    debit, credit = Decimal(totals["d"] or 0) / 100, Decimal(totals["c"] or 0) / 100
    if debit != credit:
        findings.append(Finding("Balance générale", f"débit {debit} ≠ crédit {credit}"))
    return findings


def _cents(column: str):
    return Cast(Round(F(column) * 100), BigIntegerField())
