"""Provisions: doubtful customers (411 → 416, then 6817/491 on the amount excl. VAT) and risks and charges
(151, 158: 6815/15x), their year-end adjustment (complement or reversal 7817/7815), the final loss on a customer,
and the yearly review the closing checklist asks for.

Only the amount excluding VAT is provisioned: the VAT of an unpaid invoice is recovered when the loss is final.
The share excl. VAT of a customer's open balance is the one of its open invoices in the books (their entries'
411 debit against their 4457 VAT), so mixed rates are handled as invoiced.
"""

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from agora.core.audit import audit_record
from agora.core.errors import BusinessError
from agora.core.money import ZERO, parse_amount, round_money
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine, FiscalYear
from agora.ledger.services import entries_post, matching_create
from agora.parties.models import Party

from ..models import Provision, ProvisionMovement, ProvisionReview
from .assets import ensure_account

JOURNAL = "OD"
DOUBTFUL, CUSTOMER, CUSTOMER_PROVISION = "416", "411", "491"
ACCOUNTS = {"491": "Dépréciations des comptes de clients", "416": "Clients douteux ou litigieux",
            "6817": "Dotations aux dépréciations des actifs circulants",
            "7817": "Reprises sur dépréciations des actifs circulants", "654": "Pertes sur créances irrécouvrables",
            "6815": "Dotations aux provisions d'exploitation", "7815": "Reprises sur provisions d'exploitation",
            "151": "Provisions pour risques", "158": "Autres provisions pour charges"}
DOTATION = {Provision.Kind.CUSTOMER: "6817", Provision.Kind.RISK: "6815", Provision.Kind.CHARGE: "6815"}
REVERSAL = {Provision.Kind.CUSTOMER: "7817", Provision.Kind.RISK: "7815", Provision.Kind.CHARGE: "7815"}


def _accounts(actor, organisation, *codes: str) -> None:
    for code in codes:
        ensure_account(actor, organisation, code, ACCOUNTS.get(code, code))


def _day(value, field: str = "date") -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError as exc:
        raise BusinessError("invalid_date", "Date invalide (AAAA-MM-JJ).", field=field) from exc


def _rate(value) -> Decimal:
    rate = parse_amount(value if value not in (None, "") else "", field="loss_rate")
    if not 0 < rate <= 100:
        raise BusinessError("invalid_rate", "La perte estimée est un pourcentage entre 0 (exclu) et 100.",
                            field="loss_rate")
    return rate


def _open_lines(organisation, party, prefix: str) -> list[EntryLine]:
    """The party's posted lines on `prefix` accounts not fully matched (partial matchings stay open)."""
    return list(EntryLine.objects.posted().filter(organisation=organisation, party=party,
                                                  account__code__startswith=prefix)
                .exclude(matching_part__matching__is_full=True).select_related("account"))


def _net_share(organisation, lines: list[EntryLine]) -> tuple[Decimal, str]:
    """(share excl. VAT, VAT box) of the open invoices behind these 411 debit lines, from their entries."""
    invoices = [line for line in lines if line.debit > 0]
    gross = sum((line.debit for line in invoices), ZERO)
    if not gross:
        return Decimal(1), "08"
    vat_rows = (EntryLine.objects.posted().filter(organisation=organisation, entry_id__in={
        line.entry_id for line in invoices}, account__code__startswith="4457"))
    vat = sum((row.credit - row.debit for row in vat_rows), ZERO)
    boxes = Counter(row.vat_box for row in vat_rows if row.vat_box)
    return (gross - vat) / gross, (boxes.most_common(1)[0][0] if boxes else "08")


def _movement_entry(provision: Provision, kind: str, amount: Decimal, on: date, reason: str) -> EntryInput:
    label = f"{'Dotation' if kind == ProvisionMovement.Kind.DOTATION else 'Reprise'} — {provision.label}"[:200]
    party = provision.party.code if provision.party_id else ""
    if kind == ProvisionMovement.Kind.DOTATION:
        lines = [LineInput(account=DOTATION[provision.kind], debit=amount, label=label),
                 LineInput(account=provision.account.code, credit=amount, label=label, party=party)]
    else:
        lines = [LineInput(account=provision.account.code, debit=amount, label=label, party=party),
                 LineInput(account=REVERSAL[provision.kind], credit=amount, label=label)]
    return EntryInput(journal=JOURNAL, date=on, label=label, reference=f"PROV{provision.pk}", lines=lines,
                      origin_type="assets.provision", origin_id=str(provision.pk))


def _record(actor, provision: Provision, kind: str, amount: Decimal, on: date, reason: str,
            entry) -> ProvisionMovement:
    movement = ProvisionMovement.objects.create(organisation=provision.organisation, provision=provision, kind=kind,
                                                date=on, amount=amount, reason=reason[:200], entry=entry)
    provision.amount += amount if kind == ProvisionMovement.Kind.DOTATION else -amount
    provision.save(update_fields=["amount", "state"])
    audit_record(organisation=provision.organisation, actor=actor, action=f"provision.{kind}", obj=provision,
                 after={"amount": str(amount), "date": on.isoformat(), "balance": str(provision.amount),
                        "reason": reason})
    return movement


