"""The VAT lock of a filed period, as a ledger posting guard: once a return is filed, no entry carrying VAT may
be dated inside its period (the filed figures would no longer match the books). Settlement and payment
accounts (44551, 44567, 44581…) stay free: paying the VAT or using a credit is not an operation of the period;
so does the opening entry of a year (it carries balances, including 44574 pending VAT, not operations)."""

from agora.core.errors import BusinessError
from agora.vat import domain
from agora.vat.selectors.returns import ORIGIN_TYPE, filed_periods

EXEMPT_ORIGINS = (ORIGIN_TYPE, "ledger.fiscalyear")
OPENING_JOURNALS = ("AN", "RAN")


def _carries_vat(entry) -> bool:
    return any(line.tax_role or str(line.account).startswith(domain.LOCKED_PREFIXES) for line in entry.lines)


def vat_period_guard(organisation, entries) -> None:
    """Refuse the whole batch when one entry with VAT falls in a filed period (the return's own entry excepted)."""
    candidates = [entry for entry in entries if entry.origin_type not in EXEMPT_ORIGINS
                  and entry.journal not in OPENING_JOURNALS and _carries_vat(entry)]
    if not candidates:
        return
    periods = filed_periods(organisation)
    for entry in candidates:
        for start, end, _ in periods:
            if start <= entry.date <= end:
                raise BusinessError(
                    "vat_period_filed",
                    f"La TVA du {start:%d/%m/%Y} au {end:%d/%m/%Y} est déclarée (déclaration déposée) : aucune "
                    f"écriture portant de la TVA ne peut plus être datée du {entry.date:%d/%m/%Y}. Datez-la dans "
                    "une période non déclarée ; la régularisation passera sur la prochaine déclaration.",
                    field="date")
