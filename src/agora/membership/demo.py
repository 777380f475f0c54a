"""Demo data for the association: categories, about forty members, the fees of the year (most of them paid,
some in part), gifts and their tax receipts — all through the services, so the books get the real entries.

Deterministic: the same `year` and `today` always give the same data. Payments and gifts are made in date
order (`membership_steps` yields each day before doing its work, so the ledger's demo can interleave them with
its own entries); `demo_populate` is the `agora demo` hook for associations.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from agora.parties.models import Party
from agora.parties.services import party_update

from . import services
from .models import Member, MembershipFee

CATEGORIES = [
    ("ACTIF", "Membre actif", "30.00", "7561"),
    ("FAMILLE", "Adhésion famille", "50.00", "7561"),
    ("BIENFAITEUR", "Membre bienfaiteur", "100.00", "7561"),
    ("ATELIERS", "Adhésion avec ateliers", "120.00", "7562"),
]
FIRST_NAMES = ["Camille", "Louise", "Hugo", "Léa", "Jules", "Chloé", "Arthur", "Manon", "Lucas", "Inès", "Nathan",
               "Jeanne", "Paul", "Alice", "Gabriel", "Zoé", "Louis", "Sarah", "Raphaël", "Emma"]
LAST_NAMES = ["Bernard", "Dubois", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David",
              "Bertrand", "Morel", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau",
              "Vincent"]
STREETS = ["rue Paul Bert", "cours Gambetta", "rue de la Part-Dieu", "avenue Jean Jaurès", "rue Garibaldi",
           "rue Moncey", "rue de Créqui", "boulevard des Belges", "rue Duguesclin", "place Guichard"]
POSTAL_CODES = ["69003", "69006", "69007", "69008"]
METHODS = ["cheque", "cheque", "transfer", "transfer", "card", "cash", "direct_debit"]
MEMBER_COUNT = 40


def _address(rng: random.Random) -> dict:
    return {"address_line1": f"{rng.randint(1, 120)} {rng.choice(STREETS)}", "postal_code": rng.choice(POSTAL_CODES),
            "city": "Lyon"}


def _day_between(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def membership_demo(*, actor, organisation, year: int, today: date) -> dict:
    """Seed the association's membership data for `year` (books for `year` must be open). Returns counts."""
    counts: dict = {}
    for _ in membership_steps(actor=actor, organisation=organisation, year=year, today=today, counts=counts):
        pass
    return counts


