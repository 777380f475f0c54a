"""Document totals checked against invoices worked out by hand, step by step as a French invoice prints them."""

from decimal import Decimal as D

import pytest

from agora.core.errors import BusinessError
from agora.core.totals import LineIn, Reduction, document_totals


def test_textbook_invoice_with_remise_rabais_escompte_and_shipping():
    # 10 × 45,00 = 450,00 ; 5 × 120,00 = 600,00 ; brut 1 050,00
    # remise 10 % = 105,00 → 945,00 ; rabais 5 % = 47,25 → 897,75 (net commercial)
    # escompte 2 % = 17,955 → 17,96 → 879,79 (net financier) ; port 30,00 → HT 909,79
    # TVA 20 % = 181,958 → 181,96 ; TTC 1 091,75
    t = document_totals(
        lines=[LineIn(D(10), D("45"), D(20)), LineIn(D(5), D("120"), D(20))],
        reductions=[Reduction("Remise", D(10)), Reduction("Rabais", D(5))],
        cash_discount_pct=D(2), shipping=D("30"))
    assert t.lines_total == D("1050.00")
    assert [(s.label, s.amount, s.result) for s in t.reductions] == [
        ("Remise", D("105.00"), D("945.00")), ("Rabais", D("47.25"), D("897.75"))]
    assert t.commercial_net == D("897.75")
    assert (t.cash_discount.amount, t.financial_net) == (D("17.96"), D("879.79"))
    assert (t.shipping, t.untaxed_total) == (D("30.00"), D("909.79"))
    assert [(r.rate, r.base, r.tax) for r in t.tax_rows] == [(D(20), D("909.79"), D("181.96"))]
    assert (t.total, t.net_to_pay) == (D("1091.75"), D("1091.75"))


def test_several_vat_rates_with_line_discount_and_shipping_spread():
    # 5,5 % : 3 × 12,50 = 37,50 ; 20 % : 2 × 80,00 = 160,00 − 10 % (16,00) = 144,00 ; 10 % : 1 × 49,90
    # port 12,00 réparti au prorata de 231,40 : 1,94 (5,5 %) ; 7,47 (20 %) ; 2,59 (10 %)
    # bases 39,44 / 151,47 / 52,49 ; TVA 2,1692 → 2,17 ; 30,294 → 30,29 ; 5,249 → 5,25
    t = document_totals(
        lines=[LineIn(D(3), D("12.50"), D("5.5")), LineIn(D(2), D("80"), D(20), D(10)),
               LineIn(D(1), D("49.90"), D(10))],
        shipping=D("12"))
    assert [(line.gross, line.discount, line.net) for line in t.lines] == [
        (D("37.50"), D("0.00"), D("37.50")), (D("160.00"), D("16.00"), D("144.00")),
        (D("49.90"), D("0.00"), D("49.90"))]
    assert [(r.rate, r.base, r.tax) for r in t.tax_rows] == [
        (D("5.5"), D("39.44"), D("2.17")), (D(10), D("52.49"), D("5.25")), (D(20), D("151.47"), D("30.29"))]
    assert (t.untaxed_total, t.tax_total, t.total) == (D("243.40"), D("37.71"), D("281.11"))


def test_rounding_is_half_up_not_half_even():
    # 1 × 2,125 = 2,125 → 2,13 (round() would give 2,12) ; TVA 20 % = 0,426 → 0,43 ; TTC 2,56
    t = document_totals(lines=[LineIn(D(1), D("2.125"), D(20))])
    assert (t.untaxed_total, t.tax_total, t.total) == (D("2.13"), D("0.43"), D("2.56"))


def test_vat_is_rounded_once_per_rate_not_per_line():
    # 3 lines of 0,33 at 20 %: base 0,99 × 20 % = 0,198 → 0,20 ; rounding per line would give
    # 0,066 → 0,07 × 3 = 0,21. The document says 0,20.
    t = document_totals(lines=[LineIn(D(1), D("0.33"), D(20))] * 3)
    assert t.tax_rows[0].tax == D("0.20")


def test_three_successive_reductions_and_deposit():
    # 1 000,00 − remise 10 % (100,00) = 900,00 − rabais 2 % (18,00) = 882,00 − ristourne 1 % (8,82) = 873,18
    # TVA 20 % = 174,636 → 174,64 ; TTC 1 047,82 ; acompte versé 300,00 → net à payer 747,82
    t = document_totals(lines=[LineIn(D(1), D(1000), D(20))],
                        reductions=[Reduction("Remise", D(10)), Reduction("Rabais", D(2)),
                                    Reduction("Ristourne", D(1))], deposit=D(300))
    assert [s.amount for s in t.reductions] == [D("100.00"), D("18.00"), D("8.82")]
    assert (t.commercial_net, t.tax_total, t.total, t.net_to_pay) == (
        D("873.18"), D("174.64"), D("1047.82"), D("747.82"))


def test_credit_note_figures():
    # Avoir : retour de 2 × 45,00 avec la remise de 10 % de la facture : 90,00 − 9,00 = 81,00 ; TVA 16,20 ; 97,20
    t = document_totals(lines=[LineIn(D(2), D(45), D(20))], reductions=[Reduction("Remise", D(10))])
    assert (t.untaxed_total, t.tax_total, t.total) == (D("81.00"), D("16.20"), D("97.20"))


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"lines": [LineIn(D(-1), D(10), D(20))]}, "lines.1.quantity"),
    ({"lines": [LineIn(D(1), D(-10), D(20))]}, "lines.1.unit_price"),
    ({"lines": [LineIn(D(1), D(10), D(20), D(120))]}, "lines.1.discount_pct"),
    ({"lines": [LineIn(D(1), D(10), D(20))], "deposit": D(50)}, "deposit"),
    ({"lines": [LineIn(D(1), D(10), D(20))], "cash_discount_pct": D(-1)}, "cash_discount_pct"),
])
def test_bad_input_names_the_field(kwargs, field):
    with pytest.raises(BusinessError) as caught:
        document_totals(**kwargs)
    assert caught.value.field == field
