"""Pure calculations of the reconciliation (no ORM): reference tokens, name normalisation, VAT split of a gross
bank amount, and the score of each kind of proposal."""

import re
import unicodedata
from decimal import Decimal

from agora.core.money import round_money

# A reference token: letters/digits possibly joined by - / _ . (invoice "FA-2026-00012", cheque "1234567").
_TOKEN = re.compile(r"[A-Z0-9](?:[A-Z0-9\-/_.]*[A-Z0-9])?")
_WORDS = re.compile(r"[^A-Z0-9]+")
_DIGIT = re.compile(r"[0-9]")
MIN_TOKEN = 4
MIN_NAME = 4

SCORES = {"reference": 100, "amount_date": 80, "amount_name": 60, "rule": 50}


def fold(text: str) -> str:
    """Upper case without accents: "Société Générale" → "SOCIETE GENERALE" (other non-ASCII signs dropped)."""
    if not text:
        return ""
    if text.isascii():
        return text.upper()
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").upper()


def reference_tokens(*texts: str) -> set[str]:
    """Tokens that can identify a document: at least 4 characters and at least one digit (so that words of a
    label — "VIREMENT", "SEPA" — never match on their own)."""
    return {token for text in texts if text for token in _TOKEN.findall(fold(text))
            if len(token) >= MIN_TOKEN and _DIGIT.search(token)}


def normalised_name(text: str) -> str:
    """Words separated by one space, padded, so "in" tests find whole words: " BOIS CIE "."""
    return f" {' '.join(w for w in _WORDS.split(fold(text)) if w)} "


def name_found(name: str, haystack: str) -> bool:
    """Whether a party name (normalised) appears as whole words in a label (normalised)."""
    return len(name.strip()) >= MIN_NAME and name in haystack


def vat_split(gross: Decimal, rate: Decimal | None) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a VAT-inclusive amount: net = gross / (1 + rate), rounded half-up; VAT = gross − net, so
    the two always add up to the bank amount."""
    if not rate:
        return gross, Decimal("0.00")
    net = round_money(gross / (1 + rate / Decimal(100)))
    return net, gross - net


def date_score(days: int) -> int:
    """Amount and date proposals: the closer the dates, the higher (80 on the same day, 75 at 5 days)."""
    return SCORES["amount_date"] - abs(days)
