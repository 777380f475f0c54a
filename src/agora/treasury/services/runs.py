"""Supplier payment runs: propose for a date, review the lines, approve, execute.

Proposing reads the open supplier items from the ledger in one query (`selectors.items.open_item_rows`) and
bulk-inserts the lines: every item due by the run's `due_until`, plus items due later whose escompte is worth
taking now, then each paid supplier's open credit notes and payments on account (401 debits not yet set
against an invoice) as negative lines, up to what the run pays that supplier: the bank pays the net.
Executing (atomic) checks each item is still open for what the run settles, posts one entry in the bank
account's journal — 401 debit per invoice, 401 credit per credit note set off, 765 and the input VAT given back
on escompte obtained (44566 or 44562, as the invoice deducted it), 512 credit per method — matches each item
with its line of that entry, and writes the SEPA credit transfer file for the transfers (net per supplier).
"""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from agora.core.audit import audit_record
from agora.core.bulk import load_rows
from agora.core.counters import counter_next
from agora.core.errors import BusinessError
from agora.core.identifiers import clean_bic, clean_iban
from agora.core.money import ZERO, allocate, parse_amount, round_money
from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import EntryLine
from agora.ledger.services import entries_post, matching_create
from agora.parties.models import Party
from agora.treasury.domain import Escompte, escompte_offer
from agora.treasury.models import BankAccount, PaymentLine, PaymentMethod, PaymentRun
from agora.treasury.selectors.items import facts_of, open_item_rows, purchase_facts
from agora.treasury.services.settings import treasury_settings_of

NO_ESCOMPTE = Escompte(ZERO, ZERO, None, False)
DRAFT, APPROVED, EXECUTED = PaymentRun.State.DRAFT, PaymentRun.State.APPROVED, PaymentRun.State.EXECUTED
ESCOMPTE_ACCOUNT = "765"  # PCG: escomptes obtenus
ESCOMPTE_VAT_ACCOUNT = "44566"  # when the invoice's entry shows no input VAT line to follow
ORIGIN = "treasury.paymentrun"
LINE_FIELDS = ["organisation", "run", "item", "party", "reference", "supplier_reference", "document_id",
               "invoice_date", "due_date", "amount_due", "escompte_pct", "escompte_deadline", "escompte_rate",
               "escompte_available", "escompte_vat", "escompte_amount", "amount", "method", "cheque_number",
               "selected", "blocked_reason"]
PARTY_METHODS = {Party.PaymentMethod.TRANSFER: PaymentMethod.TRANSFER, Party.PaymentMethod.CHEQUE: PaymentMethod.CHEQUE,
                 Party.PaymentMethod.CARD: PaymentMethod.CARD,
                 Party.PaymentMethod.DIRECT_DEBIT: PaymentMethod.DIRECT_DEBIT}
BANK_LINE_LABELS = {PaymentMethod.TRANSFER: "Virements", PaymentMethod.CARD: "Paiements par carte",
                    PaymentMethod.DIRECT_DEBIT: "Prélèvements"}


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def transfer_block_reason(party: Party) -> str:
    """Why a transfer to this supplier cannot go in a SEPA file ("" when it can)."""
    if not (party.iban or "").strip():
        return "IBAN du fournisseur manquant : virement impossible."
    try:
        clean_iban(party.iban)
        clean_bic(party.bic or "")
    except BusinessError as error:
        return f"{error.message} Virement impossible."
    return ""


def _block_reason(party: Party, method: str, *, cash: bool = False) -> str:
    if cash:
        return "Fournisseur payé en espèces : à régler en caisse, hors campagne."
    return transfer_block_reason(party) if method == PaymentMethod.TRANSFER else ""


# --- propose -------------------------------------------------------------------------------------------------

