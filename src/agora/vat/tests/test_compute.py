"""The hand-worked month of the issue, box by box, and the computation rules (netting, fallbacks, receipts)."""

from datetime import date
from decimal import Decimal

import pytest

from agora.vat.domain import whole_euros
from agora.vat.models import VatReturn
from agora.vat.selectors.returns import box_lines, vat_compute, vat_returns_missing
from agora.vat.services.returns import vat_return_create, vat_return_file

from .builders import book, credit_note, goods_sale, make_vat_books, purchase

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def hand_worked_month(organisation, actor):
    """February leaves a credit of 200.00 (a purchase with 200.00 of deductible VAT, no sale); March has:
    a sale at 20 % (1000.00 + 200.00), at 10 % (500.00 + 50.00), at 5.5 % (300.00 + 16.50); a credit note
    on the 20 % sale (100.00 + 20.00); a service invoice on receipts (2000.00 + 400.00 waiting on 44574) paid
    half (200.00 moved 44574 → 44571); a manual sale entry whose 44571 line has no box (50.00 + 10.00); an
    export (5000.00, box E1); a computer bought (3000.00 + 600.00 on 44562); goods bought at 20 % (800.00 +
    160.00) and at 5.5 % (200.00 + 11.00)."""
    purchase(organisation, actor, date(2026, 2, 10), "1000.00", "200.00")
    february = vat_return_create(actor=actor, organisation=organisation, start=date(2026, 2, 1))
    february = vat_return_file(actor=actor, vat_return=february)
    day = date(2026, 3, 5)
    goods_sale(organisation, actor, day, "1000.00", "200.00", "08")
    goods_sale(organisation, actor, day, "500.00", "50.00", "9B", account="706")
    goods_sale(organisation, actor, day, "300.00", "16.50", "09")
    credit_note(organisation, actor, date(2026, 3, 12), "100.00", "20.00", "08")
    book(organisation, actor, "VT", day, "Maintenance (TVA sur encaissements)", ("411", "2400.00", "", "C001"),
         ("706", "", "2000.00", "", "base"), ("44574", "", "400.00", "", "output_vat", "08"))
    book(organisation, actor, "BQ1", date(2026, 3, 20), "Règlement partiel maintenance",
         ("5121", "1200.00", ""), ("411", "", "1200.00", "C001"), ("44574", "200.00", ""),
         ("44571", "", "200.00", "", "output_vat", "08"))
    book(organisation, actor, "OD", day, "Vente comptoir saisie à la main", ("411", "60.00", "", "C001"),
         ("707", "", "50.00"), ("44571", "", "10.00"))
    book(organisation, actor, "VT", day, "Export Suisse", ("411", "5000.00", "", "C001"),
         ("707", "", "5000.00", "", "base", "E1"))
    purchase(organisation, actor, date(2026, 3, 8), "3000.00", "600.00", account="2183", vat_account="44562")
    purchase(organisation, actor, date(2026, 3, 9), "800.00", "160.00")
    purchase(organisation, actor, date(2026, 3, 9), "200.00", "11.00")
    return february


def test_hand_worked_month_box_by_box():
    """08: VAT 200.00 − 20.00 (credit note) + 200.00 (cashed on receipts) + 10.00 (no box → 20 %) = 390.00,
    base 390.00 ÷ 20 % = 1950.00 (the 200.00 still pending on 44574 is not due yet).
    9B: 50.00, base 500.00. 09: 16.50, base 16.50 ÷ 5.5 % = 300.00. A1 = 1950 + 500 + 300 = 2750.00.
    E1 = 5000.00. 16 = 390.00 + 50.00 + 16.50 = 456.50. 19 = 600.00. 20 = 160.00 + 11.00 = 171.00.
    22 = February's credit 200.00. 23 = 600 + 171 + 200 = 971.00. 25 = 971.00 − 456.50 = 514.50 = 27;
    TD = 28 = 32 = 0."""
    organisation, accountant = make_vat_books()
    hand_worked_month(organisation, accountant)
    result = vat_compute(organisation=organisation, start=MARCH[0], end=MARCH[1])
    boxes = result.boxes
    expected = {"08": ("1950.00", "390.00"), "9B": ("500.00", "50.00"), "09": ("300.00", "16.50"),
                "10": ("0", "0"), "A1": ("2750.00", "0"), "E1": ("5000.00", "0"), "E2": ("0", "0"),
                "F2": ("0", "0"), "B2": ("0", "0"), "15": ("0", "0"), "16": ("0", "456.50"), "17": ("0", "0"),
                "19": ("0", "600.00"), "20": ("0", "171.00"), "21": ("0", "0"), "22": ("0", "200.00"),
                "23": ("0", "971.00"), "TD": ("0", "0"), "25": ("0", "514.50"), "26": ("0", "0"),
                "27": ("0", "514.50"), "28": ("0", "0"), "29": ("0", "0"), "32": ("0", "0")}
    for code, (base, tax) in expected.items():
        assert (boxes[code].base, boxes[code].tax) == (D(base), D(tax)), code
    assert result.without_box == D("10.00")
    # The form in whole euros: 16.50 → 17 (half up), totals recomputed from the rounded boxes: 16 = 390 + 50 +
    # 17 = 457, 23 = 600 + 171 + 200 = 971, 25 = 27 = 514.
    euros = whole_euros(boxes)
    assert euros["09"] == (300, 17) and euros["16"][1] == 457 and euros["27"][1] == 514


