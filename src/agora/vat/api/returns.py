"""VAT return routes of the JSON API, under /api/v1/orgs/{org}/vat/: compute a period without saving, the
returns (list, create a draft, detail, regularisations, delete a draft), a box's lines, filing, the PDF.
vat.view to read, vat.file to write."""

from datetime import date

from django.http import HttpResponse
from ninja import Router, Schema, Status

from agora.core.api import BODY_ERRORS, ERRORS, AmountIn, Money, organisation_for
from agora.core.errors import BusinessError
from agora.vat import domain
from agora.vat.models import VatReturn
from agora.vat.selectors import returns as selectors
from agora.vat.services import returns as services
from agora.vat.services.output import return_pdf

router = Router(tags=["TVA — déclarations"])
PREFIX = "/orgs/{org}/vat"
PDF_RESPONSE = {"responses": {200: {"description": "Formulaire de déclaration (PDF)",
                                    "content": {"application/pdf": {"schema": {"type": "string",
                                                                               "format": "binary"}}}}}}
PAGE_SIZE = 200


class VatBoxOut(Schema):
    code: str
    label: str
    base: Money
    tax: Money


class VatComputeOut(Schema):
    form: str
    start_date: date
    end_date: date
    boxes: list[VatBoxOut]
    output_without_box: Money


class VatReturnOut(Schema):
    id: int
    form: str
    start_date: date
    end_date: date
    state: str
    regularisation_15: Money
    regularisation_21: Money
    comment: str
    amount_due: Money
    credit_carried: Money
    due_date: date | None
    settlement_entry_id: int | None
    boxes: list[VatBoxOut]


class VatReturnIn(Schema):
    start: date | None = None


class VatReturnPatch(Schema):
    regularisation_15: AmountIn | None = None
    regularisation_21: AmountIn | None = None
    comment: str | None = None


class VatBoxLineOut(Schema):
    line_id: int
    date: date
    journal: str
    entry_number: str
    reference: str
    account: str
    label: str
    vat_box: str
    debit: Money
    credit: Money


class VatBoxLinesOut(Schema):
    box: str
    count: int
    page: int
    debit: Money
    credit: Money
    lines: list[VatBoxLineOut]


class VatDeletedOut(Schema):
    deleted: bool


def _boxes(result: domain.Computation) -> list[dict]:
    return [{"code": box.code, "label": box.label, "base": box.base, "tax": box.tax} for box in result.boxes.values()]


def _out(vat_return: VatReturn) -> dict:
    return {"id": vat_return.pk, "form": vat_return.form, "start_date": vat_return.start_date,
            "end_date": vat_return.end_date, "state": vat_return.state,
            "regularisation_15": vat_return.regularisation_15, "regularisation_21": vat_return.regularisation_21,
            "comment": vat_return.comment, "amount_due": vat_return.amount_due,
            "credit_carried": vat_return.credit_carried, "due_date": vat_return.due_date,
            "settlement_entry_id": vat_return.settlement_entry_id,
            "boxes": _boxes(selectors.return_computation(vat_return))}


def _return(organisation, return_id: int) -> VatReturn:
    return selectors.vat_return_get(organisation=organisation, pk=return_id)


@router.get(PREFIX + "/compute", response={200: VatComputeOut, **ERRORS}, summary="Calculer une période")
def vat_compute(request, org: str, day: date):
    """The boxes of the return period containing `day`, from the posted lines, without saving anything."""
    organisation = organisation_for(request, org, "vat.view")
    if organisation.vat_regime == organisation.VatRegime.FRANCHISE:
        raise BusinessError("vat_franchise", "L'organisation est en franchise en base de TVA : pas de déclaration.",
                            field="day")
    form, start, end = selectors.period_of(organisation, day)
    result = selectors.vat_compute(organisation=organisation, start=start, end=end, form=form)
    return {"form": form, "start_date": start, "end_date": end, "boxes": _boxes(result),
            "output_without_box": result.without_box}


