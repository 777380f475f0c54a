"""Pure sales rules (no queries of their own): mandatory invoice mentions and chain quantity rules.

`missing_mentions` reads the document (its customer snapshot, lines and tax rows, best prefetched), the
organisation and its sales settings; it returns French labels so the screen can list what blocks validation
(french-rules-2026.md §1).
"""

from decimal import Decimal

ZERO = Decimal(0)
SOLE_TRADER_FORMS = {"EI", "EIRL", "ENTREPRENEUR INDIVIDUEL", "MICRO-ENTREPRISE", "MICRO-ENTREPRENEUR",
                     "AUTO-ENTREPRENEUR"}
CREDIT_KINDS = {
    "return": "Retour de marchandises",
    "claim": "Réclamation",
    "rebate": "Rabais accordé après facturation",
    "cancellation": "Annulation de la facture",
}


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def _settings(organisation):
    try:
        return organisation.sales_settings
    except Exception:  # noqa: BLE001 - RelatedObjectDoesNotExist: no settings yet means no mentions
        return None


def missing_mentions(document, organisation) -> list[str]:
    """French labels of the mandatory mentions the invoice or credit note would lack if issued now."""
    missing = []
    is_company = organisation.kind == "company"
    sole_trader = (organisation.legal_form or "").strip().upper() in SOLE_TRADER_FORMS
    franchise = organisation.vat_regime == "franchise"
    if _blank(organisation.legal_name):
        missing.append("Raison sociale du vendeur")
    if is_company and _blank(organisation.legal_form):
        missing.append("Forme juridique du vendeur")
    if is_company and not sole_trader and organisation.share_capital is None:
        missing.append("Capital social du vendeur")
    if _blank(organisation.address_line1) or _blank(organisation.postal_code) or _blank(organisation.city):
        missing.append("Adresse du siège social du vendeur")
    if _blank(organisation.siren):
        missing.append("SIREN du vendeur")
    if is_company and not sole_trader and _blank(organisation.rcs_city):
        missing.append("Ville d'immatriculation au RCS du vendeur")
    if not franchise and _blank(organisation.vat_number):
        missing.append("Numéro de TVA intracommunautaire du vendeur")

    party = document.party
    b2b = party.kind == "organisation"
    name = document.customer_name or party.name
    address = document.customer_address or " ".join(
        x for x in (party.address_line1, party.postal_code, party.city) if x)
    if _blank(name):
        missing.append("Nom du client")
    if _blank(address) or (not document.customer_address and (_blank(party.address_line1) or _blank(party.city))):
        missing.append("Adresse du client")
    if b2b and _blank(document.customer_siren or party.siren or party.siret[:9]):
        missing.append("SIREN du client (client professionnel)")

    if document.date is None:
        missing.append("Date d'émission")
    lines = list(document.lines.all())
    if not lines:
        missing.append("Au moins une ligne (désignation, quantité, prix unitaire HT)")
    for n, line in enumerate(lines, start=1):
        if _blank(line.description):
            missing.append(f"Désignation précise (ligne {n})")
        if Decimal(line.vat_rate) == ZERO and _blank(line.vat_mention):
            missing.append(f"Mention d'exonération de TVA (ligne {n} à 0 %)")
    if _blank(document.operation_category):
        missing.append("Catégorie de l'opération (biens, services ou mixte)")

    if document.kind == "credit_note":
        if document.credited_invoice_id is None:
            missing.append("Référence de la facture d'origine (numéro et date)")
        return missing

    settings = _settings(organisation)
    if document.due_date is None:
        missing.append("Date d'échéance du paiement")
    if settings is None or _blank(settings.cash_discount_terms):
        missing.append("Conditions d'escompte (ou « pas d'escompte »)")
    if b2b or settings is None:
        if settings is None or not settings.late_interest_rate:
            missing.append("Taux des pénalités de retard")
        if settings is None or (settings.fixed_recovery_fee or ZERO) < Decimal(40):
            missing.append("Indemnité forfaitaire de 40 € pour frais de recouvrement")
    return missing


def remaining(quantity: Decimal, done: Decimal) -> Decimal:
    """What is left to deliver / invoice / credit on a line (never below zero)."""
    left = Decimal(quantity) - Decimal(done)
    return left if left > ZERO else ZERO


def check_quantities(requested: dict, available: dict, *, what: str, allow_excess: bool = False) -> dict:
    """Validate requested quantities per line id against what is left; return the non-zero ones.

    Raises BusinessError naming the line (field `quantities.<id>`) when a quantity is negative, unknown or
    exceeds what is left (unless `allow_excess`).
    """
    from agora.core.errors import BusinessError
    from agora.core.money import parse_amount

    out = {}
    for line_id, raw in requested.items():
        key = int(line_id)
        quantity = parse_amount(raw, field=f"quantities.{key}", places=4)
        if key not in available:
            raise BusinessError("unknown_line", f"Ligne inconnue ({key}).", field=f"quantities.{key}")
        if quantity < ZERO:
            raise BusinessError("negative_quantity", "Une quantité ne peut pas être négative.",
                                field=f"quantities.{key}")
        if quantity > available[key] and not allow_excess:
            raise BusinessError("quantity_exceeded", f"Quantité {what} supérieure au reste ({available[key]:f}).",
                                field=f"quantities.{key}")
        if quantity:
            out[key] = quantity
    if not out:
        raise BusinessError("nothing_left", f"Aucune quantité {what}.", field="quantities")
    return out
