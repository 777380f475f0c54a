"""Demo sales for `agora demo`: the company's catalogue, its customers and a year of business through the sales
services — quotes (some refused or left to expire), orders, partial deliveries, invoices, a deposit invoice,
credit notes, receipts (cheques on deposit slips, transfers, cards, direct debits), reminder runs and claims.

Everything happens in date order on an agenda: `sales_steps` yields each day before doing that day's work, so
the ledger's demo plays it between its own entries (journals stay numbered in date order, the monthly VAT return
takes the sales VAT). The services date new documents "today"; the demo moves each draft to its day with
`document_update` before validating it, as a user would on the form. Drawn from a seeded generator: the same
`today` always gives the same data, and nothing is dated after `today`.
"""

import heapq
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from agora.catalog.models import VatCategory
from agora.catalog.services import product_create
from agora.core.errors import BusinessError
from agora.core.money import round_money
from agora.parties.models import Party, PaymentTerm
from agora.parties.services import party_create, party_update
from agora.sales.models import DocumentKind, DocumentState, SalesDocument
from agora.sales.selectors.payments import invoice_open_amount, pending_cheques
from agora.sales.services.claims import (
    claim_assign,
    claim_credit_note,
    claim_log_exchange,
    claim_open,
    claim_resolve,
)
from agora.sales.services.documents import (
    credit_note_from_invoice,
    credit_note_validate,
    delivery_validate,
    deposit_invoice_create,
    document_create,
    document_update,
    invoice_from,
    invoice_validate,
    order_deliver,
    quote_accept,
    quote_refuse,
    quote_send,
    quotes_expire,
)
from agora.sales.services.receipts import deposit_slip_create, receipt_record
from agora.sales.services.reminders import reminder_run_prepare, reminder_run_send, reminder_skip
from agora.sales.services.setup import sales_setup

# (reference, label, kind, unit, price HT, VAT category code, revenue account)
PRODUCTS = [
    ("FOUR-MX10", "Four mixte professionnel 10 niveaux GN 1/1", "goods", "u", "7890.00", "TVA20", "707"),
    ("LV-CAPOT", "Lave-vaisselle à capot, double paroi", "goods", "u", "3450.00", "TVA20", "707"),
    ("ARM-700", "Armoire réfrigérée positive 700 L inox", "goods", "u", "2190.00", "TVA20", "707"),
    ("TRANCH-300", "Trancheuse à jambon, lame de 300 mm", "goods", "u", "1290.00", "TVA20", "707"),
    ("HOTTE-2M", "Hotte aspirante inox 2 m avec filtres", "goods", "u", "1840.00", "TVA20", "707"),
    ("CAFE-2G", "Machine à café expresso 2 groupes", "goods", "u", "4200.00", "TVA20", "707"),
    ("BATT-20", "Batteur-mélangeur 20 L", "goods", "u", "1650.00", "TVA20", "707"),
    ("KIT-JOINTS", "Kit de joints et filtres d'entretien", "goods", "kit", "89.50", "TVA20", "707"),
    ("DETART-5L", "Détartrant professionnel, bidon de 5 L", "goods", "bidon", "24.90", "TVA20", "707"),
    ("INSTAL-H", "Installation et mise en service (heure de technicien)", "service", "h", "68.00", "TVA20", "706"),
    ("MAINT-AN", "Contrat de maintenance annuel (2 visites)", "service", "an", "690.00", "TVA20", "706"),
    ("DEPL", "Déplacement d'un technicien (zone Lyon)", "service", "u", "55.00", "TVA20", "7085"),
    ("LOC-FOUR", "Location d'un four de remplacement (semaine)", "service", "sem.", "180.00", "TVA20", "708"),
    ("ENTR-LOG", "Entretien d'équipements de cuisine (logement de plus de 2 ans)", "service", "u", "145.00",
     "TVA10", "706"),
    ("PAC-LOG", "Pose d'une pompe à chaleur (rénovation énergétique, logement)", "service", "u", "6800.00",
     "TVA5.5", "706"),
    ("FORM-HACCP", "Formation hygiène alimentaire HACCP (1 journée)", "service", "jour", "420.00", "EXO261",
     "706"),
]
HOUSEHOLD_ITEMS = ["ENTR-LOG", "PAC-LOG"]
EQUIPMENT = ["FOUR-MX10", "LV-CAPOT", "ARM-700", "TRANCH-300", "HOTTE-2M", "CAFE-2G", "BATT-20"]
SUPPLIES = ["KIT-JOINTS", "DETART-5L"]

