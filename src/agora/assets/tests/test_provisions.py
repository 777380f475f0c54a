"""Provisions: a doubtful customer from transfer to final loss, risks and charges, the état des provisions."""

from datetime import date
from decimal import Decimal

import pytest

from agora.assets.models import Provision, ProvisionMovement
from agora.assets.selectors.provisions import provision_table, provisions_reviewed
from agora.assets.services.provisions import (
    doubtful_customer_loss,
    doubtful_customer_mark,
    provision_adjust,
    provision_create,
    provisions_review,
)
from agora.core.errors import BusinessError
from agora.ledger.models import EntryLine, FiscalYear, MatchingPart
from agora.ledger.tests.builders import make_books, make_party, post, sale

from .builders import entry_rows

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books():
    organisation, accountant = make_books(year=2026)
    customer = make_party(organisation, "C001", "Bricolage Martin")
    sale(organisation, accountant, date(2026, 2, 10), "C001", "1000.00", "200.00", label="Facture F1")
    sale(organisation, accountant, date(2026, 3, 10), "C001", "500.00", "100.00", label="Facture F2")
    post(organisation, accountant, "BQ1", date(2026, 4, 5), "Acompte Martin", ("5121", "600.00", 0),
         ("411", 0, "600.00", "C001"))
    return organisation, accountant, customer


def test_doubtful_customer_from_transfer_to_loss(books):
    """Open on 411: 1,200 + 600 − 600 (a payment on account) = 1,200.00 TTC, all invoiced at 20 %: excl. VAT
    1,200 × 1,500/1,800 = 1,000.00.
    Marked doubtful on 30 June, loss estimated 40 %: OD 416 D 1,200 / 411 C 1,200 (the 411 items matched, no
    longer open), provision 1,000 × 40 % = 400.00 (6817 D / 491 C, on the customer).
    Year end, loss now 70 %: 700 − 400 = complement 300.00 (6817 / 491).
    Then 30 %: 300 − 700 = reversal 400.00 (491 / 7817).
    Final loss: 654 D 1,000.00 + 44571 D 200.00 (VAT recovered) / 416 C 1,200.00; provision 300 reversed."""
    organisation, accountant, customer = books
    provision = doubtful_customer_mark(actor=accountant, organisation=organisation, party=customer,
                                       on=date(2026, 6, 30), loss_rate="40")
    assert (provision.receivable, provision.receivable_net, provision.amount) == (
        D("1200.00"), D("1000.00"), D("400.00"))
    assert entry_rows(provision.transfer_entry) == [("416", "1200.00", "0.00", "C001"),
                                                    ("411", "0.00", "1200.00", "C001")]
    open_411 = EntryLine.objects.filter(organisation=organisation, account__code="411").exclude(
        matching_part__matching__is_full=True)
    assert not open_411.exists()
    dotation = provision.movements.get()
    assert entry_rows(dotation.entry) == [("6817", "400.00", "0.00", ""), ("491", "0.00", "400.00", "C001")]

    complement = provision_adjust(actor=accountant, provision=provision, on=date(2026, 12, 31), loss_rate="70")
    assert (complement.kind, complement.amount) == ("dotation", D("300.00"))
    reversal = provision_adjust(actor=accountant, provision=provision, on=date(2026, 12, 31), loss_rate="30")
    assert (reversal.kind, reversal.amount) == ("reversal", D("400.00"))
    assert entry_rows(reversal.entry) == [("491", "400.00", "0.00", "C001"), ("7817", "0.00", "400.00", "")]

    doubtful_customer_loss(actor=accountant, provision=provision, on=date(2026, 12, 31))
    provision.refresh_from_db()
    assert (provision.state, provision.amount) == ("closed", D("0.00"))
    loss_entry = EntryLine.objects.get(account__code="654").entry
    assert entry_rows(loss_entry) == [("654", "1000.00", "0.00", ""), ("44571", "200.00", "0.00", ""),
                                      ("416", "0.00", "1200.00", "C001")]
    assert EntryLine.objects.get(entry=loss_entry, account__code="44571").vat_box == "08"
    last = provision.movements.order_by("pk").last()
    assert (last.kind, last.amount) == ("reversal", D("300.00"))
    assert MatchingPart.objects.filter(line__account__code="416", matching__is_full=True).count() == 2