@transaction.atomic
def payment_run_propose(*, actor, organisation, on: date, bank_account: BankAccount | None = None,
                        due_until: date | None = None) -> PaymentRun:
    """Create the proposal of payments on `on`: items due by `due_until` (default `on`), and items due later
    whose escompte, still open on `on`, earns more than the reference rate."""
    if not isinstance(on, date) or isinstance(on, datetime):
        raise BusinessError("invalid_date", "Indiquez la date de paiement.", field="on")
    due_until = due_until or on
    if bank_account is None:
        from agora.treasury.services.bank_accounts import default_bank_account

        bank_account = default_bank_account(organisation)
        if bank_account is None:
            raise BusinessError("no_bank_account", "Enregistrez d'abord un compte bancaire.", field="bank_account")
    if bank_account.organisation_id != organisation.pk or not bank_account.active:
        raise BusinessError("invalid_bank_account", "Compte bancaire inconnu ou inactif.", field="bank_account")
    settings = treasury_settings_of(organisation)
    items = open_item_rows(organisation=organisation)
    facts = purchase_facts(organisation=organisation, items=items)
    parties = {p.pk: p for p in Party.objects.filter(organisation=organisation, pk__in={i.party_id for i in items})
               .only("pk", "iban", "bic", "payment_method")}
    run = PaymentRun.objects.create(
        organisation=organisation, number=_run_number(organisation, on), date=on, due_until=due_until,
        bank_account=bank_account, reference_rate=settings.reference_rate, created_by=_user(actor))
    rows, blocked, reasons = [], 0, {}  # IBAN checks cost: once per supplier, not per invoice
    for item in items:
        fact = facts_of(item, facts)
        escompte = NO_ESCOMPTE if fact is None else escompte_offer(
            pct=fact.escompte_pct, deadline=fact.escompte_deadline, due_date=item.due_date, pay_on=on,
            open_amount=item.open_amount, invoice_total=fact.total, invoice_vat=fact.vat,
            reference_rate=settings.reference_rate)
        if item.due_date > due_until and not (escompte.available and escompte.worth_it):
            continue
        party = parties[item.party_id]
        method = PARTY_METHODS.get(party.payment_method, PaymentMethod.TRANSFER)
        reason = reasons.get(party.pk)
        if reason is None:
            reason = reasons[party.pk] = _block_reason(party, method,
                                                       cash=party.payment_method == Party.PaymentMethod.CASH)
        blocked += bool(reason)
        taken = escompte.available  # paid on `on` anyway: an escompte still open is free money
        rows.append((
            organisation.pk, run.pk, item.line_id, item.party_id, (fact.number if fact else "") or item.reference
            or item.label[:80], fact.supplier_reference if fact else "", fact.document_id if fact else None,
            item.date, item.due_date, item.open_amount, fact.escompte_pct if fact and escompte.available else ZERO,
            fact.escompte_deadline if fact and escompte.available else None, escompte.rate, escompte.available,
            escompte.vat, taken, item.open_amount - taken, method, "", not reason, reason))
    if not rows:
        raise BusinessError("nothing_to_pay", f"Aucune échéance fournisseur à payer au {_fr(due_until)}.",
                            field="on")
    rows += _set_off_rows(organisation, run, rows, on=on, parties=parties)
    load_rows(PaymentLine, LINE_FIELDS, rows)
    audit_record(organisation=organisation, actor=actor, action="payment_run.propose", obj=run,
                 after={"date": on, "due_until": due_until, "bank_account": bank_account.pk, "lines": len(rows),
                        "blocked": blocked})
    return run


def _set_off_rows(organisation, run: PaymentRun, rows: list[tuple], *, on: date, parties: dict) -> list[tuple]:
    """Negative lines for what each paid supplier owes back (credit notes, payments on account dated by `on`),
    oldest first, up to the run's payment to that supplier: a supplier is never paid an invoice in full while
    holding a credit note, and the net paid stays positive (what does not fit stays open for a later run)."""
    to_pay: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for row in rows:
        if row[19]:  # selected
            to_pay[row[3]] += row[16]
    items = open_item_rows(organisation=organisation, side="debit", due_until=on, party_ids=sorted(to_pay))
    facts = purchase_facts(organisation=organisation, items=items)
    out = []
    for item in items:
        applied = min(item.open_amount, to_pay[item.party_id])
        if applied <= 0:
            continue
        to_pay[item.party_id] -= applied
        fact = facts_of(item, facts)
        method = PARTY_METHODS.get(parties[item.party_id].payment_method, PaymentMethod.TRANSFER)
        out.append((
            organisation.pk, run.pk, item.line_id, item.party_id, (fact.number if fact else "") or item.reference
            or item.label[:80], fact.supplier_reference if fact else "", fact.document_id if fact else None,
            item.date, item.due_date, -item.open_amount, ZERO, None, None, ZERO, ZERO, ZERO, -applied, method, "",
            True, ""))
    return out


