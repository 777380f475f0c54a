"""Demo (`durand` only): a register that agrees with the books, a disposal, a doubtful customer and a lawsuit.

- The computers the ledger demo carries since 2023 (2183: 8,400.00, 3,360.00 depreciated when its books start,
  1,680.00 posted for the closed year) are two assets taken over, that closed year's annuities recorded against
  the ledger's entry; the server is sold in September.
- A van bought in 2024 by the manager is brought in on 2 January (2182 / 28182 and 455 for its net value).
- A software licence (205), office furniture (2184) and a declining-balance press brake (2154, financed by a
  loan paid to the supplier) are bought in 2026 from fixed-asset suppliers (404); the laptop the purchasing demo
  bought on 2183 is registered from its invoice (or entered directly when there is none).
- The overdue (> 90 days) customer owing the least in the aged balance becomes doubtful, provisioned at 40 % of
  its amount excl. VAT; a lawsuit is provisioned on 151. The 2026 year-end depreciation is not posted: the year is
  not over.
"""

from datetime import date, timedelta
from decimal import Decimal

from agora.ledger.domain import EntryInput, LineInput
from agora.ledger.models import Entry, EntryLine, FiscalYear
from agora.ledger.services import entries_post, matching_create
from agora.parties.models import Party
from agora.parties.services import party_create

from .selectors.assets import asset_candidates, asset_schedule
from .selectors.provisions import overdue_customers
from .services.assets import annuity_record_posted, asset_create, asset_create_from_invoice_line, ensure_account
from .services.depreciation import asset_dispose
from .services.provisions import doubtful_customer_mark, provision_create

SUPPLIERS = [("F201", "Lyon Mobilier Pro"), ("F202", "Logiciels Rhône-Alpes"), ("F203", "Machines Perrin SA")]
PURCHASES = [  # (supplier, account, label, date, net, life months, method, due after days)
    ("F202", "205", "Licence du logiciel de gestion commerciale", (1, 20), Decimal("1800.00"), 36, "linear", 30),
    ("F203", "2154", "Presse plieuse hydraulique", (4, 20), Decimal("10000.00"), 60, "declining", 30),
    ("F201", "2184", "Mobilier de bureau (open space)", (10, 12), Decimal("3200.00"), 120, "linear", 60),
]


def demo_populate(*, organisation, users: dict, today: date) -> None:
    if organisation.kind != "company":
        return
    actor = users.get("accounting")
    year = today.year
    _taken_over(organisation, actor, year)
    for code, name in SUPPLIERS:
        party_create(actor=actor, organisation=organisation, data={
            "code": code, "name": name, "is_supplier": True, "kind": "organisation", "city": "Lyon"})
    for supplier, account, label, (month, day), net, months, method, due in PURCHASES:
        _purchase(organisation, actor, supplier, account, label, date(year, month, day), net, months, method, due)
    _laptop(organisation, actor, year)
    _provisions(organisation, actor, today)


def _taken_over(organisation, actor, year: int) -> None:
    """The 2023 computers (already in the books, their last closed year's depreciation too) and the van brought
    in by the manager on 2 January, with its depreciation to 31 December of last year."""
    computers = [asset_create(actor=actor, organisation=organisation, data={
        "label": label, "account_code": "2183", "cost": cost, "acquisition_date": date(year - 3, 1, 1),
        "life_years": 5}) for label, cost in (("Postes de travail (5 ordinateurs fixes)", "6000.00"),
                                              ("Serveur de fichiers", "2400.00"))]
    _record_closed_years(organisation, actor, computers, year)
    van = asset_create(actor=actor, organisation=organisation, data={
        "label": "Fourgon Renault Master", "account_code": "2182", "cost": "24000.00",
        "acquisition_date": date(year - 2, 3, 15), "life_years": 5, "opening_date": date(year - 1, 12, 31)})
    ensure_account(actor, organisation, "455", "Associés - Comptes courants")
    entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal="OD", date=date(year, 1, 2), label="Apport du fourgon par le gérant (valeur nette reprise)",
        reference=van.display_number, origin_type="assets.fixedasset", origin_id=str(van.pk), lines=[
            LineInput(account="2182", debit=van.cost, label=van.label),
            LineInput(account=van.depreciation_account.code, credit=van.opening_depreciation, label=van.label),
            LineInput(account="455", credit=van.cost - van.opening_depreciation,
                      label="Apport en compte courant")])])
    asset_dispose(actor=actor, asset=computers[1], data={"date": date(year, 9, 30), "kind": "sale",
                                                         "price": "250.00", "vat_rate": "20", "counterpart": "462"})


