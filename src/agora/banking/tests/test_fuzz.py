"""Fuzzed importers: random bytes and mutated real files (byte flips, truncation, deleted lines) never raise
anything but `BusinessError`, and a refused import writes nothing (row counts unchanged)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agora.banking.models import BankStatement, StatementLine
from agora.banking.parsers import CsvLayout, parse_statement
from agora.banking.services.mappings import csv_mapping_create
from agora.banking.services.statements import statement_import
from agora.core.errors import BusinessError

from .builders import CSV_COLUMNS, CSV_MAPPING, SAMPLES, bank_account, make_banking_books, sample

FILES = [*SAMPLES, "releve-banque.csv"]
LAYOUT = CsvLayout(delimiter=";", encoding="cp1252", columns=CSV_COLUMNS)


@st.composite
def mutated(draw):
    """A sample file with one of: a few bytes replaced, a cut, a line removed, or a line duplicated."""
    name = draw(st.sampled_from(FILES))
    content = bytearray(sample(name))
    kind = draw(st.sampled_from(["flip", "truncate", "delete_line", "duplicate_line"]))
    if kind == "flip":
        for _ in range(draw(st.integers(1, 4))):
            content[draw(st.integers(0, len(content) - 1))] = draw(st.integers(0, 255))
    elif kind == "truncate":
        content = content[:draw(st.integers(0, len(content) - 1))]
    else:
        lines = bytes(content).split(b"\n")
        index = draw(st.integers(0, len(lines) - 1))
        lines = lines[:index] + lines[index + 1:] if kind == "delete_line" else \
            lines[:index] + [lines[index]] + lines[index:]
        content = bytearray(b"\n".join(lines))
    return name, bytes(content)


def _parse(name: str, content: bytes):
    return parse_statement(content, "csv" if name.endswith(".csv") else None, LAYOUT)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "ofx", "camt053", "cfonb120", "csv"]))
def test_random_bytes_only_raise_business_errors(content, fmt):
    try:
        parse_statement(content, fmt, LAYOUT)
    except BusinessError:
        pass


@settings(max_examples=400, deadline=None)
@given(mutated())
def test_mutated_files_only_raise_business_errors(case):
    name, content = case
    try:
        statements = _parse(name, content)
    except BusinessError:
        return
    for statement in statements:  # what a parser accepts is consistent
        if statement.opening_balance is not None and statement.closing_balance is not None:
            assert statement.opening_balance + sum(line.amount for line in statement.lines) == \
                statement.closing_balance


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated())
def test_refused_import_writes_nothing(banking_books, case):
    organisation, accountant, account, mapping = banking_books
    name, content = case
    before = (BankStatement.objects.count(), StatementLine.objects.count())
    try:
        result = statement_import(actor=accountant, organisation=organisation, bank_account=account,
                                  content=content, mapping=mapping if name.endswith(".csv") else None,
                                  format="csv" if name.endswith(".csv") else None)
    except BusinessError:
        assert (BankStatement.objects.count(), StatementLine.objects.count()) == before
    else:
        assert (BankStatement.objects.count(), StatementLine.objects.count()) == (
            before[0] + len(result.statements), before[1] + result.imported)


@pytest.fixture
def banking_books():
    organisation, accountant, _ = make_banking_books(slug="fuzz")
    account = bank_account(organisation)
    mapping = csv_mapping_create(actor=accountant, organisation=organisation, bank_account=account, data=CSV_MAPPING)
    return organisation, accountant, account, mapping
