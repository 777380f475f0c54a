"""Objects of organisation B for tests/test_isolation.py: a draft VAT return (its screens, drill-down, PDF).
A draft of a future month: filing one would lock a period for VAT in B's books, which other apps' fixtures use."""

from datetime import date

from agora.vat.services.returns import vat_return_create

ROUTE_OBJECTS = (("/tva/", "vat_return"),)
API_PATH_PARAMS = (("{org}/vat/returns/", "return_id", "vat_return"),)
API_PARAMS = {"return_id": "vat_return"}


def objects(org_b, actor) -> dict:
    return {"vat_return": vat_return_create(actor=actor, organisation=org_b, start=date(2026, 12, 1)).pk}
