"""The AC entry of supplier invoices and credit notes, figures worked out by hand."""

from decimal import Decimal

import pytest

from agora.purchasing.models import PurchaseKind
from agora.purchasing.services.invoices import (
    credit_note_create_from_invoice,
    credit_note_validate,
    supplier_invoice_validate,
)
from agora.purchasing.tests.builders import (
    entry_lines,
    line,
    make_document,
    make_purchase_products,
    make_purchasing_books,
    make_supplier,
    vat,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice():
    org, buyer = make_purchasing_books()
    supplier = make_supplier(org)
    paper, desk = make_purchase_products(org)
    document = make_document(
        org, buyer, supplier, PurchaseKind.INVOICE,
        [line(paper, 100, "4.50"), line(desk, 1, "350", discount_pct="10"),
         line(None, 20, "12", label="Café en grains 1 kg", vat_category=vat(org, "TVA5.5"), account="607")],
        supplier_reference="PR-7781", reductions=[{"label": "Remise", "pct": "5"}], cash_discount_pct="2",
        shipping="30")
    return buyer, document


def test_invoice_totals_follow_core_totals(invoice):
    # 20 %: 450.00 + (350 − 35) = 765.00; remise 5 % 38.25 → 726.75   5.5 %: 240.00 − 12.00 = 228.00
    # commercial net 954.75; escompte 2 %: 14.54 + 4.56 = 19.10 → financial net 935.65
    # shipping 30 spread: 20 % 30 × 712.21 / 935.65 = 22.84, 5.5 % 7.16 → bases 735.05 and 230.60
    # VAT 147.01 + 12.68 (230.60 × 5.5 % = 12.683) = 159.69; untaxed 965.65; TTC 1 125.34
    _buyer, document = invoice
    assert (document.commercial_net, document.financial_net) == (Decimal("954.75"), Decimal("935.65"))
    assert (document.total_untaxed, document.total_vat) == (Decimal("965.65"), Decimal("159.69"))
    assert document.total_incl_tax == document.net_to_pay == Decimal("1125.34")


def test_invoice_entry(invoice):
    # Charges at commercial net, per rate then pro rata of line nets within the rate:
    #   20 %: 726.75 → 607: 726.75 × 450/765 = 427.50, 2184: 299.25      5.5 %: 607 228.00 → 607 = 655.50
    # VAT 20 % 147.01 → 44562 (desk) 147.01 × 315/765 = 60.53, 44566 86.48;  5.5 % 12.68 on 44566
    # 765 credit the escompte 19.10; 401 credit TTC 1 125.34.
    # Debits 655.50 + 299.25 + 30 + 60.53 + 86.48 + 12.68 = 1 144.44 = credits 19.10 + 1 125.34.
    buyer, document = invoice
    document = supplier_invoice_validate(actor=buyer, invoice=document)
    assert document.number == "FF-2026-00001"
    assert entry_lines(document) == [
        ("2184", "299.25", "0.00", "", ""),
        ("607", "655.50", "0.00", "", ""),
        ("624", "30.00", "0.00", "", ""),
        ("44562", "60.53", "0.00", "", "19"),
        ("44566", "86.48", "0.00", "", "20"),
        ("44566", "12.68", "0.00", "", "20"),
        ("765", "0.00", "19.10", "", ""),
        ("401", "0.00", "1125.34", "F001", ""),
    ]
    entry = document.entry
    assert (entry.journal.code, entry.date, entry.reference) == ("AC", document.issue_date, "FF-2026-00001")
    supplier_line = entry.lines.get(account__code="401")
    assert supplier_line.due_date == document.due_date  # 30 days after 10/03/2026
    assert str(document.due_date) == "2026-04-09"


def test_credit_note_posts_the_reverse(invoice):
    buyer, document = invoice
    document = supplier_invoice_validate(actor=buyer, invoice=document)
    credit = credit_note_create_from_invoice(actor=buyer, invoice=document, reason="Erreur de facturation",
                                             data={"supplier_reference": "AV-12"})
    # whole invoice credited: same figures, shipping included, no escompte on a credit note → 765 line absent
    # 20 %: base 726.75 + shipping spread 30 × 726.75 / 954.75 = 22.84 → 749.59, VAT 149.92
    # 5.5 %: 228.00 + 7.16 = 235.16, VAT 12.93; TTC = 954.75 + 30 + 162.85 = 1 147.60
    # VAT 20 % split: 44562 149.92 × 315/765 = 61.73, 44566 149.92 × 450/765 = 88.19
    credit = credit_note_validate(actor=buyer, credit_note=credit)
    assert credit.number == "AF-2026-00001"
    assert credit.total_incl_tax == Decimal("1147.60")
    assert entry_lines(credit) == [
        ("2184", "0.00", "299.25", "", ""),
        ("607", "0.00", "655.50", "", ""),
        ("624", "0.00", "30.00", "", ""),
        ("44562", "0.00", "61.73", "", "19"),
        ("44566", "0.00", "88.19", "", "20"),
        ("44566", "0.00", "12.93", "", "20"),
        ("401", "1147.60", "0.00", "F001", ""),
    ]