def _run_number(organisation, on: date) -> str:
    number = counter_next(organisation=organisation, series="treasury:payment_run", fiscal_year=str(on.year))
    return f"PAI-{on.year}-{number:05d}"


# --- review --------------------------------------------------------------------------------------------------

def _locked_run(run: PaymentRun, *, states=(DRAFT,)) -> PaymentRun:
    run = PaymentRun.objects.select_for_update().select_related("organisation").get(pk=run.pk)
    if run.state not in states:
        raise BusinessError("run_not_editable", f"La campagne {run.number} est {run.get_state_display().lower()} : "
                            "elle ne se modifie plus.", field="run")
    return run


@transaction.atomic
def payment_line_update(*, actor, line: PaymentLine, selected: bool | None = None, amount=None,
                        method: str | None = None, cheque_number: str | None = None) -> PaymentLine:
    """Review one line of a proposal: keep or leave it out, pay less than due (a partial payment keeps the
    escompte on the part it pays), change the method, record the cheque number. On a credit-note line the
    amount is what is set off (up to its open amount) and the method is the supplier's invoices' one."""
    run = _locked_run(line.run)
    line = PaymentLine.objects.select_for_update().select_related("party").get(pk=line.pk, run=run)
    before = {"selected": line.selected, "amount": line.amount, "method": line.method,
              "cheque_number": line.cheque_number, "escompte_amount": line.escompte_amount}
    if method is not None and line.is_set_off:
        if method != line.method:
            raise BusinessError("set_off_method", f"{line.reference} : un avoir suit le mode de règlement des "
                                "factures du fournisseur ; changez-le sur une facture.", field="method")
        method = None
    if method is not None:
        if method not in PaymentMethod.values:
            raise BusinessError("invalid_method", f"Mode de règlement inconnu : « {method} ».", field="method")
        line.method = method
        PaymentLine.objects.filter(run=run, party_id=line.party_id, amount_due__lt=0).update(method=method)
        line.blocked_reason = _block_reason(line.party, method)
        if line.blocked_reason:
            line.selected = False
    if cheque_number is not None:
        line.cheque_number = cheque_number.strip()[:30]
    if amount is not None and line.is_set_off:
        value = -abs(parse_amount(amount, field="amount"))
        if not value or value < line.amount_due:
            raise BusinessError("set_off_amount", f"{line.reference} : l'avoir s'impute pour un montant entre 0 et "
                                f"{-line.amount_due} ; décochez la ligne pour ne pas l'imputer.", field="amount")
        line.amount = value
    elif amount is not None:
        value = parse_amount(amount, field="amount")
        if value <= 0:
            raise BusinessError("zero_amount", f"{line.reference} : le montant à payer doit être positif ; "
                                "décochez la ligne pour ne pas la payer.", field="amount")
        if value > line.amount_due:
            raise BusinessError("amount_above_open", f"{line.reference} : {value} dépasse le reste dû "
                                f"({line.amount_due}).", field="amount")
        line.escompte_amount = escompte_for_payment(line, value)
        line.amount = value
    if selected is not None:
        if selected and line.blocked_reason:
            raise BusinessError("line_blocked", f"{line.reference} : {line.blocked_reason}", field="selected")
        if selected and not line.selected:
            other = (PaymentLine.objects.filter(organisation_id=run.organisation_id, item_id=line.item_id,
                                                selected=True, run__state__in=(DRAFT, APPROVED))
                     .exclude(run=run).select_related("run").first())
            if other is not None:
                raise BusinessError("item_in_other_run", f"{line.reference} est déjà retenue dans la campagne "
                                    f"{other.run.number}.", field="selected")
        line.selected = bool(selected)
    line.save(update_fields=["selected", "amount", "escompte_amount", "method", "cheque_number", "blocked_reason"])
    audit_record(organisation=run.organisation, actor=actor, action="payment_line.update", obj=line, before=before,
                 after={"selected": line.selected, "amount": line.amount, "method": line.method,
                        "cheque_number": line.cheque_number, "escompte_amount": line.escompte_amount})
    return line