@router.get(PREFIX + "/returns", response={200: list[VatReturnOut], **ERRORS}, summary="Déclarations de TVA")
def vat_returns(request, org: str, state: str = "", form: str = ""):
    organisation = organisation_for(request, org, "vat.view")
    return [_out(r) for r in selectors.vat_return_list(organisation=organisation, state=state, form=form)
            .prefetch_related("boxes")[:120]]


@router.post(PREFIX + "/returns", response={201: VatReturnOut, **BODY_ERRORS}, summary="Préparer une déclaration")
def vat_return_new(request, org: str, payload: VatReturnIn):
    """A draft for the period containing `start` (default: the next period to declare)."""
    organisation = organisation_for(request, org, "vat.file")
    vat_return = services.vat_return_create(actor=request.auth, organisation=organisation, start=payload.start)
    return Status(201, _out(_return(organisation, vat_return.pk)))


@router.get(PREFIX + "/returns/{return_id}", response={200: VatReturnOut, **ERRORS}, summary="Une déclaration")
def vat_return_detail(request, org: str, return_id: int):
    organisation = organisation_for(request, org, "vat.view")
    return _out(_return(organisation, return_id))


@router.patch(PREFIX + "/returns/{return_id}", response={200: VatReturnOut, **BODY_ERRORS},
              summary="Régularisations d'un brouillon (lignes 15 et 21)")
def vat_return_patch(request, org: str, return_id: int, payload: VatReturnPatch):
    organisation = organisation_for(request, org, "vat.file")
    services.vat_return_update(actor=request.auth, vat_return=_return(organisation, return_id), **payload.dict())
    return _out(_return(organisation, return_id))


@router.delete(PREFIX + "/returns/{return_id}", response={200: VatDeletedOut, **ERRORS},
               summary="Supprimer un brouillon")
def vat_return_remove(request, org: str, return_id: int):
    organisation = organisation_for(request, org, "vat.file")
    services.vat_return_delete(actor=request.auth, vat_return=_return(organisation, return_id))
    return {"deleted": True}


@router.post(PREFIX + "/returns/{return_id}/file", response={200: VatReturnOut, **ERRORS},
             summary="Déposer la déclaration")
def vat_return_file(request, org: str, return_id: int):
    """Freeze the boxes, post the settlement entry, lock the period for VAT."""
    organisation = organisation_for(request, org, "vat.file")
    services.vat_return_file(actor=request.auth, vat_return=_return(organisation, return_id))
    return _out(_return(organisation, return_id))


@router.get(PREFIX + "/returns/{return_id}/lines", response={200: VatBoxLinesOut, **ERRORS},
            summary="Écritures d'une case")
def vat_box_lines(request, org: str, return_id: int, box: str, page: int = 1):
    """The posted lines behind box `box` (e.g. `?box=08`), 200 a page, with their totals."""
    organisation = organisation_for(request, org, "vat.view")
    vat_return = _return(organisation, return_id)
    if box not in domain.DRILLABLE:
        raise BusinessError("unknown_box", f"Case « {box} » sans écritures (cases : "
                            f"{', '.join(sorted(domain.DRILLABLE))}).", field="box")
    lines = selectors.box_lines(organisation=organisation, start=vat_return.start_date, end=vat_return.end_date,
                                box=box)
    totals = selectors.box_totals(lines)
    page = max(page, 1)
    chunk = lines[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    return {"box": box, "count": lines.count(), "page": page, "debit": totals["debit"], "credit": totals["credit"],
            "lines": [{"line_id": line.pk, "date": line.date, "journal": line.journal.code,
                       "entry_number": line.entry.display_number, "reference": line.entry.reference,
                       "account": line.account.code, "label": line.label, "vat_box": line.vat_box,
                       "debit": line.debit, "credit": line.credit} for line in chunk]}


@router.get(PREFIX + "/returns/{return_id}/pdf", response={200: None, **ERRORS}, summary="Formulaire PDF",
            openapi_extra=PDF_RESPONSE)
def vat_return_pdf(request, org: str, return_id: int):
    organisation = organisation_for(request, org, "vat.view")
    vat_return = _return(organisation, return_id)
    response = HttpResponse(return_pdf(vat_return), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="tva-{vat_return.start_date:%Y-%m}.pdf"'
    return response
