"""Pure arithmetic of the year's statements (no ORM): which account feeds which line, and the statements, SIG,
CAF and financial balance computed from account balances.

Input everywhere is `balances`: {account code: Decimal debit − credit} for the year (opening entries
included). Accounts are matched to a line by their **longest** prefix in a table, so "6097" beats "609"
beats "60"; every table has a one-digit fallback, so no account of classes 1 to 7 is ever left out and the
balance sheet balances whenever the books do. Balance-sheet accounts of classes 4 and 5 go to the asset or the
liability side by the sign of their own balance (a supplier with a debit balance is a receivable).
"""

from dataclasses import dataclass
from decimal import Decimal

from agora.core.money import ZERO

# ---------------------------------------------------------------- income statement: postes of classes 6 and 7

# (poste, label). Charges are debit − credit, products credit − debit.
CHARGES = [
    ("purchases_goods", "Achats de marchandises"),
    ("stock_change_goods", "Variation de stock de marchandises"),
    ("purchases_materials", "Achats de matières premières et autres approvisionnements"),
    ("stock_change_materials", "Variation de stock de matières premières et approvisionnements"),
    ("external", "Autres achats et charges externes"),
    ("taxes", "Impôts, taxes et versements assimilés"),
    ("wages", "Salaires et traitements"),
    ("social", "Charges sociales"),
    ("depreciation", "Dotations aux amortissements, dépréciations et provisions"),
    ("dedicated_out", "Reports en fonds dédiés"),
    ("other_charges", "Autres charges de gestion courante"),
    ("financial_charges", "Charges financières"),
    ("exceptional_charges", "Charges exceptionnelles"),
    ("profit_sharing", "Participation des salariés aux résultats"),
    ("income_tax", "Impôts sur les bénéfices"),
]
PRODUCTS = [
    ("sales_goods", "Ventes de marchandises"),
    ("production_sold", "Production vendue (biens et services)"),
    ("production_stored", "Production stockée"),
    ("production_capitalised", "Production immobilisée"),
    ("subsidies", "Subventions d'exploitation"),
    ("membership_fees", "Cotisations"),
    ("donations", "Dons, mécénat et legs"),
    ("contributions", "Contributions financières d'autres organismes"),
    ("grant_release", "Quote-part des subventions d'investissement virée au résultat"),
    ("reversals", "Reprises sur amortissements, dépréciations et provisions, transferts de charges"),
    ("dedicated_in", "Utilisation des fonds dédiés"),
    ("other_products", "Autres produits de gestion courante"),
    ("financial_products", "Produits financiers"),
    ("exceptional_products", "Produits exceptionnels"),
]

POSTES = {
    "6": "other_charges", "60": "external", "601": "purchases_materials", "602": "purchases_materials",
    "6081": "purchases_materials", "6082": "purchases_materials", "6091": "purchases_materials",
    "6092": "purchases_materials", "607": "purchases_goods", "6087": "purchases_goods", "6097": "purchases_goods",
    "603": "stock_change_materials", "6037": "stock_change_goods", "61": "external", "62": "external",
    "63": "taxes", "64": "wages", "645": "social", "646": "social", "647": "social", "648": "social",
    "65": "other_charges", "66": "financial_charges", "67": "exceptional_charges", "68": "depreciation",
    "686": "financial_charges", "687": "exceptional_charges", "689": "dedicated_out", "69": "income_tax",
    "691": "profit_sharing",
    "7": "other_products", "70": "production_sold", "707": "sales_goods", "7097": "sales_goods",
    "71": "production_stored", "72": "production_capitalised", "73": "production_sold", "74": "subsidies",
    "747": "grant_release", "75": "other_products", "754": "donations", "755": "contributions",
    "756": "membership_fees", "78": "reversals", "786": "financial_products", "787": "exceptional_products",
    "789": "dedicated_in", "79": "reversals", "76": "financial_products", "77": "exceptional_products",
}
OPERATING_CHARGES = ("purchases_goods", "stock_change_goods", "purchases_materials", "stock_change_materials",
                     "external", "taxes", "wages", "social", "depreciation", "dedicated_out", "other_charges")
OPERATING_PRODUCTS = ("sales_goods", "production_sold", "production_stored", "production_capitalised",
                      "subsidies", "membership_fees", "donations", "contributions", "grant_release", "reversals",
                      "dedicated_in", "other_products")
# Shown only in the association layout (ANC 2018-06), or by a company when they carry an amount.
ASSOCIATION_POSTES = {"membership_fees", "donations", "contributions", "dedicated_out", "dedicated_in"}

def longest_prefix(code: str, table: dict):
    """The value of the longest key of `table` that starts `code` (None when none does)."""
    for size in range(len(code), 0, -1):
        value = table.get(code[:size])
        if value is not None:
            return value
    return None


