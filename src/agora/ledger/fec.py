"""Fichier des écritures comptables (FEC), exactly per LPF art. A47 A-1 (reference §4).

One record per posted line of the fiscal year, the 18 columns in their legal order, opening entries (AN)
first then in validation order. The file is streamed line by line through server-side cursors, so a year of
a million lines never sits in memory.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from django.db import connection
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.parties.models import Party

from .models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, MatchingPart

COLUMNS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise"]
SEPARATORS = {"|": "|", "pipe": "|", "\t": "\t", "tab": "\t", "tabulation": "\t"}
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "iso-8859-15": "iso-8859-15", "iso8859-15": "iso-8859-15",
             "latin-9": "iso-8859-15", "latin9": "iso-8859-15"}
LINE_END = "\r\n"
_UNMATCHED = (None, None, None)

# Characters outside ISO-8859-15 that French labels commonly hold, and their plain equivalents.
_LATIN9 = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2019": "'", "\u2018": "'", "\u201c": '"',
                         "\u201d": '"', "\u2026": "...", "\u202f": " ", "\u2009": " "})


# Field text never holds a separator or a line break (it would shift the columns).
_CLEAN = str.maketrans({"|": " ", "\t": " ", "\r": " ", "\n": " "})


def fec_filename(organisation, fiscal_year: FiscalYear) -> str:
    """‹SIREN›FEC‹YYYYMMDD›.txt, the date being the fiscal year's closing date."""
    siren = (organisation.siren or "").replace(" ", "")
    if len(siren) != 9 or not siren.isdigit():
        raise BusinessError("siren_required", "Renseignez le SIREN de l'organisation (9 chiffres) : il forme "
                            "le nom du fichier FEC.", field="siren")
    return f"{siren}FEC{fiscal_year.end_date:%Y%m%d}.txt"


def _options(separator: str, encoding: str) -> tuple[str, str]:
    sep = SEPARATORS.get(separator)
    if sep is None:
        raise BusinessError("invalid_separator", f"Séparateur FEC inconnu : « {separator} » (| ou tabulation).",
                            field="separator")
    enc = ENCODINGS.get((encoding or "").lower())
    if enc is None:
        raise BusinessError("invalid_encoding", f"Encodage FEC inconnu : « {encoding} » (utf-8 ou iso-8859-15).",
                            field="encoding")
    return sep, enc


def _rows(cursor, chunk_size: int):
    while True:
        rows = cursor.fetchmany(chunk_size)
        if not rows:
            return
        yield from rows


def _ymd(text: str | None) -> str:
    """'2026-01-05' (ISO text, as both databases CAST a date) -> '20260105'."""
    return f"{text[:4]}{text[5:7]}{text[8:10]}" if text else ""


def _valid_date(posted_at: str | None, local_zone) -> str:
    """Validation date in French time: posted_at is stored in UTC (its CAST text starts 'YYYY-MM-DD HH:MM:SS')."""
    if not posted_at:
        return ""
    moment = datetime.fromisoformat(posted_at[:19]).replace(tzinfo=UTC).astimezone(local_zone)
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"


