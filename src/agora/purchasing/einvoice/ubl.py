"""OASIS UBL 2.1 Invoice and CreditNote (EN 16931 / Peppol BIS Billing 3 binding) read into an IncomingInvoice."""

from decimal import Decimal

from lxml import etree

from agora.core.errors import BusinessError

from .detect import FIELD
from .incoming import ZERO, IncomingAllowance, IncomingInvoice, IncomingLine, IncomingParty, IncomingTax
from .reading import Reader

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
TOTALS = {"line_total": "LineExtensionAmount", "allowance_total": "AllowanceTotalAmount",
          "charge_total": "ChargeTotalAmount", "tax_basis_total": "TaxExclusiveAmount",
          "grand_total": "TaxInclusiveAmount", "prepaid": "PrepaidAmount", "rounding": "PayableRoundingAmount",
          "due_payable": "PayableAmount"}


def _party(reader: Reader, node) -> IncomingParty:
    if node is None:
        return IncomingParty()
    legal = reader.first(node, "cac:PartyLegalEntity/cbc:CompanyID")
    global_ids = [(i.get("schemeID", ""), (i.text or "").strip())
                  for i in reader.all(node, "cbc:EndpointID | cac:PartyIdentification/cbc:ID")]
    address = reader.first(node, "cac:PostalAddress")
    return IncomingParty(
        name=reader.text(node, "cac:PartyLegalEntity/cbc:RegistrationName") or reader.text(node,
                                                                                         "cac:PartyName/cbc:Name"),
        legal_id=(legal.text or "").strip() if legal is not None else "",
        legal_scheme=legal.get("schemeID", "") if legal is not None else "",
        vat_number=reader.text(node, "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID"),
        global_ids=global_ids,
        address_line1=reader.text(address, "cbc:StreetName"), postal_code=reader.text(address, "cbc:PostalZone"),
        city=reader.text(address, "cbc:CityName"), country=reader.text(address, "cac:Country/cbc:IdentificationCode"),
        email=reader.text(node, "cac:Contact/cbc:ElectronicMail"))


def _allowances(reader: Reader, node) -> list[IncomingAllowance]:
    return [IncomingAllowance(
        charge=reader.text(a, "cbc:ChargeIndicator").lower() == "true",
        amount=reader.decimal(a, "cbc:Amount", ZERO),
        vat_rate=reader.decimal(a, "cac:TaxCategory/cbc:Percent", ZERO),
        vat_category=reader.text(a, "cac:TaxCategory/cbc:ID"),
        reason=reader.text(a, "cbc:AllowanceChargeReason"), reason_code=reader.text(a, "cbc:AllowanceChargeReasonCode"),
        pct=reader.decimal(a, "cbc:MultiplierFactorNumeric"), basis=reader.decimal(a, "cbc:BaseAmount"))
        for a in reader.all(node, "cac:AllowanceCharge")]