def sum_prefixes(balances: dict[str, Decimal], prefixes: tuple[str, ...]) -> Decimal:
    return sum((b for code, b in balances.items() if code.startswith(prefixes)), ZERO)


def postes(balances: dict[str, Decimal]) -> dict[str, Decimal]:
    """Every poste of classes 6 and 7, charges as debit − credit and products as credit − debit."""
    out = {key: ZERO for key, _ in CHARGES + PRODUCTS}
    for code, balance in balances.items():
        if code[:1] in ("6", "7"):
            poste = longest_prefix(code, POSTES)
            out[poste] += balance if code[0] == "6" else -balance
    return out


@dataclass
class Line:
    key: str
    label: str
    amount: Decimal = ZERO
    previous: Decimal = ZERO


@dataclass
class Block:
    """A group of lines with its total (and the previous year's)."""

    title: str
    lines: list[Line]
    total: Decimal = ZERO
    previous: Decimal = ZERO


def _block(title: str, keys, labels: dict, current: dict, previous: dict, *, association: bool) -> Block:
    lines = [Line(key, labels[key], current[key], previous[key]) for key in keys
             if association or key not in ASSOCIATION_POSTES or current[key] or previous[key]]
    return Block(title, lines, sum((line.amount for line in lines), ZERO),
                 sum((line.previous for line in lines), ZERO))


@dataclass
class IncomeStatement:
    blocks: dict[str, Block]
    results: list[Line]
    result: Decimal
    previous_result: Decimal


def income_statement(current: dict[str, Decimal], previous: dict[str, Decimal], *,
                     association: bool = False) -> IncomeStatement:
    """Compte de résultat (modèle abrégé): operating, financial and exceptional blocks, then the results."""
    now, before = postes(current), postes(previous)
    labels = dict(CHARGES + PRODUCTS)
    block = lambda title, keys: _block(title, keys, labels, now, before, association=association)  # noqa: E731
    blocks = {
        "operating_products": block("Produits d'exploitation", OPERATING_PRODUCTS),
        "operating_charges": block("Charges d'exploitation", OPERATING_CHARGES),
        "financial_products": block("Produits financiers", ("financial_products",)),
        "financial_charges": block("Charges financières", ("financial_charges",)),
        "exceptional_products": block("Produits exceptionnels", ("exceptional_products",)),
        "exceptional_charges": block("Charges exceptionnelles", ("exceptional_charges",)),
        "tax": block("Participation et impôts", ("profit_sharing", "income_tax")),
    }

    def diff(a, b, attr):
        return getattr(blocks[a], attr) - getattr(blocks[b], attr)

    results = []
    for key, label, pairs in (
            ("operating", "Résultat d'exploitation", [("operating_products", "operating_charges")]),
            ("financial", "Résultat financier", [("financial_products", "financial_charges")]),
            ("current", "Résultat courant avant impôts", [("operating_products", "operating_charges"),
                                                          ("financial_products", "financial_charges")]),
            ("exceptional", "Résultat exceptionnel", [("exceptional_products", "exceptional_charges")])):
        results.append(Line(key, label, sum((diff(a, b, "total") for a, b in pairs), ZERO),
                            sum((diff(a, b, "previous") for a, b in pairs), ZERO)))
    total_products = sum((b.total for k, b in blocks.items() if k.endswith("products")), ZERO)
    total_charges = sum((b.total for k, b in blocks.items() if not k.endswith("products")), ZERO)
    prev_products = sum((b.previous for k, b in blocks.items() if k.endswith("products")), ZERO)
    prev_charges = sum((b.previous for k, b in blocks.items() if not k.endswith("products")), ZERO)
    results += [Line("total_products", "Total des produits", total_products, prev_products),
                Line("total_charges", "Total des charges", total_charges, prev_charges)]
    result, previous_result = total_products - total_charges, prev_products - prev_charges
    results.append(Line("result", "Résultat de l'exercice (bénéfice ou perte)", result, previous_result))
    return IncomeStatement(blocks, results, result, previous_result)


def year_result(balances: dict[str, Decimal]) -> Decimal:
    """Σ products − Σ charges = −(Σ balances of classes 6 and 7)."""
    return -sum((b for code, b in balances.items() if code[:1] in ("6", "7")), ZERO)


# ---------------------------------------------------------------- balance sheet

