"""Files the screens and the API both serve: the register as CSV/XLSX, the schedule as XLSX and PDF."""

from agora.core import exports

from .models import FixedAsset

REGISTER_HEADER = ["Numéro", "Désignation", "Compte", "Acquisition", "Mise en service", "Valeur d'origine",
                   "Mode", "Durée (mois)", "Amortissements comptabilisés", "Valeur nette comptable", "État"]
SCHEDULE_HEADER = ["Exercice", "Du", "Au", "Base", "Taux (%)", "Jours", "Annuité", "Cumul des amortissements",
                   "Valeur nette comptable"]


def register_rows(assets):
    for asset in assets:
        yield [asset.display_number, asset.label, asset.account.code, asset.acquisition_date,
               asset.in_service_date, asset.cost, asset.get_method_display(), asset.life_months, asset.depreciated,
               asset.net, asset.get_state_display()]


def register_response(kind: str, assets):
    make = exports.csv_response if kind == "csv" else exports.xlsx_response
    return make(f"immobilisations.{kind}", REGISTER_HEADER, register_rows(assets))


def schedule_rows(rows):
    for row in rows:
        yield [row.year, row.start, row.end, row.base, row.rate, row.days, row.annuity, row.accumulated,
               row.net_book_value]


def schedule_xlsx(asset: FixedAsset, rows):
    return exports.xlsx_response(f"plan-amortissement-{asset.display_number}.xlsx", SCHEDULE_HEADER,
                                 schedule_rows(rows), title="Plan d'amortissement")


def schedule_pdf(asset: FixedAsset, rows):
    return exports.pdf_response("assets/schedule_pdf.html", {
        "asset": asset, "lines": [(row, None) for row in rows], "organisation": asset.organisation,
        "logo": exports.logo_uri(asset.organisation)}, f"plan-amortissement-{asset.display_number}.pdf")
