"""Demo purchases for `agora demo` (the company only): six suppliers — goods wholesalers, a subcontractor with
its IBAN, a carrier, an IT reseller — and a year of purchases through the purchasing services: monthly orders
of equipment for resale, partial receipts with the odd refused item, invoices matched three ways (a price
discrepancy accepted now and then), consumables with an early-payment escompte, direct invoices without order
(subcontracting, transport), a computer bought as a fixed asset (VAT on 44562), a credit note for a return.

Everything runs in date order on an agenda: `demo_steps` yields each day before doing that day's work, so the
ledger's demo plays it between its own entries (the purchases journal stays numbered in date order and the
monthly VAT return takes the deductible VAT). The recent weeks stay open: orders awaiting delivery, and a
draft invoice with a discrepancy waiting for the assistant. Once the year is played, two received e-invoices
are imported as drafts (`demo_einvoices`): a CII XML quoting an office-supplies order received last week, and a
Factur-X PDF from the subcontractor. Seeded: the same `today` gives the same data.
"""

import heapq
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from decimal import Decimal

from agora.catalog.models import Product, VatCategory
from agora.core.money import round_money
from agora.parties.models import Party, PaymentTerm
from agora.parties.services import party_create
from agora.purchasing.models import PurchaseKind

from .demo_einvoices import ReceivedInvoice, ReceivedLine, received_import
from .services.documents import purchase_document_create, purchase_document_update, purchase_order_confirm
from .services.invoices import (
    credit_note_create_from_invoice,
    credit_note_validate,
    invoice_create_from_receipt,
    invoice_match_report,
    supplier_invoice_validate,
)
from .services.receipts import receipt_create_from_order, receipt_validate

# code, name, roles, siren, term, method, iban, e-mail
SUPPLIERS = [
    ("F101", "Cuisines Pro Distribution SAS", {"is_supplier": True}, "532198751", "30J", "transfer",
     "FR7630004008190001234567879", "commandes@cuisines-pro.example.fr"),
    ("F102", "Inox Service Maintenance", {"is_subcontractor": True}, "818273641", "45JFM", "transfer",
     "FR7610107001750002098765478", "atelier@inox-service.example.fr"),
    ("F103", "Transports Rhodaniens", {"is_service_provider": True}, "421987363", "30JFM", "transfer",
     "FR7630003012340005000112219", "facturation@transports-rhodaniens.example.fr"),
    ("F104", "Hygiène Plus Fournitures", {"is_supplier": True}, "789456126", "30J", "cheque", "",
     "ventes@hygiene-plus.example.fr"),
    ("F105", "InfoBureau Lyon", {"is_supplier": True}, "398765438", "30J", "card", "",
     "pro@infobureau.example.fr"),
    ("F106", "Froid Industriel Lyonnais", {"is_supplier": True}, "612345983", "60J", "transfer",
     "FR7618707000310031045678967", "adv@froid-lyonnais.example.fr"),
]
EQUIPMENT = {"F101": ["FOUR-MX10", "LV-CAPOT", "TRANCH-300", "HOTTE-2M", "CAFE-2G", "BATT-20"],
             "F106": ["ARM-700"]}
SUPPLIES = [("KIT-JOINTS", 40), ("DETART-5L", 60)]
# label, quantity, unit price, account, the reseller's reference: ordered, then invoiced by CII e-invoice
OFFICE_ORDER = [("Ramette papier A4 80 g (carton de 5)", "6", "23.50", "6064", "IB-A4-5"),
                ("Cartouche toner laser noir", "2", "86.90", "6064", "IB-TN-2420"),
                ("Installation et paramétrage de l'imprimante réseau", "1", "150.00", "604", "IB-INST")]


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class _Agenda:
    """Work to do on given days, played in date order; nothing after `today`."""

    def __init__(self, today: date):
        self.today, self.queue, self.seq, self.now = today, [], 0, None

    def at(self, day: date, work: Callable[[date], None]) -> None:
        day = _workday(max(day, self.now) if self.now else day)
        if day > self.today:
            return
        heapq.heappush(self.queue, (day, self.seq, work))
        self.seq += 1

    def run(self) -> Iterator[date]:
        while self.queue:
            day, _, work = heapq.heappop(self.queue)
            self.now = day
            yield day
            work(day)