def _record_closed_years(organisation, actor, assets, year: int) -> None:
    """The ledger demo posted the closed years' depreciation (AMO<year>, 28183): recorded against each asset."""
    for fiscal_year in FiscalYear.objects.filter(organisation=organisation, end_date__lt=date(year, 1, 1)):
        entry = Entry.objects.filter(organisation=organisation, fiscal_year=fiscal_year,
                                     reference=f"AMO{fiscal_year.code}").first()
        if entry is None:
            continue
        for asset in assets:
            row = next((r for r in asset_schedule(asset) if r.year == fiscal_year.code and not r.prior), None)
            if row is not None:
                annuity_record_posted(actor=actor, asset=asset, fiscal_year=fiscal_year, amount=row.annuity,
                                      entry=entry)


def _purchase(organisation, actor, supplier: str, account: str, label: str, day: date, net: Decimal,
              months: int, method: str, due: int) -> None:
    """A fixed-asset supplier invoice (AC: 2xxx, 44562 / 404) and its asset; the press is paid by the loan."""
    vat = (net * Decimal("0.20")).quantize(Decimal("0.01"))
    ensure_account(actor, organisation, account, label)
    entry = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
        journal="AC", date=day, label=f"{label}", reference=f"IMMO-{day:%m%d}", lines=[
            LineInput(account=account, debit=net, label=label, tax_role="base"),
            LineInput(account="44562", debit=vat, label=label, tax_role="input_vat", vat_box="19"),
            LineInput(account="404", credit=net + vat, party=supplier, label=label,
                      due_date=day + timedelta(days=due))])])[0]
    asset_create(actor=actor, organisation=organisation, data={
        "label": label, "account_code": account, "cost": net, "acquisition_date": day,
        "in_service_date": day + timedelta(days=7) if method == "declining" else day, "life_months": months,
        "method": method, "supplier_code": supplier})
    if account == "2154":
        loan = entries_post(actor=actor, organisation=organisation, entries=[EntryInput(
            journal="OD", date=day + timedelta(days=10), label=f"Prêt Banque Populaire versé à {supplier}",
            reference=f"PRET-{day:%m%d}", lines=[
                LineInput(account="404", debit=net + vat, party=supplier, label=label),
                LineInput(account="164", credit=net + vat, label="Emprunt équipement 5 ans")])])[0]
        matching_create(actor=actor, organisation=organisation, line_ids=list(
            EntryLine.objects.filter(entry__in=[entry, loan], account__code="404").values_list("pk", flat=True)))


def _laptop(organisation, actor, year: int) -> None:
    lines = list(asset_candidates(organisation=organisation))
    for line in lines:
        asset_create_from_invoice_line(actor=actor, organisation=organisation, line_id=line.pk,
                                       data={"life_years": 3})
    if not lines:
        asset_create(actor=actor, organisation=organisation, data={
            "label": "Ordinateur portable 14 pouces (poste comptable)", "account_code": "2183", "cost": "1190.00",
            "acquisition_date": date(year, 2, 22), "life_years": 3})


def _provisions(organisation, actor, today: date) -> None:
    overdue = sorted((row for row in overdue_customers(organisation=organisation, as_of=today) if row.over_90),
                     key=lambda row: row.balance)
    if overdue:
        party = Party.objects.get(organisation=organisation, pk=overdue[0].party_id)
        doubtful_customer_mark(actor=actor, organisation=organisation, party=party, on=today - timedelta(days=10),
                               loss_rate="40", reason="Redressement judiciaire ouvert, déclaration de créance faite")
    provision_create(actor=actor, organisation=organisation, kind="risk", label="Litige Transports Berthet "
                     "(livraison endommagée)", account_code="151", amount="4500.00", on=date(today.year, 6, 15),
                     reason="Assignation reçue, estimation de l'avocat")

