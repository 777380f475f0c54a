"""CFONB 120, the French banks' fixed-width statement ("relevé de compte 120 caractères").

Records: 01 old balance, 04 movement, 05 complement of the previous 04 (qualifier + 70 characters), 07 new
balance. Positions (1-based): 1-2 record code, 3-7 bank code, 12-16 branch code, 17-19 currency, 20 number of
decimals, 22-32 account number, 33-34 interbank operation code, 35-40 date DDMMYY, 43-48 value date, 49-79
label, 82-88 entry number, 91-104 amount (13 digits then one character merging the last digit and the sign:
"{" and A–I positive, "}" and J–R negative), 105-120 reference. A file may hold several accounts' statements,
each from its 01 to its 07; a bank may send the records without line breaks (then cut every 120 characters), and
some tools strip the trailing blanks of a record (padded back to 120).
"""

from decimal import Decimal

from .common import ParsedLine, ParsedStatement, complete, invalid, parse_date, text

_SIGNS = {c: (1, d) for d, c in enumerate("{ABCDEFGHI")} | {c: (-1, d) for d, c in enumerate("}JKLMNOPQR")}
# 05 qualifiers carrying the other party's name, and references
_NAMES = {"NPY", "NBE", "NPO", "NBU"}
_REFERENCES = {"REF", "RCN"}


def _records(content: bytes) -> list[str]:
    raw = text(content).replace("\r\n", "\n").replace("\r", "\n")
    lines = raw.split("\n")
    if len(lines) == 1 or (len(lines) == 2 and not lines[1]):
        lines = [raw[i:i + 120] for i in range(0, len(raw.rstrip("\n")), 120)]
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _amount(record: str, where: str) -> Decimal:
    field, decimals = record[90:104], record[19]
    if not decimals.isdigit():
        raise invalid(f"{where} : nombre de décimales illisible « {decimals} ».")
    sign = _SIGNS.get(field[13:14])
    if sign is None or not field[:13].isdigit():
        raise invalid(f"{where} : montant illisible « {field} ».")
    return Decimal(sign[0] * int(field[:13] + str(sign[1]))).scaleb(-int(decimals)).quantize(Decimal("0.01"))


def _account(record: str) -> tuple[str, str, str]:
    return record[2:7], record[11:16], record[21:32]


def parse_cfonb(content: bytes) -> list[ParsedStatement]:
    statements: list[ParsedStatement] = []
    current: ParsedStatement | None = None
    for number, record in enumerate(_records(content), start=1):
        where = f"Ligne {number}"
        if not 34 <= len(record) <= 120:  # some tools strip the trailing blanks: padded back
            raise invalid(f"{where} : {len(record)} caractères au lieu de 120.")
        record = record.ljust(120)
        code = record[:2]
        if code == "01":
            if current is not None:
                raise invalid(f"{where} : nouveau solde (07) manquant avant ce relevé.")
            bank, branch, account = _account(record)
            current = ParsedStatement(bank_code=bank, branch_code=branch, account_number=account,
                                      currency=record[16:19].strip() or "EUR",
                                      start_date=parse_date(record[34:40], "%d%m%y", where),
                                      opening_balance=_amount(record, where))
            continue
        if current is None:
            raise invalid(f"{where} : enregistrement « {code} » hors d'un relevé (ancien solde 01 attendu).")
        if _account(record) != (current.bank_code, current.branch_code, current.account_number):
            raise invalid(f"{where} : compte {record[21:32]} différent de celui de l'ancien solde.")
        if code == "04":
            day = parse_date(record[34:40], "%d%m%y", where)
            value = parse_date(record[42:48], "%d%m%y", where) if record[42:48].strip() else None
            current.lines.append(ParsedLine(
                date=day, value_date=value, amount=_amount(record, where), label=record[48:79].strip(),
                reference=record[104:120].strip(), bank_code=record[32:34].strip(), source=where))
        elif code == "05":
            if not current.lines:
                raise invalid(f"{where} : complément (05) sans opération (04) avant lui.")
            _complement(current.lines[-1], record[45:48], record[48:118].strip())
        elif code == "07":
            current.end_date = parse_date(record[34:40], "%d%m%y", where)
            current.closing_balance = _amount(record, where)
            statements.append(complete(current, f"Relevé du compte {current.account_number} (ligne {number})"))
            current = None
        else:
            raise invalid(f"{where} : type d'enregistrement inconnu « {code} » (01, 04, 05 ou 07 attendu).")
    if current is not None:
        raise invalid(f"Relevé du compte {current.account_number} : nouveau solde (07) manquant en fin de fichier.")
    if not statements:
        raise invalid("Fichier CFONB sans relevé.")
    return statements


def _complement(line: ParsedLine, qualifier: str, info: str) -> None:
    if qualifier in _NAMES and not line.counterparty_name:
        line.counterparty_name = info[:140]
    elif qualifier in _REFERENCES and not line.reference:
        line.reference = info[:140]
    elif info:
        line.label = f"{line.label} {info}"[:300]
