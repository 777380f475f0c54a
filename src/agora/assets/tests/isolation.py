"""Fixed assets and provisions in organisation B, for tests/test_isolation.py: an asset and a provision for
litigation, named by the screens' `pk` and the API's `asset_id` / `provision_id`."""

from datetime import date

from agora.assets.services.provisions import provision_create

from .builders import make_asset


def objects(org_b, actor) -> dict:
    asset = make_asset(org_b, actor, label="Fourgon de B", account_code="2182", cost="24000",
                       acquisition_date=date(2026, 2, 1), life_years=4)
    provision = provision_create(actor=actor, organisation=org_b, kind="risk", label="Litige de B",
                                 account_code="151", amount="3000", on=date(2026, 3, 1))
    return {"fixed_asset": asset.pk, "provision": provision.pk}


ROUTE_OBJECTS = (("/immobilisations/provisions/", "provision"), ("/immobilisations/", "fixed_asset"))
API_PARAMS = {"asset_id": "fixed_asset", "provision_id": "provision"}
