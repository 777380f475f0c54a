"""The SEPA credit transfer file (pain.001.001.09) of a run, written by sepaxml and checked against its XSD.

One transaction per supplier: the amounts of its invoices added up (in cents, converted exactly from Decimal),
the invoice references as remittance information (140 characters at most).
"""

from collections import defaultdict

from sepaxml import SepaTransfer

from agora.core.errors import BusinessError
from agora.core.identifiers import clean_bic, clean_iban
from agora.treasury.domain import remittance, to_cents

SCHEMA = "pain.001.001.09"


def sepa_transfer_xml(*, run, lines) -> tuple[bytes, str]:
    """(XML bytes, message id) for the transfer lines of `run`; a file the XSD refuses raises BusinessError."""
    bank = run.bank_account
    config = {"name": bank.holder_name or run.organisation.legal_name, "IBAN": clean_iban(bank.iban, "iban"),
              "batch": True, "currency": "EUR"}
    if bank.bic:
        config["BIC"] = clean_bic(bank.bic, "bic")
    transfer = SepaTransfer(config, schema=SCHEMA, clean=True)
    by_party = defaultdict(list)
    for line in lines:
        by_party[line.party_id].append(line)
    for party_lines in by_party.values():
        party = party_lines[0].party
        payment = {
            "name": party.name, "IBAN": clean_iban(party.iban, "iban"),
            "amount": sum(to_cents(line.amount) for line in party_lines),
            "execution_date": run.date,
            "description": remittance([line.supplier_reference or line.reference for line in party_lines]),
            "endtoend_id": f"{run.number}-{party.code}"[:35],
        }
        if party.bic:
            payment["BIC"] = clean_bic(party.bic, "bic")
        transfer.add_payment(payment)
    try:
        content = transfer.export(validate=True)
    except Exception as error:  # sepaxml raises its own ValidationError (or a bare Exception on bad input)
        raise BusinessError("sepa_invalid", "Le fichier de virements SEPA est refusé par le schéma "
                            f"pain.001.001.09 : {error}", field="run") from error
    return content, transfer.msg_id
