"""Fichier des écritures comptables (FEC), exactly per LPF art. A47 A-1 (reference §4).

One record per posted line of the fiscal year, the 18 columns in their legal order, opening entries (AN)
first then in validation order. The file is streamed in blocks through server-side cursors, so a year of
a million lines never sits in memory.
"""

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from itertools import chain
from pathlib import Path

from django.db import connection
from django.utils import timezone

from agora.core.errors import BusinessError
from agora.parties.models import Party

from . import cents
from .models import Account, Entry, EntryLine, FiscalYear, Journal, Matching, MatchingPart

COLUMNS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise"]
SEPARATORS = {"|": "|", "pipe": "|", "\t": "\t", "tab": "\t", "tabulation": "\t"}
ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "iso-8859-15": "iso-8859-15", "iso8859-15": "iso-8859-15",
             "latin-9": "iso-8859-15", "latin9": "iso-8859-15"}
LINE_END = "\r\n"

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


def _ymd(text: str | None) -> str:
    """'2026-01-05' (ISO text, as both databases CAST a date) -> '20260105'."""
    return f"{text[:4]}{text[5:7]}{text[8:10]}" if text else ""


def _valid_date(posted_at: str | None, local_zone) -> str:
    """Validation date in French time: posted_at is stored in UTC (its CAST text starts 'YYYY-MM-DD HH:MM:SS')."""
    if not posted_at:
        return ""
    moment = datetime.fromisoformat(posted_at[:19]).replace(tzinfo=UTC).astimezone(local_zone)
    return f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"


def _journal_order(opening: list[int], in_code_order: list[int]) -> tuple[str, str]:
    """Two ORDER BY terms on e.journal_id: opening journals first, then the journals' code order, as integer
    CASEs over the organisation's few journals, so the entries sort without joining the journal table."""
    first = "1"
    if opening:
        first = f"CASE WHEN e.journal_id IN ({', '.join(str(int(pk)) for pk in opening)}) THEN 0 ELSE 1 END"
    by_code = "0"
    if in_code_order:
        ranks = " ".join(f"WHEN {int(pk)} THEN {rank}" for rank, pk in enumerate(in_code_order))
        by_code = f"CASE e.journal_id {ranks} ELSE {len(in_code_order)} END"
    return first, by_code


def _stream(cursor, chunk_size: int):
    """The cursor's rows one by one, fetched in chunks (a C-level iterator: no Python frame per row)."""
    return chain.from_iterable(iter(partial(cursor.fetchmany, chunk_size), []))


