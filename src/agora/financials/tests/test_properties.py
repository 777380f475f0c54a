"""Invariants of the pure statements arithmetic over random balanced books (hypothesis): whatever the accounts
and amounts, the balance sheet balances, its result is the income statement's and the SIG's, FR − BFR equals
the class 5 accounts, and the two CAF methods agree."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from agora.ledger.charts import ASSOCIATION_EXTRA, PCG_COMMON

from ..domain import analysis, statements

CODES = sorted({code for code, _ in PCG_COMMON + ASSOCIATION_EXTRA if code[0] in "1234567"}
               | {"6097", "6081", "7097", "686", "787", "19", "2907", "519", "4191", "675", "775", "777"})
AMOUNTS = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: Decimal(c) / 100)


@st.composite
def balanced_books(draw):
    """Random balances (debit − credit) on random accounts, the last one closing the books to zero."""
    chosen = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=40, unique=True))
    balances = {code: draw(AMOUNTS) for code in chosen[:-1]}
    balances[chosen[-1]] = -sum(balances.values(), Decimal(0))
    return balances


@settings(max_examples=300, deadline=None)
@given(balanced_books(), balanced_books())
def test_statements_balance_and_agree(current, previous):
    sheet = statements.balance_sheet(current, previous)
    assert sheet.total_assets == sheet.total_liabilities
    assert sheet.previous_assets == sheet.previous_liabilities
    income = statements.income_statement(current, previous)
    assert income.result == sheet.line("result").net == statements.year_result(current)
    assert analysis.sig(current)["net_result"] == income.result
    results, sig = {line.key: line.amount for line in income.results}, analysis.sig(current)
    assert (results["operating"], results["current"], results["exceptional"]) == (
        sig["operating_result"], sig["current_result"], sig["exceptional_result"])
    balance = analysis.financial_balance(current)
    assert balance.agrees and balance.working_capital - balance.requirement == balance.net_cash
    assert analysis.caf(current).agrees


@settings(max_examples=100, deadline=None)
@given(balanced_books())
def test_association_layout_balances_too(current):
    sheet = statements.balance_sheet(current, {}, association=True)
    assert sheet.total_assets == sheet.total_liabilities
