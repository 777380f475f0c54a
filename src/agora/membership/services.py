"""Writes of the membership app: categories, the member register, yearly fees and their payments, renewal
campaigns, donations and their tax receipts.

Fees and donations are not sales: no VAT, no customer account 411, no sales document. A payment is posted
through the ledger's one door (`entries_post`): bank (BQ1, 512x) or cash (CA, 530) debit against 7561/7562
(fees) or 75411 (donations) credit, the income line carrying the member's or donor's party.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record, snapshot
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.exports import pdf_bytes
from agora.core.mail import mail_send
from agora.core.models import Organisation
from agora.core.money import format_amount, parse_amount
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Account, Journal
from agora.ledger.services import account_create, entries_post
from agora.parties.models import Party
from agora.parties.services import party_create, party_update

from . import domain
from .models import (
    Donation,
    FeePayment,
    Member,
    MembershipCategory,
    MembershipFee,
    MembershipSettings,
    PaymentMethod,
    RenewalCampaign,
)

NONPROFIT_KINDS = (Organisation.Kind.ASSOCIATION, Organisation.Kind.MUTUAL)
MEMBER_SERIES = "membership:member"
MEMBER_SERIES_YEAR = "all"  # member numbers run on across years
RECEIPT_SERIES = "membership:donation_receipt"
DONATION_ACCOUNT = "75411"
INCOME_ACCOUNTS = {
    "756": "Cotisations", "7561": "Cotisations sans contrepartie", "7562": "Cotisations avec contrepartie",
    "754": "Ressources liées à la générosité du public", "7541": "Dons manuels", "75411": "Dons manuels - dons",
}
CATEGORY_FIELDS = ["code", "label", "amount", "account", "active"]
MEMBER_FIELDS = ["party", "number", "category", "joined_on", "left_on", "status", "notes"]
SETTINGS_FIELDS = ["purpose", "legal_status", "beneficiary_status", "signatory_name", "signatory_role",
                   "signature_place"]


# --- helpers ---------------------------------------------------------------------------------------------------

def nonprofit_check(organisation) -> None:
    """Memberships and donation receipts belong to associations and mutuals, never to a company's sales."""
    if organisation.kind not in NONPROFIT_KINDS:
        raise BusinessError("not_nonprofit", "Les adhésions, cotisations et dons sont réservés aux associations et "
                            f"aux mutuelles : « {organisation.legal_name} » est déclarée comme "
                            f"{organisation.get_kind_display().lower()}.", field="organisation")


def accounts_ensure(*, actor, organisation, codes) -> None:
    """Create the ANC income accounts a mutual's chart lacks (an association's chart already has them)."""
    wanted = set()
    for code in codes:  # parents first, so the chart reads as a tree
        wanted.update(code[:n] for n in range(3, len(code) + 1) if code[:n] in INCOME_ACCOUNTS)
    existing = set(Account.objects.filter(organisation=organisation, code__in=wanted).values_list("code", flat=True))
    for code in sorted(wanted - existing):
        account_create(actor=actor, organisation=organisation, code=code, label=INCOME_ACCOUNTS[code])


def _amount(raw, *, field: str, positive: bool = True) -> Decimal:
    value = parse_amount(raw, field=field)
    if value < 0 or (positive and value == 0):
        raise BusinessError("invalid_amount", "Le montant doit être positif.", field=field)
    return value