def membership_steps(*, actor, organisation, year: int, today: date, counts: dict):
    """The demo as a generator: register, call the fees, then yield each day with payments or gifts before
    recording them; `counts` is filled at the end."""
    rng = random.Random(f"adherents-{organisation.slug}-{year}")  # noqa: S311 (demo data, not secrets)
    services.settings_update(actor=actor, organisation=organisation, data={
        "purpose": "Animation de la vie du quartier : ateliers, jardins partagés, entraide et fêtes de quartier.",
        "legal_status": "Association loi 1901 d'intérêt général", "beneficiary_status": "general_interest",
        "signatory_name": "Martine Garnier", "signatory_role": "Trésorière", "signature_place": organisation.city})
    categories = [services.category_create(actor=actor, organisation=organisation, data={
        "code": code, "label": label, "amount": Decimal(amount), "account": account})
        for code, label, amount, account in CATEGORIES]
    weights = [60, 20, 8, 12]
    addresses = random.Random(f"adresses-{organisation.slug}")  # noqa: S311 (a separate draw: same members)
    last_day = min(today, date(year, 12, 31))

    # Parties already flagged as members (from the books' demo) enter the register first, then new people.
    existing = list(Party.objects.filter(organisation=organisation, is_member=True).order_by("code"))
    members = []
    for n in range(MEMBER_COUNT):
        category = rng.choices(categories, weights)[0]
        joined_on = _day_between(rng, date(year - 6, 1, 1), date(year - 1, 12, 31)) if n < 32 else \
            _day_between(rng, date(year, 1, 2), last_day)
        if n < len(existing):
            party = existing[n]
            if not party.address_line1:  # the books' demo knew only names: the register wants an address
                party = party_update(actor=actor, party=party, data=_address(addresses))
            member = services.member_register(actor=actor, organisation=organisation, category=category,
                                              joined_on=joined_on, party=party, first_fee=False)
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            email = f"{first.lower()}.{last.lower()}@example.org".replace("é", "e").replace("è", "e") \
                .replace("ë", "e").replace("ï", "i") if rng.random() < 0.7 else ""
            member = services.member_register(
                actor=actor, organisation=organisation, category=category, joined_on=joined_on, first_fee=False,
                party_data={"name": f"{last} {first}", "email": email, "phone": f"06 {rng.randint(10, 99)} "
                            f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}", **_address(rng)})
        members.append(member)
    # Two departures during the year (before the fees are called, so no fee is left hanging).
    for member in members[5:7]:
        if member.joined_on < date(year, 1, 1):
            services.member_leave(actor=actor, member=member, left_on=date(year - 1, 12, 31))

    services.fees_generate(actor=actor, organisation=organisation, year=year, due_date=date(year, 1, 31))
    fees = list(MembershipFee.objects.filter(organisation=organisation, year=year).select_related("member")
                .order_by("member__number"))
    paid = partial = 0
    plan: list[tuple[date, int, object]] = []  # (day, order, work): played in date order
    for fee in fees:
        draw = rng.random()
        if draw < 0.80:
            when = _day_between(rng, max(date(year, 1, 5), fee.member.joined_on), last_day)
            plan.append((when, len(plan), _pay(actor, fee, when, rng.choice(METHODS), fee.amount,
                                               f"COT{year}-{fee.member.number}")))
            paid += 1
        elif draw < 0.88 and fee.amount >= Decimal("50"):
            when = _day_between(rng, max(date(year, 1, 5), fee.member.joined_on), last_day)
            plan.append((when, len(plan), _pay(actor, fee, when, "cheque", (fee.amount / 2).quantize(Decimal("0.01")),
                                               f"COT{year}-{fee.member.number}-1")))
            partial += 1
    # Gifts from members with an address; most get their receipt.
    donors = [m.party for m in members if m.party.address_line1][:12]
    donations = receipts = 0
    for n, party in enumerate(donors[:10]):
        when = _day_between(rng, date(year, 1, 2), last_day)
        amount = Decimal(rng.choice([20, 30, 50, 50, 75, 100, 150, 200, 300]))
        plan.append((when, len(plan), _gift(actor, organisation, party, when, amount, rng.choice(METHODS),
                                            f"DON{year}-{n + 1:02d}", receipt=n < 8, today=today)))
        donations += 1
        receipts += n < 8
    for day, _, work in sorted(plan, key=lambda item: item[:2]):
        yield day
        work()
    if today > date(year, 3, 1):
        services.members_lapse(actor=actor, organisation=organisation, year=year, today=today)
    counts.update({"members": Member.objects.filter(organisation=organisation).count(), "fees": len(fees),
                   "fees_paid": paid, "fees_partial": partial, "donations": donations, "receipts": receipts})


def _pay(actor, fee, when, method, amount, reference):
    return lambda: services.fee_payment_record(actor=actor, fee=fee, date=when, method=method, amount=amount,
                                               reference=reference)


def _gift(actor, organisation, party, when, amount, method, reference, *, receipt: bool, today: date):
    def work():
        gift = services.donation_record(actor=actor, organisation=organisation, party=party, date=when,
                                        amount=amount, method=method, reference=reference)
        if receipt:
            services.donation_receipt_issue(actor=actor, donation=gift, issued_on=min(today, when + timedelta(days=7)))
    return work


def demo_steps(*, organisation, users: dict, today: date):
    """`agora demo` hook: the association's members, fees and gifts of the current year, day by day."""
    if organisation.kind != "association":
        return None
    return membership_steps(actor=users.get("accounting"), organisation=organisation, year=today.year, today=today,
                            counts={})


def demo_populate(*, organisation, users: dict, today: date) -> None:
    """`agora demo` hook when no ledger demo plays the steps: the same data, in one go."""
    steps = demo_steps(organisation=organisation, users=users, today=today)
    for _ in steps or ():
        pass
