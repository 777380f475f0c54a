"""Test builders for procurement, through the real services: an organisation ready to buy (books, VAT categories,
payment terms), a buyer (purchasing role) and a manager (management role), suppliers, products, supplier offers,
purchase requests and uploads.

    org, buyer, manager = make_procurement_org()
    supplier, other = make_supplier(org), make_supplier(org, "F002", "Bureau Plus SAS")
    paper, desk = make_purchase_products(org)
    offer(org, supplier, paper, "4.20", preferred=True)
    request = make_request(org, buyer, [{"product": paper.pk, "quantity": "100"}])
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from agora.core.tests.builders import grant, make_user
from agora.procurement.services.requests import purchase_request_create
from agora.procurement.services.suppliers import supplier_product_create
from agora.purchasing.tests.builders import make_purchase_products, make_purchasing_books, make_supplier

__all__ = ["make_procurement_org", "make_supplier", "make_subcontractor", "make_purchase_products", "offer",
           "make_request", "pdf_upload", "png_upload", "text_upload"]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def make_procurement_org(*, slug: str = "durand"):
    """(organisation, buyer with the purchasing role, manager with the management role)."""
    organisation, buyer = make_purchasing_books(slug=slug)
    manager = grant(make_user(f"direction-{slug}"), organisation, "management")
    return organisation, buyer, manager


def make_subcontractor(organisation, code: str = "S001", name: str = "Élec Services SARL", **data):
    return make_supplier(organisation, code, name, is_supplier=False, is_subcontractor=True,
                         email="devis@elec-services.fr", **data)


def offer(organisation, supplier, product, price: str, **data):
    return supplier_product_create(actor=None, organisation=organisation, data={
        "supplier": supplier.pk, "product": product.pk, "unit_price": price, **data})


def make_request(organisation, actor, lines: list[dict], **data):
    return purchase_request_create(actor=actor, organisation=organisation, data=data, lines=lines)


def pdf_upload(name: str = "attestation.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png_upload(name: str = "kbis.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def text_upload(name: str = "attestation.pdf"):
    """A file named .pdf whose content is not a PDF."""
    return SimpleUploadedFile(name, b"ceci n'est pas un PDF", content_type="application/pdf")
