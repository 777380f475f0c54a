"""`statement_import`: every format into the database, duplicates skipped with their report, the account checked
against the file, all or nothing on refusal; the selectors others rely on."""

from datetime import date
from decimal import Decimal

import pytest

from agora.banking.models import BankStatement, StatementLine
from agora.banking.selectors.statements import last_statement_balance, statement_lines
from agora.banking.services.mappings import csv_mapping_create
from agora.banking.services.statements import statement_import
from agora.core.errors import BusinessError
from agora.core.models import AuditEvent
from agora.treasury.services.bank_accounts import bank_account_create

from .builders import CSV_MAPPING, SAMPLES, SECOND_IBAN, bank_account, make_banking_books, sample

pytestmark = pytest.mark.django_db
D = Decimal


def counts(organisation):
    return (BankStatement.objects.filter(organisation=organisation).count(),
            StatementLine.objects.filter(organisation=organisation).count())


@pytest.fixture
def books():
    organisation, accountant, _ = make_banking_books()
    return organisation, accountant, bank_account(organisation)


@pytest.mark.parametrize("name", SAMPLES)
def test_each_format_imports_and_reimport_skips_everything(books, name):
    organisation, accountant, account = books
    result = statement_import(actor=accountant, organisation=organisation, bank_account=account,
                              content=sample(name), filename=name)
    (statement,) = result.statements
    assert result.imported == statement.line_count == statement.lines.count() > 0 and result.duplicates == 0
    assert statement.sha256 and statement.file.name and statement.imported_by == accountant
    assert AuditEvent.objects.filter(action="banking.statement_import", object_id=str(statement.pk)).exists()
    again = statement_import(actor=accountant, organisation=organisation, bank_account=None, content=sample(name),
                             filename=name)  # no account chosen: found by the file's IBAN / account number
    assert (again.imported, again.duplicates) == (0, result.imported)
    assert again.statements[0].bank_account == account
    skipped = again.statements[0].report["skipped"]
    assert len(skipped) == result.imported and {"date", "amount", "reference"} <= set(skipped[0])
    assert counts(organisation)[1] == result.imported


def test_overlapping_file_imports_only_the_new_lines(books):
    """January imported, then a file with January's last line (same date, amount, FITID) and one new line."""
    organisation, accountant, account = books
    statement_import(actor=accountant, organisation=organisation, bank_account=account,
                     content=sample("releve-ofx1.ofx"))
    overlapping = sample("releve-ofx1.ofx").replace(b"<FITID>202601050001", b"<FITID>202601050009")
    result = statement_import(actor=accountant, organisation=organisation, bank_account=account,
                              content=overlapping)
    assert (result.imported, result.duplicates) == (1, 2)
    assert result.statements[0].report["skipped"][0] == {"date": "2026-01-10", "amount": "-15.50",
                                                         "reference": "202601100001", "label": "FRAIS TENUE DE COMPTE"}


def test_csv_identical_lines_in_one_file_are_both_kept(books):
    """The two URSSAF lines (06/05, −980,00, URS-0526) are the 1st and 2nd occurrence: two keys, both imported;
    at re-import both are recognised."""
    organisation, accountant, account = books
    mapping = csv_mapping_create(actor=accountant, organisation=organisation, bank_account=account, data=CSV_MAPPING)
    result = statement_import(actor=accountant, organisation=organisation, bank_account=account,
                              content=sample("releve-banque.csv"), mapping=mapping)
    assert result.imported == 3
    lines = statement_lines(organisation=organisation, bank_account=account)
    assert [line.amount for line in lines] == [D("1234.56"), D("-980.00"), D("-980.00")]
    assert statement_import(actor=accountant, organisation=organisation, bank_account=account,
                            content=sample("releve-banque.csv"), mapping=mapping).duplicates == 3


def test_wrong_account_and_unknown_iban_write_nothing(books):
    organisation, accountant, _ = books
    other = bank_account_create(actor=accountant, organisation=organisation, data={
        "label": "Livret", "iban": SECOND_IBAN})
    before = counts(organisation)
    with pytest.raises(BusinessError, match="le fichier concerne le compte FR7630006000011234567890189") as error:
        statement_import(actor=accountant, organisation=organisation, bank_account=other,
                         content=sample("camt053-001-02.xml"))
    assert error.value.field == "bank_account"
    content = sample("camt053-001-02.xml").replace(b"FR7630006000011234567890189", b"FR7630001007941234567890185")
    with pytest.raises(BusinessError, match="aucun compte bancaire"):
        statement_import(actor=accountant, organisation=organisation, bank_account=None, content=content)
    with pytest.raises(BusinessError, match="modèle d'import"):
        statement_import(actor=accountant, organisation=organisation, bank_account=other,
                         content=sample("releve-banque.csv"))
    assert counts(organisation) == before


def test_second_statement_refused_rolls_back_the_first(books):
    """A CFONB file with two statements, the second unbalanced: neither is imported."""
    organisation, accountant, account = books
    good = sample("releve-cfonb120.txt")
    bad = good.replace(b"0000000028180I", b"0000000028181I")
    with pytest.raises(BusinessError, match="solde final annoncé"):
        statement_import(actor=accountant, organisation=organisation, bank_account=account, content=good + bad)
    assert counts(organisation) == (0, 0)
    assert len(statement_import(actor=accountant, organisation=organisation, bank_account=account,
                                content=good + good).statements) == 2


def test_last_statement_balance(books):
    """January closes at 1 934,50 on 31/01, February at 2 444,51 on 28/02."""
    organisation, accountant, account = books
    assert last_statement_balance(account) is None
    for name in ("releve-ofx2.ofx", "releve-ofx1.ofx"):
        statement_import(actor=accountant, organisation=organisation, bank_account=account, content=sample(name))
    assert last_statement_balance(account) == (D("2444.51"), date(2026, 2, 28))
    assert last_statement_balance(account, on=date(2026, 2, 27)) == (D("1934.50"), date(2026, 1, 31))
    assert last_statement_balance(account, on=date(2026, 1, 30)) is None
    assert statement_lines(organisation=organisation, date_from=date(2026, 2, 1)).count() == 2
