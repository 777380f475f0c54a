"""Lookups shared by the cash screens: objects of the current organisation or 404."""

from django.http import Http404

from ..models import CashCount, CashMovement, CashRegister, ForecastLine, RecurringItem
from ..selectors import registers as selectors


def register_or_404(request, pk) -> CashRegister:
    try:
        return selectors.register_get(organisation=request.organisation, pk=pk)
    except CashRegister.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def count_or_404(request, pk) -> CashCount:
    try:
        return selectors.count_get(organisation=request.organisation, pk=pk)
    except CashCount.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def recurring_or_404(request, pk) -> RecurringItem:
    try:
        return selectors.recurring_get(organisation=request.organisation, pk=pk)
    except RecurringItem.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def forecast_line_or_404(request, pk) -> ForecastLine:
    try:
        return selectors.forecast_line_get(organisation=request.organisation, pk=pk)
    except ForecastLine.DoesNotExist as missing:
        raise Http404("Introuvable") from missing


def movement_or_404(request, pk) -> CashMovement:
    try:
        return selectors.movement_get(organisation=request.organisation, pk=pk)
    except CashMovement.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