def _date(value, *, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise BusinessError("invalid_date", f"{label} : date invalide ou manquante.", field=field)
    return value


def _method(value: str, *, field: str = "method") -> str:
    if value not in PaymentMethod.values:
        raise BusinessError("invalid_method", f"Mode de paiement inconnu : « {value} ».", field=field)
    return value


def _treasury(organisation, method: str) -> tuple[str, str]:
    """(journal code, debit account code): cash → CA / 530, everything else → BQ1 / its bank account (512x)."""
    code = "CA" if method == PaymentMethod.CASH else "BQ1"
    journal = Journal.objects.filter(organisation=organisation, code=code).select_related("default_account").first()
    if journal is None:
        raise BusinessError("missing_journal", f"Le journal {code} n'existe pas : créez-le dans la comptabilité.",
                            field="method")
    if journal.default_account is not None:
        return code, journal.default_account.code
    return code, "530" if code == "CA" else "512"


def _same_org(obj, organisation, *, field: str, label: str) -> None:
    if obj is None or obj.organisation_id != organisation.pk:
        raise BusinessError("unknown", f"{label} inconnu(e) dans cette organisation.", field=field)


# --- settings and categories -----------------------------------------------------------------------------------

def settings_of(organisation) -> MembershipSettings:
    found = MembershipSettings.objects.filter(organisation=organisation).first()
    return found or MembershipSettings(organisation=organisation)


@transaction.atomic
def settings_update(*, actor, organisation, data: dict) -> MembershipSettings:
    nonprofit_check(organisation)
    current = settings_of(organisation)
    before = snapshot(current, SETTINGS_FIELDS) if current.pk else None
    for key in SETTINGS_FIELDS:
        if key in data:
            setattr(current, key, (data[key] or "").strip() if isinstance(data[key], str) else data[key])
    if current.beneficiary_status not in MembershipSettings.BeneficiaryStatus.values:
        raise BusinessError("invalid_status", "Qualité du bénéficiaire inconnue.", field="beneficiary_status")
    if not current.legal_status:
        raise BusinessError("required", "Le statut de l'organisme est obligatoire.", field="legal_status")
    current.save()
    audit_record(organisation=organisation, actor=actor, action="membership_settings.update", obj=current,
                 before=before, after=snapshot(current, SETTINGS_FIELDS))
    return current


def _category_clean(data: dict) -> dict:
    code = (data.get("code") or "").strip().upper()
    if not code or len(code) > 20:
        raise BusinessError("required", "Le code de la catégorie est obligatoire (20 caractères au plus).",
                            field="code")
    label = (data.get("label") or "").strip()
    if not label:
        raise BusinessError("required", "Le libellé de la catégorie est obligatoire.", field="label")
    amount = _amount(data.get("amount"), field="amount", positive=False)
    account = str(data.get("account") or MembershipCategory.Account.WITHOUT_CONSIDERATION)
    if account not in MembershipCategory.Account.values:
        raise BusinessError("invalid_account", "Compte de produit : 7561 (sans contrepartie) ou 7562 (avec "
                            "contrepartie).", field="account")
    return {"code": code, "label": label, "amount": amount, "account": account,
            "active": bool(data.get("active", True))}


@transaction.atomic
def category_create(*, actor, organisation, data: dict) -> MembershipCategory:
    nonprofit_check(organisation)
    clean = _category_clean(data)
    if MembershipCategory.objects.filter(organisation=organisation, code=clean["code"]).exists():
        raise BusinessError("duplicate_code", f"La catégorie « {clean['code']} » existe déjà.", field="code")
    accounts_ensure(actor=actor, organisation=organisation, codes=[clean["account"]])
    category = MembershipCategory.objects.create(organisation=organisation, **clean)
    audit_record(organisation=organisation, actor=actor, action="membership_category.create", obj=category,
                 after=snapshot(category, CATEGORY_FIELDS))
    return category


@transaction.atomic
def category_update(*, actor, category: MembershipCategory, data: dict) -> MembershipCategory:
    """Change a category; fees already called keep their amount (they copied it)."""
    before = snapshot(category, CATEGORY_FIELDS)
    clean = _category_clean({**before, **data})
    if MembershipCategory.objects.filter(organisation_id=category.organisation_id, code=clean["code"]) \
            .exclude(pk=category.pk).exists():
        raise BusinessError("duplicate_code", f"La catégorie « {clean['code']} » existe déjà.", field="code")
    accounts_ensure(actor=actor, organisation=category.organisation, codes=[clean["account"]])
    for key, value in clean.items():
        setattr(category, key, value)
    category.save()
    audit_record(organisation=category.organisation, actor=actor, action="membership_category.update",
                 obj=category, before=before, after=snapshot(category, CATEGORY_FIELDS))
    return category


# --- members ---------------------------------------------------------------------------------------------------

def _fee_create(*, organisation, member: Member, year: int, due_date: date) -> MembershipFee:
    return MembershipFee.objects.create(organisation=organisation, member=member, year=year,
                                        category=member.category, amount=member.category.amount, due_date=due_date)


@transaction.atomic
def member_register(*, actor, organisation, category: MembershipCategory, joined_on: date,
                    party: Party | None = None, party_data: dict | None = None, notes: str = "",
                    first_fee: bool = True) -> Member:
    """Enter a member in the register with the next gapless number "AD-NNNNN"; the party is created from
    `party_data` (its code defaults to the member number) or an existing one is flagged as a member. The fee of
    the year of joining is called at once, due on the day of joining."""
    nonprofit_check(organisation)
    _same_org(category, organisation, field="category", label="Catégorie")
    if not category.active:
        raise BusinessError("inactive_category", f"La catégorie « {category.label} » n'est plus proposée.",
                            field="category")
    joined_on = _date(joined_on, field="joined_on", label="Date d'adhésion")
    if (party is None) == (party_data is None):
        raise BusinessError("required", "Indiquez le tiers adhérent ou ses coordonnées.", field="party")
    if party is not None:
        _same_org(party, organisation, field="party", label="Tiers")
        if Member.objects.filter(organisation=organisation, party=party).exists():
            raise BusinessError("already_member", f"{party.name} est déjà inscrit(e) au registre des adhérents.",
                                field="party")
    n = counter_next(organisation=organisation, series=MEMBER_SERIES, fiscal_year=MEMBER_SERIES_YEAR)
    number = domain.member_number(n)
    if party is None:
        data = {"kind": Party.Kind.INDIVIDUAL, **party_data, "is_member": True}
        data["code"] = (data.get("code") or "").strip() or number.replace("-", "")
        party = party_create(actor=actor, organisation=organisation, data=data)
    elif not party.is_member:
        party = party_update(actor=actor, party=party, data={"is_member": True})
    member = Member.objects.create(organisation=organisation, party=party, number=number, category=category,
                                   joined_on=joined_on, notes=notes or "")
    audit_record(organisation=organisation, actor=actor, action="member.register", obj=member,
                 after=snapshot(member, MEMBER_FIELDS))
    if first_fee:
        fee = _fee_create(organisation=organisation, member=member, year=joined_on.year, due_date=joined_on)
        audit_record(organisation=organisation, actor=actor, action="membership_fee.create", obj=fee,
                     after={"year": fee.year, "amount": fee.amount, "member": member.number})
    return member


@transaction.atomic
def member_update(*, actor, member: Member, category: MembershipCategory | None = None,
                  notes: str | None = None) -> Member:
    """Change a member's category (for the fees called from now on) or notes."""
    before = snapshot(member, MEMBER_FIELDS)
    if category is not None:
        _same_org(category, member.organisation, field="category", label="Catégorie")
        member.category = category
    if notes is not None:
        member.notes = notes
    member.save()
    audit_record(organisation=member.organisation, actor=actor, action="member.update", obj=member, before=before,
                 after=snapshot(member, MEMBER_FIELDS))
    return member


@transaction.atomic
def member_leave(*, actor, member: Member, left_on: date) -> Member:
    """Record a departure: the member leaves the register's active list, fees of later years still unpaid are
    cancelled (a year already begun stays due), and the party loses its member flag."""
    member = Member.objects.select_for_update().select_related("party", "organisation").get(pk=member.pk)
    if member.status == Member.Status.LEFT:
        raise BusinessError("already_left", f"{member.party.name} est déjà sorti(e) du registre "
                            f"({member.left_on:%d/%m/%Y}).", field="left_on")
    left_on = _date(left_on, field="left_on", label="Date de sortie")
    if left_on < member.joined_on:
        raise BusinessError("invalid_date", "La date de sortie précède la date d'adhésion.", field="left_on")
    before = snapshot(member, MEMBER_FIELDS)
    member.status, member.left_on = Member.Status.LEFT, left_on
    member.save(update_fields=["status", "left_on"])
    cancelled = MembershipFee.objects.filter(member=member, year__gt=left_on.year, paid_amount=0) \
        .exclude(state=MembershipFee.State.CANCELLED).update(state=MembershipFee.State.CANCELLED)
    party_update(actor=actor, party=member.party, data={"is_member": False})
    audit_record(organisation=member.organisation, actor=actor, action="member.leave", obj=member, before=before,
                 after={**snapshot(member, MEMBER_FIELDS), "fees_cancelled": cancelled})
    return member


@transaction.atomic
def members_lapse(*, actor, organisation, year: int, today: date) -> int:
    """Mark as "non renouvelé" the active members whose fee of `year` is still unpaid after its due date."""
    ids = list(MembershipFee.objects.filter(
        organisation=organisation, year=year, due_date__lt=today, member__status=Member.Status.ACTIVE,
        state__in=[MembershipFee.State.DUE, MembershipFee.State.PARTIAL]).values_list("member_id", flat=True))
    count = Member.objects.filter(organisation=organisation, pk__in=ids).update(status=Member.Status.LAPSED)
    if count:
        audit_record(organisation=organisation, actor=actor, action="member.lapse", object_type="membership.member",
                     object_id=f"{year}", after={"year": year, "members": count})
    return count


# --- fees ------------------------------------------------------------------------------------------------------

@transaction.atomic
def fees_generate(*, actor, organisation, year: int, due_date: date | None = None) -> list[MembershipFee]:
    """Call the fee of `year` for every active member who has none yet (running it twice adds nothing).

    Returns the fees created. Amount and category are copied from the member's category at this moment.
    """
    nonprofit_check(organisation)
    if not isinstance(year, int) or not 1900 < year < 3000:
        raise BusinessError("invalid_year", "Année invalide.", field="year")
    due_date = due_date or date(year, 1, 31)
    have = MembershipFee.objects.filter(organisation=organisation, year=year).values("member_id")
    members = list(Member.objects.filter(organisation=organisation, status=Member.Status.ACTIVE,
                                         joined_on__lte=date(year, 12, 31))
                   .exclude(pk__in=have).select_related("category").order_by("number"))
    fees = MembershipFee.objects.bulk_create([
        MembershipFee(organisation=organisation, member=m, year=year, category=m.category, amount=m.category.amount,
                      due_date=due_date, state=MembershipFee.State.DUE if m.category.amount else
                      MembershipFee.State.PAID)
        for m in members])
    audit_record(organisation=organisation, actor=actor, action="membership_fee.generate",
                 object_type="membership.membershipfee", object_id=str(year),
                 after={"year": year, "created": len(fees), "due_date": due_date})
    return fees


@transaction.atomic
def fee_cancel(*, actor, fee: MembershipFee) -> MembershipFee:
    fee = MembershipFee.objects.select_for_update().get(pk=fee.pk)
    if fee.paid_amount:
        raise BusinessError("fee_paid", "Cette cotisation a reçu des règlements : elle ne peut plus être annulée.",
                            field="fee")
    if fee.state == MembershipFee.State.CANCELLED:
        raise BusinessError("already_cancelled", "Cette cotisation est déjà annulée.", field="fee")
    before = fee.state
    fee.state = MembershipFee.State.CANCELLED
    fee.save(update_fields=["state"])
    audit_record(organisation=fee.organisation, actor=actor, action="membership_fee.cancel", obj=fee,
                 before={"state": before}, after={"state": fee.state})
    return fee


@transaction.atomic
def fee_payment_record(*, actor, fee: MembershipFee, date: date, method: str, amount, reference: str = "") \
        -> FeePayment:
    """Record money received on a fee and post it: 512x (BQ1) or 530 (CA) debit, 7561/7562 credit with the
    member's party. Paying more than what is left due is refused: the surplus would be a gift, recorded as one."""
    fee = MembershipFee.objects.select_for_update().select_related(
        "member__party", "category", "organisation").get(pk=fee.pk)
    organisation = fee.organisation
    nonprofit_check(organisation)
    when = _date(date, field="date", label="Date du règlement")
    method = _method(method)
    value = _amount(amount, field="amount")
    if fee.state == MembershipFee.State.CANCELLED:
        raise BusinessError("fee_cancelled", "Cette cotisation est annulée : elle ne reçoit plus de règlement.",
                            field="fee")
    balance = fee.amount - fee.paid_amount
    if value > balance:
        raise BusinessError("overpayment", f"Le règlement de {format_amount(value)} € dépasse le reste dû sur la "
                            f"cotisation {fee.year} ({format_amount(balance)} €).", field="amount")
    account = fee.category.account
    accounts_ensure(actor=actor, organisation=organisation, codes=[account])
    journal, treasury = _treasury(organisation, method)
    member = fee.member
    label = f"Cotisation {fee.year} {member.number} {member.party.name}"[:200]
    reference = (reference or "").strip()[:60]
    payment = FeePayment(organisation=organisation, fee=fee, date=when, method=method, amount=value,
                         reference=reference, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=journal, date=when, label=label, reference=(reference or member.number)[:40],
        origin_type="membership.feepayment", origin_id=f"fee:{fee.pk}",
        lines=[LineInput(account=treasury, debit=value, label=label),
               LineInput(account=account, credit=value, label=label, party=member.party.code)])])[0]
    payment.entry = entry
    payment.save()
    paid_before = fee.paid_amount
    fee.paid_amount = paid_before + value  # the row is locked: no lost update
    fee.state = domain.fee_state(amount=fee.amount, paid=fee.paid_amount)
    fee.save(update_fields=["paid_amount", "state"])
    if fee.state == MembershipFee.State.PAID and member.status == Member.Status.LAPSED:
        Member.objects.filter(pk=member.pk).update(status=Member.Status.ACTIVE)
    audit_record(organisation=organisation, actor=actor, action="membership_fee.pay", obj=fee,
                 before={"paid_amount": paid_before},
                 after={"paid_amount": fee.paid_amount, "state": fee.state, "payment": payment.pk,
                        "method": method, "amount": value, "entry": entry.display_number})
    return payment


