"""`agora import-statement`: the French report, the account by journal code, exit code 2 on refusal."""

import pytest
from django.core.management import call_command

from agora.banking.models import StatementLine
from agora.banking.services.mappings import csv_mapping_create

from .builders import CSV_MAPPING, FILES, bank_account, make_banking_books

pytestmark = pytest.mark.django_db


def test_import_statement_command(capsys, tmp_path):
    organisation, accountant, _ = make_banking_books()
    call_command("import-statement", str(FILES / "releve-ofx1.ofx"), "--org", "durand")
    out = capsys.readouterr().out
    assert "du 01/01/2026 au 31/01/2026 (OFX) : 3 ligne(s) importée(s), 0 doublon(s)" in out
    assert "solde final 1934.50 €" in out
    call_command("import-statement", str(FILES / "releve-ofx1.ofx"), "--org", "durand", "--account", "BQ1")
    out = capsys.readouterr().out
    assert "doublon ignoré : 2026-01-10 -15.50 202601100001" in out and "Total : 0 ligne(s)" in out
    csv_mapping_create(actor=accountant, organisation=organisation, bank_account=bank_account(organisation),
                       data=CSV_MAPPING)
    call_command("import-statement", str(FILES / "releve-banque.csv"), "--org", "durand", "--account",
                 "FR76 3000 6000 0112 3456 7890 189", "--mapping", CSV_MAPPING["name"])
    assert "3 ligne(s) importée(s)" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "message"), [
    (["--org", "inconnue"], "Organisation inconnue"),
    (["--org", "durand", "--account", "BQ9"], "Compte bancaire inconnu"),
    (["--org", "durand", "--format", "camt053"], "XML invalide"),
])
def test_refusals_exit_2(capsys, args, message):
    make_banking_books()
    with pytest.raises(SystemExit) as exit_:
        call_command("import-statement", str(FILES / "releve-ofx1.ofx"), *args)
    assert exit_.value.code == 2 and message in capsys.readouterr().err
    assert StatementLine.objects.count() == 0
