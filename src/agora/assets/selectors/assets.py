"""Reads about fixed assets: the register, one asset's schedule, the fiscal-year calendar the schedules run on,
the supplier invoice lines waiting to be registered, and what the year-end checklist asks."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from agora.core.money import ZERO
from agora.ledger.domain import add_months, fiscal_year_bounds
from agora.ledger.models import FiscalYear
from agora.purchasing.models import PurchaseKind, PurchaseLine, PurchaseStatus

from .. import domain
from ..models import Annuity, DepreciationRun, FixedAsset

ASSET_CLASS = "2"
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _filtered(organisation, state: str = "", account: str = "", search: str = "") -> QuerySet:
    queryset = FixedAsset.objects.filter(organisation=organisation)
    if state:
        queryset = queryset.filter(state=state)
    if account:
        queryset = queryset.filter(account__code__startswith=account)
    if search:
        queryset = queryset.filter(Q(label__icontains=search) | Q(supplier__name__icontains=search))
    return queryset


def asset_list(*, organisation, state: str = "", account: str = "", search: str = "") -> QuerySet:
    """The register, each asset annotated with `depreciated` (taken over + annuities posted in Agora) and `net`."""
    posted = Coalesce(Sum("annuities__amount"), Value(ZERO), output_field=MONEY)
    return (_filtered(organisation, state, account, search)
            .select_related("account", "depreciation_account", "supplier", "disposal")
            .annotate(depreciated=ExpressionWrapper(F("opening_depreciation") + posted, output_field=MONEY))
            .annotate(net=ExpressionWrapper(F("cost") - F("depreciated"), output_field=MONEY)).order_by("number"))


def register_totals(*, organisation, state: str = "", account: str = "", search: str = "") -> dict:
    """Cost, depreciation in the books (taken over + posted) and net book value of the filtered register."""
    assets = _filtered(organisation, state, account, search)
    totals = assets.order_by().aggregate(cost=Sum("cost"), opening=Sum("opening_depreciation"))
    posted = (Annuity.objects.filter(asset__in=assets.values("pk")).order_by()
              .aggregate(total=Sum("amount"))["total"] or ZERO)
    cost = totals["cost"] or ZERO
    depreciated = (totals["opening"] or ZERO) + posted
    return {"cost": cost, "depreciated": depreciated, "net": cost - depreciated}


def asset_get(*, organisation, pk: int) -> FixedAsset:
    return (FixedAsset.objects.select_related("account", "depreciation_account", "expense_account", "supplier",
                                              "purchase_document")
            .get(organisation=organisation, pk=pk))


def year_calendar(organisation, first: date, last: date) -> list[domain.YearBounds]:
    """Consecutive fiscal years from the one holding `first` to the one holding `last`: the ledger's own years,
    extended before and after them with twelve-month years starting in the organisation's first month."""
    known = [domain.YearBounds(y.code, y.start_date, y.end_date)
             for y in FiscalYear.objects.filter(organisation=organisation).order_by("start_date")]
    if not known:
        start, end = fiscal_year_bounds(start_month=organisation.fiscal_year_start_month, year=first.year)
        known = [domain.YearBounds(str(start.year), start, end)]
    years = list(known)
    while years[0].start > first:
        start = add_months(years[0].start, -12)
        years.insert(0, domain.YearBounds(_code(start, years[0].start), start, years[0].start - timedelta(days=1)))
    while years[-1].end < last:
        start = years[-1].end + timedelta(days=1)
        end = add_months(start, 12) - timedelta(days=1)
        years.append(domain.YearBounds(_code(start, end), start, end))
    return [year for year in years if year.end >= first and year.start <= last]


def _code(start: date, end: date) -> str:
    return str(start.year) if start.month == 1 else f"{start.year}-{end.year}"


def _horizon(asset) -> date:
    return add_months(min(asset.acquisition_date, asset.in_service_date), asset.life_months + 24)


def asset_schedule(asset: FixedAsset, *, years: list[domain.YearBounds] | None = None,
                   until: date | None = None) -> list[domain.ScheduleRow]:
    """The plan d'amortissement of one asset (computed, never stored); up to the year holding `until`."""
    if years is None:
        years = year_calendar(asset.organisation, min(asset.acquisition_date, asset.in_service_date),
                              _horizon(asset))
    return domain.schedule(method=asset.method, base=asset.base, life_months=asset.life_months,
                           acquired=asset.acquisition_date, in_service=asset.in_service_date, years=years,
                           opening=asset.opening_depreciation, opening_date=asset.opening_date, until=until)


def posted_depreciation(asset: FixedAsset) -> Decimal:
    """Accumulated depreciation in the books for this asset: the taken-over amount plus the posted annuities."""
    posted = Annuity.objects.filter(asset=asset).aggregate(total=Sum("amount"))["total"] or ZERO
    return asset.opening_depreciation + posted


def annuities_due(*, organisation, fiscal_year: FiscalYear) -> list[tuple[FixedAsset, Decimal]]:
    """(asset, annuity) of the assets in service during the year whose annuity for it is not posted yet."""
    assets = list(FixedAsset.objects.filter(
        organisation=organisation, state=FixedAsset.State.IN_SERVICE,
        in_service_date__lte=fiscal_year.end_date).exclude(
        opening_date__gte=fiscal_year.end_date).exclude(
        Exists(Annuity.objects.filter(asset=OuterRef("pk"), fiscal_year=fiscal_year)))
        .select_related("account", "depreciation_account", "expense_account").order_by("number"))
    if not assets:
        return []
    years = year_calendar(organisation, min(min(a.acquisition_date, a.in_service_date) for a in assets),
                          max(_horizon(a) for a in assets))
    due = []
    for asset in assets:
        for row in asset_schedule(asset, years=years, until=fiscal_year.end_date):
            if row.year == fiscal_year.code and not row.prior and row.annuity:
                due.append((asset, row.annuity))
                break
    return due


def depreciation_missing(fiscal_year: FiscalYear) -> list[FixedAsset]:
    """Assets in service during the year whose annuity for that year is not posted (empty without assets)."""
    return [asset for asset, _ in annuities_due(organisation=fiscal_year.organisation, fiscal_year=fiscal_year)]


def run_list(*, organisation) -> QuerySet:
    return DepreciationRun.objects.filter(organisation=organisation).select_related("fiscal_year", "posted_by")


def asset_candidates(*, organisation) -> QuerySet:
    """Validated supplier invoice lines on class-2 accounts not registered yet (land 211 and financial assets
    26/27 are not depreciated: left out)."""
    registered = FixedAsset.objects.filter(organisation=organisation, purchase_line=OuterRef("pk"))
    return (PurchaseLine.objects.filter(organisation=organisation, document__kind=PurchaseKind.INVOICE,
                                        document__status=PurchaseStatus.VALIDATED,
                                        account__startswith=ASSET_CLASS, net_amount__gt=0)
            .exclude(account__startswith="211").exclude(account__startswith="26")
            .exclude(account__startswith="27").exclude(Exists(registered))
            .select_related("document", "document__party").order_by("-document__issue_date", "pk"))
