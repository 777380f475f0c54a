"""Statement parsers: `parse_statement(content, format, layout)` reads OFX, CAMT.053, CFONB 120 or CSV bytes
into `ParsedStatement`s, detecting the format from the content when not given. Pure functions, no ORM."""

from agora.core.errors import BusinessError

from .camt import parse_camt
from .cfonb import parse_cfonb
from .common import ParsedLine, ParsedStatement, invalid
from .csv import CsvLayout, parse_csv
from .ofx import parse_ofx

__all__ = ["CsvLayout", "ParsedLine", "ParsedStatement", "detect_format", "parse_statement"]

MAX_BYTES = 200 * 1024 * 1024


def detect_format(content: bytes) -> str:
    """"ofx", "camt053", "cfonb120" or "csv" (the default: anything else is read through a mapping)."""
    head = content[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    upper = head.upper()
    if upper.startswith(b"OFXHEADER") or b"<OFX>" in upper or b"<?OFX" in upper:
        return "ofx"
    if b"camt.053" in head and b"<" in head[:1]:
        return "camt053"
    first = head.split(b"\n", 1)[0].rstrip(b"\r")
    if first[:2] == b"01" and first[2:7].isdigit() and (104 <= len(first) <= 120 or len(first) % 120 == 0):
        return "cfonb120"
    return "csv"


def parse_statement(content: bytes, format: str | None = None,  # noqa: A002 — the user's word
                    layout: CsvLayout | None = None) -> list[ParsedStatement]:
    if not content or (not content[:4096].strip() and not content.strip()):  # strip() copies: look at the head
        raise invalid("Le fichier est vide.")
    if len(content) > MAX_BYTES:
        raise invalid("Fichier trop volumineux (200 Mo au plus).")
    format = format or detect_format(content)  # noqa: A001
    if format == "ofx":
        return parse_ofx(content)
    if format == "camt053":
        return parse_camt(content)
    if format == "cfonb120":
        return parse_cfonb(content)
    if format == "csv":
        if layout is None:
            raise BusinessError("csv_mapping_required", "Fichier CSV : choisissez ou créez le modèle d'import "
                                "(colonnes de date, libellé, montant) de ce compte.", field="mapping")
        return parse_csv(content, layout)
    raise BusinessError("unknown_format", f"Format de relevé inconnu : « {format} ».", field="format")
