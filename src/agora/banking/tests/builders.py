"""Test builders for banking: books with the company's bank account (BQ1/5121, IBAN FR76 3000 6000 0112 3456
7890 189, the account of every sample file under `files/`), and the sample files themselves.

    org, accountant, manager = make_banking_books()
    content = sample("camt053-001-02.xml")
"""

from pathlib import Path

from agora.treasury.models import BankAccount
from agora.treasury.tests.builders import COMPANY_IBAN, make_treasury_books

FILES = Path(__file__).parent / "files"
SAMPLES = ("releve-ofx1.ofx", "releve-ofx2.ofx", "camt053-001-02.xml", "camt053-001-08.xml", "releve-cfonb120.txt")
SECOND_IBAN = "FR1420041010050500013M02606"


def make_banking_books(slug: str = "durand"):
    return make_treasury_books(slug=slug)


def bank_account(organisation) -> BankAccount:
    return BankAccount.objects.select_related("journal").get(organisation=organisation, iban=COMPANY_IBAN)


def sample(name: str) -> bytes:
    return (FILES / name).read_bytes()


CSV_COLUMNS = {"date": 0, "value_date": 1, "label": 2, "debit": 3, "credit": 4, "reference": 5}
CSV_MAPPING = {"name": "Export CSV Banque Populaire", "delimiter": ";", "encoding": "cp1252",
               "date_format": "%d/%m/%Y", "decimal_comma": True, "skip_rows": 1, "columns": CSV_COLUMNS}
