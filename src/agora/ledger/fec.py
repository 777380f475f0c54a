"""Fichier des écritures comptables (FEC), exactly per LPF art. A47 A-1 (reference §4).

One record per posted line of the fiscal year, the 18 columns in their legal order, opening entries (AN)
first then in validation order. The file is streamed line by line from one ordered query, so a year of a
million lines never sits in memory.
"""

from collections.abc import Iterator
from pathlib import Path

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from agora.core.errors import BusinessError

from .models import EntryLine, FiscalYear, Journal

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


def fec_lines(organisation, fiscal_year: FiscalYear, *, chunk_size: int = 5000):
    """The FEC rows as value tuples (posted lines only), opening entries first, then in validation order
    (posted at, journal, number) and line order."""
    if fiscal_year.organisation_id != organisation.pk:
        raise BusinessError("not_found", "Exercice introuvable.", field="year")
    opening_journals = list(Journal.objects.filter(organisation=organisation)
                            .filter(Q(kind=Journal.Kind.OPENING) | Q(code="AN")).values_list("pk", flat=True))
    return (EntryLine.objects.filter(organisation=organisation, fiscal_year=fiscal_year, posted=True)
            .annotate(opening_first=Case(When(journal_id__in=opening_journals, then=Value(0)), default=Value(1),
                                         output_field=IntegerField()))
            .order_by("opening_first", "entry__posted_at", "journal__code", "entry__number", "entry_id", "line_no")
            .values_list("journal__code", "journal__label", "entry_id", "entry__number", "date", "account__code",
                         "account__label", "party__code", "party__name", "entry__reference",
                         "entry__voucher_date", "label", "entry__label", "debit", "credit",
                         "matching_part__matching__code", "matching_part__matching__is_full",
                         "matching_part__matching__date", "entry__posted_at", "currency_amount", "currency")
            .iterator(chunk_size=chunk_size))


def fec_iter(organisation, fiscal_year: FiscalYear, *, separator: str = "|", encoding: str = "utf-8",
             chunk_size: int = 5000) -> Iterator[bytes]:
    """The FEC file as encoded byte lines (header first), for streaming to a response or a file."""
    sep, enc = _options(separator, encoding)
    latin9 = enc != "utf-8"

    def encode(text: str) -> bytes:
        if latin9:
            return text.translate(_LATIN9).encode(enc, errors="replace")
        return text.encode(enc)

    days: dict = {}

    def ymd(day) -> str:
        if day is None:
            return ""
        text = days.get(day)
        if text is None:
            text = days[day] = f"{day.year:04d}{day.month:02d}{day.day:02d}"
        return text

    rows = fec_lines(organisation, fiscal_year, chunk_size=chunk_size)
    year_code = fiscal_year.code
    try:
        yield encode(sep.join(COLUMNS) + LINE_END)
        yield from _records(rows, year_code, sep, encode, ymd)
    finally:
        rows.close()  # release the server-side cursor even when the reader stops early


def _records(rows, year_code, sep, encode, ymd):
    def amount(value) -> str:
        return f"{value:.2f}".replace(".", ",")

    clean = _CLEAN
    entry_id = None
    number_text = valid_date = ""
    for (journal, journal_label, current_entry, number, day, account, account_label, party, party_name, reference,
         voucher_date, label, entry_label, debit, credit, let_code, let_full, let_date, posted_at,
         currency_amount, currency) in rows:
        if current_entry != entry_id:
            entry_id = current_entry
            number_text = f"{journal}-{year_code}-{number:06d}"
            valid_date = ymd(timezone.localtime(posted_at).date()) if posted_at else ymd(day)
        fields = (
            journal, journal_label, number_text, ymd(day), account, account_label, party or "", party_name or "",
            reference or number_text, ymd(voucher_date or day), label or entry_label, amount(debit),
            amount(credit), (let_code if let_full else let_code.lower()) if let_code else "",
            ymd(let_date) if let_code else "", valid_date,
            amount(currency_amount) if currency_amount is not None else "", currency or "",
        )
        yield encode(sep.join([f.translate(clean) for f in fields]) + LINE_END)


def fec_write(organisation, fiscal_year: FiscalYear, directory, *, separator: str = "|",
              encoding: str = "utf-8") -> Path:
    """Write the FEC into `directory` under its legal name; returns the path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / fec_filename(organisation, fiscal_year)
    with path.open("wb", buffering=1 << 20) as handle:
        handle.writelines(fec_iter(organisation, fiscal_year, separator=separator, encoding=encoding))
    return path
