"""Reads of the membership app, always scoped by organisation; lists come with their related rows joined so
a page costs the same few queries whatever its length."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from agora.core.money import ZERO

from .models import Donation, FeePayment, Member, MembershipCategory, MembershipFee, RenewalCampaign

OPEN_STATES = (MembershipFee.State.DUE, MembershipFee.State.PARTIAL)


def category_list(*, organisation, active: bool | None = None) -> QuerySet[MembershipCategory]:
    categories = MembershipCategory.objects.filter(organisation=organisation).annotate(
        members_count=Count("members", filter=~Q(members__status=Member.Status.LEFT)))
    if active is not None:
        categories = categories.filter(active=active)
    return categories.order_by("code")


def category_get(*, organisation, pk: int) -> MembershipCategory:
    return MembershipCategory.objects.get(organisation=organisation, pk=pk)


def member_list(*, organisation, status: str | None = None, category=None, search: str = "") -> QuerySet[Member]:
    """The register by member number; `search` matches number, name, e-mail or city."""
    members = Member.objects.filter(organisation=organisation).select_related("party", "category")
    if status:
        members = members.filter(status=status)
    if category:
        members = members.filter(category=category)
    search = (search or "").strip()
    if search:
        members = members.filter(Q(number__icontains=search) | Q(party__name__icontains=search)
                                 | Q(party__email__icontains=search) | Q(party__city__icontains=search)
                                 | Q(party__code__iexact=search))
    return members.order_by("number")


def member_get(*, organisation, pk: int) -> Member:
    return Member.objects.select_related("party", "category").get(organisation=organisation, pk=pk)


def member_fees(*, member: Member) -> list[MembershipFee]:
    """A member's fees, newest year first, each with its payments (two queries)."""
    return list(MembershipFee.objects.filter(organisation_id=member.organisation_id, member=member)
                .select_related("category").prefetch_related("payments__entry__journal",
                                                             "payments__entry__fiscal_year")
                .order_by("-year"))


def member_export_rows(members):
    for m in members.iterator(chunk_size=2000):
        party = m.party
        yield [m.number, party.name, m.category.label, m.joined_on, m.left_on, m.get_status_display(), party.email,
               party.phone, party.address_line1, party.postal_code, party.city]


MEMBER_EXPORT_HEADER = ["N° adhérent", "Nom", "Catégorie", "Adhésion", "Sortie", "Statut", "E-mail", "Téléphone",
                        "Adresse", "Code postal", "Ville"]


def fee_list(*, organisation, year: int | None = None, state: str | None = None, search: str = "",
             unpaid: bool = False) -> QuerySet[MembershipFee]:
    fees = MembershipFee.objects.filter(organisation=organisation).select_related("member__party", "category")
    if year:
        fees = fees.filter(year=year)
    if state:
        fees = fees.filter(state=state)
    if unpaid:
        fees = fees.filter(state__in=OPEN_STATES)
    search = (search or "").strip()
    if search:
        fees = fees.filter(Q(member__number__icontains=search) | Q(member__party__name__icontains=search))
    return fees.order_by("-year", "member__number")


def fees_due(*, organisation, year: int) -> QuerySet[MembershipFee]:
    """The fees called for `year`, cancelled ones left out."""
    return fee_list(organisation=organisation, year=year).exclude(state=MembershipFee.State.CANCELLED)


def unpaid_fees(*, organisation, year: int | None = None) -> QuerySet[MembershipFee]:
    return fee_list(organisation=organisation, year=year, unpaid=True)


def fee_totals(fees: QuerySet[MembershipFee]) -> dict:
    """Count, called, received and outstanding over the given fees (cancelled ones count for nothing)."""
    live = fees.exclude(state=MembershipFee.State.CANCELLED).order_by()
    totals = live.aggregate(n=Count("id"), total=Sum("amount"), total_paid=Sum("paid_amount"))
    amount, paid = totals["total"] or ZERO, totals["total_paid"] or ZERO
    return {"count": totals["n"], "amount": amount, "paid": paid, "balance": amount - paid}


def fee_get(*, organisation, pk: int) -> MembershipFee:
    return MembershipFee.objects.select_related("member__party", "category").get(organisation=organisation, pk=pk)


def fee_payments(*, fee: MembershipFee) -> list[FeePayment]:
    return list(FeePayment.objects.filter(organisation_id=fee.organisation_id, fee=fee)
                .select_related("entry__journal", "entry__fiscal_year").order_by("date", "id"))


def fee_years(*, organisation) -> list[int]:
    return list(MembershipFee.objects.filter(organisation=organisation).order_by("-year")
                .values_list("year", flat=True).distinct())


def campaign_list(*, organisation) -> QuerySet[RenewalCampaign]:
    return RenewalCampaign.objects.filter(organisation=organisation).select_related("created_by").order_by("-year")


def campaign_get(*, organisation, pk: int) -> RenewalCampaign:
    return RenewalCampaign.objects.get(organisation=organisation, pk=pk)


def donation_list(*, organisation, year: int | None = None, search: str = "",
                  receipt: bool | None = None) -> QuerySet[Donation]:
    donations = Donation.objects.filter(organisation=organisation).select_related(
        "party", "entry__journal", "entry__fiscal_year").defer("receipt_pdf")
    if year:
        donations = donations.filter(date__year=year)
    if receipt is not None:
        donations = donations.exclude(receipt_number="") if receipt else donations.filter(receipt_number="")
    search = (search or "").strip()
    if search:
        donations = donations.filter(Q(party__name__icontains=search) | Q(receipt_number__icontains=search)
                                     | Q(party__code__iexact=search))
    return donations.order_by("-date", "-id")


def donation_totals(donations: QuerySet[Donation]) -> dict:
    totals = donations.order_by().aggregate(n=Count("id"), total=Sum("amount"),
                                            total_receipted=Sum("amount", filter=~Q(receipt_number="")))
    return {"count": totals["n"], "amount": totals["total"] or ZERO,
            "receipted": totals["total_receipted"] or ZERO}


def donations_per_year(*, organisation) -> list[dict]:
    """[{year, count, amount}] newest first: the yearly totals of gifts."""
    from django.db.models.functions import ExtractYear

    rows = (Donation.objects.filter(organisation=organisation).annotate(year=ExtractYear("date")).values("year")
            .annotate(count=Count("id"), amount=Sum("amount")).order_by("-year"))
    return [{"year": r["year"], "count": r["count"], "amount": r["amount"] or Decimal("0.00")} for r in rows]


def donation_get(*, organisation, pk: int) -> Donation:
    return Donation.objects.select_related("party", "entry__journal", "entry__fiscal_year").get(
        organisation=organisation, pk=pk)
