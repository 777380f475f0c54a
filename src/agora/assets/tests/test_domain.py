"""The depreciation arithmetic, figures worked by hand (no database)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agora.assets import domain
from agora.core.errors import BusinessError

D = Decimal
YEARS = [domain.YearBounds(str(y), date(y, 1, 1), date(y, 12, 31)) for y in range(2020, 2060)]


def figures(rows):
    return [(r.year, r.annuity, r.accumulated, r.net_book_value) for r in rows]


def test_straight_line_with_prorata_makes_n_plus_one_annuities():
    """Cost 12,000, 5 years (20 %), in service 15 April 2026, years Jan–Dec.
    2026: 15 days of April + 8 × 30 = 255 days → 12,000 × 20 % × 255/360 = 1,700.00
    2027–2030: 12,000 × 20 % = 2,400.00 each (accumulated 11,300.00)
    2031: the rest, 12,000 − 11,300 = 700.00 (= 12,000 × 20 % × 105/360: 1,800 − 255 − 4 × 360 = 105 days)."""
    rows = domain.schedule(method="linear", base=D("12000"), life_months=60, acquired=date(2026, 4, 10),
                           in_service=date(2026, 4, 15), years=YEARS)
    assert figures(rows) == [
        ("2026", D("1700.00"), D("1700.00"), D("10300.00")),
        ("2027", D("2400.00"), D("4100.00"), D("7900.00")),
        ("2028", D("2400.00"), D("6500.00"), D("5500.00")),
        ("2029", D("2400.00"), D("8900.00"), D("3100.00")),
        ("2030", D("2400.00"), D("11300.00"), D("700.00")),
        ("2031", D("700.00"), D("12000.00"), D("0.00")),
    ]
    assert rows[0].days == 255 and rows[-1].days == 105 and rows[0].rate == D("20.0000")


def test_straight_line_from_the_first_of_a_month_and_rounding_absorbed_by_the_last():
    """Cost 1,000, 3 years (1,080 days), in service 1 October: the whole of October counts, 3 × 30 = 90 days →
    1,000 × 90/1,080 = 83.33; then 360 days → 333.33 twice; the last year (1,080 − 90 − 720 = 270 days) takes the
    rest, 1,000 − 749.99 = 250.01 (250.00 by the rule, the cent of rounding absorbed): Σ = 1,000.00 exactly."""
    rows = domain.schedule(method="linear", base=D("1000"), life_months=36, acquired=date(2026, 10, 1),
                           in_service=date(2026, 10, 1), years=YEARS)
    assert [r.annuity for r in rows] == [D("83.33"), D("333.33"), D("333.33"), D("250.01")]
    assert sum(r.annuity for r in rows) == D("1000.00")
    assert rows[0].days == 90 and rows[-1].days == 270


def test_declining_balance_switches_to_straight_line():
    """Cost 10,000, 5 years, acquired 20 April 2026: rate 20 % × 1.75 = 35 %.
    2026: 10,000 × 35 % × 9/12 (April to December) = 2,625.00 → NBV 7,375.00
    2027: 4 years left, 25 % < 35 %: 7,375 × 35 % = 2,581.25 → NBV 4,793.75
    2028: 3 years left, 33.33 % < 35 %: 4,793.75 × 35 % = 1,677.8125 → 1,677.81 → NBV 3,115.94
    2029: 2 years left, 50 % > 35 %: straight-line 3,115.94 / 2 = 1,557.97 → NBV 1,557.97
    2030: the rest, 1,557.97 → NBV 0."""
    rows = domain.schedule(method="declining", base=D("10000"), life_months=60, acquired=date(2026, 4, 20),
                           in_service=date(2026, 5, 2), years=YEARS)
    assert figures(rows) == [
        ("2026", D("2625.00"), D("2625.00"), D("7375.00")),
        ("2027", D("2581.25"), D("5206.25"), D("4793.75")),
        ("2028", D("1677.81"), D("6884.06"), D("3115.94")),
        ("2029", D("1557.97"), D("8442.03"), D("1557.97")),
        ("2030", D("1557.97"), D("10000.00"), D("0.00")),
    ]
    assert [r.rate for r in rows] == [D("35.0000"), D("35.0000"), D("35.0000"), D("50.0000"), D("100.0000")]
    assert rows[1].base == D("7375.00")


def test_declining_coefficients_and_refusals():
    assert domain.declining_rate(36) == D("41.6667")  # 33.33 % × 1.25
    assert domain.declining_rate(72) == D("29.1667")  # 16.67 % × 1.75
    assert domain.declining_rate(120) == D("22.5000")  # 10 % × 2.25
    with pytest.raises(BusinessError) as error:
        domain.declining_rate(24)
    assert error.value.field == "life_months"


def test_opening_depreciation_rescales_the_rest_of_the_plan():
    """Cost 6,000, 5 years from 1 January 2023 (1,200 a year). Taken over at 31/12/2025 with 3,600 posted:
    one prior row of 3,600, then 1,200 and 1,200. Taken over with 3,000 instead: what remains (3,000) is spread as
    the plan's rest (2,400) was, ×1.25: 1,500 and 1,500."""
    common = {"method": "linear", "base": D("6000"), "life_months": 60, "acquired": date(2023, 1, 1),
              "in_service": date(2023, 1, 1), "years": YEARS, "opening_date": date(2025, 12, 31)}
    rows = domain.schedule(opening=D("3600"), **common)
    assert figures(rows) == [("antérieur", D("3600"), D("3600"), D("2400")),
                             ("2026", D("1200.00"), D("4800.00"), D("1200.00")),
                             ("2027", D("1200.00"), D("6000.00"), D("0.00"))]
    rows = domain.schedule(opening=D("3000"), **common)
    assert [r.annuity for r in rows] == [D("3000"), D("1500.00"), D("1500.00")]


