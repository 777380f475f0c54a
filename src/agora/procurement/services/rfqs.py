"""Writes on requests for quotation (demandes de prix, DDP-2026-00001): lines, consulted suppliers, sending the
PDF by e-mail, recording each answer line by line, and choosing the winning offer, which creates the purchase
order in the purchasing app and closes the request it came from.

Choosing a subcontractor that holds no URSSAF vigilance certificate valid today needs an explicit confirmation
(Code du travail L8222-1: the client answers jointly for its subcontractor's undeclared work otherwise).
"""


from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from agora.core.audit import audit_record
from agora.core.counters import counter_next
from agora.core.dates import parse_date
from agora.core.errors import BusinessError
from agora.core.exports import logo_uri, pdf_bytes
from agora.core.mail import mail_send, recipients_parse
from agora.procurement.domain import line_amount, lines_total
from agora.procurement.inputs import (
    parse_days,
    parse_price,
    parse_quantity,
    product_get,
    supplier_get,
)
from agora.procurement.models import (
    PurchaseRequest,
    RequestForQuotation,
    RequestStatus,
    RfqLine,
    RfqQuote,
    RfqStatus,
    RfqSupplier,
    SupplierProduct,
)
from agora.procurement.selectors.suppliers import vigilance_missing
from agora.procurement.services.ordering import OrderLine, order_create
from agora.procurement.services.requests import request_mark_ordered

Status = RfqStatus
OPEN = (Status.DRAFT, Status.SENT)
PDF_TEMPLATE = "procurement/rfqs/pdf.html"


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _snapshot(rfq: RequestForQuotation) -> dict:
    return {"number": rfq.number, "status": rfq.status, "subject": rfq.subject, "issue_date": rfq.issue_date,
            "response_due": rfq.response_due, "request": rfq.request_id, "chosen": rfq.chosen_id,
            "choice_comment": rfq.choice_comment, "order": rfq.order_id,
            "lines": [[line.label, line.quantity] for line in rfq.lines.all()],
            "suppliers": [s.supplier_id for s in rfq.suppliers.all()]}


def _audit(rfq: RequestForQuotation, actor, action: str, before: dict | None = None, **extra) -> None:
    audit_record(organisation=rfq.organisation, actor=actor, action=f"procurement.rfq.{action}", obj=rfq,
                 before=before, after={**_snapshot(rfq), **extra})


def _locked(rfq: RequestForQuotation) -> RequestForQuotation:
    return RequestForQuotation.objects.select_for_update().select_related("organisation").get(pk=rfq.pk)


def _expect(rfq: RequestForQuotation, states, action: str) -> None:
    if rfq.status not in states:
        raise BusinessError("wrong_state", f"{rfq} est « {rfq.get_status_display()} » : action « {action} » "
                            "impossible.", field="status")


def _clean_lines(organisation, lines: list[dict]) -> list[dict]:
    if not lines:
        raise BusinessError("no_lines", "La demande de prix doit comporter au moins une ligne.", field="lines")
    out = []
    for n, raw in enumerate(lines, start=1):
        field = f"lines.{n}"
        product = product_get(organisation, raw.get("product"), field=f"{field}.product", required=False)
        label = (raw.get("label") or (product.label if product else "")).strip()
        if not label:
            raise BusinessError("required", f"Ligne {n} : la désignation est obligatoire.", field=f"{field}.label")
        out.append({"line_no": n, "product": product, "label": label[:300],
                    "quantity": parse_quantity(raw.get("quantity"), field=f"{field}.quantity",
                                               label=f"Ligne {n} : la quantité"),
                    "unit": (raw.get("unit") or (product.unit if product else "u"))[:20]})
    return out


def _clean_header(data: dict) -> dict:
    subject = (data.get("subject") or "").strip()
    if not subject:
        raise BusinessError("required", "L'objet de la demande de prix est obligatoire.", field="subject")
    issue_date = parse_date(data.get("issue_date") or timezone.localdate(), field="issue_date", required=True)
    response_due = parse_date(data.get("response_due"), field="response_due")
    if response_due and response_due < issue_date:
        raise BusinessError("invalid_date", "La date de réponse attendue précède la date de la demande.",
                            field="response_due")
    return {"subject": subject[:200], "issue_date": issue_date, "response_due": response_due,
            "notes": (data.get("notes") or "").strip()}


def _suppliers(organisation, suppliers) -> list:
    seen, out = set(), []
    for n, value in enumerate(suppliers or [], start=1):
        party = supplier_get(organisation, value, field=f"suppliers.{n}")
        if party.pk not in seen:
            seen.add(party.pk)
            out.append(party)
    return out


