"""The one door from procurement to the purchasing app: a draft purchase order created from chosen lines.

Requests and RFQs both end here, so the defaults of an order line (VAT category and charge account) are decided
once: the product's, else the organisation's standard VAT rate and the purchasing app's default account.
"""

from dataclasses import dataclass
from decimal import Decimal

from agora.catalog.models import Product, VatCategory
from agora.core.errors import BusinessError
from agora.core.money import ZERO
from agora.purchasing.models import PurchaseDocument
from agora.purchasing.services.documents import purchase_document_create


@dataclass(frozen=True)
class OrderLine:
    product: Product | None
    label: str
    quantity: Decimal
    unit_price: Decimal
    unit: str = "u"


def _standard_category(organisation) -> VatCategory:
    category = (VatCategory.objects.filter(organisation=organisation, active=True).order_by("-rate", "code")
                .first())
    if category is None:
        raise BusinessError("no_vat_category", "Aucun taux de TVA n'est défini pour cette organisation.",
                            field="lines")
    return category


def order_create(*, actor, organisation, supplier, lines: list[OrderLine], issue_date, notes: str = "",
                 expected_date=None) -> PurchaseDocument:
    """A draft purchase order for `supplier` with `lines` (to be reviewed and confirmed in the purchasing app)."""
    if not lines:
        raise BusinessError("no_lines", "Aucune ligne à commander.", field="lines")
    default = None
    out = []
    for line in lines:
        if line.product is not None:
            category, account = line.product.vat_category, line.product.expense_account or None
        else:
            default = default or _standard_category(organisation)
            category, account = default, None
        out.append({"product": line.product, "label": line.label, "quantity": line.quantity,
                    "unit_price": line.unit_price, "discount_pct": ZERO, "vat_category": category,
                    "account": account, "unit": line.unit})
    data = {"issue_date": issue_date, "notes": notes}
    if expected_date:
        data["expected_date"] = expected_date
    return purchase_document_create(actor=actor, organisation=organisation, kind="order", party=supplier,
                                    data=data, lines=out)
