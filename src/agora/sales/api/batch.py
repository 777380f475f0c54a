"""Batch actions on invoices in the JSON API: POST /api/v1/orgs/{org}/invoices/validate {"ids": [...]} validates
the selection in one transaction, all or nothing (422 naming the refused invoice, nothing written; 404 when an
id is not an invoice of the organisation)."""

import datetime as dt

from django.http import Http404
from ninja import Router, Schema

from agora.core.api import BODY_ERRORS, NOT_FOUND, Money, organisation_for
from agora.core.errors import BusinessError

from ..services.batch import invoices_validate

router = Router(tags=["ventes"])


class IdsIn(Schema):
    ids: list[int]


class ValidatedOut(Schema):
    id: int
    number: str
    date: dt.date
    due_date: dt.date | None
    total: Money
    entry: int | None


class BatchOut(Schema):
    count: int
    invoices: list[ValidatedOut]


@router.post("/orgs/{org}/invoices/validate", response={200: BatchOut, **BODY_ERRORS},
             summary="Valider plusieurs factures (tout ou rien)")
def invoices_validate_route(request, org: str, payload: IdsIn):
    organisation = organisation_for(request, org, "sales.validate")
    try:
        done = invoices_validate(actor=request.auth, organisation=organisation, invoices=payload.ids)
    except BusinessError as error:
        if error.code == "not_found":
            raise Http404(NOT_FOUND) from None
        raise
    return {"count": len(done), "invoices": [
        {"id": d.pk, "number": d.number, "date": d.date, "due_date": d.due_date, "total": d.total,
         "entry": d.entry_id} for d in done]}
