"""The `agora` template library, the history snippet and the French amount parser of amounts.js."""

import datetime
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from agora.core.audit import history_of
from agora.core.errors import BusinessError
from agora.core.money import parse_amount
from agora.core.services import organisation_update
from agora.core.tests.builders import grant, make_organisation, make_user
from agora.web.templatetags.agora import audit_changes, fr_date, fr_datetime, money

NNBSP = "\u202f"


@pytest.mark.parametrize(("value", "arg", "expected"), [
    (Decimal("1234.56"), "", f"1{NNBSP}234,56"),
    (Decimal("-1234567.5"), "", f"-1{NNBSP}234{NNBSP}567,50"),
    (Decimal("0.005"), "", "0,01"),  # half up, not half even
    (Decimal("0"), "", "0,00"),
    (Decimal("0"), "blank", ""),
    ("12.3", "", "12,30"),
    (None, "", ""),
    ("", "", ""),
])
def test_money(value, arg, expected):
    assert money(value, arg) == expected


def test_dates_in_french_format_and_local_time():
    assert fr_date(datetime.date(2026, 3, 5)) == "05/03/2026"
    # 23:30 UTC on 31 December is already 1 January in Paris.
    moment = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert fr_date(moment) == "01/01/2026"
    assert fr_datetime(moment) == "01/01/2026 00:30"
    assert fr_date(None) == "" and fr_datetime("") == ""


def test_audit_changes_shows_changed_fields_only():
    update = SimpleNamespace(before={"city": "Lyon", "siren": "732829320", "share_capital": None},
                             after={"city": "Paris", "siren": "732829320", "share_capital": "1000.00"})
    assert audit_changes(update) == [("city", "Lyon", "Paris"), ("share_capital", "—", "1000.00")]
    creation = SimpleNamespace(before=None, after={"user": "denis", "role": "hr"})
    assert audit_changes(creation) == [("user", "—", "denis"), ("role", "—", "hr")]


@pytest.mark.django_db
def test_history_snippet_is_for_administrators_only():
    org = make_organisation()
    admin = grant(make_user("alice"), org, "admin")
    accountant = grant(make_user("bruno"), org, "accounting")
    organisation_update(actor=admin, organisation=org, data={"city": "Villeurbanne"})
    template = Template('{% include "web/_history.html" with events=history %}')

    def render(user):
        request = RequestFactory().get("/")
        request.user, request.organisation = user, org
        return template.render(Context({"request": request, "history": history_of(organisation=org, obj=org)}))

    shown = render(admin)
    assert "Historique" in shown and "Modification de l&#x27;organisation" in shown
    assert '<th scope="row">city</th><td class="before">Lyon</td><td>→</td><td class="after">Villeurbanne</td>' in shown
    assert "alice" in shown and "Création de l&#x27;organisation" in shown
    assert render(accountant).strip() == ""


def test_money_filter_in_a_template():
    out = Template("{% load agora %}<td class=\"num\">{{ v|money }}</td>").render(Context({"v": Decimal("98765.4")}))
    assert out == f'<td class="num">98{NNBSP}765,40</td>'


def server_cents(raw: str):
    try:
        return int(parse_amount(raw) * 100)
    except BusinessError:
        return None


AMOUNTS_JS = Path(__file__).resolve().parents[1] / "static" / "web" / "amounts.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed: amounts.js is not exercised")
def test_amounts_js_agrees_with_the_server_parser():
    cases = ["1 234,56", "1234.56", "1.234,56", "-12", "0,1", "1\u202f000", "", "12,345", "abc", "1,2,3", "€ 5,00",
             "1 000 000,00", "+3,5"]
    script = (f"const A = require({json.dumps(str(AMOUNTS_JS))});"
              f"const cases = {json.dumps(cases)};"
              "console.log(JSON.stringify({parsed: cases.map(A.parseAmount),"
              " formatted: [A.formatAmount(123456), A.formatAmount(-5), A.formatAmount(100000000)],"
              " sum: A.sumAmounts([{value: '0,10'}, {value: '0,20'}]), bad: A.sumAmounts([{value: 'x'}])}));")
    out = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert out["parsed"] == [123456, 123456, 123456, -1200, 10, 100000, 0, None, None, None, 500, 100000000, 350]
    assert out["parsed"] == [server_cents(case) for case in cases]
    assert out["formatted"] == [f"1{NNBSP}234,56", "-0,05", f"1{NNBSP}000{NNBSP}000,00"]
    assert out["sum"] == 30 and out["bad"] is None
