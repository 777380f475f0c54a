"""The neutral picture of a received e-invoice, whatever its syntax (CII or UBL): plain dataclasses with Decimal
amounts, filled by the parsers and read by the checks and the import service. No ORM here.

`fields` maps each figure to the element that carries it in the received syntax ("ram:DuePayableAmount",
"cbc:PayableAmount"…) with its line in the file, so a refusal names what the supplier has to fix.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"


@dataclass(frozen=True)
class Located:
    """Where a figure sits in the file: its element name and its line."""

    element: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.element} (ligne {self.line})" if self.line else self.element


@dataclass
class IncomingParty:
    name: str = ""
    legal_id: str = ""  # BT-30 / BT-47 (SIREN with scheme 0002, SIRET with 0009)
    legal_scheme: str = ""
    vat_number: str = ""  # BT-31 / BT-48
    global_ids: list[tuple[str, str]] = field(default_factory=list)  # (scheme, id): BT-29 / BT-46, endpoint
    address_line1: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    email: str = ""

    @property
    def siret(self) -> str:
        for scheme, value in [(self.legal_scheme, self.legal_id), *self.global_ids]:
            digits = re.sub(r"\s", "", value or "")
            if scheme == SIRET_SCHEME and re.fullmatch(r"\d{14}", digits):
                return digits
        return ""

    @property
    def siren(self) -> str:
        """The French SIREN, from the legal registration id, a SIRET, or a French VAT number (FRkk + SIREN)."""
        for scheme, value in [(self.legal_scheme, self.legal_id), *self.global_ids]:
            digits = re.sub(r"\s", "", value or "")
            if scheme in ("", SIREN_SCHEME) and re.fullmatch(r"\d{9}", digits):
                return digits
            if scheme in ("", SIRET_SCHEME) and re.fullmatch(r"\d{14}", digits):
                return digits[:9]
        vat = self.vat_compact
        if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", vat):
            return vat[4:]
        return ""

    @property
    def vat_compact(self) -> str:
        return re.sub(r"[\s.-]", "", self.vat_number or "").upper()


@dataclass
class IncomingLine:
    line_id: str
    name: str
    quantity: Decimal
    unit_code: str
    net_price: Decimal  # BT-146, per base quantity
    base_quantity: Decimal  # BT-149 (1 when absent)
    line_total: Decimal  # BT-131
    vat_rate: Decimal
    vat_category: str  # S, Z, E, AE, K, G, O
    seller_item_id: str = ""
    buyer_item_id: str = ""
    order_line_id: str = ""  # BT-132
    discount_pct: Decimal = ZERO  # line allowance given as a percentage (BT-138)
    discount_amount: Decimal = ZERO  # line allowances net of line charges (BT-136 − BT-141)
    at: Located | None = None


@dataclass
class IncomingAllowance:
    """A document-level allowance (remise…) or charge (frais de port…): BG-20 / BG-21."""

    charge: bool
    amount: Decimal
    vat_rate: Decimal
    vat_category: str
    reason: str = ""
    reason_code: str = ""
    pct: Decimal | None = None
    basis: Decimal | None = None


@dataclass
class IncomingTax:
    """One VAT breakdown row (BG-23)."""

    category: str
    rate: Decimal
    basis: Decimal
    amount: Decimal
    exemption_reason: str = ""
    at: Located | None = None


@dataclass
class IncomingInvoice:
    syntax: str  # "cii" or "ubl"
    profile: str  # the guideline (BT-24)
    number: str  # BT-1
    type_code: str  # BT-3: 380 invoice, 381 credit note, 386 prepayment…
    issue_date: date
    currency: str
    seller: IncomingParty
    buyer: IncomingParty
    lines: list[IncomingLine]
    allowances: list[IncomingAllowance]
    taxes: list[IncomingTax]
    line_total: Decimal  # BT-106
    allowance_total: Decimal  # BT-107
    charge_total: Decimal  # BT-108
    tax_basis_total: Decimal  # BT-109
    tax_total: Decimal  # BT-110
    grand_total: Decimal  # BT-112
    prepaid: Decimal  # BT-113
    rounding: Decimal  # BT-114
    due_payable: Decimal  # BT-115
    due_date: date | None = None
    order_reference: str = ""  # BT-13
    preceding_invoice: str = ""  # BT-25 (credit notes)
    notes: list[str] = field(default_factory=list)
    fields: dict[str, Located] = field(default_factory=dict)

    CREDIT_NOTE_CODES = frozenset({"381", "261", "262", "296", "308", "396", "420", "458", "532"})

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in self.CREDIT_NOTE_CODES

    def where(self, name: str) -> Located:
        return self.fields.get(name) or Located(name)