@transaction.atomic
def rfq_create(*, actor, organisation, data: dict, lines: list[dict], suppliers=(),
               request: PurchaseRequest | None = None) -> RequestForQuotation:
    header = _clean_header(data)
    rows = _clean_lines(organisation, lines)
    parties = _suppliers(organisation, suppliers)
    year = str(header["issue_date"].year)
    sequence = counter_next(organisation=organisation, series="procurement:rfq", fiscal_year=year)
    rfq = RequestForQuotation.objects.create(organisation=organisation, number=f"DDP-{year}-{sequence:05d}",
                                             request=request, created_by=_user(actor), **header)
    RfqLine.objects.bulk_create([RfqLine(rfq=rfq, organisation=organisation, **row) for row in rows])
    RfqSupplier.objects.bulk_create([RfqSupplier(rfq=rfq, organisation=organisation, supplier=party,
                                                 email=party.email) for party in parties])
    _audit(rfq, actor, "create")
    return rfq


@transaction.atomic
def rfq_from_request(*, actor, request: PurchaseRequest, suppliers=None, data: dict | None = None
                     ) -> RequestForQuotation:
    """An RFQ for the lines of an approved request, sent by default to every supplier whose catalogue holds one
    of its products, plus the supplier the request suggests."""
    request = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.APPROVED:
        raise BusinessError("wrong_state", f"{request} doit être approuvée avant de consulter des fournisseurs.",
                            field="status")
    if request.rfqs.filter(status__in=OPEN).exists():
        raise BusinessError("has_rfq", f"Une demande de prix est déjà en cours pour {request}.", field="status")
    lines = list(request.lines.all())
    if suppliers is None:
        ids = [pk for pk, _ in sorted(set(SupplierProduct.objects.filter(
            organisation=request.organisation, active=True,
            product_id__in=[x.product_id for x in lines if x.product_id]).values_list("supplier_id",
                                                                                       "supplier__name")),
            key=lambda pair: (pair[1], pair[0]))]
        suppliers = ([request.supplier_id] if request.supplier_id else []) + ids
    header = {"subject": f"Demande d'achat {request.number}" + (f" — {request.reason[:120]}" if request.reason
                                                                 else ""),
              "response_due": None, **(data or {})}
    return rfq_create(actor=actor, organisation=request.organisation, data=header, suppliers=suppliers,
                      request=request,
                      lines=[{"product": x.product_id, "label": x.label, "quantity": x.quantity, "unit": x.unit}
                             for x in lines])


@transaction.atomic
def rfq_update(*, actor, rfq: RequestForQuotation, data: dict, lines: list[dict]) -> RequestForQuotation:
    """Change a draft RFQ (never one already sent: the suppliers quote on what they received)."""
    rfq = _locked(rfq)
    _expect(rfq, (Status.DRAFT,), "modifier")
    before = _snapshot(rfq)
    header = _clean_header(data)
    rows = _clean_lines(rfq.organisation, lines)
    for name, value in header.items():
        setattr(rfq, name, value)
    rfq.save()
    rfq.lines.all().delete()
    RfqLine.objects.bulk_create([RfqLine(rfq=rfq, organisation=rfq.organisation, **row) for row in rows])
    _audit(rfq, actor, "update", before)
    return rfq


@transaction.atomic
def rfq_supplier_add(*, actor, rfq: RequestForQuotation, supplier, email: str = "") -> RfqSupplier:
    rfq = _locked(rfq)
    _expect(rfq, OPEN, "consulter un fournisseur")
    party = supplier_get(rfq.organisation, supplier)
    if rfq.suppliers.filter(supplier=party).exists():
        raise BusinessError("duplicate_supplier", f"{party.name} est déjà consulté sur cette demande de prix.",
                            field="supplier")
    email = (email or party.email or "").strip()
    if email:
        recipients_parse(email)
    consulted = RfqSupplier.objects.create(rfq=rfq, organisation=rfq.organisation, supplier=party, email=email)
    _audit(rfq, actor, "add_supplier")
    return consulted


@transaction.atomic
def rfq_supplier_remove(*, actor, consulted: RfqSupplier) -> None:
    rfq = _locked(consulted.rfq)
    _expect(rfq, OPEN, "retirer un fournisseur")
    if consulted.sent_at:
        raise BusinessError("already_sent", f"La demande a déjà été envoyée à {consulted.supplier.name} : "
                            "enregistrez plutôt qu'il ne répond pas.", field="supplier")
    consulted.delete()
    _audit(rfq, actor, "remove_supplier")


# --- PDF and sending -----------------------------------------------------------------------------------------

