"""Builders for reminder and claim tests: an organisation with its books and sales settings, customers,
validated invoices and receipts.

Invoices and receipts are written as rows (not through the document and receipt services) so the reminder
arithmetic is tested on exact, hand-chosen open amounts and due dates, and so the 50,000-invoice benchmark can
build its data in seconds. test_reminders.py also runs one case through the real services.
"""

import itertools
from datetime import date
from decimal import Decimal

from agora.core.tests.builders import grant, make_user
from agora.ledger.tests.builders import make_books
from agora.parties.models import Party
from agora.parties.services import party_create
from agora.sales.models import (
    DocumentKind,
    DocumentState,
    PaymentMethod,
    Receipt,
    ReceiptAllocation,
    SalesDocument,
    SalesSettings,
)

_numbers = itertools.count(1)


def make_sales_org(slug: str = "durand", **settings):
    """(organisation, accountant) with books for 2026 and sales settings (defaults unless given)."""
    organisation, accountant = make_books(slug=slug)
    SalesSettings.objects.update_or_create(organisation=organisation, defaults=settings)
    return organisation, accountant


def make_clerk(organisation, username: str = "assistante", role: str = "sales"):
    return grant(make_user(f"{username}-{organisation.slug}"), organisation, role)


def make_customer(organisation, code: str = "C001", name: str = "Martin Bâtiment", *, email: str = "",
                  kind: str = Party.Kind.ORGANISATION, city: str = "Lyon") -> Party:
    return party_create(actor=None, organisation=organisation, data={
        "code": code, "name": name, "is_customer": True, "email": email, "kind": kind, "city": city,
        "postal_code": "69003", "address_line1": "4 quai Perrache"})


def make_invoice(organisation, party, *, total: str, due: date, day: date | None = None,
                 number: str | None = None) -> SalesDocument:
    """A validated invoice of `total` TTC (net to pay) due on `due`."""
    amount = Decimal(total)
    sequence = next(_numbers)
    return SalesDocument.objects.create(
        organisation=organisation, kind=DocumentKind.INVOICE, state=DocumentState.VALIDATED,
        number=number or f"FA-2026-{sequence:05d}", sequence=sequence, fiscal_year_code="2026",
        date=day or due, due_date=due, party=party, customer_name=party.name, total=amount, net_to_pay=amount,
        untaxed_total=amount, lines_total=amount, commercial_net=amount, financial_net=amount)


def pay(organisation, invoice, amount: str, day: date, method: str = PaymentMethod.TRANSFER) -> Receipt:
    """A receipt allocated to one invoice."""
    receipt = Receipt.objects.create(organisation=organisation, party=invoice.party, date=day, method=method,
                                     amount=Decimal(amount))
    ReceiptAllocation.objects.create(receipt=receipt, invoice=invoice, amount=Decimal(amount))
    return receipt
