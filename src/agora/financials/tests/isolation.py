"""Financials objects of organisation B for tests/test_isolation.py: an override of the year-end checklist
(the only stored object; the statements take a year code or id in the query, which the forms and the API
resolve within the organisation)."""

from agora.ledger.models import FiscalYear

from ..models import ChecklistOverride

ROUTE_OBJECTS = (("/etats-financiers/controles/derogations/", "checklist_override"),)
API_PATH_PARAMS = (("{org}/financials/checklist/overrides/", "override_id", "checklist_override"),)


def objects(org_b, actor) -> dict:
    override = ChecklistOverride.objects.create(
        organisation=org_b, fiscal_year=FiscalYear.objects.filter(organisation=org_b).first(), item="stock",
        reason="Inventaire tournant de décembre tenu sur papier.", created_by=actor)
    return {"checklist_override": override.pk}
