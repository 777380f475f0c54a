"""Recognising a received file by its content (never by its name): a Factur-X PDF, a CII XML or a UBL 2.1 XML.

A PDF must carry its structured invoice as an embedded XML (Factur-X / ZUGFeRD 2); XML is parsed with entities,
DTDs and the network switched off, so a hostile file cannot read local files or call out.
"""

from dataclasses import dataclass

from lxml import etree

from agora.core.errors import BusinessError

CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
UBL_INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
ROOTS = {(CII_NS, "CrossIndustryInvoice"): "cii", (UBL_INVOICE_NS, "Invoice"): "ubl",
         (UBL_CREDIT_NOTE_NS, "CreditNote"): "ubl"}
EMBEDDED_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml", "*.xml"]
MAX_SIZE = 20 * 1024 * 1024
FIELD = "file"


@dataclass
class Received:
    """A recognised file: its format ("facturx", "cii", "ubl"), its syntax ("cii", "ubl"), the parsed XML."""

    format: str
    syntax: str
    xml: bytes
    tree: etree._Element
    pdf: bytes | None = None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=False)


def _preview(content: bytes) -> str:
    text = content[:40].decode("utf-8", "replace")
    if sum(ch.isprintable() for ch in text) < 0.8 * len(text):
        return "contenu binaire"
    text = " ".join(text.split())
    return f"le fichier commence par « {text} »" if text else "le fichier est vide"


def _parse_xml(xml: bytes, *, where: str) -> etree._Element:
    try:
        return etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as exc:
        line = f" (ligne {exc.lineno})" if getattr(exc, "lineno", None) else ""
        raise BusinessError("einvoice_malformed", f"{where} est mal formé, tronqué ou illisible{line} : "
                            f"{exc.msg}.", field=FIELD) from exc


def _syntax_of(tree: etree._Element) -> str:
    qname = etree.QName(tree)
    syntax = ROOTS.get((qname.namespace or "", qname.localname))
    if syntax is None:
        kind = f"{qname.localname} ({qname.namespace})" if qname.namespace else qname.localname
        raise BusinessError("einvoice_unknown_format", f"Format non reconnu : ce XML est un document « {kind} », "
                            "pas une facture électronique CII (Factur-X) ni UBL 2.1.", field=FIELD)
    return syntax


def _embedded_xml(pdf: bytes) -> bytes:
    """The Factur-X XML attached to the PDF (without the package's own XSD check: ours names the field)."""
    from facturx import get_xml_from_pdf

    try:
        _name, xml = get_xml_from_pdf(pdf, check_xsd=False, filenames=EMBEDDED_NAMES)
    except Exception as exc:  # pypdf raises many kinds of errors on a damaged file
        raise BusinessError("einvoice_bad_pdf", "Ce PDF est endommagé ou illisible : impossible d'y lire une "
                            "facture électronique.", field=FIELD) from exc
    if not xml:
        raise BusinessError("einvoice_no_xml", "Ce PDF ne contient pas de facture électronique Factur-X "
                            "(aucun XML embarqué).", field=FIELD)
    return xml


def received_detect(content: bytes) -> Received:
    """Recognise `content`; refuse a foreign, empty, oversized or unreadable file with a French message."""
    if not content:
        raise BusinessError("einvoice_empty", "Le fichier est vide.", field=FIELD)
    if len(content) > MAX_SIZE:
        raise BusinessError("einvoice_too_large", f"Fichier trop volumineux ({len(content) // 1024 // 1024} Mo) : "
                            f"{MAX_SIZE // 1024 // 1024} Mo au plus.", field=FIELD)
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if content[:1024].find(b"%PDF-") != -1:
        xml = _embedded_xml(content)
        tree = _parse_xml(xml, where="Le XML embarqué dans ce PDF")
        if _syntax_of(tree) != "cii":
            raise BusinessError("einvoice_unknown_format", "Format non reconnu : le XML embarqué dans ce PDF n'est "
                                "pas une facture CII (Factur-X).", field=FIELD)
        return Received("facturx", "cii", xml, tree, content)
    if head.startswith(b"<"):
        tree = _parse_xml(content, where="Le fichier XML")
        syntax = _syntax_of(tree)
        return Received(syntax, syntax, content, tree)
    raise BusinessError("einvoice_unknown_format", f"Format non reconnu : ni PDF Factur-X, ni XML CII ou UBL "
                        f"({_preview(content)}).", field=FIELD)
