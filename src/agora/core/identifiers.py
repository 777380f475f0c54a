"""Legal identifiers (SIREN, SIRET, intra-EU VAT number, APE, IBAN, BIC) checked with python-stdnum.

Each check returns the compact form or raises BusinessError naming the field.
"""

import re

from stdnum import bic, iban
from stdnum.exceptions import ValidationError
from stdnum.fr import siren, siret, tva

from .errors import BusinessError


def _check(module, value: str, *, field: str, label: str) -> str:
    if not value:
        return ""
    try:
        return module.validate(value)
    except ValidationError as exc:
        raise BusinessError(f"invalid_{field}", f"{label} invalide : « {value} ».", field=field) from exc


def clean_siren(value: str, field: str = "siren") -> str:
    return _check(siren, value, field=field, label="SIREN")


def clean_siret(value: str, field: str = "siret") -> str:
    return _check(siret, value, field=field, label="SIRET")


def clean_vat_number(value: str, field: str = "vat_number") -> str:
    """Compact form with its "FR" prefix, as invoices and Factur-X print it."""
    number = _check(tva, value, field=field, label="Numéro de TVA intracommunautaire")
    return f"FR{number}" if number else ""


def clean_iban(value: str, field: str = "iban") -> str:
    return _check(iban, value, field=field, label="IBAN")


def clean_bic(value: str, field: str = "bic") -> str:
    return _check(bic, value, field=field, label="BIC")


def clean_ape_code(value: str, field: str = "ape_code") -> str:
    """NAF rev. 2 code: two digits, dot optional, two digits, one letter (e.g. 47.91B)."""
    if not value:
        return ""
    compact = value.replace(".", "").strip().upper()
    if not re.fullmatch(r"\d{4}[A-Z]", compact):
        raise BusinessError("invalid_ape_code", f"Code APE invalide : « {value} » (ex. 47.91B).", field=field)
    return f"{compact[:2]}.{compact[2:]}"
