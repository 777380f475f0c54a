"""Pure rules of the matching: reference tokens, name folding, the VAT split of a bank amount."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from agora.reconciliation.domain import fold, name_found, normalised_name, reference_tokens, vat_split


def test_reference_tokens_need_a_digit_and_four_characters():
    assert reference_tokens("VIR SEPA FA-2026-00012 Société", "chq 1234567") == {"FA-2026-00012", "1234567"}
    assert reference_tokens("VIREMENT SEPA RECU", "12 AB") == set()


def test_names_are_found_as_whole_words_without_accents():
    assert fold("Société Générale") == "SOCIETE GENERALE"
    label = normalised_name("VIR SEPA RECU DE BOIS & CIE REF 12")
    assert name_found(normalised_name("Bois & Cie"), label)
    assert not name_found(normalised_name("Bo"), label)  # too short to mean anything
    assert not name_found(normalised_name("Bois et Fils"), label)


def test_vat_split_of_a_gross_amount():
    """59,90 TTC at 20 %: net = 59,90 / 1,2 = 49,9166… → 49,92, VAT = 59,90 − 49,92 = 9,98. 10,00 at 5,5 %:
    10 / 1,055 = 9,4786… → 9,48, VAT 0,52. Without a rate, all of it is net."""
    assert vat_split(Decimal("59.90"), Decimal("20")) == (Decimal("49.92"), Decimal("9.98"))
    assert vat_split(Decimal("10.00"), Decimal("5.5")) == (Decimal("9.48"), Decimal("0.52"))
    assert vat_split(Decimal("12.50"), None) == (Decimal("12.50"), Decimal("0.00"))


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2),
       st.sampled_from([Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20")]))
def test_vat_split_always_adds_up_to_the_bank_amount(gross, rate):
    net, vat = vat_split(gross, rate)
    assert net + vat == gross and net > 0 and vat >= 0
