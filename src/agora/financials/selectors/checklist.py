"""The year-end checklist: each point met, not met, not applicable or not verifiable, with the screen that
fixes it and the accountant's override if any.

A point applies only when the organisation keeps that part of its books in Agora (a VAT return recorded, a
statement imported for the bank account, a fixed asset, a stock item, open customer items at the year's end
with provisions followed in Agora). The other apps' selectors are imported when the check runs: apps are
built in parallel, and one that is missing makes its point "non vérifiable", which blocks like "non
satisfait" — never "satisfait". When the app's own data model is missing, the organisation cannot keep that
part in Agora: the point is not applicable.
"""

import importlib
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from agora.ledger.models import EntryLine, FiscalYear

from ..models import ChecklistItem, ChecklistOverride
from .balances import cents

MET, NOT_MET, NOT_APPLICABLE, UNVERIFIABLE = "met", "not_met", "not_applicable", "unverifiable"
STATUS_LABELS = {MET: "Satisfait", NOT_MET: "Non satisfait", NOT_APPLICABLE: "Non applicable",
                 UNVERIFIABLE: "Non vérifiable (module absent)"}
LINKS = {ChecklistItem.VAT: "vat:returns", ChecklistItem.BANK: "reconciliation:workbench",
         ChecklistItem.DEPRECIATION: "assets:list", ChecklistItem.STOCK: "stock:counts",
         ChecklistItem.PROVISIONS: "assets:provisions"}


@dataclass
class Check:
    item: str
    label: str
    status: str
    detail: str
    link: str | None = None
    override: ChecklistOverride | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def blocking(self) -> bool:
        return self.status in (NOT_MET, UNVERIFIABLE) and self.override is None


# Where the other apps' selectors live: the package named by the brief first, then the module defining them.
SOURCES = {
    "vat_returns_missing": ("agora.vat.selectors", "agora.vat.selectors.returns"),
    "reconciled_until": ("agora.reconciliation.selectors", "agora.reconciliation.selectors.statement"),
    "depreciation_missing": ("agora.assets.selectors", "agora.assets.selectors.assets"),
    "provisions_reviewed": ("agora.assets.selectors", "agora.assets.selectors.provisions"),
    "VatReturn": ("agora.vat.models",),
    "FixedAsset": ("agora.assets.models",),
}


def _function(name: str):
    """Another app's selector or model, or None while that app does not provide it yet."""
    for module in SOURCES[name]:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            found = None
        if found is not None:
            return found
    return None


