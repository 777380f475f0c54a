"""Pure analysis of the year (no ORM): SIG, CAF by both methods, financial balance (FR, BFR, net cash) and
ratios with their plain-French reading. Input: `balances`, {account code: Decimal debit − credit}."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from agora.core.money import ZERO, format_amount

from .statements import postes, sum_prefixes, year_result

# Accounts the CAF needs on their own (reference §5: 2025 chart, with the pre-2025 numbers still accepted).
DISPOSAL_BOOK_VALUE = ("657", "675")
DISPOSAL_PROCEEDS = ("757", "775")
GRANT_RELEASE = ("747", "777")


# ---------------------------------------------------------------- SIG and CAF

@dataclass
class Sig:
    """Soldes intermédiaires de gestion: every figure, by key."""

    values: dict[str, Decimal] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.values[key]


SIG_ROWS = [
    ("sales_goods", "Ventes de marchandises", "detail"),
    ("cost_goods_sold", "− Coût d'achat des marchandises vendues", "detail"),
    ("commercial_margin", "Marge commerciale", "total"),
    ("production_sold", "Production vendue", "detail"),
    ("production_stored", "Production stockée", "detail"),
    ("production_capitalised", "Production immobilisée", "detail"),
    ("production", "Production de l'exercice", "total"),
    ("consumption", "− Consommations en provenance de tiers", "detail"),
    ("value_added", "Valeur ajoutée", "total"),
    ("subsidies", "+ Subventions d'exploitation", "detail"),
    ("taxes", "− Impôts, taxes et versements assimilés", "detail"),
    ("staff", "− Charges de personnel", "detail"),
    ("ebitda", "Excédent brut d'exploitation (EBE)", "total"),
    ("reversals", "+ Reprises et transferts de charges", "detail"),
    ("other_products", "+ Autres produits", "detail"),
    ("depreciation", "− Dotations aux amortissements, dépréciations et provisions", "detail"),
    ("other_charges", "− Autres charges", "detail"),
    ("operating_result", "Résultat d'exploitation", "total"),
    ("financial_result", "+ Résultat financier", "detail"),
    ("current_result", "Résultat courant avant impôts", "total"),
    ("exceptional_result", "Résultat exceptionnel", "total"),
    ("profit_sharing", "− Participation des salariés", "detail"),
    ("income_tax", "− Impôts sur les bénéfices", "detail"),
    ("net_result", "Résultat de l'exercice", "total"),
]


def sig(balances: dict[str, Decimal]) -> Sig:
    """The cascade of the SIG, from the postes (reference: PCG art. 832-1; subsidies, donations and fees of
    an association count as operating subsidies; the investment-grant release (747) is an "autre produit")."""
    p = postes(balances)
    v = {"sales_goods": p["sales_goods"], "cost_goods_sold": p["purchases_goods"] + p["stock_change_goods"]}
    v["commercial_margin"] = v["sales_goods"] - v["cost_goods_sold"]
    v.update(production_sold=p["production_sold"], production_stored=p["production_stored"],
             production_capitalised=p["production_capitalised"])
    v["production"] = v["production_sold"] + v["production_stored"] + v["production_capitalised"]
    v["consumption"] = p["purchases_materials"] + p["stock_change_materials"] + p["external"]
    v["value_added"] = v["commercial_margin"] + v["production"] - v["consumption"]
    v["subsidies"] = p["subsidies"] + p["membership_fees"] + p["donations"] + p["contributions"]
    v["taxes"], v["staff"] = p["taxes"], p["wages"] + p["social"]
    v["ebitda"] = v["value_added"] + v["subsidies"] - v["taxes"] - v["staff"]
    v["reversals"] = p["reversals"] + p["dedicated_in"]
    v["other_products"] = p["other_products"] + p["grant_release"]
    v["depreciation"] = p["depreciation"] + p["dedicated_out"]
    v["other_charges"] = p["other_charges"]
    v["operating_result"] = (v["ebitda"] + v["reversals"] + v["other_products"] - v["depreciation"]
                             - v["other_charges"])
    v["financial_result"] = p["financial_products"] - p["financial_charges"]
    v["current_result"] = v["operating_result"] + v["financial_result"]
    v["exceptional_result"] = p["exceptional_products"] - p["exceptional_charges"]
    v["profit_sharing"], v["income_tax"] = p["profit_sharing"], p["income_tax"]
    v["net_result"] = v["current_result"] + v["exceptional_result"] - v["profit_sharing"] - v["income_tax"]
    return Sig(v)


@dataclass
class Caf:
    """Capacité d'autofinancement by both methods; `rows_*` are (label, amount) as printed."""

    additive: Decimal
    subtractive: Decimal
    rows_additive: list[tuple[str, Decimal]]
    rows_subtractive: list[tuple[str, Decimal]]

    @property
    def agrees(self) -> bool:
        return self.additive == self.subtractive