def test_doubtful_customer_refusals(books):
    organisation, accountant, customer = books
    nobody = make_party(organisation, "C002", "Client soldé")
    for kwargs, field in (({"party": nobody, "loss_rate": "50"}, "party"),
                          ({"party": customer, "loss_rate": "0"}, "loss_rate"),
                          ({"party": customer, "loss_rate": "120"}, "loss_rate"),
                          ({"party": customer, "loss_rate": "abc"}, "loss_rate")):
        with pytest.raises(BusinessError) as error:
            doubtful_customer_mark(actor=accountant, organisation=organisation, on=date(2026, 6, 30), **kwargs)
        assert error.value.field == field
    assert not Provision.objects.exists()
    doubtful_customer_mark(actor=accountant, organisation=organisation, party=customer, on=date(2026, 6, 30),
                           loss_rate="50")
    with pytest.raises(BusinessError) as error:
        doubtful_customer_mark(actor=accountant, organisation=organisation, party=customer, on=date(2026, 7, 1),
                               loss_rate="50")
    assert error.value.code == "already_doubtful"


def test_litigation_provision_and_the_table_of_provisions(books):
    """A lawsuit (151) provisioned 5,000 on 15 March (6815 / 151), brought to 3,000 at year end (reversal 2,000:
    151 / 7815). État 2026: start 0, dotations 5,000, reversals 2,000, end 3,000; with a doubtful customer at 40 %
    of 1,000 (400): totals 5,400 / 2,000 / 3,400."""
    organisation, accountant, customer = books
    lawsuit = provision_create(actor=accountant, organisation=organisation, kind="risk", label="Litige prud'homal",
                               account_code="151", amount="5000", on=date(2026, 3, 15))
    assert entry_rows(lawsuit.movements.get().entry) == [("6815", "5000.00", "0.00", ""),
                                                         ("151", "0.00", "5000.00", "")]
    reversal = provision_adjust(actor=accountant, provision=lawsuit, on=date(2026, 12, 31), amount="3000")
    assert entry_rows(reversal.entry) == [("151", "2000.00", "0.00", ""), ("7815", "0.00", "2000.00", "")]
    doubtful_customer_mark(actor=accountant, organisation=organisation, party=customer, on=date(2026, 6, 30),
                           loss_rate="40")
    table = provision_table(organisation=organisation, fiscal_year=FiscalYear.objects.get(organisation=organisation))
    rows = {row.label[:20]: (row.start, row.dotations, row.reversals, row.end) for row in table.rows}
    assert rows["Provisions pour risq"] == (D("0"), D("5000.00"), D("2000.00"), D("3000.00"))
    assert rows["Dépréciations des co"] == (D("0"), D("400.00"), D("0"), D("400.00"))
    assert (table.total.dotations, table.total.reversals, table.total.end) == (D("5400.00"), D("2000.00"),
                                                                              D("3400.00"))
    with pytest.raises(BusinessError) as error:
        provision_adjust(actor=accountant, provision=lawsuit, on=date(2026, 12, 31), amount="3000")
    assert error.value.code == "no_change"
    provision_adjust(actor=accountant, provision=lawsuit, on=date(2026, 12, 31), amount="0")
    lawsuit.refresh_from_db()
    assert lawsuit.state == "closed"
    assert ProvisionMovement.objects.filter(provision=lawsuit).count() == 3


def test_provision_create_bad_input(books):
    organisation, accountant, _ = books
    for kwargs, field in (({"account_code": "6815"}, "account_code"), ({"amount": "-1"}, "amount"),
                          ({"label": ""}, "label"), ({"kind": "customer"}, "kind")):
        data = {"kind": "risk", "label": "Litige", "account_code": "151", "amount": "100", "on": date(2026, 3, 1),
                **kwargs}
        with pytest.raises(BusinessError) as error:
            provision_create(actor=accountant, organisation=organisation, **data)
        assert error.value.field == field
    assert not Provision.objects.exists()


def test_review_is_recorded_per_year(books):
    organisation, accountant, _ = books
    year = FiscalYear.objects.get(organisation=organisation)
    assert provisions_reviewed(year) is None
    provisions_review(actor=accountant, organisation=organisation, fiscal_year=year, note="Rien à ajouter")
    review = provisions_reviewed(year)
    assert (review.reviewed_by, review.note) == (accountant, "Rien à ajouter")