# Customers of the books' demo (codes C001…) completed with their identity, plus new private customers.
# code: (name, kind, SIREN, term, e-mail, address, postal code, default discount, payment habit, method)
CUSTOMERS = {
    "C001": ("Boulangerie Martin", "organisation", "352104608", "30J", "contact@boulangerie-martin.example.fr",
             "12 rue de la République", "69002", "0", "prompt", "cheque"),
    "C002": ("Garage des Brotteaux", "organisation", "412879009", "30JFM", "compta@garage-brotteaux.example.fr",
             "87 boulevard des Brotteaux", "69006", "0", "split", "transfer"),
    "C003": ("Hôtel du Rhône", "organisation", "509331708", "45JFM", "factures@hotel-du-rhone.example.fr",
             "5 quai Jules Courmont", "69002", "5", "prompt", "transfer"),
    "C004": ("Pharmacie Saint-Jean", "organisation", "447021205", "30J", "pharmacie.stjean@example.fr",
             "24 rue Saint-Jean", "69005", "0", "slow", "cheque"),
    "C005": ("Restaurant Le Bouchon Lyonnais", "organisation", "789564101", "30J", "bouchon.lyonnais@example.fr",
             "9 rue Mercière", "69002", "0", "late", "cheque"),
    "C006": ("Cabinet dentaire Roux", "organisation", "331675801", "30J", "secretariat@dentaire-roux.example.fr",
             "41 avenue de Saxe", "69003", "0", "prompt", "direct_debit"),
    "C007": ("Mairie de Villeurbanne", "organisation", "216903500", "30J", "mandatement@villeurbanne.example.fr",
             "Place Lazare Goujon", "69100", "3", "prompt", "transfer"),
    "C008": ("Atelier Mécanique Girard", "organisation", "520843707", "45J", "atelier.girard@example.fr",
             "150 route de Vienne", "69008", "0", "slow", "cheque"),
    "C009": ("Supérette Croix-Rousse", "organisation", "801456302", "30J", "",
             "3 place de la Croix-Rousse", "69004", "0", "late", "cheque"),
    "C010": ("Clinique vétérinaire des Pentes", "organisation", "465201903", "60J", "clinique.pentes@example.fr",
             "18 montée de la Grande Côte", "69001", "0", "prompt", "transfer"),
    "C011": ("M. et Mme Lefèvre", "individual", "", "RECEPTION", "famille.lefevre@example.fr",
             "7 rue Vendôme", "69006", "0", "prompt", "card"),
    "C013": ("Mme Sophie Garnier", "individual", "", "RECEPTION", "sophie.garnier@example.fr",
             "22 rue Duguesclin", "69006", "0", "prompt", "cheque"),
    "C014": ("M. Karim Benali", "individual", "", "RECEPTION", "",
             "64 cours Gambetta", "69007", "0", "prompt", "card"),
}
BUSINESSES = [code for code, row in CUSTOMERS.items() if row[1] == "organisation"]
HOUSEHOLDS = [code for code, row in CUSTOMERS.items() if row[1] == "individual"]
REFUSAL_REPLY = (
    "Madame, Monsieur,\n\nNous avons bien reçu votre réclamation relative au délai de livraison de votre "
    "lave-vaisselle. Le bon de commande signé prévoyait une livraison « sous trois semaines à compter de "
    "l'acceptation du devis » : le matériel vous a été livré et installé dans ce délai, comme l'atteste le bon de "
    "livraison signé par votre chef de cuisine. Nous ne pouvons donc pas donner une suite favorable à votre "
    "demande d'indemnisation.\n\nNous restons à votre disposition et vous prions d'agréer, Madame, Monsieur, "
    "l'expression de nos salutations distinguées.\n\nJulien Garcia, service commercial")