@transaction.atomic
def payment_run_delete(*, actor, run: PaymentRun) -> None:
    """Drop a proposal not executed yet (its items become proposable again)."""
    run = _locked_run(run, states=(DRAFT, APPROVED))
    audit_record(organisation=run.organisation, actor=actor, action="payment_run.delete", obj=run,
                 before={"number": run.number, "date": run.date, "lines": run.lines.count()})
    run.lines.all().delete()
    run.delete()


# --- approve -------------------------------------------------------------------------------------------------

def _refresh_blocks(run: PaymentRun) -> None:
    """Transfers blocked at proposal time whose supplier IBAN was fixed since become payable (left unselected:
    the assistant ticks them); those whose IBAN went wrong are blocked and unselected."""
    lines = list(PaymentLine.objects.filter(run=run, method=PaymentMethod.TRANSFER).select_related("party"))
    changed = []
    for line in lines:
        reason = _block_reason(line.party, line.method, cash=line.party.payment_method == Party.PaymentMethod.CASH)
        if reason != line.blocked_reason:
            line.blocked_reason = reason
            if reason:
                line.selected = False
            changed.append(line)
    if changed:
        PaymentLine.objects.bulk_update(changed, ["blocked_reason", "selected"], batch_size=2000)


@transaction.atomic
def payment_run_approve(*, actor, run: PaymentRun) -> PaymentRun:
    """Management's approval. With four-eyes on, the one who proposed the run cannot approve it."""
    run = _locked_run(run)
    settings = treasury_settings_of(run.organisation)
    if settings.four_eyes and run.created_by_id and run.created_by_id == getattr(actor, "pk", None):
        raise BusinessError("four_eyes", "Double validation : la campagne doit être approuvée par une autre "
                            "personne que son auteur.", field="run")
    _refresh_blocks(run)
    selected = list(PaymentLine.objects.filter(run=run, selected=True).select_related("party"))
    if not selected:
        raise BusinessError("nothing_selected", "Aucune ligne retenue : rien à approuver.", field="run")
    _check_nets(selected)
    run.state, run.approved_at, run.approved_by = APPROVED, timezone.now(), _user(actor)
    run.save(update_fields=["state", "approved_at", "approved_by"])
    audit_record(organisation=run.organisation, actor=actor, action="payment_run.approve", obj=run,
                 before={"state": DRAFT}, after={"state": APPROVED})
    return run


# --- execute -------------------------------------------------------------------------------------------------

def escompte_for_payment(line: PaymentLine, value: Decimal) -> Decimal:
    """The escompte a payment of `value` takes: all of it when paying the discounted balance; on a partial
    payment, the same rate on the part it settles (value × escompte / discounted balance — the supplier's
    pct applies to what is paid early); none when paying more than the discounted balance."""
    full = line.amount_due - line.escompte_available
    if not line.escompte_available or value > full:
        return ZERO
    if value == full:
        return line.escompte_available
    return round_money(line.escompte_available * value / full)


def _check_nets(lines: list[PaymentLine]) -> None:
    """Per supplier, credit notes set off leave a positive payment made by one method."""
    by_party: dict[int, list[PaymentLine]] = defaultdict(list)
    for line in lines:
        by_party[line.party_id].append(line)
    for party_lines in by_party.values():
        if not any(line.is_set_off for line in party_lines):
            continue
        name = party_lines[0].party.name
        if sum((line.amount for line in party_lines), ZERO) <= 0:
            raise BusinessError("set_off_above_payment", f"{name} : les avoirs imputés atteignent ou dépassent "
                                "les factures payées ; réduisez le montant imputé ou décochez un avoir.",
                                field="lines")
        if len({line.method for line in party_lines}) > 1:
            raise BusinessError("set_off_methods", f"{name} : un avoir est imputé, toutes ses factures de la "
                                "campagne doivent être réglées par le même mode.", field="lines")


