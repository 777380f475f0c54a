"""Matching (lettrage), hand-worked: a partial then a full matching, codes AA/AB, unmatching and refusals."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine, Matching, MatchingPart, Period
from agora.ledger.services import entry_draft_save, matching_create, matching_delete, period_set_state

from .builders import make_books, make_party, post, sale

pytestmark = pytest.mark.django_db


def line_of(entry, account: str) -> EntryLine:
    return entry.lines.get(account__code=account)


def receipt(org, user, day: date, party: str, amount: str, label: str = "Règlement"):
    """A customer payment on the bank: 5121 debit / 411 credit."""
    return post(org, user, "BQ1", day, label, ("5121", amount, 0), ("411", 0, amount, party))


def residual(matching: Matching) -> Decimal:
    """What is left to match: Σ (debit − credit) of the matched lines."""
    return MatchingPart.objects.filter(matching=matching).aggregate(total=Sum("amount"))["total"]


def frozen(*lines: EntryLine) -> list[tuple]:
    """The columns of posted lines that matching must never touch."""
    return list(EntryLine.objects.filter(pk__in=[line.pk for line in lines]).order_by("pk")
                .values_list("pk", "account__code", "party__code", "debit", "credit", "date", "posted", "label"))


@pytest.fixture
def books():
    org, user = make_books()
    make_party(org, "C001", "Client Martin")
    make_party(org, "C002", "Client Bernard")
    return org, user


def test_partial_then_full_matching_keeps_its_code(books):
    org, user = books
    # Invoice 1 000,00 HT + 200,00 TVA = 1 200,00 TTC on 411 C001.
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "1000.00", "200.00"), "411")
    first = line_of(receipt(org, user, date(2026, 3, 20), "C001", "500.00"), "411")
    before = frozen(invoice, first)

    partial = matching_create(actor=user, organisation=org, line_ids=[invoice.pk, first.pk])
    assert partial.code == "AA" and partial.display_code == "aa" and str(partial) == "aa"
    assert partial.is_full is False
    # 1 200,00 debit − 500,00 credit = 700,00 still due.
    assert residual(partial) == Decimal("700.00")
    assert partial.date == date(2026, 3, 20)
    assert sorted(MatchingPart.objects.filter(matching=partial).values_list("line_id", "amount")) == sorted(
        [(invoice.pk, Decimal("1200.00")), (first.pk, Decimal("-500.00"))])
    assert partial.account.code == "411" and partial.party.code == "C001"

    second = line_of(receipt(org, user, date(2026, 4, 10), "C001", "700.00"), "411")
    full = matching_create(actor=user, organisation=org, line_ids=[invoice.pk, second.pk])
    assert full.pk == partial.pk
    assert full.code == "AA" and full.display_code == "AA" and full.is_full is True
    assert residual(full) == Decimal("0.00")
    assert full.date == date(2026, 4, 10)
    assert set(MatchingPart.objects.filter(matching=full).values_list("line_id", flat=True)) == {
        invoice.pk, first.pk, second.pk}
    assert Matching.objects.filter(organisation=org).count() == 1
    # Matching never rewrites a line.
    assert frozen(invoice, first) == before
    actions = list(AuditEvent.objects.filter(organisation=org, action="matching.create", object_id=str(full.pk))
                   .order_by("pk").values_list("after__code", flat=True))
    assert actions == ["aa", "AA"]

    # A third group on the same account takes the next code.
    other = line_of(sale(org, user, date(2026, 5, 2), "C002", "100.00", "20.00"), "411")
    paid = line_of(receipt(org, user, date(2026, 5, 30), "C002", "120.00"), "411")
    next_group = matching_create(actor=user, organisation=org, line_ids=[other.pk, paid.pk])
    assert (next_group.code, next_group.display_code, next_group.is_full) == ("AB", "AB", True)
    assert residual(next_group) == Decimal("0.00")


def test_partial_matching_of_several_lines_at_once(books):
    org, user = books
    a = line_of(sale(org, user, date(2026, 2, 1), "C001", "250.00", "50.00"), "411")    # 300,00
    b = line_of(sale(org, user, date(2026, 2, 3), "C001", "125.00", "25.00"), "411")    # 150,00
    paid = line_of(receipt(org, user, date(2026, 2, 28), "C001", "400.00"), "411")
    matching = matching_create(actor=user, organisation=org, line_ids=[a.pk, b.pk, paid.pk])
    assert (matching.code, matching.display_code, matching.is_full) == ("AA", "aa", False)
    assert residual(matching) == Decimal("50.00")


def test_two_partial_matchings_merge_under_the_smaller_code(books):
    org, user = books
    inv1 = line_of(sale(org, user, date(2026, 6, 1), "C001", "100.00", "20.00"), "411")  # 120,00
    pay1 = line_of(receipt(org, user, date(2026, 6, 5), "C001", "20.00"), "411")
    inv2 = line_of(sale(org, user, date(2026, 6, 2), "C001", "50.00", "10.00"), "411")   # 60,00
    pay2 = line_of(receipt(org, user, date(2026, 6, 6), "C001", "160.00"), "411")
    aa = matching_create(actor=user, organisation=org, line_ids=[inv1.pk, pay1.pk])
    ab = matching_create(actor=user, organisation=org, line_ids=[inv2.pk, pay2.pk])
    assert (aa.display_code, ab.display_code) == ("aa", "ab")
    assert residual(aa) == Decimal("100.00") and residual(ab) == Decimal("-100.00")
    merged = matching_create(actor=user, organisation=org, line_ids=[inv1.pk, inv2.pk])
    assert merged.pk == aa.pk and merged.display_code == "AA" and residual(merged) == Decimal("0.00")
    assert not Matching.objects.filter(pk=ab.pk).exists()
    assert MatchingPart.objects.filter(matching=merged).count() == 4


def test_codes_are_counted_per_account(books):
    org, user = books
    make_party(org, "F001", "Fournisseur Dupont", is_supplier=True)
    inv = line_of(sale(org, user, date(2026, 3, 1), "C001", "10.00", "2.00"), "411")
    pay = line_of(receipt(org, user, date(2026, 3, 2), "C001", "12.00"), "411")
    bill = line_of(post(org, user, "AC", date(2026, 3, 1), "Facture achat", ("607", "30.00", 0),
                        ("401", 0, "30.00", "F001")), "401")
    paid = line_of(post(org, user, "BQ1", date(2026, 3, 9), "Paiement", ("401", "30.00", 0, "F001"),
                        ("5121", 0, "30.00")), "401")
    assert matching_create(actor=user, organisation=org, line_ids=[inv.pk, pay.pk]).code == "AA"
    assert matching_create(actor=user, organisation=org, line_ids=[bill.pk, paid.pk]).code == "AA"


def test_unmatching_while_the_period_is_open_is_audited(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "1000.00", "200.00"), "411")
    paid = line_of(receipt(org, user, date(2026, 3, 20), "C001", "1200.00"), "411")
    before = frozen(invoice, paid)
    matching = matching_create(actor=user, organisation=org, line_ids=[invoice.pk, paid.pk])
    pk = matching.pk
    matching_delete(actor=user, matching=matching)
    assert not Matching.objects.filter(pk=pk).exists()
    assert not MatchingPart.objects.filter(line_id__in=[invoice.pk, paid.pk]).exists()
    assert frozen(invoice, paid) == before
    event = AuditEvent.objects.get(organisation=org, action="matching.delete", object_id=str(pk))
    assert event.actor == user
    assert event.before["code"] == "AA" and sorted(event.before["lines"]) == sorted([invoice.pk, paid.pk])
    # The lines can be matched again afterwards; codes are never reused.
    again = matching_create(actor=user, organisation=org, line_ids=[invoice.pk, paid.pk])
    assert again.code == "AB" and again.is_full


def test_unmatching_after_the_period_is_closed_is_refused(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "1000.00", "200.00"), "411")
    paid = line_of(receipt(org, user, date(2026, 3, 20), "C001", "500.00"), "411")
    matching = matching_create(actor=user, organisation=org, line_ids=[invoice.pk, paid.pk])
    march = Period.objects.get(organisation=org, start_date=date(2026, 3, 1))
    period_set_state(actor=user, period=march, state="closed")
    with pytest.raises(BusinessError) as caught:
        matching_delete(actor=user, matching=matching)
    assert caught.value.code == "period_closed"
    assert caught.value.message == "La période du lettrage est close : il ne peut plus être défait."
    assert Matching.objects.filter(pk=matching.pk).exists()
    assert MatchingPart.objects.filter(matching=matching).count() == 2
    assert not AuditEvent.objects.filter(organisation=org, action="matching.delete").exists()


def _refused(org, user, line_ids, code: str, message: str):
    parts, matchings = MatchingPart.objects.count(), Matching.objects.count()
    with pytest.raises(BusinessError) as caught:
        matching_create(actor=user, organisation=org, line_ids=line_ids)
    assert caught.value.code == code
    assert caught.value.message == message
    assert caught.value.field == "lines"
    assert (MatchingPart.objects.count(), Matching.objects.count()) == (parts, matchings)


def test_mixed_accounts_are_refused(books):
    org, user = books
    entry = receipt(org, user, date(2026, 3, 20), "C001", "500.00")
    _refused(org, user, [line_of(entry, "411").pk, line_of(entry, "5121").pk], "mixed_accounts",
             "Les lignes à lettrer doivent porter sur le même compte.")


def test_mixed_parties_are_refused(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "100.00", "20.00"), "411")
    paid = line_of(receipt(org, user, date(2026, 3, 20), "C002", "120.00"), "411")
    _refused(org, user, [invoice.pk, paid.pk], "mixed_parties",
             "Les lignes à lettrer doivent concerner le même tiers.")


def test_non_reconcilable_account_is_refused(books):
    org, user = books
    sale_line = line_of(sale(org, user, date(2026, 3, 5), "C001", "100.00", "20.00"), "706")
    credit_note = post(org, user, "VT", date(2026, 3, 6), "Avoir", ("706", "100.00", 0), ("44571", "20.00", 0),
                       ("411", 0, "120.00", "C001"))
    _refused(org, user, [sale_line.pk, line_of(credit_note, "706").pk], "not_reconcilable",
             "Le compte 706 n'est pas lettrable.")


def test_draft_lines_are_refused(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "100.00", "20.00"), "411")
    draft = entry_draft_save(actor=user, organisation=org, data=EntryInput(
        journal="BQ1", date=date(2026, 3, 20), label="Règlement en attente", lines=[
            LineInput("5121", Decimal("120.00"), Decimal(0)),
            LineInput("411", Decimal(0), Decimal("120.00"), party="C001")]))
    _refused(org, user, [invoice.pk, line_of(draft, "411").pk], "not_posted",
             "Seules les lignes validées se lettrent.")


def test_a_fully_matched_line_is_refused(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "100.00", "20.00"), "411")
    paid = line_of(receipt(org, user, date(2026, 3, 20), "C001", "120.00"), "411")
    assert matching_create(actor=user, organisation=org, line_ids=[invoice.pk, paid.pk]).is_full
    extra = line_of(receipt(org, user, date(2026, 3, 21), "C001", "120.00"), "411")
    _refused(org, user, [invoice.pk, extra.pk], "already_matched", "Une des lignes est déjà lettrée totalement.")


def test_a_single_new_line_and_other_organisations_lines_are_refused(books):
    org, user = books
    invoice = line_of(sale(org, user, date(2026, 3, 5), "C001", "100.00", "20.00"), "411")
    _refused(org, user, [invoice.pk], "required", "Choisissez au moins deux lignes à lettrer.")
    other, other_user = make_books(slug="voisin")
    make_party(other, "C001")
    foreign = line_of(receipt(other, other_user, date(2026, 3, 20), "C001", "120.00"), "411")
    _refused(org, user, [invoice.pk, foreign.pk], "unknown_line", "Une des lignes à lettrer est introuvable.")