@transaction.atomic
def doubtful_customer_mark(*, actor, organisation, party: Party, on, loss_rate, reason: str = "") -> Provision:
    """Move the customer's open balance from 411 to 416 (the 411 items matched with the transfer, so they are
    no longer open) and provision its amount excl. VAT × the estimated loss (6817 / 491)."""
    on, rate = _day(on), _rate(loss_rate)
    if Provision.objects.filter(organisation=organisation, party=party, kind=Provision.Kind.CUSTOMER,
                                state=Provision.State.OPEN).exists():
        raise BusinessError("already_doubtful", f"{party.name} est déjà en client douteux : ajustez sa provision.",
                            field="party")
    lines = [line for line in _open_lines(organisation, party, CUSTOMER) if line.date <= on]
    by_account: dict[str, list[EntryLine]] = defaultdict(list)
    for line in lines:
        by_account[line.account.code].append(line)
    balances = {code: sum((x.debit - x.credit for x in group), ZERO) for code, group in by_account.items()}
    receivable = sum(balances.values(), ZERO)
    if receivable <= 0:
        raise BusinessError("nothing_open", f"{party.name} ne doit rien au {on:%d/%m/%Y} : rien à transférer en "
                            "client douteux.", field="party")
    share, box = _net_share(organisation, lines)
    net = round_money(receivable * share)
    _accounts(actor, organisation, DOUBTFUL, CUSTOMER_PROVISION, "6817", "7817")
    label = f"Client douteux {party.name}"[:200]
    transfer_lines = [LineInput(account=DOUBTFUL, debit=receivable, party=party.code, label=label)]
    transfer_lines += [LineInput(account=code, credit=balance, party=party.code, label=label)
                       for code, balance in sorted(balances.items()) if balance > 0]
    provision = Provision.objects.create(
        organisation=organisation, kind=Provision.Kind.CUSTOMER, label=label, party=party, receivable=receivable,
        receivable_net=net, loss_rate=rate, vat_box=box,
        account=ensure_account(actor, organisation, CUSTOMER_PROVISION, ACCOUNTS[CUSTOMER_PROVISION]))
    amount = round_money(net * rate / 100)
    transfer, dotation = entries_post(actor=actor, organisation=organisation, entries=[
        EntryInput(journal=JOURNAL, date=on, label=label, reference=f"DOUT{provision.pk}", lines=transfer_lines,
                   origin_type="assets.provision", origin_id=str(provision.pk)),
        _movement_entry(provision, ProvisionMovement.Kind.DOTATION, amount, on, reason)])
    new_lines = {line.account.code: line.pk for line in EntryLine.objects.filter(entry=transfer).select_related(
        "account") if line.credit}
    for code, group in sorted(by_account.items()):
        if code in new_lines:
            matching_create(actor=actor, organisation=organisation, on=on,
                            line_ids=[line.pk for line in group] + [new_lines[code]])
    provision.transfer_entry = transfer
    provision.save(update_fields=["transfer_entry"])
    _record(actor, provision, ProvisionMovement.Kind.DOTATION, amount, on,
            reason or f"Perte estimée {rate} % de {net} HT", dotation)
    return provision


@transaction.atomic
def provision_create(*, actor, organisation, kind: str, label: str, account_code: str, amount, on,
                     reason: str = "") -> Provision:
    """A provision for risks (151) or charges (158…): dotation 6815 / credit 15x."""
    if kind not in (Provision.Kind.RISK, Provision.Kind.CHARGE):
        raise BusinessError("invalid_kind", "Nature inconnue : provision pour risques ou pour charges.", field="kind")
    label = (label or "").strip()
    if not label:
        raise BusinessError("required", "L'objet de la provision est obligatoire.", field="label")
    code = (account_code or ("151" if kind == Provision.Kind.RISK else "158")).strip()
    if not (code.startswith("15") and code.isdigit()):
        raise BusinessError("invalid_account", "Une provision pour risques et charges se passe sur un compte 15….",
                            field="account_code")
    on, value = _day(on), parse_amount(amount, field="amount")
    if value <= 0:
        raise BusinessError("invalid_amount", "Le montant de la provision doit être positif.", field="amount")
    _accounts(actor, organisation, "6815", "7815")
    provision = Provision.objects.create(organisation=organisation, kind=kind, label=label[:200],
                                         account=ensure_account(actor, organisation, code, ACCOUNTS.get(code, label)))
    entry = entries_post(actor=actor, organisation=organisation, entries=[
        _movement_entry(provision, ProvisionMovement.Kind.DOTATION, value, on, reason)])[0]
    _record(actor, provision, ProvisionMovement.Kind.DOTATION, value, on, reason or "Constitution", entry)
    return provision


