"""UN/CEFACT CII (the XML inside Factur-X, and sent on its own) read into an IncomingInvoice.

Paths follow the EN 16931 CII binding; business terms (BT-…) are noted where the mapping is not obvious.
"""

from decimal import Decimal

from lxml import etree

from agora.core.errors import BusinessError

from .detect import FIELD
from .incoming import ZERO, IncomingAllowance, IncomingInvoice, IncomingLine, IncomingParty, IncomingTax
from .reading import Reader
from .xsd import cii_profile

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
R = Reader(NS)
TRANSACTION = "rsm:SupplyChainTradeTransaction"
SUMMATION = f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
TOTALS = {"line_total": "LineTotalAmount", "allowance_total": "AllowanceTotalAmount",
          "charge_total": "ChargeTotalAmount", "tax_basis_total": "TaxBasisTotalAmount",
          "tax_total": "TaxTotalAmount", "grand_total": "GrandTotalAmount", "prepaid": "TotalPrepaidAmount",
          "rounding": "RoundingAmount", "due_payable": "DuePayableAmount"}


def _party(node) -> IncomingParty:
    if node is None:
        return IncomingParty()
    legal = R.first(node, "ram:SpecifiedLegalOrganization/ram:ID")
    global_ids = [(g.get("schemeID", ""), (g.text or "").strip()) for g in R.all(node, "ram:GlobalID")]
    global_ids += [(u.get("schemeID", ""), (u.text or "").strip())
                   for u in R.all(node, "ram:URIUniversalCommunication/ram:URIID") if u.get("schemeID") != "EM"]
    address = R.first(node, "ram:PostalTradeAddress")
    return IncomingParty(
        name=R.text(node, "ram:Name"),
        legal_id=(legal.text or "").strip() if legal is not None else "",
        legal_scheme=legal.get("schemeID", "") if legal is not None else "",
        vat_number=R.text(node, "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
        global_ids=global_ids,
        address_line1=R.text(address, "ram:LineOne"), postal_code=R.text(address, "ram:PostcodeCode"),
        city=R.text(address, "ram:CityName"), country=R.text(address, "ram:CountryID"),
        email=R.text(node, "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']")
        or R.text(node, "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"))


def _allowances(settlement, *, line_level: bool) -> list[IncomingAllowance]:
    out = []
    for node in R.all(settlement, "ram:SpecifiedTradeAllowanceCharge"):
        out.append(IncomingAllowance(
            charge=R.text(node, "ram:ChargeIndicator/udt:Indicator").lower() == "true",
            amount=R.decimal(node, "ram:ActualAmount", ZERO),
            vat_rate=R.decimal(node, "ram:CategoryTradeTax/ram:RateApplicablePercent", ZERO),
            vat_category="" if line_level else R.text(node, "ram:CategoryTradeTax/ram:CategoryCode"),
            reason=R.text(node, "ram:Reason"), reason_code=R.text(node, "ram:ReasonCode"),
            pct=R.decimal(node, "ram:CalculationPercent"), basis=R.decimal(node, "ram:BasisAmount")))
    return out


def _line(node) -> IncomingLine:
    agreement = R.first(node, "ram:SpecifiedLineTradeAgreement")
    settlement = R.first(node, "ram:SpecifiedLineTradeSettlement")
    quantity_node = R.first(node, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
    line_allowances = _allowances(settlement, line_level=True)
    percentages = [a.pct for a in line_allowances if not a.charge and a.pct is not None]
    discount = sum((a.amount for a in line_allowances if not a.charge), ZERO) \
        - sum((a.amount for a in line_allowances if a.charge), ZERO)
    return IncomingLine(
        line_id=R.text(node, "ram:AssociatedDocumentLineDocument/ram:LineID"),
        name=R.text(node, "ram:SpecifiedTradeProduct/ram:Name"),
        quantity=R.decimal(node, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", ZERO),
        unit_code=quantity_node.get("unitCode", "") if quantity_node is not None else "",
        net_price=R.decimal(agreement, "ram:NetPriceProductTradePrice/ram:ChargeAmount", ZERO),
        base_quantity=R.decimal(agreement, "ram:NetPriceProductTradePrice/ram:BasisQuantity", Decimal(1)),
        line_total=R.decimal(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                             ZERO),
        vat_rate=R.decimal(settlement, "ram:ApplicableTradeTax/ram:RateApplicablePercent", ZERO),
        vat_category=R.text(settlement, "ram:ApplicableTradeTax/ram:CategoryCode"),
        seller_item_id=R.text(node, "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
        buyer_item_id=R.text(node, "ram:SpecifiedTradeProduct/ram:BuyerAssignedID"),
        order_line_id=R.text(agreement, "ram:BuyerOrderReferencedDocument/ram:LineID"),
        discount_pct=percentages[0] if len(percentages) == 1 and len(line_allowances) == 1 else ZERO,
        discount_amount=discount, at=R.located(node))


def cii_parse(tree: etree._Element) -> IncomingInvoice:
    """Read a CII invoice already checked against its XSD."""
    profile = cii_profile(tree)
    document = R.first(tree, "rsm:ExchangedDocument")
    agreement = R.first(tree, f"{TRANSACTION}/ram:ApplicableHeaderTradeAgreement")
    settlement = R.first(tree, f"{TRANSACTION}/ram:ApplicableHeaderTradeSettlement")
    summation = R.first(tree, SUMMATION)
    if summation is None:
        raise BusinessError("einvoice_no_totals", "La facture ne donne pas ses totaux "
                            "(ram:SpecifiedTradeSettlementHeaderMonetarySummation manquant).", field=FIELD)
    totals = {name: R.decimal(summation, f"ram:{tag}", ZERO) for name, tag in TOTALS.items()}
    # BT-110 in the invoice currency (a second TaxTotalAmount may give it in the accounting currency).
    currency = R.text(settlement, "ram:InvoiceCurrencyCode")
    in_currency = [n for n in R.all(summation, "ram:TaxTotalAmount") if n.get("currencyID") == currency]
    if in_currency:
        totals["tax_total"] = R.decimal(in_currency[0], ".", ZERO)
    fields = {name: R.locate(summation, f"ram:{tag}", f"ram:{tag}") for name, tag in TOTALS.items()}
    taxes = [IncomingTax(category=R.text(node, "ram:CategoryCode"),
                         rate=R.decimal(node, "ram:RateApplicablePercent", ZERO),
                         basis=R.decimal(node, "ram:BasisAmount", ZERO),
                         amount=R.decimal(node, "ram:CalculatedAmount", ZERO),
                         exemption_reason=R.text(node, "ram:ExemptionReason"),
                         at=R.locate(node, "ram:CalculatedAmount", "ram:CalculatedAmount"))
             for node in R.all(settlement, "ram:ApplicableTradeTax")]
    return IncomingInvoice(
        syntax="cii", profile=profile, number=R.text(document, "ram:ID"), type_code=R.text(document, "ram:TypeCode"),
        issue_date=R.date(document, "ram:IssueDateTime/udt:DateTimeString"),
        currency=currency,
        seller=_party(R.first(agreement, "ram:SellerTradeParty")),
        buyer=_party(R.first(agreement, "ram:BuyerTradeParty")),
        lines=[_line(node) for node in R.all(tree, f"{TRANSACTION}/ram:IncludedSupplyChainTradeLineItem")],
        allowances=_allowances(settlement, line_level=False), taxes=taxes,
        due_date=R.date(settlement, "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"),
        order_reference=R.text(agreement, "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"),
        preceding_invoice=R.text(settlement, "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
        notes=[R.text(n, ".") for n in R.all(document, "ram:IncludedNote/ram:Content")],
        fields=fields, **totals)