def caf(balances: dict[str, Decimal]) -> Caf:
    """Additive: net result + 68 − 78 + 657 − 757 − 747 (the 2025 accounts of disposals and grant release;
    675/775/777 before 2025). Subtractive: EBE + cash operating products and charges (75 without 757 and
    without an association's fees, donations and contributions, already in the EBE; 79; 65 without 657) +
    financial (76 − 66) + exceptional cash items (77 without 775/777, 67 without 675) − participation − income
    tax. Equal by construction of the accounts: the check catches a wrong mapping."""
    s, p = sig(balances), postes(balances)
    credit = lambda *prefixes: -sum_prefixes(balances, prefixes)  # noqa: E731
    debit = lambda *prefixes: sum_prefixes(balances, prefixes)  # noqa: E731
    rows_add = [("Résultat de l'exercice", s["net_result"]),
                ("+ Dotations aux amortissements, dépréciations et provisions (68)", debit("68")),
                ("− Reprises sur amortissements, dépréciations et provisions (78)", -credit("78")),
                ("+ Valeur comptable des éléments d'actif cédés (657)", debit(*DISPOSAL_BOOK_VALUE)),
                ("− Produits des cessions d'éléments d'actif (757)", -credit(*DISPOSAL_PROCEEDS)),
                ("− Quote-part des subventions d'investissement virée au résultat (747)", -credit(*GRANT_RELEASE))]
    rows_sub = [("Excédent brut d'exploitation", s["ebitda"]),
                ("+ Autres produits d'exploitation encaissables (75, 79)",
                 p["other_products"] - credit(DISPOSAL_PROCEEDS[0]) + credit("79")),
                ("− Autres charges d'exploitation décaissables (65)",
                 -(p["other_charges"] - debit(DISPOSAL_BOOK_VALUE[0]))),
                ("+ Produits financiers encaissables (76)", credit("76")),
                ("− Charges financières décaissables (66)", -debit("66")),
                ("+ Produits exceptionnels encaissables (77)", credit("77") - credit("775", "777")),
                ("− Charges exceptionnelles décaissables (67)", -(debit("67") - debit("675"))),
                ("− Participation des salariés", -s["profit_sharing"]),
                ("− Impôts sur les bénéfices", -s["income_tax"])]
    return Caf(sum((a for _, a in rows_add), ZERO), sum((a for _, a in rows_sub), ZERO), rows_add, rows_sub)


# ---------------------------------------------------------------- financial balance and ratios

@dataclass
class FinancialBalance:
    stable_resources: Decimal
    stable_uses: Decimal
    working_capital: Decimal
    operating_assets: Decimal
    operating_debts: Decimal
    requirement: Decimal
    net_cash: Decimal
    cash_accounts: Decimal
    rows: list[tuple[str, Decimal, str]]

    @property
    def agrees(self) -> bool:
        return self.net_cash == self.cash_accounts


def financial_balance(balances: dict[str, Decimal]) -> FinancialBalance:
    """Bilan fonctionnel simplifié. Stable resources: equity with the year's result, depreciation and
    provisions (28, 29, 39, 49, 59, 15), financial debts (16, 17); stable uses: gross fixed assets (20 to 27).
    BFR: gross stocks and receivables (classes 3 and 4 debit balances) − debts outside financial debts (class
    4 credit balances). Net cash = FR − BFR, checked against the class 5 accounts read directly (debit
    balances − credit balances, 59 aside)."""
    contra = ("28", "29", "39", "49", "59")
    resources = ZERO
    uses = assets = debts = cash = ZERO
    for code, balance in balances.items():
        head = code[:1]
        if code.startswith(contra) or head == "1":
            resources -= balance
        elif head == "2":
            uses += balance
        elif head in ("3", "4"):
            if balance > 0:
                assets += balance
            else:
                debts -= balance
        elif head == "5":
            cash += balance
    resources += year_result(balances)
    working_capital = resources - uses
    requirement = assets - debts
    net_cash = working_capital - requirement
    rows = [("Ressources stables", resources, "detail"),
            ("− Emplois stables (immobilisations brutes)", -uses, "detail"),
            ("= Fonds de roulement (FR)", working_capital, "total"), ("Stocks et créances", assets, "detail"),
            ("− Dettes d'exploitation et hors exploitation", -debts, "detail"),
            ("= Besoin en fonds de roulement (BFR)", requirement, "total"),
            ("Trésorerie nette = FR − BFR", net_cash, "total"),
            ("Contrôle : disponibilités − concours bancaires (classe 5)", cash, "check")]
    return FinancialBalance(resources, uses, working_capital, assets, debts, requirement, net_cash, cash, rows)