def _check_still_open(run: PaymentRun, lines: list[PaymentLine]) -> None:
    """Each item must still owe what the run settles: an invoice paid or matched elsewhere since the proposal
    stops the run, named — and a credit note set off must still be open for what is set off."""
    # Lock the invoice lines in a fixed order (their ids) so two runs cannot settle the same item at once.
    ids = sorted(line.item_id for line in lines)
    for start in range(0, len(ids), 900):
        list(EntryLine.objects.select_for_update(of=("self",)).filter(pk__in=ids[start:start + 900])
             .order_by("pk").values_list("pk", flat=True))
    current = {item.line_id: item.open_amount
               for side in ("credit", "debit")
               for item in open_item_rows(organisation=run.organisation, line_ids=ids, exclude_pending=False,
                                          side=side)}
    for line in lines:
        open_now = current.get(line.item_id, ZERO)
        if abs(line.settled) > open_now:
            detail = "déjà réglée" if open_now == ZERO else f"reste dû {open_now} au lieu de {line.amount_due}"
            raise BusinessError("item_paid_elsewhere", f"La facture {line.reference} de {line.party.name} a été "
                                f"réglée ou lettrée depuis la proposition ({detail}) : retirez-la ou ajustez le "
                                "montant avant d'exécuter.", field="lines")


def _escompte_vat_by_account(lines: list[PaymentLine]) -> dict[str, Decimal]:
    """The input VAT given back on the escompte taken, per VAT account: each line's share (pro rata when the
    payment is partial) split like the invoice's own deduction — 44562 for fixed assets, 44566 otherwise."""
    taken = [line for line in lines if line.escompte_amount]
    deducted: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for entry_id, code, debit, credit in (EntryLine.objects.filter(
            entry_id__in={line.item.entry_id for line in taken}, tax_role="input_vat")
            .values_list("entry_id", "account__code", "debit", "credit")):
        deducted[entry_id][code] = deducted[entry_id].get(code, ZERO) + debit - credit
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in taken:
        vat = line.escompte_vat if line.escompte_amount == line.escompte_available else round_money(
            line.escompte_vat * line.escompte_amount / line.escompte_available)
        parts = {code: amount for code, amount in deducted.get(line.item.entry_id, {}).items() if amount > 0}
        for code, share in allocate(vat, parts or {ESCOMPTE_VAT_ACCOUNT: vat}).items():
            out[code] += share
    return {code: amount for code, amount in out.items() if amount}


def _entry_input(run: PaymentRun, lines: list[PaymentLine]) -> EntryInput:
    bank = run.bank_account
    out: list[LineInput] = []
    for line in lines:
        if line.is_set_off:
            out.append(LineInput(account=line.item.account.code, credit=-line.settled, party=line.party.code,
                                 label=f"Imputation avoir {line.reference} {line.party.name}"[:200]))
        else:
            out.append(LineInput(account=line.item.account.code, debit=line.settled, party=line.party.code,
                                 label=f"Règlement {line.reference} {line.party.name}"[:200]))
    escompte_vat = _escompte_vat_by_account(lines)
    escompte = sum((line.escompte_amount for line in lines), ZERO)
    if escompte:
        # Escompte obtained after invoicing: a financial income (765) for its untaxed part, and the input VAT
        # deducted on it given back, the price being reduced (CGI art. 267 II-2°).
        out.append(LineInput(account=ESCOMPTE_ACCOUNT, credit=escompte - sum(escompte_vat.values(), ZERO),
                             label=f"Escomptes obtenus {run.number}"))
        for code, amount in sorted(escompte_vat.items()):
            out.append(LineInput(account=code, credit=amount, tax_role="input_vat",
                                 vat_box="19" if code.startswith("44562") else "20",
                                 label=f"TVA sur escomptes obtenus {run.number}"))
    by_method: dict[str, Decimal] = defaultdict(lambda: ZERO)
    cheques: dict[tuple, list[PaymentLine]] = defaultdict(list)
    setting_off = {line.party_id for line in lines if line.is_set_off}
    for line in lines:
        if line.method == PaymentMethod.CHEQUE:  # a supplier with a credit note set off gets one cheque, net
            cheques[("party", line.party_id) if line.party_id in setting_off else ("line", line.pk)].append(line)
        else:
            by_method[line.method] += line.amount
    for party_lines in cheques.values():
        numbers = ", ".join(line.cheque_number for line in party_lines if line.cheque_number)
        out.append(LineInput(account=bank.account.code, credit=sum((line.amount for line in party_lines), ZERO),
                             label=f"Chèque {numbers} {party_lines[0].party.name}"[:200]))
    for method, total in by_method.items():
        out.append(LineInput(account=bank.account.code, credit=total,
                             label=f"{BANK_LINE_LABELS[method]} fournisseurs {run.number}"))
    return EntryInput(journal=bank.journal.code, date=run.date, label=f"Paiements fournisseurs {run.number}",
                      reference=run.number, voucher_date=run.date, origin_type=ORIGIN, origin_id=str(run.pk),
                      lines=out)


