"""Reads on parties, always scoped to one organisation.

The party file also shows figures owned by upper layers (the customer account in the ledger, the sales
documents). `parties` sits below `ledger` and `sales` in the import layers, so those models are looked up by
name through the app registry: read-only, no static import, and the panel is simply empty when the app is not
installed.
"""

from decimal import Decimal

from django.apps import apps
from django.db.models import Q, Sum

from agora.core.models import OutgoingMail

from .models import Party, PaymentTerm

ROLES = {"customer", "prospect", "supplier", "subcontractor", "service_provider", "member", "employee"}
ZERO = Decimal("0.00")
DOCUMENTS_SHOWN = 50
MAILS_SHOWN = 50


def party_list(*, organisation, search: str = "", role: str = "", active: bool | None = None):
    """Parties by name; `search` matches the name, the code, the SIREN/SIRET, the e-mail or the city."""
    qs = Party.objects.filter(organisation=organisation)
    if search:
        search = search.strip()
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search) | Q(siret__startswith=search)
                       | Q(siren__startswith=search) | Q(email__icontains=search) | Q(city__icontains=search))
    if role in ROLES:
        qs = qs.filter(**{f"is_{role}": True})
    if active is not None:
        qs = qs.filter(active=active)
    return qs.select_related("payment_term").order_by("name", "code")


def party_get(*, organisation, pk: int) -> Party:
    return Party.objects.select_related("payment_term").get(organisation=organisation, pk=pk)


def payment_term_list(*, organisation):
    return PaymentTerm.objects.filter(organisation=organisation).order_by("days", "end_of_month", "code")


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def party_account_balances(*, organisation, party: Party) -> dict[str, Decimal]:
    """Balance (debit − credit) of the party's posted lines on the customer (411…) and supplier (401…) accounts,
    in one SQL aggregate: {"customer": …, "supplier": …}. Positive = the party owes us."""
    line_model = _model("ledger.EntryLine")
    if line_model is None:
        return {"customer": ZERO, "supplier": ZERO}
    lines = line_model.objects.posted().filter(organisation=organisation, party=party)
    customer = Q(account__code__startswith="411")
    supplier = Q(account__code__startswith="401")
    sums = lines.aggregate(customer_debit=Sum("debit", filter=customer), customer_credit=Sum("credit", filter=customer),
                           supplier_debit=Sum("debit", filter=supplier), supplier_credit=Sum("credit", filter=supplier))
    return {"customer": (sums["customer_debit"] or ZERO) - (sums["customer_credit"] or ZERO),
            "supplier": (sums["supplier_debit"] or ZERO) - (sums["supplier_credit"] or ZERO)}


def party_documents(*, organisation, party: Party, limit: int = DOCUMENTS_SHOWN) -> list:
    """The party's latest sales documents (every kind), newest first."""
    document_model = _model("sales.SalesDocument")
    if document_model is None:
        return []
    return list(document_model.objects.filter(organisation=organisation, party=party)
                .order_by("-date", "-id")[:limit])


def party_mails(*, organisation, party: Party, limit: int = MAILS_SHOWN) -> list[OutgoingMail]:
    """E-mails sent to (or about) the party, newest first."""
    return list(OutgoingMail.objects.filter(organisation=organisation, party_id=party.pk)
                .select_related("sent_by").order_by("-id")[:limit])


def party_export_rows(queryset):
    """Header and rows of the party list export (every filtered party, not one page)."""
    header = ["Code", "Nom", "Type", "Client", "Prospect", "Fournisseur", "Adhérent", "SIREN", "SIRET",
              "N° TVA", "E-mail", "Téléphone", "Adresse", "Code postal", "Ville", "Pays", "Conditions de paiement",
              "Remise habituelle (%)", "IBAN", "BIC", "Actif"]
    kinds = dict(Party.Kind.choices)

    def rows():
        for p in queryset.iterator(chunk_size=2000):
            yield [p.code, p.name, kinds.get(p.kind, p.kind), p.is_customer, p.is_prospect, p.is_supplier,
                   p.is_member, p.siren, p.siret, p.vat_number, p.email, p.phone, p.address_line1, p.postal_code,
                   p.city, p.country, p.payment_term.label if p.payment_term else "", p.default_discount_pct,
                   p.iban, p.bic, p.active]

    return header, rows()