def fec_records(organisation, fiscal_year: FiscalYear, *, separator: str = "|", chunk_size: int = 10000):
    """The FEC records as text lines (with CRLF), header first.

    Two streams read in step: the entries in FEC order (opening journal first, then posted at, journal code,
    number) and their lines in entry-id order, each through a server-side cursor. Lines read ahead of their
    entry wait in a small buffer (entries of one posting batch are numbered per journal, so the two orders
    differ only locally). Dates come as text (CAST) so no per-value conversion runs: a million lines in a
    few seconds.
    """
    if fiscal_year.organisation_id != organisation.pk:
        raise BusinessError("not_found", "Exercice introuvable.", field="year")
    sep = SEPARATORS.get(separator, separator)
    accounts = {pk: code.translate(_CLEAN) + sep + label.translate(_CLEAN)
                for pk, code, label in Account.objects.filter(organisation=organisation)
                .values_list("pk", "code", "label")}
    parties = {pk: code.translate(_CLEAN) + sep + name.translate(_CLEAN)
               for pk, code, name in Party.objects.filter(organisation=organisation)
               .values_list("pk", "code", "name")}
    no_party = sep
    entry, line, journal = Entry._meta.db_table, EntryLine._meta.db_table, Journal._meta.db_table
    part, matching = MatchingPart._meta.db_table, Matching._meta.db_table
    # SQLite would walk the year through an index and fetch each row from the table at random; reading the
    # table in order and sorting costs less (entries and lines alike).
    scan = "NOT INDEXED" if connection.vendor == "sqlite" else ""
    entries_sql = (
        f"SELECT e.id, e.number, j.code, j.label, CAST(e.date AS TEXT), e.reference, "
        f"CAST(e.voucher_date AS TEXT), e.label, CAST(e.posted_at AS TEXT) "
        f"FROM {entry} e {scan} INNER JOIN {journal} j ON j.id = e.journal_id "
        f"WHERE e.organisation_id = %s AND e.fiscal_year_id = %s AND e.state = %s "
        f"ORDER BY CASE WHEN j.kind = %s OR j.code = %s THEN 0 ELSE 1 END, e.posted_at, j.code, e.number, e.id")
    # Matchings are read once into a dict: two outer joins per line cost more than the line scan itself.
    matchings_sql = (
        f"SELECT mp.line_id, m.code, m.is_full, CAST(m.date AS TEXT) FROM {part} mp "
        f"INNER JOIN {matching} m ON m.id = mp.matching_id INNER JOIN {line} l ON l.id = mp.line_id "
        f"WHERE m.organisation_id = %s AND l.fiscal_year_id = %s")
    lines_sql = (
        f"SELECT l.entry_id, l.account_id, l.party_id, l.label, l.debit, l.credit, l.id, l.currency_amount, "
        f"l.currency FROM {line} l {scan} "
        f"WHERE l.organisation_id = %s AND l.fiscal_year_id = %s AND l.posted = %s "
        f"ORDER BY l.entry_id, l.line_no")
    local_zone = timezone.get_default_timezone()
    year_code = fiscal_year.code
    bad = re.compile(r"[|\t\r\n]").search

    def clean(text: str) -> str:
        return text.translate(_CLEAN) if text and bad(text) else text

    days: dict = {None: ""}
    valid_dates: dict = {}
    journals: dict = {}
    end = LINE_END
    yield sep.join(COLUMNS) + end
    with connection.cursor() as cursor:
        cursor.execute(matchings_sql, [organisation.pk, fiscal_year.pk])
        matched = {line_id: (code, full, day) for line_id, code, full, day in cursor.fetchall()}
    with connection.chunked_cursor() as entry_cursor, connection.chunked_cursor() as line_cursor:
        entry_cursor.execute(entries_sql, [organisation.pk, fiscal_year.pk, Entry.Status.POSTED,
                                           Journal.Kind.OPENING, "AN"])
        line_cursor.execute(lines_sql, [organisation.pk, fiscal_year.pk, True])
        line_rows = _rows(line_cursor, chunk_size)
        waiting: dict[int, list] = {}
        pending = next(line_rows, None)
        for entry_id, number, code, label_j, day, reference, voucher_date, entry_label, posted_at in \
                _rows(entry_cursor, chunk_size):
            # Gather this entry's lines: read on (buffering other entries' lines) past its id.
            while pending is not None and pending[0] <= entry_id:
                waiting.setdefault(pending[0], []).append(pending)
                pending = next(line_rows, None)
            journal = journals.get(code)
            if journal is None:
                journal = journals[code] = clean(code) + sep + clean(label_j) + sep
            ymd = days.get(day)
            if ymd is None:
                ymd = days[day] = _ymd(day)
            piece_day = days.get(voucher_date)
            if piece_day is None:
                piece_day = days[voucher_date] = _ymd(voucher_date)
            valid = valid_dates.get(posted_at)
            if valid is None:
                valid = valid_dates[posted_at] = _valid_date(posted_at, local_zone)
            number_text = f"{code}-{year_code}-{number:06d}"
            head = f"{journal}{number_text}{sep}{ymd}{sep}"
            piece = f"{clean(reference) or number_text}{sep}{piece_day or ymd}{sep}"
            for (_, account_id, party_id, label, debit, credit, line_id, currency_amount,
                 currency) in waiting.pop(entry_id, ()):
                let_code, let_full, let_date = matched.get(line_id, _UNMATCHED)
                if let_code:
                    let_day = days.get(let_date)
                    if let_day is None:
                        let_day = days[let_date] = _ymd(let_date)
                    let = f"{let_code if let_full else let_code.lower()}{sep}{let_day}"
                else:
                    let = sep
                yield (f"{head}{accounts[account_id]}{sep}{parties[party_id] if party_id else no_party}{sep}"
                       f"{piece}{clean(label) or clean(entry_label)}{sep}"
                       f"{f'{debit:.2f}'.replace('.', ',') if debit else '0,00'}{sep}"
                       f"{f'{credit:.2f}'.replace('.', ',') if credit else '0,00'}{sep}{let}{sep}{valid}{sep}"
                       f"{'' if currency_amount is None else f'{currency_amount:.2f}'.replace('.', ',')}{sep}"
                       f"{currency or ''}{end}")


def fec_iter(organisation, fiscal_year: FiscalYear, *, separator: str = "|", encoding: str = "utf-8",
             chunk_size: int = 10000) -> Iterator[bytes]:
    """The FEC file as encoded blocks of records (header first), for streaming to a response or a file.

    Records go out 1,000 at a time: one encode and one write per block instead of per line."""
    sep, enc = _options(separator, encoding)
    records = fec_records(organisation, fiscal_year, separator=sep, chunk_size=chunk_size)
    try:
        block: list[str] = []
        for record in records:
            block.append(record)
            if len(block) == 1000:
                yield _encode("".join(block), enc)
                block.clear()
        if block:
            yield _encode("".join(block), enc)
    finally:
        records.close()  # release the server-side cursors even when the reader stops early


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8":
        return text.encode("utf-8")
    return text.translate(_LATIN9).encode(encoding, errors="replace")


def fec_write(organisation, fiscal_year: FiscalYear, directory, *, separator: str = "|",
              encoding: str = "utf-8") -> Path:
    """Write the FEC into `directory` under its legal name; returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / fec_filename(organisation, fiscal_year)
    with path.open("wb", buffering=1 << 20) as handle:
        handle.writelines(fec_iter(organisation, fiscal_year, separator=separator, encoding=encoding))
    return path
