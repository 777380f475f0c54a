"""Lookups shared by the cash screens: objects of the current organisation or 404."""

from agora.core.views import found_or_404

from ..models import CashCount, CashMovement, CashRegister, ForecastLine, RecurringItem
from ..selectors import registers as selectors


def register_or_404(request, pk) -> CashRegister:
    return found_or_404(selectors.register_get, organisation=request.organisation, pk=pk)


def count_or_404(request, pk) -> CashCount:
    return found_or_404(selectors.count_get, organisation=request.organisation, pk=pk)


def recurring_or_404(request, pk) -> RecurringItem:
    return found_or_404(selectors.recurring_get, organisation=request.organisation, pk=pk)


def forecast_line_or_404(request, pk) -> ForecastLine:
    return found_or_404(selectors.forecast_line_get, organisation=request.organisation, pk=pk)


def movement_or_404(request, pk) -> CashMovement:
    return found_or_404(selectors.movement_get, organisation=request.organisation, pk=pk)
