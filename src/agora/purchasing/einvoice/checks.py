"""Arithmetic checks of a received invoice, after its XSD (EN 16931 rules BR-CO-10 to BR-CO-16 and the VAT of
each rate): a supplier's wrong total is refused with the field at fault, before anything is written."""

from decimal import Decimal

from agora.core.errors import BusinessError
from agora.core.money import format_amount, round_money

from .detect import FIELD
from .incoming import ZERO, IncomingInvoice

_fmt = format_amount  # amounts and rates in messages, the French way: "1 234,56"
TOLERANCE = Decimal("0.01")  # per VAT rate: the supplier may round VAT line by line



def _refuse(invoice: IncomingInvoice, name: str, stated: Decimal, expected: Decimal, why: str):
    raise BusinessError("einvoice_total_mismatch", f"Total incohérent : {invoice.where(name)} vaut {_fmt(stated)} "
                        f"alors que {why} donne {_fmt(expected)}.", field=FIELD)


def totals_check(invoice: IncomingInvoice) -> None:
    """Refuse an invoice whose own figures do not add up."""
    if invoice.lines:
        lines = sum((line.line_total for line in invoice.lines), ZERO)
        if lines != invoice.line_total:
            _refuse(invoice, "line_total", invoice.line_total, lines, "la somme des lignes")
    allowances = sum((a.amount for a in invoice.allowances if not a.charge), ZERO)
    charges = sum((a.amount for a in invoice.allowances if a.charge), ZERO)
    if allowances != invoice.allowance_total:
        _refuse(invoice, "allowance_total", invoice.allowance_total, allowances, "la somme des remises du pied")
    if charges != invoice.charge_total:
        _refuse(invoice, "charge_total", invoice.charge_total, charges, "la somme des frais du pied")
    basis = invoice.line_total - invoice.allowance_total + invoice.charge_total
    if invoice.lines and basis != invoice.tax_basis_total:
        _refuse(invoice, "tax_basis_total", invoice.tax_basis_total, basis, "lignes − remises + frais")
    if not invoice.taxes:
        raise BusinessError("einvoice_no_vat", "La facture ne détaille pas sa TVA par taux : elle ne peut pas être "
                            "enregistrée.", field=FIELD)
    for tax in invoice.taxes:
        expected = round_money(tax.basis * tax.rate / 100)
        if abs(expected - tax.amount) > TOLERANCE:
            where = f"TVA à {_fmt(tax.rate)} % ({tax.at})"
            raise BusinessError("einvoice_total_mismatch", f"Total incohérent : {where} vaut {_fmt(tax.amount)} "
                                f"alors que la base {_fmt(tax.basis)} × {_fmt(tax.rate)} % donne {_fmt(expected)}.",
                                field=FIELD)
    bases = sum((tax.basis for tax in invoice.taxes), ZERO)
    if bases != invoice.tax_basis_total:
        _refuse(invoice, "tax_basis_total", invoice.tax_basis_total, bases, "la somme des bases de TVA")
    vat = sum((tax.amount for tax in invoice.taxes), ZERO)
    if vat != invoice.tax_total:
        _refuse(invoice, "tax_total", invoice.tax_total, vat, "la somme de la TVA par taux")
    if invoice.tax_basis_total + invoice.tax_total != invoice.grand_total:
        _refuse(invoice, "grand_total", invoice.grand_total, invoice.tax_basis_total + invoice.tax_total,
                "le total HT + la TVA")
    due = invoice.grand_total - invoice.prepaid + invoice.rounding
    if due != invoice.due_payable:
        _refuse(invoice, "due_payable", invoice.due_payable, due, "le total TTC − les acomptes")