@transaction.atomic
def provision_adjust(*, actor, provision: Provision, on, amount=None, loss_rate=None,
                     reason: str = "") -> ProvisionMovement:
    """Bring the provision to a new amount (or, for a customer, to its amount excl. VAT × a new loss rate):
    a complement (dotation) when higher, a reversal when lower; a provision brought to zero is closed."""
    provision = (Provision.objects.select_for_update(of=("self",)).select_related("account", "party")
                 .get(pk=provision.pk))
    if provision.state != Provision.State.OPEN:
        raise BusinessError("provision_closed", "Cette provision est soldée.", field="provision")
    on = _day(on)
    if loss_rate not in (None, "") and provision.kind == Provision.Kind.CUSTOMER:
        provision.loss_rate = _rate(loss_rate)
        target = round_money(provision.receivable_net * provision.loss_rate / 100)
        provision.save(update_fields=["loss_rate"])
    else:
        target = parse_amount(amount if amount is not None else "", field="amount")
    if target < 0:
        raise BusinessError("invalid_amount", "Le nouveau montant de la provision ne peut être négatif.",
                            field="amount")
    difference = target - provision.amount
    if not difference:
        raise BusinessError("no_change", "La provision a déjà ce montant.", field="amount")
    kind = ProvisionMovement.Kind.DOTATION if difference > 0 else ProvisionMovement.Kind.REVERSAL
    entry = entries_post(actor=actor, organisation=provision.organisation, entries=[
        _movement_entry(provision, kind, abs(difference), on, reason)])[0]
    if target == 0 and provision.kind != Provision.Kind.CUSTOMER:
        provision.state = Provision.State.CLOSED
    return _record(actor, provision, kind, abs(difference), on,
                   reason or ("Complément" if difference > 0 else "Reprise"), entry)


@transaction.atomic
def doubtful_customer_loss(*, actor, provision: Provision, on, reason: str = "") -> Provision:
    """The debt is lost for good: what remains on 416 goes to 654 (excl. VAT) and 44571 (the VAT recovered on the
    unpaid part), and the provision is reversed in full (491 / 7817)."""
    provision = (Provision.objects.select_for_update(of=("self",))
                 .select_related("account", "party", "organisation").get(pk=provision.pk))
    organisation = provision.organisation
    if provision.kind != Provision.Kind.CUSTOMER or provision.state != Provision.State.OPEN:
        raise BusinessError("not_doubtful", "Seule une créance douteuse en cours passe en perte.", field="provision")
    on = _day(on)
    lines = [line for line in _open_lines(organisation, provision.party, DOUBTFUL) if line.date <= on]
    remaining = sum((line.debit - line.credit for line in lines), ZERO)
    if remaining <= 0:
        raise BusinessError("nothing_open", "Le client douteux ne doit plus rien : reprenez la provision.",
                            field="provision")
    share = provision.receivable_net / provision.receivable
    vat = remaining - round_money(remaining * share)
    _accounts(actor, organisation, "654")
    label = f"Créance irrécouvrable {provision.party.name}"[:200]
    loss_lines = [LineInput(account="654", debit=remaining - vat, label=label)]
    if vat:
        loss_lines.append(LineInput(account="44571", debit=vat, label=f"{label} — TVA", tax_role="output_vat",
                                    vat_box=provision.vat_box or "08"))
    loss_lines.append(LineInput(account=DOUBTFUL, credit=remaining, party=provision.party.code, label=label))
    entries = [EntryInput(journal=JOURNAL, date=on, label=label, reference=f"PERTE{provision.pk}", lines=loss_lines,
                          origin_type="assets.provision", origin_id=str(provision.pk))]
    if provision.amount:
        entries.append(_movement_entry(provision, ProvisionMovement.Kind.REVERSAL, provision.amount, on, reason))
    posted = entries_post(actor=actor, organisation=organisation, entries=entries)
    loss_line = EntryLine.objects.get(entry=posted[0], account__code=DOUBTFUL)
    matching_create(actor=actor, organisation=organisation, on=on, line_ids=[line.pk for line in lines]
                    + [loss_line.pk])
    provision.state = Provision.State.CLOSED
    if provision.amount:
        _record(actor, provision, ProvisionMovement.Kind.REVERSAL, provision.amount, on,
                reason or "Perte définitive", posted[1])
    else:
        provision.save(update_fields=["state"])
    audit_record(organisation=organisation, actor=actor, action="provision.loss", obj=provision,
                 after={"loss": str(remaining), "vat": str(vat), "date": on.isoformat()})
    return provision


@transaction.atomic
def provisions_review(*, actor, organisation, fiscal_year: FiscalYear, note: str = "") -> ProvisionReview:
    """Record that the provisions were reviewed for the year (the year-end checklist asks for it)."""
    review = ProvisionReview.objects.create(organisation=organisation, fiscal_year=fiscal_year, note=note[:300],
                                            reviewed_by=actor if getattr(actor, "is_authenticated", False) else None)
    total = (Provision.objects.filter(organisation=organisation, state=Provision.State.OPEN)
             .aggregate(total=Sum("amount"))["total"] or ZERO)
    audit_record(organisation=organisation, actor=actor, action="provision.review", obj=review,
                 after={"fiscal_year": fiscal_year.code, "open_total": str(total), "note": note})
    return review