# --- renewal campaign ------------------------------------------------------------------------------------------

def renewal_letters_pdf(*, campaign: RenewalCampaign, fees=None) -> bytes:
    """One letter per fee of the campaign's year still to pay, in one PDF (printed for those without e-mail)."""
    organisation = campaign.organisation
    if fees is None:
        fees = (MembershipFee.objects.filter(organisation=organisation, year=campaign.year,
                                             state__in=[MembershipFee.State.DUE, MembershipFee.State.PARTIAL])
                .select_related("member__party", "category").order_by("member__number"))
    return pdf_bytes("membership/pdf/renewal_letters.html", {
        "organisation": organisation, "settings": settings_of(organisation), "campaign": campaign,
        "fees": list(fees), "today": timezone.localdate()})


def _renewal_mail_body(organisation, fee: MembershipFee) -> str:
    from django.template.loader import render_to_string

    return render_to_string("membership/mail/renewal.txt", {
        "organisation": organisation, "settings": settings_of(organisation), "fee": fee,
        "member": fee.member, "balance": format_amount(fee.amount - fee.paid_amount)})


def renewal_campaign_run(*, actor, organisation, year: int, due_date: date | None = None,
                         send_emails: bool = True) -> RenewalCampaign:
    """Run the renewal for `year` (usually next year): call its fees, count the letters, then e-mail each member
    who has an address, the letter attached. Once per year; the fees part is atomic, and e-mails go out only
    after it is committed (each sending is logged on the fee and the member's party, failures included)."""
    with transaction.atomic():
        nonprofit_check(organisation)
        existing = RenewalCampaign.objects.filter(organisation=organisation, year=year).first()
        if existing is not None:
            raise BusinessError("campaign_exists", f"La campagne de renouvellement {year} a déjà été lancée le "
                                f"{timezone.localtime(existing.created_at):%d/%m/%Y}.", field="year")
        due_date = due_date or date(year, 1, 31)
        created = fees_generate(actor=actor, organisation=organisation, year=year, due_date=due_date)
        to_call = list(MembershipFee.objects.filter(
            organisation=organisation, year=year, member__status__in=[Member.Status.ACTIVE, Member.Status.LAPSED],
            state__in=[MembershipFee.State.DUE, MembershipFee.State.PARTIAL])
            .select_related("member__party", "category").order_by("member__number"))
        campaign = RenewalCampaign.objects.create(
            organisation=organisation, year=year, due_date=due_date, fees_generated=len(created),
            letters_count=len(to_call), created_by=actor if getattr(actor, "is_authenticated", False) else None)
        audit_record(organisation=organisation, actor=actor, action="renewal_campaign.run", obj=campaign,
                     after={"year": year, "fees_generated": len(created), "letters": len(to_call)})
    if send_emails:
        sent = failed = 0
        for fee in to_call:
            party = fee.member.party
            if not party.email:
                continue
            letter = renewal_letters_pdf(campaign=campaign, fees=[fee])
            log = mail_send(actor=actor, organisation=organisation, obj=fee, party_id=party.pk, to=party.email,
                            subject=f"Renouvellement de votre adhésion {year} — {organisation.legal_name}",
                            body=_renewal_mail_body(organisation, fee),
                            attachments=[(f"adhesion-{year}-{fee.member.number}.pdf", letter, "application/pdf")])
            if log.sent_at:
                sent += 1
            else:
                failed += 1
        RenewalCampaign.objects.filter(pk=campaign.pk).update(emails_sent=sent, emails_failed=failed)
        campaign.emails_sent, campaign.emails_failed = sent, failed
    return campaign


