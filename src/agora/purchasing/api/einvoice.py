"""API import of a received e-invoice: POST a multipart file (Factur-X PDF, CII or UBL XML) → 201 with the draft
supplier invoice (or credit note), or 422 with the French reason and the field at fault. "purchasing.write"."""

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from agora.core.api import ERRORS, Money, organisation_for
from agora.core.errors import BusinessError

from ..einvoice.detect import FIELD, MAX_SIZE
from ..services.einvoice import einvoice_import

router = Router(tags=["achats : factures électroniques reçues"])


class ImportedOut(Schema):
    id: int
    kind: str
    status: str
    supplier_reference: str
    party_id: int
    party_name: str
    source_format: str
    total_untaxed: Money
    total_vat: Money
    total_incl_tax: Money


@router.post("/orgs/{org}/purchase-invoices/import", response={201: ImportedOut, **ERRORS},
             summary="Importer une facture électronique reçue (Factur-X, CII, UBL)")
def einvoice_import_api(request, org: str, file: File[UploadedFile]):
    """The file becomes a draft supplier invoice (a credit note for type 381 / UBL CreditNote), its file attached;
    the supplier is matched by SIREN or VAT number (created when unknown), the order by its reference."""
    organisation = organisation_for(request, org, "purchasing.write")
    if file.size > MAX_SIZE:
        raise BusinessError("einvoice_too_large", f"Fichier trop volumineux : {MAX_SIZE // 1024 // 1024} Mo au plus.",
                            field=FIELD)
    document = einvoice_import(actor=request.auth, organisation=organisation, filename=file.name,
                               content=file.read())
    return Status(201, {"id": document.pk, "kind": document.kind, "status": document.status,
                        "supplier_reference": document.supplier_reference, "party_id": document.party_id,
                        "party_name": document.party.name, "source_format": document.source_format,
                        "total_untaxed": document.total_untaxed, "total_vat": document.total_vat,
                        "total_incl_tax": document.total_incl_tax})
