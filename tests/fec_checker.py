"""An independent FEC checker applying the checks of the DGFiP tool Test-Compta-Demat (reference §4).

Written apart from agora.ledger.fec on purpose (it imports nothing from Agora): the export is judged by
the rules, not by its own code. `check_fec` returns French error strings; an empty list means the file
passes.
"""

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

COLUMNS = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "CompAuxNum",
           "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit", "EcritureLet", "DateLet",
           "ValidDate", "Montantdevise", "Idevise"]
MANDATORY = ["JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib", "PieceRef",
             "PieceDate", "EcritureLib", "Debit", "Credit", "ValidDate"]
DATE_FIELDS = ["EcritureDate", "PieceDate", "DateLet", "ValidDate"]
AMOUNT_FIELDS = ["Debit", "Credit", "Montantdevise"]
FILENAME = re.compile(r"^(?P<siren>\d{9})FEC(?P<date>\d{8})(\.txt|\.csv)?$")
AMOUNT = re.compile(r"^-?\d+(,\d{1,2})?$")
MAX_ERRORS = 200


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{8}", text):
        return None
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None


def _fr(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if text else Decimal(0)


def check_filename(name: str, *, year_end: date | None = None, siren: str | None = None) -> list[str]:
    errors = []
    match = FILENAME.match(name)
    if not match:
        return [f"Nom de fichier « {name} » : attendu ‹SIREN›FEC‹AAAAMMJJ› (9 chiffres, FEC, date de clôture)."]
    closing = _date(match["date"])
    if closing is None:
        errors.append(f"Nom de fichier « {name} » : la date de clôture {match['date']} n'existe pas.")
    elif year_end is not None and closing != year_end:
        errors.append(f"Nom de fichier « {name} » : la date {match['date']} n'est pas la clôture de l'exercice "
                      f"({year_end:%Y%m%d}).")
    if siren is not None and match["siren"] != siren:
        errors.append(f"Nom de fichier « {name} » : le SIREN {match['siren']} n'est pas {siren}.")
    return errors


def _decode(data: bytes) -> tuple[str | None, list[str]]:
    if data.startswith(b"\xef\xbb\xbf"):
        return None, ["Le fichier commence par un BOM UTF-8 : l'outil de la DGFiP lit alors un en-tête faux."]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        return data.decode("iso-8859-15"), []


def check_fec(source, *, filename: str | None = None, year_start: date | None = None,
              year_end: date | None = None, siren: str | None = None) -> list[str]:
    """Check a FEC given as a path or bytes. The name (from the path or `filename`) is checked too."""
    if isinstance(source, (str, Path)):
        path = Path(source)
        data = path.read_bytes()
        filename = filename or path.name
    else:
        data = bytes(source)
    errors: list[str] = []
    if filename is not None:
        errors += check_filename(filename, year_end=year_end, siren=siren)
    text, problems = _decode(data)
    if text is None:
        return errors + problems
    lines = text.splitlines()
    if not lines:
        return [*errors, "Fichier vide."]
    header = lines[0]
    if "\t" in header and "|" in header:
        return [*errors, "En-tête : deux séparateurs mêlés (tabulation et |) ; un seul est admis."]
    separator = "\t" if "\t" in header else "|" if "|" in header else None
    if separator is None:
        return [*errors, "En-tête : séparateur introuvable (tabulation ou | attendu)."]
    names = header.split(separator)
    if names != COLUMNS:
        return [*errors, f"En-tête : les 18 champs attendus sont {'|'.join(COLUMNS)} ; lu {'|'.join(names)}."]
    if len(lines) < 2:
        errors.append("Aucune écriture dans le fichier.")
    total_debit = total_credit = Decimal(0)
    entries: dict[str, dict] = defaultdict(lambda: {"debit": Decimal(0), "credit": Decimal(0), "journal": set(),
                                                    "date": set(), "ref": set(), "piece_date": set(),
                                                    "first": 0})
    for number, line in enumerate(lines[1:], start=2):
        if len(errors) >= MAX_ERRORS:
            errors.append("Trop d'anomalies : contrôle interrompu.")
            break
        values = line.split(separator)
        if len(values) != len(COLUMNS):
            errors.append(f"Ligne {number} : {len(values)} champs au lieu de {len(COLUMNS)}.")
            continue
        record = dict(zip(COLUMNS, values, strict=True))
        for name in MANDATORY:
            if not record[name].strip():
                errors.append(f"Ligne {number} : le champ obligatoire {name} est vide.")
        for name in DATE_FIELDS:
            if record[name] and _date(record[name]) is None:
                errors.append(f"Ligne {number} : {name} « {record[name]} » n'est pas une date AAAAMMJJ réelle.")
        day = _date(record["EcritureDate"])
        if day is not None and ((year_start and day < year_start) or (year_end and day > year_end)):
            errors.append(f"Ligne {number} : EcritureDate {record['EcritureDate']} hors de l'exercice.")
        bad_amount = False
        for name in AMOUNT_FIELDS:
            if record[name] and not AMOUNT.match(record[name]):
                errors.append(f"Ligne {number} : {name} « {record[name]} » n'est pas un montant valide "
                              "(virgule décimale, sans séparateur de milliers).")
                bad_amount = True
        if not re.match(r"^\d{3}", record["CompteNum"]):
            errors.append(f"Ligne {number} : CompteNum « {record['CompteNum']} » ne commence pas par 3 chiffres.")
        if bool(record["CompAuxNum"]) != bool(record["CompAuxLib"]):
            errors.append(f"Ligne {number} : CompAuxNum et CompAuxLib vont ensemble.")
        if bool(record["EcritureLet"]) != bool(record["DateLet"]):
            errors.append(f"Ligne {number} : EcritureLet et DateLet vont ensemble.")
        if bool(record["Montantdevise"]) != bool(record["Idevise"]):
            errors.append(f"Ligne {number} : Montantdevise et Idevise vont ensemble.")
        if bad_amount:
            continue
        debit, credit = _amount(record["Debit"]), _amount(record["Credit"])
        if debit and credit:
            errors.append(f"Ligne {number} : un débit et un crédit sur la même ligne.")
        total_debit += debit
        total_credit += credit
        entry = entries[record["EcritureNum"]]
        entry["first"] = entry["first"] or number
        entry["debit"] += debit
        entry["credit"] += credit
        entry["journal"].add(record["JournalCode"])
        entry["date"].add(record["EcritureDate"])
        entry["ref"].add(record["PieceRef"])
        entry["piece_date"].add(record["PieceDate"])
    for num, entry in entries.items():
        where = f"Écriture {num} (ligne {entry['first']})"
        if entry["debit"] != entry["credit"]:
            errors.append(f"{where} : déséquilibrée, débit {_fr(entry['debit'])} ≠ crédit {_fr(entry['credit'])}.")
        for key, label in (("journal", "JournalCode"), ("date", "EcritureDate"), ("ref", "PieceRef"),
                           ("piece_date", "PieceDate")):
            if len(entry[key]) > 1:
                errors.append(f"{where} : plusieurs {label} ({', '.join(sorted(entry[key]))}).")
    if total_debit != total_credit:
        errors.append(f"Fichier : total débit {_fr(total_debit)} ≠ total crédit {_fr(total_credit)}.")
    return errors