def ratio(numerator: Decimal, denominator: Decimal, scale: int = 100) -> Decimal | None:
    """numerator / denominator × scale, to one decimal; None without a denominator (or a negative one)."""
    if not denominator or denominator < 0:
        return None
    return (numerator * scale / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Ratio:
    key: str
    label: str
    value: Decimal | None
    unit: str
    previous: Decimal | None = None


@dataclass
class RatioInputs:
    """What the ratios read beyond the SIG: customer receivables (balance-sheet line) and supplier payables (401,
    fixed-asset suppliers aside) tax included, turnover and purchases tax included (the sales and purchase
    journals' movements on 41x / 401), goods stock at the opening and at the end of the year (37)."""

    customers: Decimal
    suppliers: Decimal
    turnover_ttc: Decimal
    purchases_ttc: Decimal
    stock_opening: Decimal
    stock_closing: Decimal


def ratios(s: Sig, inputs: RatioInputs, *, association: bool = False) -> list[Ratio]:
    """Margin rates in %, payment days and stock rotation in days on a 360-day year. An association's EBE is
    read against its activity resources (sales, fees, donations, subsidies): its turnover alone says little."""
    turnover = s["sales_goods"] + s["production_sold"]
    average_stock = (inputs.stock_opening + inputs.stock_closing) / 2
    ebitda = (Ratio("ebitda_rate", "Taux d'EBE (EBE ÷ ventes, cotisations, dons et subventions)",
                    ratio(s["ebitda"], turnover + s["subsidies"]), "%") if association else
              Ratio("ebitda_rate", "Taux d'EBE (EBE ÷ chiffre d'affaires HT)", ratio(s["ebitda"], turnover), "%"))
    return [
        Ratio("commercial_margin_rate", "Taux de marge commerciale (marge ÷ ventes de marchandises)",
              ratio(s["commercial_margin"], s["sales_goods"]), "%"),
        ebitda,
        Ratio("customer_days", "Délai de paiement des clients (clients TTC ÷ CA TTC × 360)",
              ratio(inputs.customers, inputs.turnover_ttc, 360), "jours"),
        Ratio("supplier_days", "Délai de paiement des fournisseurs (fournisseurs TTC ÷ achats TTC × 360)",
              ratio(inputs.suppliers, inputs.purchases_ttc, 360), "jours"),
        Ratio("stock_days", "Rotation des stocks (stock moyen ÷ coût d'achat des marchandises vendues × 360)",
              ratio(average_stock, s["cost_goods_sold"], 360), "jours"),
    ]


def _num(value: Decimal) -> str:
    return f"{value}".replace(".", ",")


def _whole(value: Decimal) -> str:
    return str(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def readings(by_key: dict[str, Ratio], balance: FinancialBalance, *, association: bool = False) -> list[str]:
    """Short plain-French sentences for the manager, one per figure that can be read."""
    out = []
    margin, ebitda = by_key["commercial_margin_rate"].value, by_key["ebitda_rate"].value
    if margin is not None:
        out.append(f"Sur 100 € de marchandises vendues, il vous reste {_num(margin)} € de marge commerciale.")
    if ebitda is not None:
        base = "des ressources de l'activité" if association else "du chiffre d'affaires"
        out.append(f"L'activité dégage un EBE égal à {_num(ebitda)} % {base}, avant amortissements, frais "
                   "financiers et impôts." if ebitda >= 0 else
                   f"L'activité consomme de l'argent : l'EBE est négatif ({_num(ebitda)} % {base}).")
    customers, suppliers = by_key["customer_days"].value, by_key["supplier_days"].value
    parts = []
    if customers is not None:
        parts.append(f"Vos clients vous paient en moyenne en {_whole(customers)} jours")
    if suppliers:
        parts.append(f"{'vos' if parts else 'Vos'} fournisseurs sont payés en {_whole(suppliers)} jours")
    elif suppliers is not None:
        parts.append(f"{'vos' if parts else 'Vos'} fournisseurs sont payés comptant (rien ne leur est dû)")
    if parts:
        text = " ; ".join(parts) + "."
        if customers is not None and suppliers is not None and customers > suppliers:
            text += (" Vous financez vos clients plus longtemps que vos fournisseurs ne vous financent : cela pèse "
                     "sur la trésorerie.")
        out.append(text)
    stock = by_key["stock_days"].value
    if stock:
        out.append(f"Votre stock de marchandises représente en moyenne {_whole(stock)} jours de ventes "
                   "(au coût d'achat).")
    state = "couvre" if balance.working_capital >= balance.requirement else "ne couvre pas"
    out.append(f"Le fonds de roulement ({format_amount(balance.working_capital)} €) {state} le besoin en fonds de "
               f"roulement ({format_amount(balance.requirement)} €) : la trésorerie nette est de "
               f"{format_amount(balance.net_cash)} €.")
    return out