def rfq_pdf(*, rfq: RequestForQuotation, consulted: RfqSupplier | None = None) -> bytes:
    """The RFQ as the supplier receives it, on the organisation's letterhead (addressed to `consulted`)."""
    organisation = rfq.organisation
    return pdf_bytes(PDF_TEMPLATE, {"rfq": rfq, "organisation": organisation, "consulted": consulted,
                                    "lines": list(rfq.lines.select_related("product")),
                                    "supplier_references": _supplier_references(rfq, consulted),
                                    "logo_uri": logo_uri(organisation)})


def _supplier_references(rfq, consulted) -> dict[int, str]:
    if consulted is None:
        return {}
    return dict(SupplierProduct.objects.filter(organisation=rfq.organisation, supplier_id=consulted.supplier_id)
                .exclude(supplier_reference="").values_list("product_id", "supplier_reference"))


def rfq_filename(rfq: RequestForQuotation) -> str:
    return f"demande-de-prix-{rfq.number}.pdf"


def rfq_send(*, actor, rfq: RequestForQuotation, consulted_ids=None) -> list:
    """E-mail the PDF to each consulted supplier not yet sent to (or to `consulted_ids`). Every address is
    checked before anything leaves; each sending is logged (core.mail) and a refused one leaves `sent_at`
    empty. Not one transaction: a sent e-mail cannot be taken back, so each success is recorded at once."""
    rfq = RequestForQuotation.objects.select_related("organisation").get(pk=rfq.pk)
    _expect(rfq, OPEN, "envoyer")
    targets = list(rfq.suppliers.select_related("supplier").order_by("id"))
    if consulted_ids is not None:
        wanted = {int(x) for x in consulted_ids}
        targets = [t for t in targets if t.pk in wanted]
    else:
        targets = [t for t in targets if t.sent_at is None]
    if not targets:
        raise BusinessError("nothing_to_send", "Aucun fournisseur à qui envoyer la demande de prix : ajoutez-en "
                            "un.", field="suppliers")
    for target in targets:
        if not target.email:
            raise BusinessError("email_missing", f"{target.supplier.name} n'a pas d'adresse e-mail : indiquez-la "
                                "sur la demande ou sur sa fiche.", field="suppliers")
        recipients_parse(target.email)
    logs = []
    for target in targets:
        context = {"rfq": rfq, "organisation": rfq.organisation, "consulted": target}
        log = mail_send(actor=actor, organisation=rfq.organisation, obj=rfq, party_id=target.supplier_id,
                        to=target.email, subject=render_to_string("procurement/rfqs/mail_subject.txt", context),
                        body=render_to_string("procurement/rfqs/mail_body.txt", context),
                        attachments=[(rfq_filename(rfq), rfq_pdf(rfq=rfq, consulted=target), "application/pdf")])
        logs.append(log)
        if log.sent_at:
            _mark_sent(actor, target, log.sent_at)
    return logs


@transaction.atomic
def _mark_sent(actor, consulted: RfqSupplier, sent_at) -> None:
    rfq = _locked(consulted.rfq)
    before = _snapshot(rfq)
    RfqSupplier.objects.filter(pk=consulted.pk).update(sent_at=sent_at)
    if rfq.status == Status.DRAFT:
        rfq.status = Status.SENT
        rfq.save(update_fields=["status"])
    _audit(rfq, actor, "send", before, sent_to=consulted.supplier_id)


@transaction.atomic
def rfq_mark_sent(*, actor, consulted: RfqSupplier) -> None:
    """Record a sending made outside Agora (post, the supplier's web form…)."""
    _expect(consulted.rfq, OPEN, "envoyer")
    _mark_sent(actor, consulted, timezone.now())


# --- answers and choice -----------------------------------------------------------------------------------------

