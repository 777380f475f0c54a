"""What a return shows: its boxes by section of the official form (working screen in cents, PDF in whole euros)."""

from django.utils import timezone

from agora.core.exports import logo_uri, pdf_bytes
from agora.vat import domain
from agora.vat.models import VatReturn
from agora.vat.selectors.returns import return_computation

SECTIONS = [
    ("A. Montant des opérations réalisées — opérations imposables (HT)", ["A1", "A2", "A3", "B2", "B4"]),
    ("A. Montant des opérations réalisées — opérations non imposables", ["E1", "E2", "F2"]),
    ("B. Décompte de la TVA à payer — TVA brute", ["08", "9B", "09", "10", "15", "16", "17"]),
    ("B. Décompte de la TVA à payer — TVA déductible", ["19", "20", "21", "22", "23"]),
    ("Crédit", ["25", "26", "27"]),
    ("Taxe à payer", ["TD", "AC", "28", "29", "32"]),
]
# Boxes whose figure is a base (HT); the rate boxes show both base and tax.
BASE_ONLY = {"A1", "A2", "A3", "B2", "B4", "E1", "E2", "F2"}


def return_rows(vat_return: VatReturn, result: domain.Computation) -> list[dict]:
    """Sections with their rows (code, label, base, tax, whole euros, drillable) for the screen and the PDF."""
    euros = domain.whole_euros(result.boxes)
    out = []
    for title, codes in SECTIONS:
        rows = []
        for code in codes:
            if code == "AC" and vat_return.form != VatReturn.Form.CA12:
                continue
            box = result.boxes[code]
            rows.append({"code": code, "label": box.label, "has_base": code in BASE_ONLY or code in domain.RATE_BOXES,
                         "has_tax": code not in BASE_ONLY, "base": box.base, "tax": box.tax,
                         "base_euros": euros[code][0], "tax_euros": euros[code][1],
                         "drillable": code in domain.DRILLABLE, "manual": code in domain.MANUAL})
        out.append({"title": title, "rows": rows})
    return out


def return_pdf(vat_return: VatReturn) -> bytes:
    """The return as the official form's boxes, in whole euros, with the organisation's identity."""
    result = return_computation(vat_return)
    return pdf_bytes("vat/return_pdf.html", {
        "vat_return": vat_return, "organisation": vat_return.organisation, "logo": logo_uri(vat_return.organisation),
        "sections": return_rows(vat_return, result), "printed_at": timezone.localtime()})