def test_disposal_annuity_prorata():
    """Straight-line 2,400 a year, disposal on 30 June: 180/360 → 1,200.00. In service 15 April of the year,
    255 days planned (1,700), disposal 30 June: 15 + 60 = 75 days → 1,700 × 75/255 = 500.00."""
    year = YEARS[6]
    rows = domain.schedule(method="linear", base=D("12000"), life_months=60, acquired=date(2025, 1, 1),
                           in_service=date(2025, 1, 1), years=YEARS)
    assert domain.disposal_annuity(rows=rows, year=year, method="linear", in_service=date(2025, 1, 1),
                                   on=date(2026, 6, 30)) == D("1200.00")
    rows = domain.schedule(method="linear", base=D("12000"), life_months=60, acquired=date(2026, 4, 15),
                           in_service=date(2026, 4, 15), years=YEARS)
    assert domain.disposal_annuity(rows=rows, year=year, method="linear", in_service=date(2026, 4, 15),
                                   on=date(2026, 6, 30)) == D("500.00")


def test_depreciation_account():
    assert domain.depreciation_account("2183") == "28183"
    assert domain.depreciation_account("2154") == "28154"
    assert domain.depreciation_account("205") == "2805"
    assert domain.depreciation_account("213") == "2813"


@settings(max_examples=200, deadline=None)
@given(cost=st.integers(min_value=1, max_value=10**9), life=st.integers(min_value=1, max_value=240),
       day=st.dates(min_value=date(2021, 1, 1), max_value=date(2027, 12, 31)), declining=st.booleans())
def test_annuities_always_add_up_to_the_base(cost, life, day, declining):
    """Whatever the cost (in cents), life and date: Σ annuities = base exactly, none negative, and the
    accumulated column ends on the base (net book value 0)."""
    base = D(cost) / 100
    method = "declining" if declining and life >= 36 else "linear"
    life = life - life % 12 if method == "declining" else life
    rows = domain.schedule(method=method, base=base, life_months=life, acquired=day, in_service=day, years=YEARS)
    assert sum(r.annuity for r in rows) == base
    assert all(r.annuity >= 0 for r in rows)
    assert rows[-1].accumulated == base and rows[-1].net_book_value == 0


def test_a_plan_cut_at_a_year_has_the_same_rows():
    """The year-end run computes plans only up to its year: each row equals the whole plan's (the last
    annuity of a cut plan is not mistaken for the plan's last one)."""
    for method, months, opening in (("linear", 60, None), ("declining", 60, None), ("linear", 60, D("3000"))):
        common = {"method": method, "base": D("12345.67"), "life_months": months, "acquired": date(2023, 4, 15),
                  "in_service": date(2023, 4, 15), "years": YEARS}
        if opening is not None:
            common.update(opening=opening, opening_date=date(2025, 12, 31))
        whole = domain.schedule(**common)
        cut = domain.schedule(until=date(2026, 6, 30), **common)
        assert cut == whole[:len(cut)] and cut[-1].year == "2026"
