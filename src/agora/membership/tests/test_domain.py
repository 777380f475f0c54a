"""Amounts in French words (the tax receipt prints them) and the small pure rules."""

from decimal import Decimal

import pytest

from agora.membership.domain import amount_in_words, donation_articles, fee_state, integer_in_words, receipt_number


@pytest.mark.parametrize(("amount", "words"), [
    ("1234.56", "mille deux cent trente-quatre euros et cinquante-six centimes"),
    ("0", "zéro euro"),
    ("1", "un euro"),
    ("0.01", "un centime"),
    ("0.50", "cinquante centimes"),
    ("21", "vingt et un euros"),
    ("71", "soixante et onze euros"),
    ("80", "quatre-vingts euros"),
    ("81", "quatre-vingt-un euros"),
    ("91", "quatre-vingt-onze euros"),
    ("99.99", "quatre-vingt-dix-neuf euros et quatre-vingt-dix-neuf centimes"),
    ("100", "cent euros"),
    ("101", "cent un euros"),
    ("200", "deux cents euros"),
    ("280", "deux cent quatre-vingts euros"),
    ("1000", "mille euros"),
    ("2000", "deux mille euros"),
    ("80000", "quatre-vingt mille euros"),
    ("200000", "deux cent mille euros"),
    ("17.17", "dix-sept euros et dix-sept centimes"),
    ("1000000", "un million d'euros"),
    ("2000000", "deux millions d'euros"),
    ("200000000", "deux cents millions d'euros"),
    ("1000001", "un million un euros"),
    ("3080.80", "trois mille quatre-vingts euros et quatre-vingts centimes"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_integer_in_words_limits():
    assert integer_in_words(999_999_999_999).startswith("neuf cent quatre-vingt-dix-neuf milliards")
    assert integer_in_words(1_000_000_000) == "un milliard"
    with pytest.raises(ValueError):
        integer_in_words(-1)
    with pytest.raises(ValueError):
        amount_in_words(Decimal("-0.01"))


def test_fee_state_and_numbers():
    assert fee_state(amount=Decimal("30.00"), paid=Decimal("0.00")) == "due"
    assert fee_state(amount=Decimal("30.00"), paid=Decimal("10.00")) == "partial"
    assert fee_state(amount=Decimal("30.00"), paid=Decimal("30.00")) == "paid"
    assert receipt_number(2026, 7) == "RF-2026-00007"
    assert donation_articles(donor_is_company=False) == {"art_200": True, "art_238_bis": False, "art_978": False}
    assert donation_articles(donor_is_company=True) == {"art_200": False, "art_238_bis": True, "art_978": False}