class _PurchasingDemo:
    def __init__(self, *, organisation, actor, today: date):
        self.organisation, self.actor, self.today = organisation, actor, today
        self.rng = random.Random(f"achats-{organisation.slug}-{today.year}")  # noqa: S311 (demo data)
        self.agenda = _Agenda(today)
        self.suppliers: dict[str, Party] = {}
        self.invoice_no = 4100
        self.office_order = None  # placed two weeks before `today`, invoiced by CII e-invoice

    def setup(self) -> None:
        terms = {t.code: t for t in PaymentTerm.objects.filter(organisation=self.organisation)}
        for code, name, roles, siren, term, method, iban, email in SUPPLIERS:
            party = Party.objects.filter(organisation=self.organisation, code=code).first()
            if party is None:
                party = party_create(actor=self.actor, organisation=self.organisation, data={
                    "code": code, "name": name, "kind": "organisation", **roles, "siren": siren,
                    "email": email, "address_line1": f"{self.rng.randint(2, 90)} avenue Jean Jaurès",
                    "postal_code": "69007", "city": "Lyon", "payment_term": terms.get(term),
                    "payment_method": method, "iban": iban})
            self.suppliers[code] = party
        self.vat20 = VatCategory.objects.get(organisation=self.organisation, code="TVA20")

    # --- helpers --------------------------------------------------------------------------------------------

    def _product_line(self, reference: str, quantity: int, *, fallback_price: str) -> dict:
        product = Product.objects.filter(organisation=self.organisation, reference=reference).first()
        if product is None:  # the sales demo did not run: a free-text line at the usual price
            return {"label": reference, "quantity": quantity, "unit_price": fallback_price,
                    "vat_category": self.vat20, "account": "607"}
        price = product.purchase_price or round_money(product.sale_price * Decimal("0.62"))
        return {"product": product, "quantity": quantity, "unit_price": price, "account": "607"}

    def _reference(self, prefix: str) -> str:
        self.invoice_no += 1
        return f"{prefix}-{self.today.year}-{self.invoice_no}"

    def _order(self, day: date, code: str, lines: list[dict], **data):
        order = purchase_document_create(actor=self.actor, organisation=self.organisation, kind=PurchaseKind.ORDER,
                                         party=self.suppliers[code], data={"issue_date": day, **data}, lines=lines)
        return purchase_order_confirm(actor=self.actor, order=order)

    def _receive(self, order, day: date, *, partial: bool) -> None:
        lines = list(order.lines.order_by("position"))
        quantities, rejected, notes = {}, {}, {}
        for line in lines:
            left = line.quantity - line.quantity_received
            if left <= 0:
                continue
            quantities[line.pk] = left - 1 if partial and left > 1 else left
            if not partial and self.rng.random() < 0.12:
                rejected[line.pk], notes[line.pk] = 1, "Carton enfoncé, appareil rayé : refusé au déchargement"
        if not quantities:
            return
        receipt = receipt_create_from_order(actor=self.actor, order=order, quantities=quantities, rejected=rejected,
                                            notes=notes, on=day, supplier_reference=self._reference("BL"))
        receipt = receipt_validate(actor=self.actor, receipt=receipt)
        self.agenda.at(day + timedelta(days=self.rng.randint(1, 4)), lambda d: self._invoice(receipt, d))
        if partial:
            self.agenda.at(day + timedelta(days=self.rng.randint(8, 15)), lambda d: self._receive(order, d,
                                                                                                   partial=False))

    def _invoice(self, receipt, day: date) -> None:
        invoice = invoice_create_from_receipt(actor=self.actor, receipt=receipt, data={
            "issue_date": day, "supplier_reference": self._reference("FC")})
        if self.rng.random() < 0.15:  # the supplier applied last month's price: a discrepancy to accept
            line = invoice.lines.order_by("position").first()
            line.unit_price = round_money(line.unit_price * Decimal("1.03"))
            invoice = purchase_document_update(actor=self.actor, document=invoice, data={}, lines=[
                {"product": x.product_id, "label": x.label, "quantity": x.quantity,
                 "unit_price": line.unit_price if x.pk == line.pk else x.unit_price,
                 "discount_pct": x.discount_pct, "vat_category": x.vat_category_id, "account": x.account,
                 "order_line": x.order_line_id} for x in invoice.lines.order_by("position")])
        if day > self.today - timedelta(days=10):
            return  # the recent ones wait for the assistant
        invoice = supplier_invoice_validate(actor=self.actor, invoice=invoice,
                                            accept_discrepancies=bool(invoice_match_report(invoice)))
        if any(line.quantity_rejected for line in receipt.lines.all()):
            self.agenda.at(day + timedelta(days=12), lambda d: self._credit(invoice, d))

    def _credit(self, invoice, day: date) -> None:
        line = invoice.lines.order_by("-unit_price").first()
        credit = credit_note_create_from_invoice(
            actor=self.actor, invoice=invoice, lines={line.pk: 1}, reason="Geste commercial : appareil rayé gardé",
            data={"issue_date": day, "supplier_reference": self._reference("AV")})
        credit_note_validate(actor=self.actor, credit_note=credit)

    def _direct(self, day: date, code: str, label: str, amount: Decimal, account: str, **data) -> None:
        invoice = purchase_document_create(
            actor=self.actor, organisation=self.organisation, kind=PurchaseKind.INVOICE, party=self.suppliers[code],
            data={"issue_date": day, "supplier_reference": self._reference(code), **data},
            lines=[{"label": label, "quantity": 1, "unit_price": amount, "vat_category": self.vat20,
                    "account": account}])
        supplier_invoice_validate(actor=self.actor, invoice=invoice)

    # --- the year -------------------------------------------------------------------------------------------

    def _month(self, year: int, month: int) -> None:
        rng = self.rng
        start = date(year, month, 1)
        for code, references in EQUIPMENT.items():
            if code == "F106" and month % 3:
                continue
            picked = rng.sample(references, k=min(len(references), rng.randint(1, 3)))
            lines = [self._product_line(r, rng.randint(1, 3), fallback_price="1500") for r in picked]
            day = start + timedelta(days=rng.randint(1, 8))
            partial = rng.random() < 0.4

            def place(d, code=code, lines=lines, partial=partial):
                order = self._order(d, code, lines, expected_date=d + timedelta(days=7))
                self.agenda.at(d + timedelta(days=rng.randint(4, 9)),
                               lambda d2: self._receive(order, d2, partial=partial))

            self.agenda.at(day, place)
        if month % 2 == 1:
            def supplies(d):
                lines = [self._product_line(r, q, fallback_price="20") for r, q in SUPPLIES]
                order = self._order(d, "F104", lines, reductions=[{"label": "Remise", "pct": "5"}], shipping="25",
                                    escompte_offered_pct="2", escompte_deadline=d + timedelta(days=20))
                self.agenda.at(d + timedelta(days=3), lambda d2: self._receive(order, d2, partial=False))
            self.agenda.at(start + timedelta(days=10), supplies)
        self.agenda.at(start + timedelta(days=19), lambda d: self._direct(
            d, "F103", f"Transports et livraisons {month:02d}/{year}", Decimal(rng.randint(180, 640)), "624"))
        if month % 3 == 0:
            self.agenda.at(start + timedelta(days=24), lambda d: self._direct(
                d, "F102", "Maintenance sous-traitée des équipements clients (trimestre)", Decimal("1850.00"),
                "611", escompte_offered_pct="1.5", escompte_deadline=d + timedelta(days=15)))

    def _computer(self, day: date) -> None:
        order = self._order(day, "F105", [{"label": "Ordinateur portable 14 pouces (poste comptable)",
                                           "quantity": 1, "unit_price": "1190", "vat_category": self.vat20,
                                           "account": "2183"}])
        self.agenda.at(day + timedelta(days=6), lambda d: self._receive(order, d, partial=False))

    def _office_order(self, day: date) -> None:
        """Office supplies and a printer installation from the IT reseller, received in full five days later:
        its invoice arrives as a CII e-invoice (`_einvoices`)."""
        self.office_order = self._order(day, "F105", [
            {"label": label, "quantity": quantity, "unit_price": price, "vat_category": self.vat20, "account": account}
            for label, quantity, price, account, _reference in OFFICE_ORDER])

        def receive(d):
            receipt = receipt_create_from_order(actor=self.actor, order=self.office_order, on=d,
                                                supplier_reference=self._reference("BL"))
            receipt_validate(actor=self.actor, receipt=receipt)
        self.agenda.at(day + timedelta(days=5), receive)

    def _einvoices(self) -> None:
        """Two e-invoices received in the last days, imported as drafts waiting for the assistant."""
        office, year = self.office_order, self.today.year
        invoices = [
            (ReceivedInvoice(
                number=f"IB-{year}-0187", issue_date=self.today - timedelta(days=6),
                due_date=self.today + timedelta(days=24), seller=self.suppliers["F105"],
                order_reference=office.number if office else "", note="Merci de votre confiance.",
                lines=[ReceivedLine(label, Decimal(quantity), Decimal(price), reference,
                                    order_line=n if office else None)
                       for n, (label, quantity, price, _account, reference) in enumerate(OFFICE_ORDER, start=1)]),
             False),
            (ReceivedInvoice(
                number=f"ISM-{year}-0342", issue_date=self.today - timedelta(days=3),
                due_date=self.today + timedelta(days=42), seller=self.suppliers["F102"],
                note="Intervention du technicien chez votre client, bon d'intervention signé joint.",
                lines=[ReceivedLine("Dépannage four mixte chez le client (main-d'œuvre, heures)", Decimal("2.5"),
                                    Decimal("62.00")),
                       ReceivedLine("Déplacement forfait Lyon et agglomération", Decimal(1), Decimal("45.00")),
                       ReceivedLine("Joint de porte de four mixte (pièce détachée)", Decimal(1), Decimal("38.50"),
                                    "JP-MX10")]),
             True),
        ]
        for invoice, as_pdf in invoices:
            received_import(actor=self.actor, organisation=self.organisation, invoice=invoice, as_pdf=as_pdf)

    def steps(self) -> Iterator[date]:
        self.setup()
        year = self.today.year
        for month in range(1, self.today.month + 1):
            self._month(year, month)
        self.agenda.at(date(year, 2, 16), self._computer)
        self.agenda.at(max(self.today - timedelta(days=14), date(year, 1, 1)), self._office_order)
        yield from self.agenda.run()
        self._einvoices()


def purchasing_steps(*, organisation, actor, today: date) -> Iterator[date]:
    """The company's year of purchases as a generator: set-up on the first `next`, then one day per yield."""
    return _PurchasingDemo(organisation=organisation, actor=actor, today=today).steps()


def demo_steps(*, organisation, users: dict, today: date):
    """`agora demo` hook: the purchases of a company, played day by day by the ledger's demo; None otherwise."""
    if organisation.kind != "company":
        return None
    return purchasing_steps(organisation=organisation, actor=users.get("purchasing"), today=today)


def demo_populate(*, organisation, users: dict, today: date) -> None:
    """`agora demo` hook when no ledger demo plays the steps (books must exist): the same purchases in one go."""
    for _ in demo_steps(organisation=organisation, users=users, today=today) or ():
        pass
