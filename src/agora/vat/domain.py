"""The VAT return's arithmetic, without the ORM: which ledger line feeds which box, and the boxes' totals.

Rules (reference §3, documented in docs/guide/18-declaration-tva.md):
- The **account** decides the role of a line: 44571… output VAT, 4452… intra-EU VAT due, 44562… deductible VAT
  on fixed assets (box 19), 44566… deductible VAT on other goods and services (box 20). Other 445 accounts are
  not read (44574 pending VAT on receipts is not yet chargeable; 44551/44567/44581/44583 are the settlement's).
- The line's `vat_box` places output VAT in its rate box (08, 9B, 09, 10); an output line without a rate box
  (a manual entry) counts at the normal rate, box 08, and is reported as such on the working screen.
- Amounts are netted per box (credit notes reduce the box, never vanish): output = credit − debit,
  deductible = debit − credit.
- The base of a rate box is its VAT divided by the rate, to the cent: for VAT on receipts this is the cashed
  base (the VAT moved to 44571 at receipt), and for VAT on debits it is the invoiced base.
- Boxes without a rate (A2, A3, B4, E1, E2, F2) are the sums of base lines (`tax_role="base"`) carrying that box.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from agora.core.money import ZERO, round_money

RATE_BOXES = {"08": Decimal("20"), "9B": Decimal("10"), "09": Decimal("5.5"), "10": Decimal("2.1")}
BASE_BOXES = ("A2", "A3", "B4", "E1", "E2", "F2")
SALES_BASE_BOXES = ("A2", "E1", "E2", "F2")  # credit − debit; the others are purchases (debit − credit)
OUTPUT_PREFIX, INTRA_EU_PREFIX, ASSETS_PREFIX, OTHER_INPUT_PREFIX = "44571", "4452", "44562", "44566"
VAT_PREFIXES = (OUTPUT_PREFIX, INTRA_EU_PREFIX, ASSETS_PREFIX, OTHER_INPUT_PREFIX)
# Lines that a filed period refuses (the posting guard): VAT of operations, not settlement or payment accounts.
LOCKED_PREFIXES = ("4457", "4452", "4456")
SETTLEMENT_PREFIXES = ("44551", "44567")
PAYABLE_ACCOUNT, CREDIT_ACCOUNT, REGULARISATION_ACCOUNT, INSTALMENT_ACCOUNT = "44551", "44567", "4458", "44581"

# Every box of the form, in its order, with its French label (reference §3); CA12 adds "AC" (instalments paid).
BOXES = [
    ("A1", "Ventes, prestations de services"),
    ("A2", "Autres opérations imposables"),
    ("A3", "Achats de prestations de services (art. 283-2 du CGI)"),
    ("B2", "Acquisitions intracommunautaires"),
    ("B4", "Achats auprès d'assujettis non établis (art. 283-1 du CGI)"),
    ("E1", "Exportations hors UE"),
    ("E2", "Autres opérations non imposables"),
    ("F2", "Livraisons intracommunautaires à destination d'un assujetti"),
    ("08", "Taux normal 20 %"),
    ("9B", "Taux réduit 10 %"),
    ("09", "Taux réduit 5,5 %"),
    ("10", "Taux particulier 2,1 %"),
    ("15", "TVA antérieurement déduite à reverser"),
    ("16", "Total de la TVA brute due"),
    ("17", "dont TVA sur acquisitions intracommunautaires"),
    ("19", "Biens constituant des immobilisations"),
    ("20", "Autres biens et services"),
    ("21", "Autre TVA à déduire"),
    ("22", "Report du crédit apparaissant ligne 27 de la précédente déclaration"),
    ("23", "Total TVA déductible"),
    ("TD", "TVA due (ligne 16 − ligne 23)"),
    ("25", "Crédit de TVA (ligne 23 − ligne 16)"),
    ("26", "Remboursement de crédit demandé"),
    ("27", "Crédit de TVA à reporter"),
    ("AC", "Acomptes versés"),
    ("28", "TVA nette due"),
    ("29", "Taxes assimilées (annexe 3310-A)"),
    ("32", "Total à payer"),
]
BOX_LABELS = dict(BOXES)
BOX_CODES = [code for code, _ in BOXES]
CA3_HIDDEN = {"AC"}
# Boxes whose figures come from ledger lines (they have a drill-down).
DRILLABLE = {"A1", "B2", "17", "19", "20", *RATE_BOXES, *BASE_BOXES}
MANUAL = {"15", "21"}


def role_of(account_code: str) -> str:
    """'output', 'intra_eu', 'assets' or 'other_input' from the account; '' for an account the return ignores."""
    for prefix, role in ((OUTPUT_PREFIX, "output"), (INTRA_EU_PREFIX, "intra_eu"), (ASSETS_PREFIX, "assets"),
                         (OTHER_INPUT_PREFIX, "other_input")):
        if account_code.startswith(prefix):
            return role
    return ""


def rate_box(vat_box: str) -> str:
    return vat_box if vat_box in RATE_BOXES else "08"


def base_from_tax(tax: Decimal, box: str) -> Decimal:
    """The base of a rate box reconstituted from its VAT (half up, to the cent)."""
    return round_money(tax * 100 / RATE_BOXES[box])


@dataclass
class Box:
    code: str
    base: Decimal = ZERO
    tax: Decimal = ZERO

    @property
    def label(self) -> str:
        return BOX_LABELS[self.code]


@dataclass
class VatRow:
    """One aggregated group of ledger lines: account code, line box, net debit − credit in cents."""

    account: str
    vat_box: str
    cents: int


@dataclass
class Computation:
    boxes: dict[str, Box] = field(default_factory=dict)
    # Settlement amounts per account code: output/intra-EU to debit, deductible to credit (net, in euros).
    to_debit: dict[str, Decimal] = field(default_factory=dict)
    to_credit: dict[str, Decimal] = field(default_factory=dict)
    without_box: Decimal = ZERO  # output VAT counted at 20 % for want of a rate box

    def amount(self, code: str) -> Decimal:
        return self.boxes[code].tax

    def base(self, code: str) -> Decimal:
        return self.boxes[code].base


def compute(*, vat_rows: list[VatRow], base_rows: dict[str, int], regularisation_15: Decimal = ZERO,
            regularisation_21: Decimal = ZERO, credit_brought: Decimal = ZERO,
            instalments: Decimal = ZERO) -> Computation:
    """Every box from the aggregated ledger rows and the manual amounts (see the module docstring)."""
    out = Computation(boxes={code: Box(code) for code in BOX_CODES})
    boxes = out.boxes
    rate_tax = dict.fromkeys(RATE_BOXES, ZERO)
    sales_tax = dict.fromkeys(RATE_BOXES, ZERO)
    intra_tax = dict.fromkeys(RATE_BOXES, ZERO)
    for row in vat_rows:
        amount = Decimal(row.cents) / 100
        role = role_of(row.account)
        if role in ("output", "intra_eu"):
            box = rate_box(row.vat_box)
            rate_tax[box] -= amount
            (sales_tax if role == "output" else intra_tax)[box] -= amount
            out.to_debit[row.account] = out.to_debit.get(row.account, ZERO) - amount
            if role == "output" and row.vat_box not in RATE_BOXES:
                out.without_box -= amount
        elif role in ("assets", "other_input"):
            boxes["19" if role == "assets" else "20"].tax += amount
            out.to_credit[row.account] = out.to_credit.get(row.account, ZERO) + amount
    for box, tax in rate_tax.items():
        boxes[box].tax = tax
        boxes[box].base = base_from_tax(tax, box)
    boxes["A1"].base = sum((base_from_tax(tax, box) for box, tax in sales_tax.items()), ZERO)
    boxes["B2"].base = sum((base_from_tax(tax, box) for box, tax in intra_tax.items()), ZERO)
    boxes["17"].tax = sum(intra_tax.values(), ZERO)
    for box in BASE_BOXES:
        cents = base_rows.get(box, 0)
        boxes[box].base = Decimal(-cents if box in SALES_BASE_BOXES else cents) / 100
    boxes["15"].tax = regularisation_15
    boxes["16"].tax = sum(rate_tax.values(), ZERO) + regularisation_15
    boxes["21"].tax = regularisation_21
    boxes["22"].tax = credit_brought
    boxes["23"].tax = boxes["19"].tax + boxes["20"].tax + regularisation_21 + credit_brought
    balance = boxes["16"].tax - boxes["23"].tax
    boxes["TD"].tax = max(balance, ZERO)
    boxes["25"].tax = max(-balance, ZERO)
    boxes["AC"].tax = instalments
    # Instalments beyond the tax due become credit (CA12); a CA3 has none.
    due = boxes["TD"].tax - instalments
    boxes["28"].tax = max(due, ZERO)
    boxes["27"].tax = boxes["25"].tax + max(-due, ZERO) - boxes["26"].tax
    boxes["32"].tax = boxes["28"].tax + boxes["29"].tax
    return out


def whole_euros(boxes: dict[str, Box]) -> dict[str, tuple[int, int]]:
    """The form's figures in whole euros: each ledger-fed box rounded half up, the totals recomputed from the
    rounded figures so the printed form adds up (the cents stay in the books)."""

    def euros(value: Decimal) -> int:
        return int(value.quantize(Decimal("1"), rounding="ROUND_HALF_UP"))

    out = {code: (euros(box.base), euros(box.tax)) for code, box in boxes.items()}
    tax = {code: value[1] for code, value in out.items()}
    tax["16"] = sum(tax[box] for box in RATE_BOXES) + tax["15"]
    tax["23"] = tax["19"] + tax["20"] + tax["21"] + tax["22"]
    balance = tax["16"] - tax["23"]
    tax["TD"], tax["25"] = max(balance, 0), max(-balance, 0)
    due = tax["TD"] - tax["AC"]
    tax["28"] = max(due, 0)
    tax["27"] = tax["25"] + max(-due, 0) - tax["26"]
    tax["32"] = tax["28"] + tax["29"]
    return {code: (out[code][0], tax[code]) for code in out}