def _line(reader: Reader, node, quantity_tag: str) -> IncomingLine:
    quantity_node = reader.first(node, f"cbc:{quantity_tag}")
    line_allowances = _allowances(reader, node)
    percentages = [a.pct for a in line_allowances if not a.charge and a.pct is not None]
    discount = sum((a.amount for a in line_allowances if not a.charge), ZERO) \
        - sum((a.amount for a in line_allowances if a.charge), ZERO)
    return IncomingLine(
        line_id=reader.text(node, "cbc:ID"), name=reader.text(node, "cac:Item/cbc:Name"),
        quantity=reader.decimal(node, f"cbc:{quantity_tag}", ZERO),
        unit_code=quantity_node.get("unitCode", "") if quantity_node is not None else "",
        net_price=reader.decimal(node, "cac:Price/cbc:PriceAmount", ZERO),
        base_quantity=reader.decimal(node, "cac:Price/cbc:BaseQuantity", Decimal(1)),
        line_total=reader.decimal(node, "cbc:LineExtensionAmount", ZERO),
        vat_rate=reader.decimal(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", ZERO),
        vat_category=reader.text(node, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
        seller_item_id=reader.text(node, "cac:Item/cac:SellersItemIdentification/cbc:ID"),
        buyer_item_id=reader.text(node, "cac:Item/cac:BuyersItemIdentification/cbc:ID"),
        order_line_id=reader.text(node, "cac:OrderLineReference/cbc:LineID"),
        discount_pct=percentages[0] if len(percentages) == 1 and len(line_allowances) == 1 else ZERO,
        discount_amount=discount, at=reader.located(node))


def ubl_parse(tree: etree._Element) -> IncomingInvoice:
    """Read a UBL Invoice or CreditNote already checked against its XSD."""
    credit_note = etree.QName(tree).localname == "CreditNote"
    reader = Reader({"doc": etree.QName(tree).namespace, "cac": CAC, "cbc": CBC})
    currency = reader.text(tree, "cbc:DocumentCurrencyCode")
    monetary = reader.first(tree, "cac:LegalMonetaryTotal")
    if monetary is None:
        raise BusinessError("einvoice_no_totals", "La facture ne donne pas ses totaux (cac:LegalMonetaryTotal "
                            "manquant).", field=FIELD)
    totals = {name: reader.decimal(monetary, f"cbc:{tag}", ZERO) for name, tag in TOTALS.items()}
    fields = {name: reader.locate(monetary, f"cbc:{tag}", f"cbc:{tag}") for name, tag in TOTALS.items()}
    # BT-110 in the invoice currency (a second TaxTotal may give it in the accounting currency).
    tax_totals = reader.all(tree, "cac:TaxTotal")
    tax_total = next((t for t in tax_totals if reader.all(t, "cbc:TaxAmount[@currencyID]")
                      and reader.first(t, "cbc:TaxAmount").get("currencyID") == currency),
                     tax_totals[0] if tax_totals else None)
    totals["tax_total"] = reader.decimal(tax_total, "cbc:TaxAmount", ZERO)
    fields["tax_total"] = reader.locate(tax_total, "cbc:TaxAmount", "cac:TaxTotal/cbc:TaxAmount")
    taxes = [IncomingTax(category=reader.text(s, "cac:TaxCategory/cbc:ID"),
                         rate=reader.decimal(s, "cac:TaxCategory/cbc:Percent", ZERO),
                         basis=reader.decimal(s, "cbc:TaxableAmount", ZERO),
                         amount=reader.decimal(s, "cbc:TaxAmount", ZERO),
                         exemption_reason=reader.text(s, "cac:TaxCategory/cbc:TaxExemptionReason"),
                         at=reader.locate(s, "cbc:TaxAmount", "cbc:TaxAmount"))
             for s in reader.all(tax_total, "cac:TaxSubtotal")]
    line_tag, quantity_tag = ("CreditNoteLine", "CreditedQuantity") if credit_note else ("InvoiceLine",
                                                                                         "InvoicedQuantity")
    return IncomingInvoice(
        syntax="ubl", profile=reader.text(tree, "cbc:CustomizationID"), number=reader.text(tree, "cbc:ID"),
        type_code=reader.text(tree, "cbc:CreditNoteTypeCode" if credit_note else "cbc:InvoiceTypeCode")
        or ("381" if credit_note else "380"),
        issue_date=reader.date(tree, "cbc:IssueDate"), currency=currency,
        seller=_party(reader, reader.first(tree, "cac:AccountingSupplierParty/cac:Party")),
        buyer=_party(reader, reader.first(tree, "cac:AccountingCustomerParty/cac:Party")),
        lines=[_line(reader, node, quantity_tag) for node in reader.all(tree, f"cac:{line_tag}")],
        allowances=_allowances(reader, tree), taxes=taxes,
        due_date=reader.date(tree, "cbc:DueDate | cac:PaymentMeans/cbc:PaymentDueDate"),
        order_reference=reader.text(tree, "cac:OrderReference/cbc:ID"),
        preceding_invoice=reader.text(tree, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"),
        notes=[(n.text or "").strip() for n in reader.all(tree, "cbc:Note")], fields=fields, **totals)