@transaction.atomic
def rfq_response_record(*, actor, consulted: RfqSupplier, data: dict, prices: dict) -> RfqSupplier:
    """A supplier's answer: per line {unit_price, lead_time_days, comment} keyed by RfqLine id (a line left
    without a price is not quoted), plus overall lead time, validity, quote reference and comments; or
    `declined`. Replaces a previous answer."""
    rfq = _locked(consulted.rfq)
    _expect(rfq, OPEN, "enregistrer une réponse")
    consulted = RfqSupplier.objects.select_for_update().get(pk=consulted.pk)
    before = _snapshot(rfq)
    lines = {line.pk: line for line in rfq.lines.all()}
    declined = bool(data.get("declined"))
    quotes = []
    if not declined:
        for key, raw in (prices or {}).items():
            line = lines.get(int(key))
            if line is None:
                raise BusinessError("unknown_line", "Ligne inconnue sur cette demande de prix.", field="prices")
            field = f"prices.{line.line_no}"
            price = parse_price(raw.get("unit_price"), field=f"{field}.unit_price", required=False,
                                label=f"Ligne {line.line_no} : le prix unitaire HT")
            if price is None:
                continue
            days = parse_days(raw.get("lead_time_days"), field=f"{field}.lead_time_days")
            quotes.append(RfqQuote(rfq_supplier=consulted, line=line, unit_price=price,
                                   amount=line_amount(line.quantity, price), lead_time_days=days,
                                   comment=(raw.get("comment") or "").strip()[:200]))
        if not quotes:
            raise BusinessError("no_prices", "Indiquez au moins un prix, ou cochez « ne répond pas ».",
                                field="prices")
    consulted.declined = declined
    consulted.lead_time_days = parse_days(data.get("lead_time_days"), field="lead_time_days")
    consulted.valid_until = parse_date(data.get("valid_until"), field="valid_until")
    consulted.quote_reference = (data.get("quote_reference") or "").strip()[:60]
    consulted.comments = (data.get("comments") or "").strip()
    consulted.responded_at = timezone.now()
    consulted.total_untaxed = None if declined else lines_total((lines[q.line_id].quantity, q.unit_price)
                                                                for q in quotes)
    consulted.save()
    consulted.quotes.all().delete()
    RfqQuote.objects.bulk_create(quotes)
    _audit(rfq, actor, "response", before, supplier=consulted.supplier_id, declined=declined,
           total_untaxed=consulted.total_untaxed,
           prices={str(lines[q.line_id].line_no): q.unit_price for q in quotes})
    return consulted


@transaction.atomic
def rfq_choose(*, actor, rfq: RequestForQuotation, consulted: RfqSupplier, comment: str = "",
               confirm_vigilance: bool = False):
    """Retain one offer: create the draft purchase order at its prices, link it to the RFQ and the request."""
    rfq = _locked(rfq)
    _expect(rfq, OPEN, "retenir une offre")
    consulted = RfqSupplier.objects.select_related("supplier").get(pk=consulted.pk, rfq=rfq)
    if consulted.declined or consulted.responded_at is None:
        raise BusinessError("no_offer", f"{consulted.supplier.name} n'a pas fait d'offre.", field="supplier")
    lines = list(rfq.lines.select_related("product__vat_category"))
    quotes = {q.line_id: q for q in consulted.quotes.all()}
    missing = [str(line.line_no) for line in lines if line.pk not in quotes]
    if missing:
        raise BusinessError("incomplete_offer", f"L'offre de {consulted.supplier.name} ne chiffre pas la ou les "
                            f"lignes {', '.join(missing)} : elle ne peut pas être retenue telle quelle.",
                            field="supplier")
    today = timezone.localdate()
    if consulted.valid_until and consulted.valid_until < today:
        raise BusinessError("offer_expired", f"L'offre de {consulted.supplier.name} n'est plus valable depuis le "
                            f"{consulted.valid_until:%d/%m/%Y}.", field="supplier")
    if not confirm_vigilance and vigilance_missing(organisation=rfq.organisation,
                                                   supplier_ids={consulted.supplier_id}, today=today):
        raise BusinessError("vigilance_missing", f"Le sous-traitant {consulted.supplier.name} n'a pas "
                            "d'attestation de vigilance URSSAF valide (Code du travail, art. L8222-1) : "
                            "demandez-la, ou confirmez le choix malgré tout.", field="confirm_vigilance")
    before = _snapshot(rfq)
    order = order_create(
        actor=actor, organisation=rfq.organisation, supplier=consulted.supplier, issue_date=today,
        notes=f"Demande de prix {rfq.number}" + (f", devis {consulted.quote_reference}"
                                                 if consulted.quote_reference else ""),
        lines=[OrderLine(product=line.product, label=line.label, quantity=line.quantity, unit=line.unit,
                         unit_price=quotes[line.pk].unit_price) for line in lines])
    rfq.status, rfq.chosen, rfq.order = Status.CLOSED, consulted, order
    rfq.chosen_at, rfq.chosen_by, rfq.choice_comment = timezone.now(), _user(actor), (comment or "").strip()
    rfq.save()
    if rfq.request_id:
        request_mark_ordered(actor=actor, request=rfq.request, order=order)
    _audit(rfq, actor, "choose", before, vigilance_confirmed=bool(confirm_vigilance))
    return order


@transaction.atomic
def rfq_cancel(*, actor, rfq: RequestForQuotation) -> RequestForQuotation:
    rfq = _locked(rfq)
    _expect(rfq, OPEN, "annuler")
    before = _snapshot(rfq)
    rfq.status = Status.CANCELLED
    rfq.save(update_fields=["status"])
    _audit(rfq, actor, "cancel", before)
    return rfq