def test_drill_down_sums_equal_the_boxes():
    """Each tax box's lines net to the box (output: credit − debit; deductible: debit − credit); the E1 base
    lines to the base."""
    organisation, accountant = make_vat_books()
    hand_worked_month(organisation, accountant)
    result = vat_compute(organisation=organisation, start=MARCH[0], end=MARCH[1])
    for code in ("08", "9B", "09"):
        lines = box_lines(organisation=organisation, start=MARCH[0], end=MARCH[1], box=code)
        assert sum(line.credit - line.debit for line in lines) == result.boxes[code].tax, code
    assert len(box_lines(organisation=organisation, start=MARCH[0], end=MARCH[1], box="08")) == 4
    for code in ("19", "20"):
        lines = box_lines(organisation=organisation, start=MARCH[0], end=MARCH[1], box=code)
        assert sum(line.debit - line.credit for line in lines) == result.boxes[code].tax, code
    e1 = box_lines(organisation=organisation, start=MARCH[0], end=MARCH[1], box="E1")
    assert sum(line.credit - line.debit for line in e1) == D("5000.00")


def test_credit_note_exceeding_sales_nets_to_a_negative_box():
    """A month with a 10 % sale of 100.00 (VAT 10.00) and a 10 % credit note of 300.00 (VAT 30.00): box 9B is
    −20.00 (base −200.00), kept and netted, never dropped; 16 = −20.00 + 20 % sale 40.00 = 20.00."""
    organisation, accountant = make_vat_books()
    goods_sale(organisation, accountant, date(2026, 4, 2), "100.00", "10.00", "9B")
    credit_note(organisation, accountant, date(2026, 4, 3), "300.00", "30.00", "9B")
    goods_sale(organisation, accountant, date(2026, 4, 4), "200.00", "40.00", "08")
    result = vat_compute(organisation=organisation, start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert (result.boxes["9B"].base, result.boxes["9B"].tax) == (D("-200.00"), D("-20.00"))
    assert result.boxes["16"].tax == D("20.00") and result.boxes["TD"].tax == D("20.00")


def test_intra_eu_acquisition_and_exempt_supplies():
    """An intra-EU acquisition of 1000.00: 4452 credit 200.00 (box 08) and 44566 debit 200.00 → box 17 = 200.00,
    B2 = 1000.00, 08 = 200.00 (base 1000.00, not in A1), 20 = 200.00, so TD = 0. An intra-EU supply of 700.00
    (F2) and an exempt sale of 80.00 (E2) are reported as bases."""
    organisation, accountant = make_vat_books()
    day = date(2026, 5, 6)
    book(organisation, accountant, "AC", day, "Acquisition Allemagne", ("607", "1000.00", "", "", "base"),
         ("44566", "200.00", "", "", "input_vat", "20"), ("4452", "", "200.00", "", "output_vat", "08"),
         ("401", "", "1000.00", "F001"))
    book(organisation, accountant, "VT", day, "Livraison Belgique", ("411", "700.00", "", "C001"),
         ("707", "", "700.00", "", "base", "F2"))
    book(organisation, accountant, "VT", day, "Formation exonérée", ("411", "80.00", "", "C001"),
         ("706", "", "80.00", "", "base", "E2"))
    boxes = vat_compute(organisation=organisation, start=date(2026, 5, 1), end=date(2026, 5, 31)).boxes
    assert boxes["17"].tax == D("200.00") and boxes["B2"].base == D("1000.00")
    assert (boxes["08"].base, boxes["08"].tax) == (D("1000.00"), D("200.00")) and boxes["A1"].base == 0
    assert boxes["20"].tax == D("200.00") and boxes["TD"].tax == 0 and boxes["25"].tax == 0
    assert boxes["F2"].base == D("700.00") and boxes["E2"].base == D("80.00")


def test_missing_periods_for_the_checklist():
    """Never filed → [] (non applicable); after February is filed, January and March… are missing."""
    organisation, accountant = make_vat_books()
    year = (date(2026, 1, 1), date(2026, 12, 31))
    assert vat_returns_missing(organisation, *year) == []
    purchase(organisation, accountant, date(2026, 2, 10), "100.00", "20.00")
    vat_return_file(actor=accountant, vat_return=vat_return_create(actor=accountant, organisation=organisation,
                                                                   start=date(2026, 2, 1)))
    missing = vat_returns_missing(organisation, *year)
    assert missing[0] == (date(2026, 1, 1), date(2026, 1, 31)) and len(missing) == 11
    assert (date(2026, 2, 1), date(2026, 2, 28)) not in missing
    franchise, _ = make_vat_books(slug="assoc", regime="franchise")
    assert vat_returns_missing(franchise, *year) == []
    assert VatReturn.objects.filter(organisation=organisation, state="filed").count() == 1
