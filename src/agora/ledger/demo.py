"""Demo books for `agora demo`: two fiscal years of plausible entries, posted through the ledger services.

The previous calendar year is complete and closed (its open items carried into the current year by the
opening entry), the current year runs up to `today`. Everything is drawn from a seeded random generator,
so the same `today` always gives the same books. The core `demo` command calls `demo_populate` for each
organisation it creates; the data depends on the organisation's kind (company or association).

Other apps' demos (sales, membership) pass their current-year operations as `steps`: generators that yield a
date, then do that day's work through their own services when resumed. The writer plays them interleaved
with its own entries, day by day, so every journal stays numbered in date order and the monthly VAT return
(computed from the books at month end) takes their VAT too. When steps are given, the books leave out of the
current year what those apps own: the company's sales and customer receipts, the association's fees and gifts.
"""

import calendar
import heapq
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Sum

from agora.core.money import CENT, ZERO, round_money
from agora.parties.services import party_create

from .domain import EntryInput, LineInput, add_months
from .models import Entry, EntryLine, FiscalYear
from .services import entries_post, entry_draft_save, entry_reverse, fiscal_year_close, ledger_setup, matching_create

BATCH = 250
RATE_20 = Decimal("0.20")
RATE_10 = Decimal("0.10")


def _d(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _workday(day: date) -> date:
    """The same day, or the next Monday for a weekend."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _last_workday(year: int, month: int) -> date:
    day = _month_end(year, month)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _weekdays(year: int, month: int) -> list[date]:
    return [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() < 5]


def _line(account: str, debit=ZERO, credit=ZERO, *, party: str = "", label: str = "", due: date | None = None,
          tax_role: str = "", vat_box: str = "") -> LineInput:
    return LineInput(account=account, debit=_d(debit), credit=_d(credit), party=party, label=label,
                     due_date=due, tax_role=tax_role, vat_box=vat_box)


@dataclass
class _Action:
    day: date
    seq: int
    kind: str  # "post", "draft", "reverse", "vat" (monthly return) or "vatpay" (its payment)
    key: str
    data: EntryInput | None = None
    target: str = ""
    label: str = ""


@dataclass
class _Posted:
    pk: int
    number: str
    year: str
    day: date


@dataclass
class _Timeline:
    """Everything the demo will write, in date order, and the matchings to make once it is posted."""

    today: date
    actions: list[_Action] = field(default_factory=list)
    groups: list[list[tuple[str, int]]] = field(default_factory=list)
    dates: dict[str, date] = field(default_factory=dict)
    inputs: dict[str, EntryInput] = field(default_factory=dict)

    def _add(self, action: _Action) -> str | None:
        if action.day > self.today:
            return None
        self.actions.append(action)
        self.dates[action.key] = action.day
        return action.key

    def post(self, data: EntryInput) -> str | None:
        """Plan a posting; None when it falls after today (it has not happened yet)."""
        key = f"e{len(self.actions)}"
        if self._add(_Action(data.date, len(self.actions), "post", key, data=data)) is None:
            return None
        self.inputs[key] = data
        return key

    def reverse(self, target: str | None, day: date, label: str) -> str | None:
        if target is None:
            return None
        key = f"e{len(self.actions)}"
        return self._add(_Action(day, len(self.actions), "reverse", key, target=target, label=label))

    def vat_return(self, year: int, month: int, pay_day: date) -> None:
        """Plan the month's VAT return at month end and its payment: amounts are read from the books then."""
        key = f"v{len(self.actions)}"
        if self._add(_Action(_month_end(year, month), len(self.actions), "vat", key, label=f"{year}-{month:02d}")):
            self._add(_Action(pay_day, len(self.actions), "vatpay", f"p{len(self.actions)}", target=key,
                              label=f"{year}-{month:02d}"))

    def draft(self, data: EntryInput) -> None:
        self._add(_Action(data.date, len(self.actions), "draft", f"d{len(self.actions)}", data=data))

    def match(self, *members: tuple[str | None, int]) -> None:
        """Match lines (entry key, line number) once all of them are posted."""
        if all(key is not None for key, _ in members):
            self.groups.append(list(members))


class _Writer:
    """Plays a timeline through the services, year by year, closing the earlier year in between."""

    def __init__(self, organisation, actor, timeline: _Timeline):
        self.organisation, self.actor, self.timeline = organisation, actor, timeline
        self.posted: dict[str, _Posted] = {}
        self.lines: dict[tuple[int, int], tuple[int, str, str]] = {}  # (entry pk, line no) -> (pk, acct, party)
        self.carried: dict[tuple[str, str, str], int] = {}  # (entry number, account, party) -> AN line pk
        self.vat_due: dict[str, Decimal] = {}  # VAT return key -> amount due

    def play_year(self, year: int, steps=()) -> None:
        """Post the year's actions in date order; `steps` (other apps' generators) run in between, each day's
        steps before the books' own entries of that day (the month's VAT return comes after its sales)."""
        actions = sorted((a for a in self.timeline.actions if a.day.year == year), key=lambda a: (a.day, a.seq))
        batch: list[_Action] = []
        queue: list[tuple[date, int, object]] = []
        for n, step in enumerate(steps):
            first = next(step, None)  # runs the step's set-up, up to its first day
            if first is not None:
                heapq.heappush(queue, (first, n, step))

        def run_steps(until: date | None) -> None:
            while queue and (until is None or queue[0][0] <= until):
                self._flush(batch)
                _, n, step = heapq.heappop(queue)
                following = next(step, None)  # does the day's work, yields the next day
                if following is not None:
                    heapq.heappush(queue, (following, n, step))

        for action in actions:
            run_steps(action.day)
            if action.kind == "post":
                batch.append(action)
                if len(batch) >= BATCH:
                    self._flush(batch)
            elif action.kind == "vat":
                self._flush(batch)
                data = self._vat_return(action)
                if data is not None:
                    batch.append(_Action(action.day, action.seq, "post", action.key, data=data))
            elif action.kind == "vatpay":
                due = self.vat_due.get(action.target)
                if due:
                    batch.append(_Action(action.day, action.seq, "post", action.key, data=EntryInput(
                        journal="BQ1", date=action.day, label=f"Paiement TVA {action.label[5:]}/{action.label[:4]}",
                        reference=f"CA3-{action.label.replace('-', '')}",
                        lines=[_line("44551", due), _line("5121", credit=due)])))
            else:
                self._flush(batch)
                if action.kind == "draft":
                    entry_draft_save(actor=self.actor, organisation=self.organisation, data=action.data)
                else:
                    original = Entry.objects.get(pk=self.posted[action.target].pk, organisation=self.organisation)
                    entry = entry_reverse(actor=self.actor, entry=original, on=action.day, label=action.label)
                    self._record(action.key, entry)
        self._flush(batch)
        run_steps(None)
        self._load_lines(year)
        groups = [g for g in self.timeline.groups if max(self.timeline.dates[k] for k, _ in g).year == year]
        groups.sort(key=lambda g: max(self.timeline.dates[k] for k, _ in g))
        for group in groups:
            ids = [self._line_for(key, line_no, str(year)) for key, line_no in group]
            matching_create(actor=self.actor, organisation=self.organisation, line_ids=ids)

    def _vat_return(self, action: _Action) -> EntryInput | None:
        """Monthly CA3 from the books: collected VAT (44571) against deductible VAT (44566) of the month and the
        credit carried from earlier returns (44567); the balance to 44551 (paid on the 19th after), or a new
        credit to carry on 44567. Nothing in a month without VAT."""
        year, month = (int(x) for x in action.label.split("-"))
        posted = EntryLine.objects.filter(organisation=self.organisation, posted=True)
        month_lines = posted.filter(date__year=year, date__month=month)

        def balance(lines, code: str) -> Decimal:
            sums = lines.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
            return (sums["d"] or ZERO) - (sums["c"] or ZERO)

        collected, deductible = -balance(month_lines, "44571"), balance(month_lines, "44566")
        if not collected and not deductible:
            return None
        carried = balance(posted.filter(fiscal_year__code=str(year), date__lte=action.day), "44567")
        due = collected - deductible - carried
        lines = [_line("44571", collected), _line("44566", credit=deductible)]
        if carried:
            lines.append(_line("44567", credit=carried, label="Crédit de TVA imputé"))
        if due > 0:
            self.vat_due[action.key] = due
            lines.append(_line("44551", credit=due))
        elif due < 0:
            lines.append(_line("44567", -due, label="Crédit de TVA à reporter"))
        return EntryInput(journal="OD", date=action.day, label=f"Déclaration de TVA {month:02d}/{year}",
                          reference=f"CA3-{year}{month:02d}", lines=lines)

    def _flush(self, batch: list[_Action]) -> None:
        if not batch:
            return
        entries = entries_post(actor=self.actor, organisation=self.organisation, entries=[a.data for a in batch])
        for action, entry in zip(batch, entries, strict=True):
            self._record(action.key, entry)
        batch.clear()

    def _record(self, key: str, entry: Entry) -> None:
        self.posted[key] = _Posted(entry.pk, entry.display_number, entry.fiscal_year.code, entry.date)

    def _load_lines(self, year: int) -> None:
        rows = (EntryLine.objects.filter(organisation=self.organisation, fiscal_year__code=str(year),
                                         account__reconcilable=True)
                .values_list("entry_id", "line_no", "pk", "account__code", "party__code"))
        for entry_id, line_no, pk, account, party in rows:
            self.lines[(entry_id, line_no)] = (pk, account, party or "")

    def _line_for(self, key: str, line_no: int, year: str) -> int:
        posted = self.posted[key]
        pk, account, party = self.lines[(posted.pk, line_no)]
        if posted.year == year:
            return pk
        return self.carried[(posted.number, account, party)]  # an open item of an earlier year

    def close(self, year: int) -> None:
        fiscal_year = FiscalYear.objects.get(organisation=self.organisation, code=str(year))
        opening = fiscal_year_close(actor=self.actor, fiscal_year=fiscal_year)
        if opening is None:
            return
        rows = EntryLine.objects.filter(entry_id=opening.pk).values_list("pk", "label", "account__code",
                                                                         "party__code")
        for pk, label, account, party in rows:
            if label.startswith("AN "):
                self.carried[(label.split(" ", 2)[1], account, party or "")] = pk


def _months(first: date, today: date):
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# --- the company: Durand Équipement SARL -------------------------------------------------------------

CUSTOMERS = [
    ("C001", "Boulangerie Martin"), ("C002", "Garage des Brotteaux"), ("C003", "Hôtel du Rhône"),
    ("C004", "Pharmacie Saint-Jean"), ("C005", "Restaurant Le Bouchon Lyonnais"), ("C006", "Cabinet dentaire Roux"),
    ("C007", "Mairie de Villeurbanne"), ("C008", "Atelier Mécanique Girard"), ("C009", "Supérette Croix-Rousse"),
    ("C010", "Clinique vétérinaire des Pentes"), ("C011", "M. et Mme Lefèvre"), ("C012", "Copropriété Les Tilleuls"),
]
HOUSEHOLDS = {"C011", "C012"}  # work in dwellings: 10 % VAT
SUPPLIERS = [
    ("F001", "Grossiste Rhône Équipement"), ("F002", "Bureau Plus Lyon"), ("F003", "Orange Business"),
    ("F004", "SCI Les Canuts"), ("F005", "EDF Entreprises"), ("F006", "Cabinet Morel Expertise"),
    ("F007", "MAAF Pro"), ("F008", "Transports Berthet"),
]
EMPLOYEES = [("S001", "Lucas Martin", Decimal("2350")), ("S002", "Emma Bernard", Decimal("2650")),
             ("S003", "Hugo Petit", Decimal("3100"))]


def _company_parties(organisation, actor) -> None:
    for code, name in CUSTOMERS:
        party_create(actor=actor, organisation=organisation, data={
            "code": code, "name": name, "is_customer": True,
            "kind": "individual" if code == "C011" else "organisation", "city": "Lyon"})
    for code, name in SUPPLIERS:
        party_create(actor=actor, organisation=organisation,
                     data={"code": code, "name": name, "is_supplier": True, "city": "Lyon"})
    for code, name, _ in EMPLOYEES:
        party_create(actor=actor, organisation=organisation,
                     data={"code": code, "name": name, "is_employee": True, "kind": "individual"})


def _purchase(tl: _Timeline, day: date, supplier: str, name: str, account: str, net: Decimal, *,
              vat_rate: Decimal | None, ref: str, what: str, pay_after: int) -> str | None:
    """A supplier invoice (AC) and its payment (BQ1), matched on 401."""
    vat = round_money(net * vat_rate) if vat_rate else ZERO
    gross = net + vat
    lines = [_line(account, net, label=what, tax_role="base" if vat else "")]
    if vat:
        lines.append(_line("44566", vat, label=what, tax_role="input_vat", vat_box="20"))
    lines.append(_line("401", credit=gross, party=supplier, label=f"{name} {ref}", due=day + timedelta(pay_after)))
    invoice = tl.post(EntryInput(journal="AC", date=day, label=f"{name} — {what}", reference=ref, lines=lines))
    payment_day = _workday(day + timedelta(pay_after))
    payment = tl.post(EntryInput(journal="BQ1", date=payment_day, label=f"Règlement {name} {ref}",
                                 reference=f"VIR{payment_day:%y%m%d}", lines=[
                                     _line("401", gross, party=supplier, label=f"Règlement {ref}"),
                                     _line("5121", credit=gross, label=f"Virement {name}")]))
    tl.match((invoice, len(lines)), (payment, 1))
    return invoice


def _company_timeline(today: date, previous: int, *, external: bool = False) -> _Timeline:
    """`external`: the current year's sales and customer receipts come from the sales demo, and its VAT returns
    from the VAT app's demo (which files and pays them), not from here."""
    rng = random.Random(f"durand-{previous}")  # noqa: S311 (demo data, not secrets)
    tl = _Timeline(today=today)
    start = date(previous, 1, 1)
    tl.post(EntryInput(journal="AN", date=start, label=f"Reprise des soldes au {start:%d/%m/%Y}",
                       reference=f"AN{previous}", lines=[
                           _line("5121", 38500), _line("37", 12000), _line("2183", 8400),
                           _line("28183", credit=3360), _line("101", credit=20000), _line("1061", credit=2000),
                           _line("110", credit=33540)]))
    invoice_no: dict[int, int] = defaultdict(int)
    purchase_no = 0
    doubled = False
    for year, month in _months(start, today):
        days = _weekdays(year, month)
        raise_ = Decimal("1.02") if year > previous else Decimal("1")
        # Sales invoices and their settlements (some in two instalments, a few late payers).
        for _ in range(0 if external and year > previous else rng.randint(10, 14)):
            day = rng.choice(days)
            code, name = rng.choice(CUSTOMERS)
            invoice_no[year] += 1
            ref = f"FA{year}-{invoice_no[year]:04d}"
            if code in HOUSEHOLDS:
                income, rate, box, what = "706", RATE_10, "9B", "Entretien d'équipements (logement)"
                net = _amount(rng, 180, 1800)
            elif rng.random() < 0.65:
                income, rate, box, what = "707", RATE_20, "08", "Vente de matériel"
                net = _amount(rng, 500, 7000)
            else:
                income, rate, box, what = "706", RATE_20, "08", "Maintenance et installation"
                net = _amount(rng, 250, 2500)
            vat = round_money(net * rate)
            gross = net + vat
            due = day + timedelta(30)
            data = EntryInput(journal="VT", date=day, label=f"{ref} {name}", reference=ref, lines=[
                _line("411", gross, party=code, label=f"{ref} {name}", due=due),
                _line(income, credit=net, label=what, tax_role="base", vat_box=box),
                _line("44571", credit=vat, label=f"TVA {rate * 100:.0f} %", tax_role="output_vat", vat_box=box)])
            invoice = tl.post(data)
            luck = rng.random()
            if luck < 0.08:
                first = round_money(gross / 2)
                d1, d2 = _workday(day + timedelta(rng.randint(20, 35))), _workday(day + timedelta(rng.randint(45, 70)))
                p1 = _receipt(tl, d1, code, name, ref, first, "Acompte")
                p2 = _receipt(tl, d2, code, name, ref, gross - first, "Solde")
                tl.match((invoice, 1), (p1, 2))
                tl.match((invoice, 1), (p1, 2), (p2, 2))
            elif luck < 0.94:
                paid = _workday(day + timedelta(rng.randint(10, 55)))
                tl.match((invoice, 1), (_receipt(tl, paid, code, name, ref, gross, "Règlement"), 2))
            # else: a late payer; the invoice stays open.
            if year == previous and month == 3 and not doubled and day.day <= 20:
                doubled = True
                # Keyed twice by mistake, cancelled by a reversal three days later; both matched on 411.
                double = tl.post(EntryInput(journal="VT", date=day, label=data.label, reference=ref,
                                            lines=[LineInput(**vars(line)) for line in data.lines]))
                cancel = tl.reverse(double, _workday(day + timedelta(3)), f"Extourne — {ref} saisie en double")
                tl.match((double, 1), (cancel, 1))
        # Purchases: goods, overheads, rent, energy, telecoms; each paid and matched.
        for _ in range(rng.randint(3, 4)):
            purchase_no += 1
            _purchase(tl, rng.choice(days), "F001", "Grossiste Rhône Équipement", "607",
                      _amount(rng, 800, 6000), vat_rate=RATE_20, ref=f"GRE-{purchase_no:05d}",
                      what="Achat de marchandises", pay_after=rng.choice((30, 45)))
        _purchase(tl, date(year, month, 1), "F004", "SCI Les Canuts", "6132", Decimal("1850.00"), vat_rate=RATE_20,
                  ref=f"LOY-{year}{month:02d}", what=f"Loyer {month:02d}/{year}", pay_after=4)
        _purchase(tl, _workday(date(year, month, 8)), "F003", "Orange Business", "626", Decimal("89.90"),
                  vat_rate=RATE_20, ref=f"ORA-{year}{month:02d}", what="Téléphone et internet", pay_after=12)
        _purchase(tl, _workday(date(year, month, 12)), "F005", "EDF Entreprises", "6061", _amount(rng, 120, 320),
                  vat_rate=RATE_20, ref=f"EDF-{year}{month:02d}", what="Électricité", pay_after=15)
        if rng.random() < 0.7:
            _purchase(tl, rng.choice(days), "F002", "Bureau Plus Lyon", "6064", _amount(rng, 60, 400),
                      vat_rate=RATE_20, ref=f"BPL-{year}{month:02d}", what="Fournitures de bureau", pay_after=30)
        for n in range(rng.randint(1, 2)):
            _purchase(tl, rng.choice(days), "F008", "Transports Berthet", "624", _amount(rng, 90, 450),
                      vat_rate=RATE_20, ref=f"TB-{year}{month:02d}{n}", what="Livraisons clients", pay_after=30)
        if month in (1, 4, 7, 10):
            _purchase(tl, _workday(date(year, month, 5)), "F007", "MAAF Pro", "616", Decimal("480.00"),
                      vat_rate=None, ref=f"MAAF-{year}T{(month + 2) // 3}", what="Assurance multirisque",
                      pay_after=10)
            _purchase(tl, _workday(date(year, month, 15)), "F006", "Cabinet Morel Expertise", "6226",
                      Decimal("1200.00"), vat_rate=RATE_20, ref=f"CME-{year}T{(month + 2) // 3}",
                      what="Honoraires comptables", pay_after=30)
        if year == today.year and month == 5:
            # Supplier invoice keyed with a wrong amount: reversed, then keyed again correctly.
            wrong_day = _workday(date(year, month, 6))
            wrong = tl.post(EntryInput(journal="AC", date=wrong_day, label="Grossiste Rhône Équipement — GRE-ERR",
                                       reference="GRE-ERR", lines=[
                                           _line("607", 2150, label="Achat de marchandises"),
                                           _line("44566", 430, tax_role="input_vat", vat_box="20"),
                                           _line("401", credit=2580, party="F001", label="GRE-ERR")]))
            fixed = tl.reverse(wrong, _workday(wrong_day + timedelta(2)), "Extourne — montant erroné (2 150 au "
                                                                          "lieu de 1 250)")
            tl.match((wrong, 3), (fixed, 3))
            _purchase(tl, _workday(wrong_day + timedelta(2)), "F001", "Grossiste Rhône Équipement", "607",
                      Decimal("1250.00"), vat_rate=RATE_20, ref="GRE-ERR", what="Achat de marchandises (corrigé)",
                      pay_after=30)
        if year > previous:
            _loan(tl, year, month)
        # Payroll at month end, net salaries paid the same day, contributions on the 15th after.
        pay_day = _last_workday(year, month)
        gross_pay = {code: round_money(base * raise_) for code, _, base in EMPLOYEES}
        net_pay = {code: round_money(amount * Decimal("0.78")) for code, amount in gross_pay.items()}
        employer = round_money(sum(gross_pay.values()) * Decimal("0.42"))
        total_gross = sum(gross_pay.values())
        contributions = total_gross - sum(net_pay.values()) + employer
        payroll = tl.post(EntryInput(journal="PA", date=pay_day, label=f"Paie {month:02d}/{year}",
                                     reference=f"PAIE{year}{month:02d}", lines=[
                                         _line("6411", total_gross, label="Salaires bruts"),
                                         _line("6451", employer, label="Cotisations patronales"),
                                         _line("431", credit=contributions, label="Cotisations sociales"),
                                         *[_line("421", credit=net_pay[code], party=code, label=f"Net à payer {name}")
                                           for code, name, _ in EMPLOYEES]]))
        salaries = tl.post(EntryInput(journal="BQ1", date=pay_day, label=f"Virement des salaires {month:02d}/{year}",
                                      reference=f"SAL{year}{month:02d}", lines=[
                                          *[_line("421", net_pay[code], party=code, label=f"Salaire {name}")
                                            for code, name, _ in EMPLOYEES],
                                          _line("5121", credit=sum(net_pay.values()), label="Virement salaires")]))
        for n in range(len(EMPLOYEES)):
            tl.match((payroll, 4 + n), (salaries, 1 + n))
        urssaf_day = _workday(add_months(date(year, month, 15), 1))
        tl.post(EntryInput(journal="BQ1", date=urssaf_day, label=f"URSSAF — cotisations {month:02d}/{year}",
                           reference=f"DSN{year}{month:02d}",
                           lines=[_line("431", contributions), _line("5121", credit=contributions)]))
        fees = _amount(rng, 18, 42)
        tl.post(EntryInput(journal="BQ1", date=pay_day, label=f"Frais bancaires {month:02d}/{year}",
                           reference=f"FB{year}{month:02d}", lines=[_line("627", fees), _line("5121", credit=fees)]))
        if year == previous and month == 12:
            tl.post(EntryInput(journal="OD", date=_month_end(year, 12), label=f"Dotation aux amortissements {year}",
                               reference=f"AMO{year}", lines=[
                                   _line("6811", 1680, label="Matériel informatique"),
                                   _line("28183", credit=1680, label="Matériel informatique")]))
        if year == previous or not external:
            _vat_settlement(tl, year, month)
    _company_drafts(tl, today, invoice_no[today.year], sales=not external)
    return tl


LOAN = Decimal("100000.00")
LOAN_REPAYMENT = Decimal("1500.00")
LOAN_RATE = Decimal("0.036")  # a year


def _loan(tl: _Timeline, year: int, month: int) -> None:
    """The company borrows 100,000 € from its bank on the first working day of the year (stock and a van) and
    pays it back 1,500 € a month from February with the month's interest (3.6 % a year on what is still owed):
    the bank account carries the year's working capital, and the statements have a loan in them."""
    if month == 1:
        day = _workday(date(year, 1, 2))
        tl.post(EntryInput(journal="BQ1", date=day, label="Déblocage de l'emprunt Banque Populaire",
                           reference=f"EMP{year}", lines=[_line("5121", LOAN), _line("164", credit=LOAN)]))
        return
    owed = LOAN - LOAN_REPAYMENT * (month - 2)
    interest = round_money(owed * LOAN_RATE / 12)
    tl.post(EntryInput(journal="BQ1", date=_workday(date(year, month, 5)),
                       label=f"Échéance d'emprunt {month:02d}/{year}", reference=f"EMP{year}{month:02d}", lines=[
                           _line("164", LOAN_REPAYMENT, label="Remboursement du capital"),
                           _line("661", interest, label="Intérêts de l'emprunt"),
                           _line("5121", credit=LOAN_REPAYMENT + interest, label="Échéance d'emprunt")]))


def _receipt(tl: _Timeline, day: date, code: str, name: str, ref: str, amount: Decimal, what: str) -> str | None:
    return tl.post(EntryInput(journal="BQ1", date=day, label=f"{what} {name} {ref}", reference=f"REM{day:%y%m%d}",
                              lines=[_line("5121", amount, label=f"{what} {name}"),
                                     _line("411", credit=amount, party=code, label=f"{what} {ref}")]))


def _vat_settlement(tl: _Timeline, year: int, month: int) -> None:
    """Monthly CA3 at month end, paid on the 19th after (amounts read from the books when played)."""
    tl.vat_return(year, month, _workday(_month_end(year, month) + timedelta(days=19)))


def _company_drafts(tl: _Timeline, today: date, last_invoice: int, *, sales: bool = True) -> None:
    """A few entries left in the current month's draft (brouillard) for the accountant to review."""
    day = today.replace(day=max(1, today.day - 2))
    ref = f"FA{today.year}-{last_invoice + 1:04d}"
    if sales:
        tl.draft(EntryInput(journal="VT", date=day, label=f"{ref} Hôtel du Rhône", reference=ref, lines=[
            _line("411", 2880, party="C003", due=day + timedelta(30)),
            _line("707", credit=2400, tax_role="base", vat_box="08"),
            _line("44571", credit=480, tax_role="output_vat", vat_box="08")]))
    tl.draft(EntryInput(journal="AC", date=day, label="Bureau Plus Lyon — cartouches d'encre", reference="BPL-BROU",
                        lines=[_line("6064", 145), _line("44566", 29, tax_role="input_vat", vat_box="20"),
                               _line("401", credit=174, party="F002")]))
    tl.draft(EntryInput(journal="OD", date=today, label="Note de frais à ventiler", reference="NDF",
                        lines=[_line("625", 62.40, label="Repas client"), _line("471", credit=62.40)]))


# --- the association: Les Jardins du Quartier ----------------------------------------------------------

MEMBERS = [
    "Alice Moreau", "Bruno Fontaine", "Chantal Garnier", "David Lambert", "Élodie Chevalier", "Farid Benali",
    "Gisèle Robin", "Henri Marchand", "Inès Durand", "Jacques Blanc", "Karima Haddad", "Laurent Faure",
    "Marion Rousseau", "Nicolas Perrin", "Odile Mercier", "Pascal Boyer", "Quentin Masson", "Rose Lemoine",
    "Samuel Renaud", "Thérèse Colin", "Ulysse Vidal", "Valérie Roussel", "William Caron", "Yasmine Aubert",
    "Zoé Brunet", "Antoine Giraud", "Béatrice Fleury", "Cédric Joly", "Delphine Huet", "Étienne Riviere",
    "Fanny Picard", "Gaël Arnaud", "Hélène Baron", "Ivan Gautier", "Julie Noël", "Kevin Roger",
    "Léa Rey", "Mathieu Lucas", "Nadia Barbier", "Olivier Dumas", "Paula Charpentier", "Rémi Meyer",
    "Sophie Leroy", "Thomas Schmitt", "Virginie Gomez", "Yann Dupuis", "Agnès Lacroix", "Bernard Renard",
]
ASSOCIATION_SUPPLIERS = [("F001", "Grand Lyon Habitat"), ("F002", "MAIF Associations"),
                         ("F003", "Jardinerie du Parc"), ("F004", "Bureau Vallée Lyon")]


def _association_parties(organisation, actor) -> None:
    for n, name in enumerate(MEMBERS, start=1):
        party_create(actor=actor, organisation=organisation, data={
            "code": f"M{n:03d}", "name": name, "is_member": True, "kind": "individual", "city": "Lyon"})
    for code, name in ASSOCIATION_SUPPLIERS:
        party_create(actor=actor, organisation=organisation,
                     data={"code": code, "name": name, "is_supplier": True, "city": "Lyon"})


def _association_timeline(today: date, previous: int, *, external: bool = False) -> _Timeline:
    """`external`: the current year's fees and gifts come from the membership demo, not from here."""
    rng = random.Random(f"jardins-{previous}")  # noqa: S311 (demo data, not secrets)
    tl = _Timeline(today=today)
    start = date(previous, 1, 1)
    tl.post(EntryInput(journal="AN", date=start, label=f"Reprise des soldes au {start:%d/%m/%Y}",
                       reference=f"AN{previous}", lines=[
                           _line("5121", 14200), _line("530", 350), _line("102", credit=10000),
                           _line("110", credit=4550)]))
    # Each member renews once a year, mostly at the September open day.
    renewals: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
    for year in (previous, previous + 1):
        for n, name in enumerate(MEMBERS, start=1):
            month = rng.choices([9, 10, 1, 2, 3, 4, 5, 6], weights=[50, 20, 8, 5, 5, 4, 4, 4])[0]
            renewals[(year, month)].append((f"M{n:03d}", name))
    cash = Decimal("350")
    for year, month in _months(start, today):
        days = _weekdays(year, month)
        own_income = not (external and year > previous)
        for code, name in renewals[(year, month)] if own_income else ():
            day = rng.choice(days)
            fee = Decimal("45.00") if rng.random() < 0.3 else Decimal("30.00")
            if rng.random() < 0.6:
                tl.post(EntryInput(journal="BQ1", date=day, label=f"Cotisation {year} — {name}",
                                   reference=f"COT{year}-{code}", lines=[
                                       _line("5121", fee), _line("7561", credit=fee, label=f"Cotisation {name}")]))
            elif tl.post(EntryInput(journal="CA", date=day, label=f"Cotisation {year} — {name} (espèces)",
                                    reference=f"COT{year}-{code}", lines=[
                                        _line("530", fee), _line("7561", credit=fee, label=f"Cotisation {name}")])):
                cash += fee
        for n in range(rng.randint(2, 4) if own_income else 0):
            day = rng.choice(days)
            gift = Decimal(rng.choice([20, 30, 50, 50, 80, 100, 150, 200, 300]))
            donor = rng.choice(MEMBERS)
            journal, account = ("BQ1", "5121") if gift >= 80 or rng.random() < 0.5 else ("CA", "530")
            key = tl.post(EntryInput(journal=journal, date=day, label=f"Don de {donor}",
                                     reference=f"DON{year}{month:02d}{n}", lines=[
                                         _line(account, gift), _line("75411", credit=gift, label=f"Don {donor}")]))
            if key and journal == "CA":
                cash += gift
        # Rent of the garden shed and meeting room, paid five days after the notice.
        _assoc_purchase(tl, date(year, month, 1), "F001", "Grand Lyon Habitat", "6132", Decimal("150.00"),
                        ref=f"LOY-{year}{month:02d}", what=f"Loyer local {month:02d}/{year}", pay_after=5)
        if month == 1:
            _assoc_purchase(tl, _workday(date(year, 1, 10)), "F002", "MAIF Associations", "616", Decimal("380.00"),
                            ref=f"MAIF-{year}", what="Assurance responsabilité civile", pay_after=20)
        if 3 <= month <= 10:
            for n in range(rng.randint(1, 3)):
                _assoc_purchase(tl, rng.choice(days), "F003", "Jardinerie du Parc", "6063", _amount(rng, 30, 250),
                                ref=f"JDP-{year}{month:02d}{n}", what="Graines, plants et outillage",
                                pay_after=10)
            if rng.random() < 0.5:
                small = _amount(rng, 8, 40)
                if tl.post(EntryInput(journal="CA", date=rng.choice(days), label="Petites fournitures (espèces)",
                                      reference=f"TK{year}{month:02d}", lines=[
                                          _line("6063", small), _line("530", credit=small)])):
                    cash -= small
        if month in (2, 9):
            _assoc_purchase(tl, rng.choice(days), "F004", "Bureau Vallée Lyon", "6064", _amount(rng, 25, 120),
                            ref=f"BV-{year}{month:02d}", what="Fournitures de bureau", pay_after=15)
        if month == 6:
            fete = _workday(date(year, 6, 20))
            takings, drinks = _amount(rng, 520, 760), _amount(rng, 180, 260)
            if tl.post(EntryInput(journal="CA", date=fete, label=f"Fête de quartier {year} — buvette",
                                  reference=f"FETE{year}", lines=[_line("530", takings),
                                                                  _line("707", credit=takings)])):
                cash += takings
            if tl.post(EntryInput(journal="CA", date=fete, label=f"Fête de quartier {year} — boissons",
                                  reference=f"FETE{year}A", lines=[_line("607", drinks), _line("530", credit=drinks)])):
                cash -= drinks
        grant = {(previous, 4): ("Ville de Lyon", Decimal("4500.00")),
                 (previous + 1, 3): ("Métropole de Lyon", Decimal("1800.00"))}.get((year, month))
        if grant:
            giver, amount = grant
            award = _workday(date(year, month, 14))
            tl.post(EntryInput(journal="OD", date=award, label=f"Subvention de fonctionnement {giver} {year}",
                               reference=f"SUB{year}", lines=[_line("441", amount),
                                                              _line("74", credit=amount, label=f"Subvention {giver}")]))
            tl.post(EntryInput(journal="BQ1", date=_workday(award + timedelta(days=45)),
                               label=f"Versement subvention {giver}", reference=f"SUB{year}",
                               lines=[_line("5121", amount), _line("441", credit=amount)]))
        tl.post(EntryInput(journal="BQ1", date=_last_workday(year, month), label=f"Frais bancaires {month:02d}/{year}",
                           reference=f"FB{year}{month:02d}",
                           lines=[_line("627", "6.50"), _line("5121", credit="6.50")]))
        deposit_day = _last_workday(year, month)
        if cash > 300 and deposit_day <= today:
            amount = (cash - 100).quantize(Decimal("1"))
            out = tl.post(EntryInput(journal="CA", date=deposit_day, label="Remise d'espèces en banque",
                                     reference=f"RE{year}{month:02d}", lines=[_line("580", amount),
                                                                              _line("530", credit=amount)]))
            into = tl.post(EntryInput(journal="BQ1", date=deposit_day, label="Remise d'espèces en banque",
                                      reference=f"RE{year}{month:02d}", lines=[_line("5121", amount),
                                                                               _line("580", credit=amount)]))
            tl.match((out, 1), (into, 2))
            cash -= amount
    day = today.replace(day=max(1, today.day - 1))
    tl.draft(EntryInput(journal="AC", date=day, label="Jardinerie du Parc — bulbes d'automne", reference="JDP-BROU",
                        lines=[_line("6063", 86.40), _line("401", credit=86.40, party="F003")]))
    if not external:
        tl.draft(EntryInput(journal="CA", date=day, label="Cotisation — nouvel adhérent", reference="COT-BROU",
                            lines=[_line("530", 30), _line("7561", credit=30)]))
    return tl


def _assoc_purchase(tl: _Timeline, day: date, supplier: str, name: str, account: str, amount: Decimal, *,
                    ref: str, what: str, pay_after: int) -> None:
    invoice = tl.post(EntryInput(journal="AC", date=day, label=f"{name} — {what}", reference=ref, lines=[
        _line(account, amount, label=what),
        _line("401", credit=amount, party=supplier, label=f"{name} {ref}", due=day + timedelta(pay_after))]))
    paid = _workday(day + timedelta(pay_after))
    payment = tl.post(EntryInput(journal="BQ1", date=paid, label=f"Règlement {name} {ref}", reference=ref, lines=[
        _line("401", amount, party=supplier, label=f"Règlement {ref}"),
        _line("5121", credit=amount, label=f"Virement {name}")]))
    tl.match((invoice, 2), (payment, 1))


# --- entry point ------------------------------------------------------------------------------------------

def demo_populate(*, organisation, users: dict, today: date, steps=()) -> None:
    """Seed the books of a freshly created demo organisation: last year closed, this year up to today, other
    apps' `steps` played day by day within this year."""
    actor = users.get("accounting")
    previous = today.year - 1
    ledger_setup(actor=actor, organisation=organisation, first_year=previous)
    steps = list(steps)
    if organisation.kind == "association":
        _association_parties(organisation, actor)
        timeline = _association_timeline(today, previous, external=bool(steps))
    else:
        _company_parties(organisation, actor)
        timeline = _company_timeline(today, previous, external=bool(steps))
    writer = _Writer(organisation, actor, timeline)
    writer.play_year(previous)
    writer.close(previous)
    writer.play_year(today.year, steps=steps)