# --- donations -------------------------------------------------------------------------------------------------

@transaction.atomic
def donor_create(*, actor, organisation, data: dict) -> Party:
    """A new donor party, coded "DON00001"… when no code is given."""
    nonprofit_check(organisation)
    data = {"kind": Party.Kind.INDIVIDUAL, **data}
    if not (data.get("code") or "").strip():
        while True:
            n = counter_next(organisation=organisation, series="membership:donor", fiscal_year=MEMBER_SERIES_YEAR)
            data["code"] = f"DON{n:05d}"
            if not Party.objects.filter(organisation=organisation, code=data["code"]).exists():
                break
    return party_create(actor=actor, organisation=organisation, data=data)


@transaction.atomic
def donation_record(*, actor, organisation, party: Party, date: date, amount, method: str,
                    reference: str = "") -> Donation:
    """Record a gift in cash and post it: 512x (BQ1) or 530 (CA) debit, 75411 credit with the donor's party."""
    nonprofit_check(organisation)
    _same_org(party, organisation, field="party", label="Donateur")
    when = _date(date, field="date", label="Date du don")
    method = _method(method)
    value = _amount(amount, field="amount")
    accounts_ensure(actor=actor, organisation=organisation, codes=[DONATION_ACCOUNT])
    journal, treasury = _treasury(organisation, method)
    label = f"Don {party.name}"[:200]
    reference = (reference or "").strip()[:60]
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal=journal, date=when, label=label, reference=(reference or f"DON {party.code}")[:40],
        origin_type="membership.donation", origin_id="",
        lines=[LineInput(account=treasury, debit=value, label=label),
               LineInput(account=DONATION_ACCOUNT, credit=value, label=label, party=party.code)])])[0]
    donation = Donation.objects.create(
        organisation=organisation, party=party, date=when, amount=value, method=method, reference=reference,
        entry=entry, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(organisation=organisation, actor=actor, action="donation.record", obj=donation,
                 after={"party": party.code, "date": when, "amount": value, "method": method,
                        "entry": entry.display_number})
    return donation


def _address_lines(line1: str, postal_code: str, city: str) -> list[str]:
    return [text for text in (line1.strip(), f"{postal_code} {city}".strip()) if text]


def receipt_context(donation: Donation, *, number: str, issued_on: date) -> dict:
    """Everything the Cerfa n° 11580 receipt prints (rendered once, at issue, then kept as issued)."""
    organisation, party = donation.organisation, donation.party
    settings = settings_of(organisation)
    return {
        "organisation": organisation, "settings": settings, "donation": donation, "party": party,
        "number": number, "issued_on": issued_on,
        "beneficiary_address": _address_lines(organisation.address_line1 + (
            f", {organisation.address_line2}" if organisation.address_line2 else ""),
            organisation.postal_code, organisation.city),
        "donor_address": _address_lines(party.address_line1, party.postal_code, party.city),
        "amount_figures": format_amount(donation.amount), "amount_words": domain.amount_in_words(donation.amount),
        "articles": domain.donation_articles(donor_is_company=party.kind == Party.Kind.ORGANISATION),
        "statuses": MembershipSettings.BeneficiaryStatus.choices, "methods": PaymentMethod,
        "place": settings.signature_place or organisation.city,
    }


@transaction.atomic
def donation_receipt_issue(*, actor, donation: Donation, issued_on: date | None = None) -> Donation:
    """Give the donation its receipt number "RF-YYYY-NNNNN" (gapless per year of the gift) and render the tax
    receipt (Cerfa n° 11580), kept as issued: printing it again gives the same document."""
    donation = Donation.objects.select_for_update().select_related("organisation", "party").get(pk=donation.pk)
    organisation, party = donation.organisation, donation.party
    nonprofit_check(organisation)
    if donation.receipt_number:
        raise BusinessError("receipt_issued", f"Le reçu {donation.receipt_number} a déjà été émis pour ce don.",
                            field="receipt_number")
    if not (organisation.address_line1 and organisation.postal_code and organisation.city):
        raise BusinessError("beneficiary_address", "L'adresse de l'organisme bénéficiaire est incomplète : "
                            "complétez-la dans les paramètres de l'organisation.", field="organisation")
    if not (party.address_line1 and party.postal_code and party.city):
        raise BusinessError("donor_address", f"L'adresse du donateur {party.name} est incomplète (adresse, code "
                            "postal et ville figurent sur le reçu fiscal).", field="address_line1")
    issued_on = issued_on or timezone.localdate()
    year = donation.date.year
    n = counter_next(organisation=organisation, series=RECEIPT_SERIES, fiscal_year=str(year))
    number = domain.receipt_number(year, n)
    pdf = pdf_bytes("membership/pdf/donation_receipt.html", receipt_context(donation, number=number,
                                                                            issued_on=issued_on))
    donation.receipt_number, donation.receipt_issued_at, donation.receipt_pdf = number, timezone.now(), pdf
    donation.save(update_fields=["receipt_number", "receipt_issued_at", "receipt_pdf"])
    audit_record(organisation=organisation, actor=actor, action="donation.receipt_issue", obj=donation,
                 after={"receipt_number": number, "amount": donation.amount, "party": party.code})
    return donation

