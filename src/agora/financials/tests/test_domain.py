"""The plain-French reading of the ratios, on hand-set figures (no database)."""

from decimal import Decimal as D

from ..domain import analysis


def _read(balances, inputs, association=False):
    ratios = analysis.ratios(analysis.sig(balances), inputs, association=association)
    return ({r.key: r.value for r in ratios},
            analysis.readings({r.key: r for r in ratios}, analysis.financial_balance(balances),
                              association=association))


def test_association_ebe_on_its_resources_and_suppliers_paid_cash():
    """Sales 100, fees 300, subsidy 600, rent 500 (paid): EBE 500. Against the sales alone that would be 500 %;
    against the activity resources 100 + 300 + 600 = 1,000 it is 50.0 %. No supplier owed: paid cash; no stock:
    no stock sentence."""
    balances = {"706": D("-100"), "756": D("-300"), "74": D("-600"), "6132": D("500"), "5121": D("500")}
    inputs = analysis.RatioInputs(customers=D("0"), suppliers=D("0"), turnover_ttc=D("100"), purchases_ttc=D("500"),
                                  stock_opening=D("0"), stock_closing=D("0"))
    values, texts = _read(balances, inputs, association=True)
    assert values["ebitda_rate"] == D("50.0")
    assert texts[0] == ("L'activité dégage un EBE égal à 50,0 % des ressources de l'activité, avant "
                        "amortissements, frais financiers et impôts.")
    assert texts[1] == ("Vos clients vous paient en moyenne en 0 jours ; vos fournisseurs sont payés comptant "
                        "(rien ne leur est dû).")
    assert not any("stock" in text for text in texts)
    assert texts[-1].startswith("Le fonds de roulement (500,00 €) couvre le besoin en fonds de roulement (0,00 €)")


def test_negative_ebe_and_no_denominator():
    """Rent 500 and nothing sold: no turnover, so no EBE rate ("—"), and no margin without goods sold."""
    values, texts = _read({"6132": D("500"), "5121": D("-500")}, analysis.RatioInputs(
        customers=D("0"), suppliers=D("0"), turnover_ttc=D("0"), purchases_ttc=D("0"), stock_opening=D("0"),
        stock_closing=D("0")))
    assert values == {"commercial_margin_rate": None, "ebitda_rate": None, "customer_days": None,
                      "supplier_days": None, "stock_days": None}
    assert texts == ["Le fonds de roulement (-500,00 €) ne couvre pas le besoin en fonds de roulement (0,00 €) : la "
                     "trésorerie nette est de -500,00 €."]