def _fr(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def _period_text(period) -> str:
    start, end = (getattr(period, "start", None) or getattr(period, "start_date", None),
                  getattr(period, "end", None) or getattr(period, "end_date", None))
    if start is None and isinstance(period, tuple | list) and len(period) == 2:
        start, end = period
    if isinstance(start, date) and isinstance(end, date):
        return f"du {_fr(start)} au {_fr(end)}"
    return str(period)


def _unverifiable(what: str) -> tuple[str, str]:
    return UNVERIFIABLE, f"Le contrôle ne peut pas être fait : {what} n'est pas disponible."


def check_vat(organisation, year: FiscalYear) -> tuple[str, str]:
    if organisation.vat_regime == "franchise":
        return NOT_APPLICABLE, "Franchise en base de TVA : aucune déclaration à déposer."
    model = _function("VatReturn")
    if model is None or not model.objects.filter(organisation=organisation, state="filed").exists():
        return NOT_APPLICABLE, "Aucune déclaration de TVA n'a été déposée dans Agora."
    missing_of = _function("vat_returns_missing")
    if missing_of is None:
        return _unverifiable("le module TVA (vat_returns_missing)")
    missing = list(missing_of(organisation, year.start_date, year.end_date))
    if missing:
        return NOT_MET, (f"{len(missing)} période(s) sans déclaration déposée : "
                         + ", ".join(_period_text(p) for p in missing) + ".")
    return MET, "Toutes les déclarations de l'exercice sont déposées."


def check_bank(organisation, year: FiscalYear) -> tuple[str, str]:
    from agora.banking.models import BankStatement
    from agora.treasury.models import BankAccount

    followed = [account for account in BankAccount.objects.filter(organisation=organisation).order_by("label")
                if BankStatement.objects.filter(organisation=organisation, bank_account=account).exists()]
    if not followed:
        return NOT_APPLICABLE, "Aucun relevé bancaire n'est importé dans Agora."
    reconciled_until = _function("reconciled_until")
    if reconciled_until is None:
        return _unverifiable("le module de rapprochement (reconciled_until)")
    late = []
    for account in followed:
        until = reconciled_until(account)
        if until is None or until < year.end_date:
            late.append(f"{account.label} ({'jamais rapproché' if until is None else 'rapproché au ' + _fr(until)})")
    if late:
        return NOT_MET, f"À rapprocher jusqu'au {_fr(year.end_date)} : " + ", ".join(late) + "."
    return MET, f"{len(followed)} compte(s) rapproché(s) jusqu'au {_fr(year.end_date)}."


def check_depreciation(organisation, year: FiscalYear) -> tuple[str, str]:
    model = _function("FixedAsset")
    if model is None or not model.objects.filter(organisation=organisation).exists():
        return NOT_APPLICABLE, "Aucune immobilisation n'est suivie dans Agora."
    missing_of = _function("depreciation_missing")
    if missing_of is None:
        return _unverifiable("le module des immobilisations (depreciation_missing)")
    missing = list(missing_of(year))
    if missing:
        names = ", ".join(str(asset) for asset in missing[:5]) + (" …" if len(missing) > 5 else "")
        return NOT_MET, f"{len(missing)} immobilisation(s) sans dotation de l'exercice : {names}."
    return MET, "Les dotations aux amortissements de l'exercice sont passées."


def check_stock(organisation, year: FiscalYear) -> tuple[str, str]:
    from agora.stock.models import StockCount, StockItem

    if not StockItem.objects.filter(organisation=organisation).exists():
        return NOT_APPLICABLE, "Aucun article n'est suivi en stock."
    first = year.end_date.replace(day=1)
    count = (StockCount.objects.filter(organisation=organisation, status=StockCount.Status.VALIDATED,
                                       date__gte=first, date__lte=year.end_date).order_by("-date").first())
    if count is None:
        return NOT_MET, (f"Aucun inventaire validé entre le {_fr(first)} et le {_fr(year.end_date)} "
                         "(dernier mois de l'exercice).")
    return MET, f"Inventaire validé du {_fr(count.date)}."


def _open_customer_items(organisation, year: FiscalYear) -> bool:
    """Some customer (411/416) has a balance at the year's end."""
    return (EntryLine.objects.posted().filter(organisation=organisation, fiscal_year=year)
            .filter(Q(account__code__startswith="411") | Q(account__code__startswith="416"))
            .order_by().values("party_id").annotate(d=cents("debit"), c=cents("credit"))
            .exclude(d=F("c")).exists())


def _provisions_followed(organisation, year: FiscalYear) -> bool:
    """Provisions are kept in Agora when a fixed asset is, or when a provision account (15, 29, 39, 49, 59)
    has ever been posted to up to this year's end."""
    model = _function("FixedAsset")
    if model is not None and model.objects.filter(organisation=organisation).exists():
        return True
    provision = Q()
    for prefix in ("15", "29", "39", "49", "59"):
        provision |= Q(account__code__startswith=prefix)
    return (EntryLine.objects.posted().filter(organisation=organisation, date__lte=year.end_date)
            .filter(provision).exists())


def check_provisions(organisation, year: FiscalYear) -> tuple[str, str]:
    if not _open_customer_items(organisation, year):
        return NOT_APPLICABLE, "Aucune créance client ouverte à la clôture."
    if not _provisions_followed(organisation, year):
        return NOT_APPLICABLE, "Les provisions ne sont pas suivies dans Agora (aucune immobilisation ni provision)."
    reviewed_of = _function("provisions_reviewed")
    if reviewed_of is None:
        return _unverifiable("le module des provisions (provisions_reviewed)")
    review = reviewed_of(year)
    if review:
        when = getattr(review, "reviewed_at", None)
        return MET, "La revue des provisions de l'exercice est enregistrée" + (
            f" (le {_fr(timezone.localtime(when).date())})." if isinstance(when, datetime) else ".")
    return NOT_MET, "Revoyez les créances douteuses et les provisions, puis enregistrez la revue."


CHECKS = {ChecklistItem.VAT: check_vat, ChecklistItem.BANK: check_bank,
          ChecklistItem.DEPRECIATION: check_depreciation, ChecklistItem.STOCK: check_stock,
          ChecklistItem.PROVISIONS: check_provisions}


def _link(item: str, organisation) -> str | None:
    try:
        return reverse(LINKS[item], kwargs={"org": organisation.slug})
    except NoReverseMatch:
        return None


def year_checklist(*, organisation, fiscal_year: FiscalYear) -> list[Check]:
    """Every point of the checklist for the year, in a fixed order."""
    overrides = {o.item: o for o in ChecklistOverride.objects.filter(organisation=organisation,
                                                                      fiscal_year=fiscal_year)
                 .select_related("created_by")}
    out = []
    for item, check in CHECKS.items():
        status, detail = check(organisation, fiscal_year)
        out.append(Check(item=item.value, label=item.label, status=status, detail=detail,
                         link=_link(item, organisation), override=overrides.get(item.value)))
    return out


def closing_blockers(fiscal_year: FiscalYear) -> list[str]:
    """The ledger's closing check: one French blocker per point neither met nor overridden."""
    organisation = fiscal_year.organisation
    return [f"Contrôle de fin d'exercice « {check.label} » : {check.detail} Corrigez-le, ou faites-le lever "
            "avec un motif par un comptable (écran « Contrôles de fin d'exercice »)."
            for check in year_checklist(organisation=organisation, fiscal_year=fiscal_year) if check.blocking]


def closing_notes(fiscal_year: FiscalYear) -> list[str]:
    """The points lifted by an override, with who, when and why, for the closing wizard."""
    return [f"Point « {o.get_item_display()} » levé le {_fr(timezone.localtime(o.created_at).date())} par "
            f"{o.created_by.get_full_name() or o.created_by.username} : {o.reason}"
            for o in ChecklistOverride.objects.filter(organisation_id=fiscal_year.organisation_id,
                                                      fiscal_year=fiscal_year).select_related("created_by")
            .order_by("item")]