ASSET_LINES = [
    ("intangible", "Immobilisations incorporelles"), ("tangible", "Immobilisations corporelles"),
    ("financial_assets", "Immobilisations financières"), ("stocks", "Stocks et en-cours"),
    ("advances_paid", "Avances et acomptes versés sur commandes"),
    ("customers", "Créances clients et comptes rattachés"),
    ("other_receivables", "Autres créances"), ("securities", "Valeurs mobilières de placement"),
    ("cash", "Disponibilités"), ("prepaid", "Charges constatées d'avance"),
]
ASSET_GROUPS = [("Actif immobilisé", ("intangible", "tangible", "financial_assets")),
                ("Actif circulant", ("stocks", "advances_paid", "customers", "other_receivables", "securities",
                                     "cash", "prepaid"))]
LIABILITY_LINES = [
    ("capital", "Capital"), ("association_funds", "Fonds propres sans droit de reprise"),
    ("association_funds_return", "Fonds propres avec droit de reprise"),
    ("revaluation", "Écarts de réévaluation"), ("reserves", "Réserves"), ("retained", "Report à nouveau"),
    ("pending_result", "Résultat en instance d'affectation"), ("result", "Résultat de l'exercice"),
    ("grants", "Subventions d'investissement"), ("regulated", "Provisions réglementées"),
    ("dedicated_funds", "Fonds reportés et dédiés"), ("provisions", "Provisions pour risques et charges"),
    ("borrowings", "Emprunts et dettes financières"), ("overdrafts", "Concours bancaires courants"),
    ("advances_received", "Avances et acomptes reçus sur commandes"),
    ("suppliers", "Dettes fournisseurs et comptes rattachés"), ("tax_social", "Dettes fiscales et sociales"),
    ("other_debts", "Autres dettes"), ("deferred_income", "Produits constatés d'avance"),
]
LIABILITY_GROUPS = [
    ("Capitaux propres", ("capital", "association_funds", "association_funds_return", "revaluation", "reserves",
                          "retained", "pending_result", "result", "grants", "regulated")),
    ("Fonds dédiés", ("dedicated_funds",)),
    ("Provisions", ("provisions",)),
    ("Dettes", ("borrowings", "overdrafts", "advances_received", "suppliers", "tax_social", "other_debts",
                "deferred_income")),
]
ASSOCIATION_ONLY = {"association_funds", "association_funds_return", "dedicated_funds"}

# Accounts of fixed sides: (line, column). Columns: gross (debit +), depreciation (credit +, deducted from
# the gross of the line), liability (credit +).
FIXED_SIDE = {
    "1": ("other_debts", "liability"), "10": ("capital", "liability"), "102": ("association_funds", "liability"),
    "103": ("association_funds_return", "liability"), "105": ("revaluation", "liability"),
    "106": ("reserves", "liability"), "107": ("revaluation", "liability"), "11": ("retained", "liability"),
    "12": ("pending_result", "liability"), "13": ("grants", "liability"), "14": ("regulated", "liability"),
    "15": ("provisions", "liability"), "16": ("borrowings", "liability"), "17": ("borrowings", "liability"),
    "19": ("dedicated_funds", "liability"),
    "2": ("tangible", "gross"), "20": ("intangible", "gross"), "25": ("financial_assets", "gross"),
    "26": ("financial_assets", "gross"), "27": ("financial_assets", "gross"),
    "28": ("tangible", "depreciation"), "280": ("intangible", "depreciation"), "29": ("tangible", "depreciation"),
    "290": ("intangible", "depreciation"), "296": ("financial_assets", "depreciation"),
    "297": ("financial_assets", "depreciation"),
    "3": ("stocks", "gross"), "39": ("stocks", "depreciation"),
    "49": ("other_receivables", "depreciation"), "491": ("customers", "depreciation"),
    "486": ("prepaid", "gross"), "487": ("deferred_income", "liability"),
    "50": ("securities", "gross"), "59": ("securities", "depreciation"),
}
# Accounts whose side follows their balance: (line when debit, line when credit).
BY_SIGN = {
    "4": ("other_receivables", "other_debts"),
    "40": ("other_receivables", "suppliers"), "4091": ("advances_paid", "other_debts"),
    "41": ("customers", "other_debts"), "4191": ("other_receivables", "advances_received"),
    "42": ("other_receivables", "tax_social"), "43": ("other_receivables", "tax_social"),
    "44": ("other_receivables", "tax_social"),
    "5": ("cash", "overdrafts"),
}


def classify(code: str, balance: Decimal) -> tuple[str, str] | None:
    """(line, column) of a balance-sheet account with this balance; None for classes 6 to 9."""
    if code[:1] not in "12345":
        return None
    fixed = longest_prefix(code, FIXED_SIDE)
    by_sign = longest_prefix(code, BY_SIGN)
    fixed_size = max((n for n in range(1, len(code) + 1) if code[:n] in FIXED_SIDE), default=0)
    sign_size = max((n for n in range(1, len(code) + 1) if code[:n] in BY_SIGN), default=0)
    if by_sign is not None and sign_size > fixed_size:
        return (by_sign[0], "gross") if balance > 0 else (by_sign[1], "liability")
    return fixed


