"""Test data for money in: an organisation ready to invoice, its customers, and validated invoices built through
the document chain's real services (document_create + invoice_validate), with the payment term chosen so the
due date is known by hand."""

from datetime import date
from decimal import Decimal

from agora.parties.models import PaymentTerm
from agora.sales.models import SalesDocument
from agora.sales.services.documents import credit_note_from_invoice, credit_note_validate, invoice_validate

from .builders import make_customer, make_invoice, make_sales_books

D = Decimal


def receipt_books(slug: str = "durand"):
    """(organisation, sales user, customer C001 Martin, customer C002 Dupont)."""
    organisation, seller = make_sales_books(slug=slug)
    martin = make_customer(organisation, "C001", "Martin Industries SAS")
    dupont = make_customer(organisation, "C002", "Dupont Services SARL", siren="732829320",
                           vat_number="FR44732829320")
    return organisation, seller, martin, dupont


def invoice(organisation, actor, party, net: str, *, day: date, kind: str = "goods", rate: str = "20",
            term: str = "30J", description: str = "") -> SalesDocument:
    """A validated one-line invoice of `net` HT at `rate` %: goods post their VAT to 44571, services (without
    the debits option) to 44574. `term` "RECEPTION" makes it due on its own date, "30J" thirty days later."""
    payment_term = PaymentTerm.objects.get(organisation=organisation, code=term)
    draft = make_invoice(organisation, actor, party, [{
        "description": description or ("Prestation de conseil" if kind == "service" else "Chaise de bureau"),
        "kind": kind, "quantity": "1", "unit_price": net, "vat_rate": rate, "discount_pct": "0",
        "revenue_account": "706" if kind == "service" else "707"}], day=day, payment_term=payment_term.pk)
    return invoice_validate(actor=actor, invoice=draft)


def credit_note(actor, invoice_doc: SalesDocument, *, day: date | None = None,
                reason: str = "Retour de marchandise") -> SalesDocument:
    """A validated credit note cancelling the whole invoice, dated `day` (the chain dates a draft today)."""
    draft = credit_note_from_invoice(actor=actor, invoice=invoice_doc, reason=reason, kind_of_credit="return")
    if day is not None:
        SalesDocument.objects.filter(pk=draft.pk).update(date=day)
        draft.refresh_from_db()
    return credit_note_validate(actor=actor, credit_note=draft)


def lines_of(entry) -> list[tuple]:
    """(account, debit, credit, party code, tax role, VAT box) of an entry, in line order, amounts as str."""
    return [(x.account.code, str(x.debit), str(x.credit), x.party.code if x.party else "", x.tax_role, x.vat_box)
            for x in entry.lines.select_related("account", "party").order_by("line_no")]


def matching_of(line) -> str:
    """The display code of a line's matching (AA full, aa partial), "" when unmatched."""
    part = getattr(line, "matching_part", None)
    return part.matching.display_code if part else ""
