"""Incoming e-invoices: recognise the file (Factur-X PDF, CII XML, UBL 2.1 XML), check it against its XSD, read it
into a neutral IncomingInvoice and check its arithmetic. Pure reading: nothing here touches the database, so the
import service can refuse a bad file before writing anything.

    received, invoice = einvoice_read(content)
"""

from .checks import totals_check
from .cii import cii_parse
from .detect import Received, received_detect
from .incoming import IncomingInvoice
from .ubl import ubl_parse
from .xsd import xsd_check

__all__ = ["IncomingInvoice", "Received", "einvoice_read"]


def einvoice_read(content: bytes) -> tuple[Received, IncomingInvoice]:
    """Recognise, validate and read a received file; BusinessError (French, naming the field) when it cannot."""
    received = received_detect(content)
    xsd_check(received)
    invoice = (cii_parse if received.syntax == "cii" else ubl_parse)(received.tree)
    totals_check(invoice)
    return received, invoice
