"""The association's demo data: built through the services, consistent with the books."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum

from agora.ledger.models import EntryLine
from agora.ledger.tests.builders import make_party
from agora.membership.demo import membership_demo
from agora.membership.models import Donation, FeePayment, Member, MembershipFee

from .builders import make_association

pytestmark = pytest.mark.django_db


def test_demo_creates_members_fees_and_receipted_gifts():
    organisation, accountant = make_association()
    make_party(organisation, "M001", "Ancien Membre", is_member=True, is_customer=False)
    counts = membership_demo(actor=accountant, organisation=organisation, year=2026, today=date(2026, 6, 30))
    assert counts["members"] == 40 and Member.objects.filter(party__code="M001").exists()
    assert counts["fees"] == MembershipFee.objects.filter(year=2026).count() == 38  # two left at the end of 2025
    assert counts["fees_paid"] >= 25 and counts["donations"] == 10 and counts["receipts"] == 8
    received = FeePayment.objects.aggregate(total=Sum("amount"))["total"]
    credited = EntryLine.objects.filter(account__code__in=["7561", "7562"]).aggregate(total=Sum("credit"))["total"]
    assert received == credited > Decimal("0")
    gifts = Donation.objects.aggregate(total=Sum("amount"))["total"]
    assert EntryLine.objects.filter(account__code="75411").aggregate(total=Sum("credit"))["total"] == gifts
    numbers = sorted(Donation.objects.exclude(receipt_number="").values_list("receipt_number", flat=True))
    assert numbers == [f"RF-2026-{n:05d}" for n in range(1, 9)]
    totals = EntryLine.objects.aggregate(debit=Sum("debit"), credit=Sum("credit"))
    assert totals["debit"] == totals["credit"]
