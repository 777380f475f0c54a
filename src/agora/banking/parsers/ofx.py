"""OFX 1.x (SGML) and 2.x (XML) statements: ofxtools reads the header and the SGML/XML into an element tree,
then the statements are read here, element by element.

Why not ofxtools' typed models (`convert()`): they skip an unexpected element with a mere warning, so a damaged
file could lose a transaction silently (and OFX gives no opening balance to catch it), and they take 5 s for
50,000 transactions. Here an unexpected element inside a transaction list is refused, naming it.

FITID, the bank's unique id of a transaction, becomes the line's reference (duplicate detection relies on
it); TRNAMT is already signed from the holder's side; LEDGERBAL is the closing balance and the opening is
derived as closing − Σ movements. Dates are taken as the bank wrote them (YYYYMMDD, the bank's local day).
"""

import io
from datetime import date
from decimal import Decimal, InvalidOperation

from ofxtools.Parser import OFXTree

from .common import ParsedLine, ParsedStatement, compact_iban, complete, invalid

_LIST_HEAD = {"DTSTART", "DTEND"}
_NESTED_OK = {"PAYEE", "CURRENCY", "ORIGCURRENCY", "BANKACCTTO", "CCACCTTO", "INV401KSOURCE"}


def _root(content: bytes):
    """ofxtools raises many kinds of errors on a broken file (its own, ValueError, KeyError, IndexError…):
    they all mean "not a readable OFX", said in French."""
    parser = OFXTree()
    try:
        parser.parse(io.BytesIO(content))
        return parser.getroot()
    except Exception as error:  # noqa: BLE001 — any failure of the third-party parser is a malformed file
        detail = str(error).strip().splitlines()[0][:200] if str(error).strip() else type(error).__name__
        raise invalid(f"Fichier OFX illisible : {detail}.") from error


def _text(element, tag: str) -> str:
    found = element.find(tag) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _day(raw: str, where: str, what: str) -> date | None:
    if not raw:
        return None
    try:
        return date(int(raw[0:4]), int(raw[4:6]), int(raw[6:8]))
    except ValueError as error:
        raise invalid(f"{where} : {what} illisible « {raw[:30]} ».") from error


def _amount(raw: str, where: str) -> Decimal:
    try:
        value = Decimal(raw.replace(",", ".").replace(" ", ""))
    except InvalidOperation as error:
        raise invalid(f"{where} : montant illisible « {raw[:30]} ».") from error
    if not value.is_finite() or value != value.quantize(Decimal("0.01")):
        raise invalid(f"{where} : montant illisible « {raw[:30]} ».")
    return value.quantize(Decimal("0.01"))


def _line(transaction, where: str) -> ParsedLine:
    values = {}
    for child in transaction:
        if len(child) and child.tag not in _NESTED_OK:
            raise invalid(f"{where} : élément inattendu <{child.tag}> dans l'opération.")
        values[child.tag] = (child.text or "").strip()
    if not values.get("TRNAMT") or not values.get("DTPOSTED"):
        raise invalid(f"{where} : montant (TRNAMT) ou date (DTPOSTED) manquant.")
    name, memo = values.get("NAME", ""), values.get("MEMO", "")
    label = " ".join(part for part in (name, memo) if part) or values.get("TRNTYPE", "")
    return ParsedLine(
        date=_day(values["DTPOSTED"], where, "date"),
        value_date=_day(values.get("DTAVAIL", ""), where, "date de valeur"),
        amount=_amount(values["TRNAMT"], where), label=label[:300],
        reference=(values.get("FITID") or values.get("REFNUM") or values.get("CHECKNUM") or "")[:140],
        counterparty_name=name[:140], bank_code=values.get("TRNTYPE", "")[:40], source=where)


def _statement(stmt, where: str) -> ParsedStatement:
    account = stmt.find("BANKACCTFROM")
    if account is None:
        account = stmt.find("CCACCTFROM")
    tranlist = stmt.find("BANKTRANLIST")
    if account is None or tranlist is None:
        raise invalid(f"{where} : compte (BANKACCTFROM) ou liste des opérations (BANKTRANLIST) manquant.")
    lines = []
    for child in tranlist:
        if child.tag in _LIST_HEAD:
            continue
        if child.tag != "STMTTRN":
            raise invalid(f"{where} : élément inattendu <{child.tag}> dans la liste des opérations.")
        lines.append(_line(child, f"{where}, opération {len(lines) + 1} ({_text(child, 'FITID') or 'sans FITID'})"))
    number = _text(account, "ACCTID")
    balance = _text(stmt.find("LEDGERBAL"), "BALAMT")
    if not balance:
        raise invalid(f"{where} : solde (LEDGERBAL) manquant.")
    return ParsedStatement(
        account_number=number, iban=compact_iban(number) if number.upper().startswith("FR") and len(number) > 20
        else "", bank_code=_text(account, "BANKID"), branch_code=_text(account, "BRANCHID"),
        currency=_text(stmt, "CURDEF") or "EUR", start_date=_day(_text(tranlist, "DTSTART"), where, "début"),
        end_date=_day(_text(tranlist, "DTEND"), where, "fin"),
        closing_balance=_amount(balance, f"{where}, solde (LEDGERBAL)"), lines=lines)


def parse_ofx(content: bytes) -> list[ParsedStatement]:
    if not content.rstrip().upper().endswith(b"</OFX>"):  # ofxtools closes a truncated file silently
        raise invalid("Fichier OFX incomplet : la balise de fin </OFX> manque (fichier tronqué ?).")
    root = _root(content)
    found = [element for element in root.iter() if element.tag in ("STMTRS", "CCSTMTRS")]
    if not found:
        raise invalid("Fichier OFX sans relevé de compte (STMTRS).")
    return [complete(_statement(stmt, f"Relevé OFX n° {n}"), f"Relevé OFX n° {n}")
            for n, stmt in enumerate(found, start=1)]