@transaction.atomic
def payment_run_execute(*, actor, run: PaymentRun) -> PaymentRun:
    """Post the approved run, match the invoices it pays, write its SEPA file. All or nothing."""
    run = PaymentRun.objects.select_for_update().select_related("organisation", "bank_account",
                                                                "bank_account__account",
                                                                "bank_account__journal").get(pk=run.pk)
    if run.state != APPROVED:
        raise BusinessError("run_not_approved", f"La campagne {run.number} doit être approuvée avant d'être "
                            "exécutée." if run.state == DRAFT else f"La campagne {run.number} est déjà exécutée.",
                            field="run")
    _refresh_blocks(run)
    lines = list(PaymentLine.objects.filter(run=run, selected=True).select_related("party", "item__account")
                 .order_by("party__name", "party_id", "due_date", "id"))
    if not lines:
        raise BusinessError("nothing_selected", "Aucune ligne retenue : rien à exécuter.", field="run")
    missing = [line.reference for line in lines
               if line.method == PaymentMethod.CHEQUE and not line.cheque_number and not line.is_set_off]
    if missing:
        raise BusinessError("cheque_number_missing", f"Numéro de chèque manquant : {', '.join(missing[:5])}.",
                            field="cheque_number")
    _check_nets(lines)
    _check_still_open(run, lines)
    entry = entries_post(actor=actor, organisation=run.organisation, entries=[_entry_input(run, lines)])[0]
    posted = list(EntryLine.objects.filter(entry=entry).order_by("line_no").values_list("pk", flat=True))
    for line, payment_line_id in zip(lines, posted, strict=False):  # the 401 lines come first, in `lines` order
        line.payment_line_id = payment_line_id
        matching_create(actor=actor, organisation=run.organisation, line_ids=[line.item_id, payment_line_id],
                        on=run.date)
    PaymentLine.objects.bulk_update(lines, ["payment_line"], batch_size=2000)
    transfers = [line for line in lines if line.method == PaymentMethod.TRANSFER]
    if transfers:
        from agora.treasury.services.sepa import sepa_transfer_xml

        content, message_id = sepa_transfer_xml(run=run, lines=transfers)
        run.sepa_message_id = message_id
        run.sepa_file.save(f"{run.number}.xml", ContentFile(content), save=False)
    run.state, run.entry, run.executed_at, run.executed_by = EXECUTED, entry, timezone.now(), _user(actor)
    run.save(update_fields=["state", "entry", "executed_at", "executed_by", "sepa_file", "sepa_message_id"])
    audit_record(organisation=run.organisation, actor=actor, action="payment_run.execute", obj=run,
                 before={"state": APPROVED},
                 after={"state": EXECUTED, "entry": entry.display_number, "lines": len(lines),
                        "paid": sum((line.amount for line in lines), ZERO),
                        "escompte": sum((line.escompte_amount for line in lines), ZERO),
                        "sepa_message_id": run.sepa_message_id})
    return run