def fec_blocks(organisation, fiscal_year: FiscalYear, *, separator: str = "|", chunk_size: int = 10000,
               block_size: int = 1000) -> Iterator[str]:
    """The FEC as text blocks of about `block_size` records (each ending CRLF), header first.

    Two streams read in step: the entries in FEC order (opening journal first, then posted at, journal code,
    number) and their lines in entry-id order, each through a server-side cursor. Lines read ahead of their
    entry wait in a small buffer (entries of one posting batch are numbered per journal, so the two orders
    differ only locally). Per entry its head and piece cells are built once; per line the work is a few dict
    lookups and one f-string: dates come as text (CAST) and amounts as integer cents, so no Decimal, date or
    float conversion runs per value, and accounts, parties and matchings are cells prepared once.
    """
    if fiscal_year.organisation_id != organisation.pk:
        raise BusinessError("not_found", "Exercice introuvable.", field="year")
    sep = SEPARATORS.get(separator, separator)
    bad = re.compile(r"[|\t\r\n]").search

    def clean(text: str) -> str:
        return text.translate(_CLEAN) if text and bad(text) else text

    accounts = {pk: clean(code) + sep + clean(label)
                for pk, code, label in Account.objects.filter(organisation=organisation)
                .values_list("pk", "code", "label")}
    parties = {None: sep} | {pk: clean(code) + sep + clean(name)
                             for pk, code, name in Party.objects.filter(organisation=organisation)
                             .values_list("pk", "code", "name")}
    # Journals in code order as the database collates them: their rank sorts entries without a join.
    ordered = list(Journal.objects.filter(organisation=organisation).order_by("code")
                   .values_list("pk", "code", "label", "kind"))
    journals = {pk: (code, clean(code) + sep + clean(label) + sep) for pk, code, label, _ in ordered}
    first, by_code = _journal_order([pk for pk, code, _, kind in ordered if kind == Journal.Kind.OPENING
                                     or code == "AN"], [pk for pk, *_ in ordered])
    entry, line = Entry._meta.db_table, EntryLine._meta.db_table
    part, matching = MatchingPart._meta.db_table, Matching._meta.db_table
    # SQLite would walk the year through an index and fetch each row from the table at random; reading the
    # table in order and sorting costs less (entries and lines alike).
    scan = "NOT INDEXED" if connection.vendor == "sqlite" else ""
    entries_sql = (
        f"SELECT e.id, e.number, e.journal_id, CAST(e.date AS TEXT), e.reference, CAST(e.voucher_date AS TEXT), "
        f"e.label, CAST(e.posted_at AS TEXT) FROM {entry} e {scan} "
        f"WHERE e.organisation_id = %s AND e.fiscal_year_id = %s AND e.state = %s "
        f"ORDER BY {first}, e.posted_at, {by_code}, e.number, e.id")
    # Matchings are read once into a dict: two outer joins per line cost more than the line scan itself.
    matchings_sql = (
        f"SELECT mp.line_id, m.code, m.is_full, CAST(m.date AS TEXT) FROM {part} mp "
        f"INNER JOIN {matching} m ON m.id = mp.matching_id INNER JOIN {line} l ON l.id = mp.line_id "
        f"WHERE m.organisation_id = %s AND l.fiscal_year_id = %s")
    lines_sql = (
        f"SELECT l.entry_id, l.account_id, l.party_id, l.label, {cents.SQL.format('l.debit')}, "
        f"{cents.SQL.format('l.credit')}, l.id, {cents.SQL.format('l.currency_amount')}, l.currency "
        f"FROM {line} l {scan} "
        f"WHERE l.organisation_id = %s AND l.fiscal_year_id = %s AND l.posted = %s "
        f"ORDER BY l.entry_id, l.line_no")
    local_zone = timezone.get_default_timezone()
    year_code = fiscal_year.code
    days: dict = {None: ""}
    valid_dates: dict = {}
    hundredths, end = cents.CENTS, LINE_END
    no_let = sep  # EcritureLet and DateLet both empty
    with connection.cursor() as cursor:
        cursor.execute(matchings_sql, [organisation.pk, fiscal_year.pk])
        lets = {line_id: f"{code if full else code.lower()}{sep}{_ymd(day)}"
                for line_id, code, full, day in cursor.fetchall()}
    block = [sep.join(COLUMNS) + end]
    with connection.chunked_cursor() as entry_cursor, connection.chunked_cursor() as line_cursor:
        entry_cursor.execute(entries_sql, [organisation.pk, fiscal_year.pk, Entry.Status.POSTED])
        line_cursor.execute(lines_sql, [organisation.pk, fiscal_year.pk, True])
        line_rows = _stream(line_cursor, chunk_size)
        waiting: dict[int, list] = {}
        pending = next(line_rows, None)
        for entry_id, number, journal_id, day, reference, voucher_date, entry_label, posted_at in \
                _stream(entry_cursor, chunk_size):
            # Gather this entry's lines: read on (buffering other entries' lines) past its id.
            entry_lines = waiting.pop(entry_id, None) or []
            while pending is not None and pending[0] <= entry_id:
                if pending[0] == entry_id:
                    entry_lines.append(pending)
                else:
                    waiting.setdefault(pending[0], []).append(pending)
                pending = next(line_rows, None)
            code, journal_cells = journals[journal_id]
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
            head = f"{journal_cells}{number_text}{sep}{ymd}{sep}"
            piece = f"{clean(reference) or number_text}{sep}{piece_day or ymd}{sep}"
            entry_text = clean(entry_label)
            tail = f"{sep}{valid}{sep}"
            for _, account_id, party_id, label, debit, credit, line_id, currency_amount, currency in entry_lines:
                block.append(
                    f"{head}{accounts[account_id]}{sep}{parties[party_id]}{sep}{piece}"
                    f"{entry_text if label == entry_label else clean(label) or entry_text}{sep}"
                    f"{debit // 100}{hundredths[debit % 100]}{sep}{credit // 100}{hundredths[credit % 100]}{sep}"
                    f"{lets.get(line_id, no_let)}{tail}"
                    f"{'' if currency_amount is None else cents.cents_text(currency_amount)}{sep}{currency or ''}{end}")
            if len(block) >= block_size:
                yield "".join(block)
                block.clear()
    if block:
        yield "".join(block)


def fec_iter(organisation, fiscal_year: FiscalYear, *, separator: str = "|", encoding: str = "utf-8",
             chunk_size: int = 10000) -> Iterator[bytes]:
    """The FEC file as encoded blocks of records (header first), for streaming to a response or a file.

    One encode and one write per block of about 1,000 records instead of per line."""
    sep, enc = _options(separator, encoding)
    blocks = fec_blocks(organisation, fiscal_year, separator=sep, chunk_size=chunk_size)
    try:
        for text in blocks:
            yield _encode(text, enc)
    finally:
        blocks.close()  # release the server-side cursors even when the reader stops early


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
