"""Bank accounts: IBAN/BIC checked, the first on BQ1/5121, a second on a new BQ2/5122, one default."""

import pytest

from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.ledger.models import Account, Journal
from agora.treasury.models import BankAccount
from agora.treasury.services.bank_accounts import bank_account_create, bank_account_update

from .builders import COMPANY_IBAN, IBANS, make_treasury_books

pytestmark = pytest.mark.django_db


def test_first_account_takes_bq1_and_5121_second_gets_bq2_and_5122():
    organisation, accountant, _ = make_treasury_books()
    first = BankAccount.objects.get(organisation=organisation)
    assert (first.journal.code, first.account.code, first.is_default) == ("BQ1", "5121", True)
    assert first.iban == COMPANY_IBAN and first.holder_name == organisation.legal_name

    second = bank_account_create(actor=accountant, organisation=organisation, data={
        "label": "Livret pro", "iban": "FR76 3000 4000 0312 3456 7890 143", "is_default": True})
    assert (second.journal.code, second.account.code) == ("BQ2", "5122")
    assert second.iban == IBANS[0]  # compact form
    journal = Journal.objects.get(organisation=organisation, code="BQ2")
    assert journal.kind == "bank" and journal.default_account == second.account
    assert Account.objects.get(organisation=organisation, code="5122").reconcilable
    first.refresh_from_db()
    assert not first.is_default and second.is_default  # one default at a time
    assert AuditEvent.objects.filter(action="bank_account.create").count() == 2


@pytest.mark.parametrize("field, value", [("iban", "FR76 3000 6000 0112 3456 7890 188"), ("bic", "BNPA")])
def test_invalid_iban_or_bic_is_refused_and_writes_nothing(field, value):
    organisation, accountant, _ = make_treasury_books(bank=False)
    data = {"label": "Compte", "iban": COMPANY_IBAN, "bic": "", field: value}
    accounts, journals = Account.objects.count(), Journal.objects.count()
    with pytest.raises(BusinessError) as error:
        bank_account_create(actor=accountant, organisation=organisation, data=data)
    assert error.value.field == field
    assert ("IBAN invalide" if field == "iban" else "BIC invalide") in error.value.message
    assert not BankAccount.objects.exists()
    assert (Account.objects.count(), Journal.objects.count()) == (accounts, journals)


def test_duplicate_iban_and_non_bank_account_are_refused():
    organisation, accountant, _ = make_treasury_books()
    with pytest.raises(BusinessError) as error:
        bank_account_create(actor=accountant, organisation=organisation,
                            data={"label": "Doublon", "iban": COMPANY_IBAN})
    assert error.value.code == "duplicate_iban"
    with pytest.raises(BusinessError) as error:
        bank_account_create(actor=accountant, organisation=organisation,
                            data={"label": "Autre", "iban": IBANS[1], "account_code": "530"})
    assert error.value.field == "account_code"


def test_update_keeps_a_default_and_checks_iban():
    organisation, accountant, _ = make_treasury_books()
    account = BankAccount.objects.get(organisation=organisation)
    updated = bank_account_update(actor=accountant, bank_account=account,
                                  data={"label": "Compte principal", "is_default": False})
    assert updated.label == "Compte principal" and updated.is_default
    with pytest.raises(BusinessError) as error:
        bank_account_update(actor=accountant, bank_account=account, data={"iban": "FR00"})
    assert error.value.field == "iban"
    account.refresh_from_db()
    assert account.iban == COMPANY_IBAN
