"""Template context: the navigation of the whole product, filtered by the user's rights.

The menu is declared once, as the skeleton of the whole product. An entry is shown only when its URL name
resolves (the module is built) and the user holds its permission in the current organisation, so sections
not built yet are absent rather than dead links.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse

from agora.core.models import Organisation
from agora.core.permissions import PERMISSIONS, has_perm, organisations_of, roles_of


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str
    permission: str
    kinds: tuple[str, ...] = ()  # organisation kinds it applies to; empty = all


@dataclass(frozen=True)
class NavSection:
    key: str
    title: str
    entries: tuple[NavEntry, ...]


MEMBERSHIP_KINDS = ("association", "mutual")

# Every entry takes the kwarg org=<slug>. Future modules add their entries here; an entry whose URL name
# does not resolve yet, or whose permission is not in the map yet, is simply not shown.
NAVIGATION: tuple[NavSection, ...] = (
    NavSection("relations", "Relations clients et usagers", (
        NavEntry("parties:list", "Tiers", "parties.view"),
        NavEntry("sales:quotes", "Devis", "sales.view"),
        NavEntry("sales:orders", "Commandes", "sales.view"),
        NavEntry("sales:deliveries", "Bons de livraison", "sales.view"),
        NavEntry("sales:invoices", "Factures", "sales.view"),
        NavEntry("sales:credit_notes", "Avoirs", "sales.view"),
        NavEntry("sales:receipts", "Encaissements", "sales.view"),
        NavEntry("sales:deposit_slips", "Remises de chèques", "sales.view"),
        NavEntry("sales:customer_statement", "Relevé de compte client", "sales.view"),
        NavEntry("sales:aged_balance", "Balance âgée clients", "sales.view"),
        NavEntry("sales:reminder_runs", "Relances", "sales.view"),
        NavEntry("sales:claims", "Réclamations et litiges", "sales.view"),
        NavEntry("catalog:products", "Catalogue", "sales.view"),
        NavEntry("catalog:vat_categories", "Taux de TVA", "sales.view"),
        NavEntry("membership:members", "Adhérents", "membership.view", MEMBERSHIP_KINDS),
        NavEntry("membership:fees", "Cotisations", "membership.view", MEMBERSHIP_KINDS),
        NavEntry("membership:campaigns", "Renouvellement des adhésions", "membership.view", MEMBERSHIP_KINDS),
        NavEntry("membership:donations", "Dons et reçus fiscaux", "membership.view", MEMBERSHIP_KINDS),
        NavEntry("membership:categories", "Catégories d'adhésion", "membership.view", MEMBERSHIP_KINDS),
        NavEntry("membership:settings", "Paramètres adhésions et dons", "membership.view", MEMBERSHIP_KINDS),
    )),
    NavSection("purchasing", "Achats et stocks", (
        NavEntry("procurement:requests", "Demandes d'achat", "purchasing.view"),
        NavEntry("procurement:rfqs", "Demandes de devis", "purchasing.view"),
        NavEntry("purchasing:orders", "Commandes fournisseurs", "purchasing.view"),
        NavEntry("purchasing:receipts", "Réceptions", "purchasing.view"),
        NavEntry("purchasing:invoices", "Factures fournisseurs", "purchasing.view"),
        NavEntry("purchasing:credit_notes", "Avoirs fournisseurs", "purchasing.view"),
        NavEntry("procurement:supplier_products", "Catalogue fournisseurs", "purchasing.view"),
        NavEntry("procurement:supplier_documents", "Documents fournisseurs", "purchasing.view"),
        NavEntry("stock:items", "Articles en stock", "stock.view"),
        NavEntry("stock:moves", "Mouvements de stock", "stock.view"),
        NavEntry("stock:reorder", "Réapprovisionnement", "stock.view"),
        NavEntry("stock:counts", "Inventaires", "stock.view"),
        NavEntry("stock:valuation", "Valorisation du stock", "stock.view"),
        NavEntry("stock:costs", "Coûts de revient", "stock.view"),
        NavEntry("stock:locations", "Emplacements", "stock.view"),
    )),
    NavSection("treasury", "Trésorerie", (
        NavEntry("treasury:payment_schedule", "Échéancier fournisseurs", "treasury.view"),
        NavEntry("treasury:payment_runs", "Paiements fournisseurs", "treasury.view"),
        NavEntry("treasury:bank_accounts", "Comptes bancaires", "treasury.view"),
        NavEntry("banking:statements", "Relevés bancaires", "banking.view"),
        NavEntry("reconciliation:workbench", "Rapprochement bancaire", "banking.view"),
        NavEntry("reconciliation:statement", "État de rapprochement", "banking.view"),
        NavEntry("reconciliation:rules", "Règles d'affectation", "banking.view"),
        NavEntry("cash:registers", "Caisses", "cash.view"),
        NavEntry("cash:position", "Situation de trésorerie", "treasury.view"),
        NavEntry("cash:forecast", "Budget de trésorerie", "treasury.view"),
    )),
    NavSection("production", "Production administrative", ()),
    NavSection("hr", "Ressources humaines", ()),
    NavSection("ledger", "Comptabilité", (
        NavEntry("ledger:entries", "Écritures", "ledger.view"),
        NavEntry("ledger:entry_new", "Saisir une écriture", "ledger.write"),
        NavEntry("ledger:accounts", "Plan comptable", "ledger.view"),
        NavEntry("ledger:journals", "Journaux", "ledger.view"),
        NavEntry("ledger:fiscal_years", "Exercices et périodes", "ledger.view"),
        NavEntry("ledger:matching", "Lettrage", "ledger.write"),
        NavEntry("ledger:journal_report", "Journal", "reports.view"),
        NavEntry("ledger:general_ledger", "Grand livre", "reports.view"),
        NavEntry("ledger:trial_balance", "Balance", "reports.view"),
        NavEntry("ledger:fec", "FEC", "reports.view"),
        NavEntry("vat:returns", "Déclarations de TVA", "vat.view"),
        NavEntry("assets:list", "Immobilisations", "assets.view"),
        NavEntry("assets:provisions", "Provisions", "assets.view"),
        NavEntry("financials:statements", "Bilan et compte de résultat", "financials.view"),
        NavEntry("financials:analysis", "SIG, CAF et analyse financière", "financials.view"),
        NavEntry("financials:cash_statement", "État de trésorerie", "financials.view"),
        NavEntry("financials:checklist", "Contrôles de fin d'exercice", "financials.view"),
        NavEntry("ledger:closing", "Clôture de l'exercice", "ledger.close"),
    )),
    NavSection("dashboards", "Tableaux de bord", (
        NavEntry("reporting:sales", "Ventes", "sales.view"),
        NavEntry("reporting:stock", "Stock", "stock.view"),
    )),
    NavSection("admin", "Administration", (
        NavEntry("web:org_settings", "Organisation et membres", "organisation.manage"),
        NavEntry("web:audit_log", "Journal des modifications", "audit.view"),
    )),
)


def current_organisation(request) -> Organisation | None:
    """The organisation of the URL, else the last one visited (if still allowed), else the user's first."""
    organisation = getattr(request, "organisation", None)
    if organisation is not None:
        return organisation
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    slug = request.session.get("organisation")
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is not None and roles_of(user, organisation):
            return organisation
    return organisations_of(user).first()


def build_navigation(user, organisation: Organisation | None, current_view: str = "") -> list[dict]:
    """Visible sections with their visible entries: [{key, title, entries: [{label, url, active}]}]."""
    if organisation is None or not getattr(user, "is_authenticated", False):
        return []
    sections = []
    for section in NAVIGATION:
        entries = []
        for entry in section.entries:
            if entry.permission not in PERMISSIONS or not has_perm(user, organisation, entry.permission):
                continue
            if entry.kinds and organisation.kind not in entry.kinds:
                continue
            try:
                url = reverse(entry.url_name, kwargs={"org": organisation.slug})
            except NoReverseMatch:
                continue
            entries.append({"label": entry.label, "url": url, "url_name": entry.url_name,
                            "active": entry.url_name == current_view})
        if entries:
            sections.append({"key": section.key, "title": section.title, "entries": entries,
                             "active": any(e["active"] for e in entries)})
    return sections


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "nav_organisation": None, "nav_organisations": []}
    organisation = current_organisation(request)
    match = getattr(request, "resolver_match", None)
    current_view = match.view_name if match else ""
    return {
        "nav_sections": build_navigation(user, organisation, current_view),
        "nav_organisation": organisation,
        "nav_organisations": list(organisations_of(user)),
    }
