"""The treasury demo: a bank account and month-end payment runs (executed, SEPA file, advices)."""

from datetime import date

import pytest

from agora.core.tests.builders import grant, make_user
from agora.treasury.demo import demo_populate, demo_steps
from agora.treasury.models import BankAccount, PaymentRun

from .builders import make_supplier, make_treasury_books, supplier_invoice

pytestmark = pytest.mark.django_db


def test_demo_pays_open_items_month_by_month(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    organisation, accountant, manager = make_treasury_books(bank=False)
    wood = make_supplier(organisation, "F001", "Bois & Cie")
    carrier = make_supplier(organisation, "F002", "Transports Lenoir", iban="")
    supplier_invoice(organisation, accountant, wood, net="1000.00", vat="200.00", due=date(2026, 1, 20),
                     day=date(2026, 1, 5), reference="FF-1", origin=("purchasing.purchasedocument", "1"))
    supplier_invoice(organisation, accountant, carrier, net="300.00", vat="60.00", due=date(2026, 2, 15),
                     day=date(2026, 1, 15), reference="FF-2", origin=("purchasing.purchasedocument", "2"))
    supplier_invoice(organisation, accountant, wood, net="50.00", vat="10.00", due=date(2026, 1, 25),
                     day=date(2026, 1, 6), reference="LEDGER-ONLY")  # the ledger demo pays those itself
    users = {"accounting": accountant, "management": manager, "sales": grant(make_user("v"), organisation, "sales")}

    demo_populate(organisation=organisation, users=users, today=date(2026, 3, 15))

    account = BankAccount.objects.get(organisation=organisation)
    assert account.iban == "FR7630006000011234567890189" and account.journal.code == "BQ1"
    runs = list(PaymentRun.objects.filter(organisation=organisation).order_by("date"))
    assert [(run.date, run.state) for run in runs] == [(date(2026, 1, 30), "executed"),
                                                       (date(2026, 2, 27), "executed")]
    assert runs[0].sepa_file and runs[0].sepa_message_id
    assert not runs[0].lines.get(reference="LEDGER-ONLY").selected
    assert runs[1].lines.get(reference="FF-2").method == "cheque" and not runs[1].sepa_file  # no IBAN: paid by cheque


def test_demo_is_for_companies_only():
    organisation, accountant, manager = make_treasury_books(slug="assoc", bank=False)
    organisation.kind = "association"
    assert demo_steps(organisation=organisation, users={}, today=date(2026, 3, 1)) is None
