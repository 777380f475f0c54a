"""Organisation B's cash objects for tests/test_isolation.py: a register with a movement, a count, a recurring
item and a forecast line."""

from datetime import date

from agora.cash.services.counts import count_create
from agora.cash.services.forecast import forecast_line_create, recurring_create

from .builders import make_register, receipt


def objects(org_b, actor) -> dict:
    register = make_register(org_b, actor, "Caisse de B")
    movement = receipt(register, actor, date(2026, 3, 2), "100.00", "580", "Fonds de caisse de B")
    count = count_create(actor=actor, register=register, data={
        "date": date(2026, 3, 2), "counter_name": "B", "quantities": {"50": 2}})
    item = recurring_create(actor=actor, organisation=org_b, data={
        "label": "Loyer de B", "amount": "500.00", "start_date": date(2026, 1, 1)})
    line = forecast_line_create(actor=actor, organisation=org_b, data={
        "date": date(2026, 6, 1), "label": "Ligne de B", "amount": "10.00"})
    return {"cash_register": register.pk, "cash_movement": movement.pk, "cash_count": count.pk,
            "cash_recurring": item.pk, "cash_forecast_line": line.pk}


ROUTE_OBJECTS = (("/caisse/controles/", "cash_count"), ("/caisse/mouvements/", "cash_movement"),
                 ("/caisse/budget/recurrentes/", "cash_recurring"), ("/caisse/budget/lignes/", "cash_forecast_line"),
                 ("/caisse/", "cash_register"))
API_PATH_PARAMS = (("{org}/cash-registers/", "register_id", "cash_register"),
                   ("{org}/cash-movements/", "movement_id", "cash_movement"),
                   ("{org}/cash-counts/", "count_id", "cash_count"),
                   ("{org}/cash-recurring-items/", "item_id", "cash_recurring"),
                   ("{org}/cash-forecast-lines/", "line_id", "cash_forecast_line"))
