"""Pure rules of memberships and donations, no ORM: amounts in French words, fee states, number formats."""

from decimal import Decimal

from agora.core.money import ZERO, round_money

_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
          "treize", "quatorze", "quinze", "seize"]
_TENS = {2: "vingt", 3: "trente", 4: "quarante", 5: "cinquante", 6: "soixante"}


def _below_100(n: int) -> str:
    """0–99 in the traditional spelling: hyphens below a hundred, "et" in 21, 31… 71, "quatre-vingts"."""
    if n <= 16:
        return _UNITS[n]
    if n < 20:
        return "dix-" + _UNITS[n - 10]
    tens, unit = divmod(n, 10)
    if tens in (7, 9):  # soixante-dix…, quatre-vingt-dix… are built on the teen that follows
        base = "soixante" if tens == 7 else "quatre-vingt"
        rest = n - (60 if tens == 7 else 80)
        if rest == 11 and tens == 7:
            return "soixante et onze"
        return f"{base}-{_below_100(rest)}"
    if tens == 8:
        return "quatre-vingts" if unit == 0 else f"quatre-vingt-{_UNITS[unit]}"
    word = _TENS[tens]
    if unit == 0:
        return word
    if unit == 1:
        return f"{word} et un"
    return f"{word}-{_UNITS[unit]}"


def _below_1000(n: int, *, final: bool) -> str:
    """0–999. `final`: nothing follows but a noun (euros, millions), so "deux cents", "quatre-vingts" keep their s;
    before "mille" they stay invariable ("deux cent mille", "quatre-vingt mille")."""
    hundreds, rest = divmod(n, 100)
    words = []
    if hundreds:
        if hundreds == 1:
            words.append("cent")
        else:
            words.append(_UNITS[hundreds] + " cent" + ("s" if rest == 0 and final else ""))
    if rest:
        text = _below_100(rest)
        if not final and text.endswith("quatre-vingts"):
            text = text[:-1]
        words.append(text)
    return " ".join(words)


def integer_in_words(n: int) -> str:
    """A whole number in French words (up to 999 999 999 999)."""
    if n < 0:
        raise ValueError(n)
    if n == 0:
        return "zéro"
    if n >= 10**12:
        raise ValueError("montant trop grand")
    billions, rest = divmod(n, 10**9)
    millions, rest = divmod(rest, 10**6)
    thousands, units = divmod(rest, 1000)
    words = []
    if billions:
        words.append(f"{_below_1000(billions, final=True)} milliard{'s' if billions > 1 else ''}")
    if millions:
        words.append(f"{_below_1000(millions, final=True)} million{'s' if millions > 1 else ''}")
    if thousands:
        words.append("mille" if thousands == 1 else f"{_below_1000(thousands, final=False)} mille")
    if units:
        words.append(_below_1000(units, final=True))
    return " ".join(words)


def amount_in_words(amount: Decimal) -> str:
    """An amount in euros as a French cheque or tax receipt writes it.

    1234.56 → "mille deux cent trente-quatre euros et cinquante-six centimes"; 1000000 → "un million d'euros".
    """
    amount = round_money(Decimal(amount))
    if amount < 0:
        raise ValueError("montant négatif")
    cents_total = int(amount * 100)
    euros, cents = divmod(cents_total, 100)
    parts = []
    if euros or not cents:
        words = integer_in_words(euros)
        if euros and euros % 10**6 == 0:
            parts.append(f"{words} d'euros")
        else:
            parts.append(f"{words} euro{'s' if euros > 1 else ''}")
    if cents:
        parts.append(f"{integer_in_words(cents)} centime{'s' if cents > 1 else ''}")
    return " et ".join(parts)


def fee_state(*, amount: Decimal, paid: Decimal) -> str:
    """State of a fee from what was paid on it (cancellation is decided elsewhere)."""
    if paid <= ZERO:
        return "due"
    if paid >= amount:
        return "paid"
    return "partial"


def member_number(n: int) -> str:
    return f"AD-{n:05d}"


def receipt_number(year: int, n: int) -> str:
    return f"RF-{year}-{n:05d}"


def donation_articles(*, donor_is_company: bool) -> dict[str, bool]:
    """CGI articles the receipt certifies: 200 for an individual donor (income tax), 238 bis for a company;
    978 (IFI) concerns only some foundations and public-utility bodies, never ticked for an association here."""
    return {"art_200": not donor_is_company, "art_238_bis": donor_is_company, "art_978": False}