def _vat_number(siren: str) -> str:
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _weekdays(year: int, month: int, first: date, last: date) -> list[date]:
    day, out = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5 and first <= day <= last:
            out.append(day)
        day += timedelta(days=1)
    return out


class _Agenda:
    """Work planned by day; a piece of work may plan more (a receipt when an invoice is issued)."""

    def __init__(self, today: date):
        self.today, self.queue, self.seq, self.now = today, [], 0, None

    def at(self, day: date, work: Callable[[date], None]) -> None:
        if self.now is not None and day < self.now:
            day = self.now
        if day > self.today:
            return  # has not happened yet
        heapq.heappush(self.queue, (day, self.seq, work))
        self.seq += 1

    def run(self) -> Iterator[date]:
        while self.queue:
            day, _, work = heapq.heappop(self.queue)
            self.now = day
            yield day
            work(day)


class _SalesDemo:
    def __init__(self, *, organisation, actor, today: date):
        self.organisation, self.actor, self.today = organisation, actor, today
        self.year = today.year
        self.rng = random.Random(f"ventes-{organisation.slug}-{today.year}")  # noqa: S311 (demo data)
        self.agenda = _Agenda(today)
        self.products: dict = {}
        self.customers: dict[str, Party] = {}
        self.cheque_no = 3400000

    # --- set-up ---------------------------------------------------------------------------------------------

    def setup(self) -> None:
        organisation, actor = self.organisation, self.actor
        sales_setup(actor=actor, organisation=organisation)
        categories = {c.code: c for c in VatCategory.objects.filter(organisation=organisation)}
        for reference, label, kind, unit, price, vat, account in PRODUCTS:
            self.products[reference] = product_create(actor=actor, organisation=organisation, data={
                "reference": reference, "label": label, "kind": kind, "unit": unit, "sale_price": Decimal(price),
                "purchase_price": round_money(Decimal(price) * Decimal("0.62")) if kind == "goods" else 0,
                "vat_category": categories[vat], "revenue_account": account})
        terms = {t.code: t for t in PaymentTerm.objects.filter(organisation=organisation)}
        for code, (name, kind, siren, term, email, street, postcode, discount, _, _) in CUSTOMERS.items():
            data = {"code": code, "name": name, "kind": kind, "is_customer": True, "siren": siren,
                    "siret": "50933170800016" if code == "C003" else "",
                    "vat_number": _vat_number(siren) if siren else "", "email": email, "address_line1": street,
                    "postal_code": postcode, "city": "Villeurbanne" if postcode == "69100" else "Lyon",
                    "country": "FR", "payment_term": terms[term], "default_discount_pct": Decimal(discount)}
            if code == "C003":
                data.update({"delivery_name": "Hôtel du Rhône — cuisines", "delivery_address_line1":
                             "Entrée de service, 2 rue Port du Temple", "delivery_postal_code": "69002",
                             "delivery_city": "Lyon"})
            party = Party.objects.filter(organisation=organisation, code=code).first()
            if party is None:
                party = party_create(actor=actor, organisation=organisation, data=data)
            else:
                party = party_update(actor=actor, party=party, data=data)
            self.customers[code] = party
        party_create(actor=actor, organisation=organisation, data={
            "code": "P001", "name": "Brasserie des Terreaux", "kind": "organisation", "is_prospect": True,
            "email": "direction@brasserie-terreaux.example.fr", "address_line1": "1 place des Terreaux",
            "postal_code": "69001", "city": "Lyon"})

    # --- helpers --------------------------------------------------------------------------------------------

    def _redate(self, document: SalesDocument, day: date) -> SalesDocument:
        """Move a draft the services dated today to its day (the date field of the form)."""
        lines = [{"product": line.product_id, "description": line.description, "kind": line.kind,
                  "quantity": line.quantity, "unit": line.unit, "unit_price": line.unit_price,
                  "discount_pct": line.discount_pct, "vat_rate": line.vat_rate, "vat_mention": line.vat_mention,
                  "revenue_account": line.revenue_account, "source_line": line.source_line_id}
                 for line in document.lines.order_by("line_no")]
        return document_update(actor=self.actor, document=document, data={"date": day}, lines=lines)

    def _invoice(self, source: SalesDocument, day: date) -> SalesDocument:
        invoice = self._redate(invoice_from(actor=self.actor, source=source), day)
        invoice = invoice_validate(actor=self.actor, invoice=invoice)
        self._plan_payment(invoice)
        return invoice

    def _plan_payment(self, invoice: SalesDocument, *, habit: str | None = None) -> None:
        code = invoice.party.code
        habit = habit or CUSTOMERS[code][8]
        due = invoice.due_date or invoice.date
        rng = self.rng
        if code in HOUSEHOLDS:
            self.agenda.at(invoice.date + timedelta(days=rng.randint(0, 4)), lambda d: self._pay(invoice, d))
        elif habit == "late":
            if rng.random() < 0.35:
                return  # still unpaid: the reminders chase it
            self.agenda.at(_workday(due + timedelta(days=rng.randint(12, 55))), lambda d: self._pay(invoice, d))
        elif habit == "slow":
            self.agenda.at(_workday(due + timedelta(days=rng.randint(5, 40))), lambda d: self._pay(invoice, d))
        elif habit == "split":
            self.agenda.at(_workday(due - timedelta(days=rng.randint(0, 5))),
                           lambda d: self._pay(invoice, d, share=Decimal("0.5")))
            self.agenda.at(_workday(due + timedelta(days=rng.randint(20, 35))), lambda d: self._pay(invoice, d))
        else:
            self.agenda.at(_workday(due - timedelta(days=rng.randint(0, 8))), lambda d: self._pay(invoice, d))

    def _pay(self, invoice: SalesDocument, day: date, *, share: Decimal | None = None) -> None:
        open_amount = invoice_open_amount(invoice)
        if open_amount <= 0:
            return
        amount = round_money(open_amount * share) if share else open_amount
        party = invoice.party
        method = CUSTOMERS[party.code][9]
        self.cheque_no += 1
        reference = {"cheque": f"Chèque n° {self.cheque_no:07d}",
                     "transfer": f"VIR {party.name[:20].upper()} {invoice.number}",
                     "card": f"CB {invoice.number}", "direct_debit": f"PRLV SEPA {invoice.number}"}[method]
        receipt_record(actor=self.actor, organisation=self.organisation, party=party, date=day, method=method,
                       amount=amount, allocations=[(invoice, amount)], reference=reference,
                       drawee_bank="Crédit Lyonnais" if method == "cheque" else "")

    def _lines(self, code: str) -> tuple[list[dict], Decimal]:
        """Lines of a new quote for this customer, and its shipping."""
        rng = self.rng
        if code in HOUSEHOLDS:
            item = "PAC-LOG" if rng.random() < 0.25 else "ENTR-LOG"
            return [{"product": self.products[item].pk, "quantity": Decimal(1)},
                    {"product": self.products["DEPL"].pk, "quantity": Decimal(1),
                     "vat_rate": self.products[item].vat_category.rate,
                     "description": "Déplacement d'un technicien (au taux des travaux)"}], Decimal(0)
        draw = rng.random()
        if draw < 0.15:  # services only: maintenance contract, training
            lines = [{"product": self.products["MAINT-AN"].pk, "quantity": Decimal(1)}]
            if rng.random() < 0.5:
                lines.append({"product": self.products["FORM-HACCP"].pk, "quantity": Decimal(rng.randint(1, 2))})
            return lines, Decimal(0)
        lines = []
        for reference in rng.sample(EQUIPMENT, rng.choice([1, 1, 2, 2, 3])):
            lines.append({"product": self.products[reference].pk, "quantity": Decimal(rng.choice([1, 1, 1, 2, 3]))})
        lines.append({"product": self.products["INSTAL-H"].pk, "quantity": Decimal(rng.randint(2, 8))})
        if rng.random() < 0.4:
            lines.append({"product": self.products[rng.choice(SUPPLIES)].pk, "quantity": Decimal(rng.randint(2, 10))})
        return lines, Decimal(rng.choice([45, 65, 85]))

    # --- the chain ------------------------------------------------------------------------------------------

    def quote(self, day: date, code: str, *, lines=None, shipping=None, fate: str | None = None,
              then: Callable | None = None) -> None:
        """A quote on `day` and its fate: accepted (order, deliveries, invoices), refused, or left to expire."""
        rng = self.rng
        if lines is None:
            lines, shipping = self._lines(code)
        reductions = [{"label": "Remise quantité", "pct": "3"}] if len(lines) >= 4 else []
        quote = document_create(actor=self.actor, organisation=self.organisation, kind=DocumentKind.QUOTE,
                                party=self.customers[code], data={"date": day, "shipping": shipping or 0,
                                                                  "reductions": reductions}, lines=lines)
        self.agenda.at(_workday(day + timedelta(days=1)), lambda d: quote_send(actor=self.actor, quote=quote))
        draw = rng.random()
        fate = fate or ("refused" if draw < 0.12 else "unanswered" if draw < 0.22 else "accepted")
        if fate == "refused":
            self.agenda.at(_workday(day + timedelta(days=rng.randint(6, 20))),
                           lambda d: quote_refuse(actor=self.actor, quote=quote))
        elif fate == "accepted":
            self.agenda.at(_workday(day + timedelta(days=rng.randint(3, 14))),
                           lambda d: self.accept(quote, d, then))
        # "unanswered": expires after its validity (quotes_expire at the start of each month)

    def accept(self, quote: SalesDocument, day: date, then: Callable | None = None) -> None:
        order = quote_accept(actor=self.actor, quote=quote, on=day)
        if then is not None:
            then(order, day)
            return
        self.fulfil(order, day)

    def fulfil(self, order: SalesDocument, day: date) -> None:
        """Deliver the goods (in two parts for some orders) and invoice each delivery; services only: invoice
        the order when the work is done."""
        rng = self.rng
        lines = list(order.lines.order_by("line_no"))
        goods = [line for line in lines if line.kind == "goods"]
        if not goods:
            self.agenda.at(_workday(day + timedelta(days=rng.randint(5, 20))), lambda d: self._invoice(order, d))
            return
        first = _workday(day + timedelta(days=rng.randint(3, 12)))
        splittable = len(goods) >= 2 or any(line.quantity >= 2 for line in goods)
        if splittable and rng.random() < 0.35:
            part = {}
            for line in lines:
                if line.kind != "goods":
                    continue
                if line.quantity >= 2:
                    part[line.pk] = (line.quantity / 2).to_integral_value(rounding="ROUND_FLOOR")
                elif line is goods[0]:
                    part[line.pk] = line.quantity
            self.agenda.at(first, lambda d: self.deliver(order, d, part))
            self.agenda.at(_workday(first + timedelta(days=rng.randint(10, 25))), lambda d: self.deliver(order, d))
        else:
            self.agenda.at(first, lambda d: self.deliver(order, d))

    def deliver(self, order: SalesDocument, day: date, quantities: dict | None = None) -> SalesDocument:
        delivery = order_deliver(actor=self.actor, order=order, quantities=quantities, on=day)
        delivery = delivery_validate(actor=self.actor, delivery=delivery)
        self._invoice(delivery, day)
        return delivery

    def credit(self, invoice: SalesDocument, day: date, *, quantities: dict | None, reason: str, kind: str,
               rebate: tuple[str, Decimal] | None = None) -> SalesDocument:
        note = credit_note_from_invoice(actor=self.actor, invoice=invoice, quantities=quantities, reason=reason,
                                        kind_of_credit=kind)
        if rebate is not None:  # a price rebate: one line, a share of the price (the quantity stays within)
            line = note.lines.order_by("line_no").first()
            description, pct = rebate
            note = document_update(actor=self.actor, document=note, data={"date": day}, lines=[{
                "product": line.product_id, "description": description, "kind": line.kind, "quantity": Decimal(1),
                "unit": line.unit, "unit_price": round_money(line.unit_price * pct / 100),
                "discount_pct": line.discount_pct, "vat_rate": line.vat_rate, "vat_mention": line.vat_mention,
                "revenue_account": "709", "source_line": line.source_line_id}])
        else:
            note = self._redate(note, day)
        return credit_note_validate(actor=self.actor, credit_note=note)

    # --- the year -------------------------------------------------------------------------------------------

    def plan(self) -> None:
        rng, year, today = self.rng, self.year, self.today
        start = date(year, 1, 5)
        weights = {"C001": 8, "C002": 8, "C003": 10, "C004": 6, "C005": 9, "C006": 6, "C007": 7, "C008": 8,
                   "C009": 7, "C010": 7, "C011": 4, "C013": 4, "C014": 4}
        codes, w = list(weights), list(weights.values())
        for month in range(1, today.month + 1):
            days = _weekdays(year, month, start, today)
            if month > 1:
                self.agenda.at(date(year, month, 1), lambda d: self._expire(d))
            for _ in range(rng.randint(4, 6) if days else 0):
                day, code = rng.choice(days), rng.choices(codes, w)[0]
                self.agenda.at(day, lambda d, code=code: self.quote(d, code))
        self.agenda.at(today, lambda d: self._expire(d))
        self._deposit_slips(start)
        self._scenarios()
        self._reminders()

    def _expire(self, day: date) -> None:
        quotes_expire(organisation=self.organisation, today=day)

    def _deposit_slips(self, start: date) -> None:
        """Cheques go to the bank every Friday (those of the last days wait in the drawer)."""
        day = start
        while day <= self.today:
            if day.weekday() == 4:
                self.agenda.at(day, self._deposit)
            day += timedelta(days=1)

    def _deposit(self, day: date) -> None:
        cheques = [r.pk for r in pending_cheques(organisation=self.organisation) if r.date <= day]
        if cheques:
            deposit_slip_create(actor=self.actor, organisation=self.organisation, receipts=cheques, date=day)

    def _reminders(self) -> None:
        """Two runs sent (mid-July, mid-October), and today's run prepared and left for review."""
        for month in (7, 10):
            day = _workday(date(self.year, month, 15))
            if day < self.today:
                self.agenda.at(day, lambda d: self._remind(d, send=True))
        if self.today.month >= 3:
            self.agenda.at(self.today, lambda d: self._remind(d, send=False))

    def _remind(self, day: date, *, send: bool) -> None:
        try:
            run = reminder_run_prepare(actor=self.actor, organisation=self.organisation, on=day)
        except BusinessError as error:
            if error.code == "nothing_to_remind":
                return
            raise
        disputed = set(SalesDocument.objects.filter(organisation=self.organisation, claims__is_dispute=True,
                                                    claims__closed_on__isnull=True).values_list("pk", flat=True))
        for reminder in run.reminders.filter(invoice_id__in=disputed):
            reminder_skip(actor=self.actor, reminder=reminder)  # a dispute under way: no reminder meanwhile
        if send:
            reminder_run_send(actor=self.actor, run=run)

    # --- scripted cases -------------------------------------------------------------------------------------

    def _scenarios(self) -> None:
        year, agenda, p = self.year, self.agenda, self.products

        # March: the hotel's new kitchen — a 30 % deposit invoice at the order, deducted from the final invoice.
        def hotel_order(order, day):
            deposit = self._redate(deposit_invoice_create(actor=self.actor, order=order, pct=Decimal(30)), day)
            deposit = invoice_validate(actor=self.actor, invoice=deposit)
            agenda.at(_workday(day + timedelta(days=6)), lambda d: self._pay(deposit, d))
            agenda.at(_workday(day + timedelta(days=21)), lambda d: self.deliver(order, d))

        agenda.at(_workday(date(year, 3, 2)), lambda d: self.quote(d, "C003", fate="accepted", then=hotel_order,
                                                         shipping=Decimal(120), lines=[
            {"product": p["FOUR-MX10"].pk, "quantity": Decimal(1)},
            {"product": p["HOTTE-2M"].pk, "quantity": Decimal(1)},
            {"product": p["INSTAL-H"].pk, "quantity": Decimal(12)},
            {"product": p["MAINT-AN"].pk, "quantity": Decimal(1)}]))

        # April: goods returned — two cans of descaler sent by mistake.
        def returned(order, day):
            delivery = self.deliver(order, day)
            invoice = SalesDocument.objects.get(source=delivery, kind=DocumentKind.INVOICE)
            line = invoice.lines.get(product=p["DETART-5L"])
            agenda.at(_workday(day + timedelta(days=5)), lambda d: self.credit(
                invoice, d, quantities={line.pk: Decimal(2)}, reason="Retour de 2 bidons livrés en trop",
                kind="return"))

        agenda.at(_workday(date(year, 4, 7)), lambda d: self.quote(d, "C001", fate="accepted", then=returned, lines=[
            {"product": p["TRANCH-300"].pk, "quantity": Decimal(1)},
            {"product": p["DETART-5L"].pk, "quantity": Decimal(6)}], shipping=Decimal(45)))

        # May: a refrigerated cabinet does not cool — claim, visit, credit note for it, claim resolved.
        def defective(order, day):
            delivery = self.deliver(order, day)
            invoice = SalesDocument.objects.get(source=delivery, kind=DocumentKind.INVOICE)
            opened = _workday(day + timedelta(days=6))

            def open_claim(d):
                claim = claim_open(actor=self.actor, organisation=self.organisation, party=invoice.party,
                                   document=invoice, kind="defect", opened_on=d, owner=self.actor,
                                   subject="Armoire réfrigérée qui ne descend pas en température",
                                   description="L'une des deux armoires livrées reste à 9 °C malgré le réglage.")
                claim_log_exchange(actor=self.actor, claim=claim, channel="phone",
                                   text="Appel de M. Girard : armoire n° 2 à 9 °C, denrées déplacées.")
                agenda.at(_workday(d + timedelta(days=2)), lambda d2: claim_log_exchange(
                    actor=self.actor, claim=claim, channel="visit",
                    text="Visite du technicien : compresseur défectueux, armoire reprise. Avoir accordé."))
                agenda.at(_workday(d + timedelta(days=4)), lambda d2: settle(claim, d2))

            def settle(claim, d):
                line = invoice.lines.get(product=p["ARM-700"])
                note = self._redate(claim_credit_note(actor=self.actor, claim=claim, quantities={line.pk: Decimal(1)},
                                                      reason=f"Réclamation {claim.number} : armoire reprise"), d)
                note = credit_note_validate(actor=self.actor, credit_note=note)
                claim_resolve(actor=self.actor, claim=claim, outcome="credit_note", outcome_document=note, on=d)

            agenda.at(opened, open_claim)

        agenda.at(_workday(date(year, 5, 4)), lambda d: self.quote(d, "C008", fate="accepted", then=defective, lines=[
            {"product": p["ARM-700"].pk, "quantity": Decimal(2)},
            {"product": p["KIT-JOINTS"].pk, "quantity": Decimal(4)}], shipping=Decimal(85)))

        # July: the restaurant complains of a late delivery and asks for compensation — refused in writing.
        def late(order, day):
            delivery_day = _workday(day + timedelta(days=18))

            def delivered(d):
                delivery = self.deliver(order, d)
                agenda.at(_workday(d + timedelta(days=3)), lambda d2: complain(delivery, d2))

            def complain(delivery, d):
                claim = claim_open(actor=self.actor, organisation=self.organisation, party=delivery.party,
                                   document=delivery, kind="delay", opened_on=d, owner=self.actor,
                                   subject="Livraison du lave-vaisselle jugée tardive",
                                   description="Le client demande une remise de 10 % pour le retard de livraison.")
                claim_log_exchange(actor=self.actor, claim=claim, channel="email",
                                   text="Courriel du gérant : livraison attendue deux semaines plus tôt.")
                agenda.at(_workday(d + timedelta(days=5)), lambda d2: claim_resolve(
                    actor=self.actor, claim=claim, outcome="refusal", reply=REFUSAL_REPLY, on=d2))

            agenda.at(delivery_day, delivered)

        agenda.at(_workday(date(year, 7, 1)), lambda d: self.quote(d, "C005", fate="accepted", then=late, lines=[
            {"product": p["LV-CAPOT"].pk, "quantity": Decimal(1)},
            {"product": p["INSTAL-H"].pk, "quantity": Decimal(4)}], shipping=Decimal(65)))

        # September: a commercial gesture for the vet clinic — a 10 % rebate on its coffee machine.
        def gesture(order, day):
            delivery = self.deliver(order, day)
            invoice = SalesDocument.objects.get(source=delivery, kind=DocumentKind.INVOICE)
            agenda.at(_workday(day + timedelta(days=9)), lambda d: self.credit(
                invoice, d, quantities={invoice.lines.order_by("line_no").first().pk: Decimal(1)},
                reason="Rabais de 10 % : rayure sur la façade de la machine", kind="rebate",
                rebate=("Rabais 10 % — machine à café 2 groupes (rayure en façade)", Decimal(10))))

        agenda.at(_workday(date(year, 9, 7)), lambda d: self.quote(d, "C010", fate="accepted", then=gesture, lines=[
            {"product": p["CAFE-2G"].pk, "quantity": Decimal(1)},
            {"product": p["INSTAL-H"].pk, "quantity": Decimal(3)}], shipping=Decimal(45)))

        # A month ago: a billing dispute on the garage's invoice, still in progress past its deadline.
        opened = _workday(self.today - timedelta(days=32))
        if opened.year == year and opened > date(year, 2, 1):
            def dispute(d):
                invoice = (SalesDocument.objects.filter(organisation=self.organisation, kind=DocumentKind.INVOICE,
                                                        state=DocumentState.VALIDATED, party=self.customers["C002"])
                           .order_by("-date", "-id").first())
                if invoice is None:
                    return
                claim = claim_open(actor=self.actor, organisation=self.organisation, party=invoice.party,
                                   document=invoice, kind="billing", opened_on=d, is_dispute=True,
                                   subject="Heures d'installation contestées",
                                   description="Le client conteste le nombre d'heures facturées.")
                claim_log_exchange(actor=self.actor, claim=claim, channel="letter",
                                   text="Courrier du client : il ne reconnaît que la moitié des heures.")
                claim_assign(actor=self.actor, claim=claim, owner=self.actor)

            agenda.at(opened, dispute)

    def steps(self) -> Iterator[date]:
        self.setup()
        self.plan()
        yield from self.agenda.run()


def sales_steps(*, organisation, actor, today: date) -> Iterator[date]:
    """The company's year of sales as a generator: set-up on the first `next`, then one day's work per yield."""
    return _SalesDemo(organisation=organisation, actor=actor, today=today).steps()


def demo_steps(*, organisation, users: dict, today: date):
    """`agora demo` hook: the sales of a company, played day by day by the ledger's demo; None otherwise."""
    if organisation.kind != "company":
        return None
    return sales_steps(organisation=organisation, actor=users.get("sales"), today=today)


def demo_populate(*, organisation, users: dict, today: date) -> None:
    """`agora demo` hook when no ledger demo plays the steps (books must exist): the same sales in one go."""
    for _ in demo_steps(organisation=organisation, users=users, today=today) or ():
        pass

