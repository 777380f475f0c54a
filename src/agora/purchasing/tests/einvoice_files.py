"""Received e-invoice files for the tests: the hand-written CII and UBL fixtures (tests/data/), variants of them
with one element changed, and Factur-X PDFs built around them (a blank PDF page, no WeasyPrint: fast)."""

from io import BytesIO
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


def cii(**replace: str) -> bytes:
    """The Papeterie Rhône CII invoice (total 678.40), with `old=new` text replacements (keys are labels)."""
    return _replaced(fixture("cii_papeterie.xml"), replace)


def ubl(**replace: str) -> bytes:
    """The Cabinet Conseil Gestion UBL invoice (total 393.30), with replacements."""
    return _replaced(fixture("ubl_conseil.xml"), replace)


def ubl_credit_note(**replace: str) -> bytes:
    """The UBL invoice turned into a UBL CreditNote (type 381) of the same figures, with replacements."""
    content = ubl(root=('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
                        '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"'),
                  end=("</Invoice>", "</CreditNote>"),
                  code=("InvoiceTypeCode>380</cbc:InvoiceTypeCode", "CreditNoteTypeCode>381</cbc:CreditNoteTypeCode"),
                  due=("  <cbc:DueDate>2026-04-19</cbc:DueDate>\n", ""), **replace)
    return content.replace(b"InvoiceLine>", b"CreditNoteLine>").replace(b"InvoicedQuantity", b"CreditedQuantity")


def _replaced(content: bytes, replace: dict[str, str]) -> bytes:
    text = content.decode("utf-8")
    for pair in replace.values():
        old, new = pair
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode("utf-8")


def line_of(content: bytes, needle: str) -> int:
    """The 1-based line of the first occurrence of `needle` (to check the line an error message names)."""
    text = content.decode("utf-8")
    return text[:text.index(needle)].count("\n") + 1


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def facturx_pdf(xml: bytes) -> bytes:
    """A Factur-X PDF carrying `xml` (not checked: the tests also embed broken XML)."""
    from facturx import generate_from_binary

    return generate_from_binary(blank_pdf(), xml, flavor="factur-x", level="en16931", check_xsd=False)