@dataclass
class SheetLine:
    key: str
    label: str
    gross: Decimal = ZERO
    depreciation: Decimal = ZERO
    previous: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.gross - self.depreciation


@dataclass
class SheetGroup:
    title: str
    lines: list[SheetLine]

    @property
    def gross(self) -> Decimal:
        return sum((line.gross for line in self.lines), ZERO)

    @property
    def depreciation(self) -> Decimal:
        return sum((line.depreciation for line in self.lines), ZERO)

    @property
    def net(self) -> Decimal:
        return sum((line.net for line in self.lines), ZERO)

    @property
    def previous(self) -> Decimal:
        return sum((line.previous for line in self.lines), ZERO)


@dataclass
class BalanceSheet:
    assets: list[SheetGroup]
    liabilities: list[SheetGroup]

    @property
    def total_assets(self) -> Decimal:
        return sum((g.net for g in self.assets), ZERO)

    @property
    def total_liabilities(self) -> Decimal:
        return sum((g.net for g in self.liabilities), ZERO)

    @property
    def previous_assets(self) -> Decimal:
        return sum((g.previous for g in self.assets), ZERO)

    @property
    def previous_liabilities(self) -> Decimal:
        return sum((g.previous for g in self.liabilities), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_assets == self.total_liabilities and self.previous_assets == self.previous_liabilities

    def line(self, key: str) -> SheetLine:
        return next(line for group in self.assets + self.liabilities for line in group.lines if line.key == key)


def sheet_amounts(balances: dict[str, Decimal]) -> dict[str, dict[str, Decimal]]:
    """{line: {"gross", "depreciation"}} with the year's result on its line (liabilities in "gross")."""
    out = {key: {"gross": ZERO, "depreciation": ZERO} for key, _ in ASSET_LINES + LIABILITY_LINES}
    for code, balance in balances.items():
        where = classify(code, balance)
        if where is None or not balance:
            continue
        line, column = where
        if column == "gross":
            out[line]["gross"] += balance
        elif column == "depreciation":
            out[line]["depreciation"] -= balance
        else:
            out[line]["gross"] -= balance
    out["result"]["gross"] += year_result(balances)
    return out


def balance_sheet(current: dict[str, Decimal], previous: dict[str, Decimal], *,
                  association: bool = False) -> BalanceSheet:
    """Bilan (modèle abrégé): assets gross − depreciation = net, liabilities, previous year's net beside."""
    now, before = sheet_amounts(current), sheet_amounts(previous)
    labels = dict(ASSET_LINES + LIABILITY_LINES)
    if association:
        labels.update({"result": "Résultat de l'exercice (excédent ou déficit)", "capital": "Fonds associatifs"})

    def groups(spec):
        out = []
        for title, keys in spec:
            lines = []
            for key in keys:
                if key in ASSOCIATION_ONLY and not association and not (now[key]["gross"] or before[key]["gross"]):
                    continue
                if key == "capital" and association and not now[key]["gross"] and not before[key]["gross"]:
                    continue
                prev = before[key]["gross"] - before[key]["depreciation"]
                lines.append(SheetLine(key, labels[key], now[key]["gross"], now[key]["depreciation"], prev))
            if lines:
                out.append(SheetGroup(title, lines))
        return out

    return BalanceSheet(groups(ASSET_GROUPS), groups(LIABILITY_GROUPS))


# ---------------------------------------------------------------- contributions in kind (associations)

KIND_USES = [("860", "Secours en nature"), ("861", "Mise à disposition gratuite de biens et services"),
             ("862", "Prestations"), ("864", "Personnel bénévole")]
KIND_RESOURCES = [("870", "Dons en nature"), ("871", "Prestations en nature"), ("875", "Bénévolat")]


def contributions_in_kind(current: dict, previous: dict) -> dict[str, list[Line]]:
    """Class 8 below the association's income statement: uses (86, debit) and resources (87, credit)."""

    def rows(spec, sign, other_prefix):
        out = [Line(code, label, sign * sum_prefixes(current, (code,)), sign * sum_prefixes(previous, (code,)))
               for code, label in spec]
        known = tuple(code for code, _ in spec)
        rest = Line(other_prefix, "Autres", sign * (sum_prefixes(current, (other_prefix,))
                                                    - sum_prefixes(current, known)),
                    sign * (sum_prefixes(previous, (other_prefix,)) - sum_prefixes(previous, known)))
        return out + ([rest] if rest.amount or rest.previous else [])

    return {"uses": rows(KIND_USES, 1, "86"), "resources": rows(KIND_RESOURCES, -1, "87")}
