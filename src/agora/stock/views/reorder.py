"""The reorder list: items at or below their reorder point, with the quantity to order and the EOQ; a link to
turn them into purchase requests when the procurement app offers it."""

from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse

from agora.core import exports
from agora.core.views import org_view, today

from ..selectors.reorder import reorder_proposals

EXPORT_HEADER = ["Référence", "Désignation", "Unité", "En stock", "En commande", "Stock d'alerte", "Stock de sécurité",
                 "Stock minimum", "Demande moyenne / jour", "Quantité économique", "Quantité à commander",
                 "Fournisseur habituel"]


@org_view("stock.view")
def reorder(request, org):
    proposals = reorder_proposals(organisation=request.organisation, today=today())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        rows = ([p.product.reference, p.product.label, p.product.unit, p.on_hand, p.on_order, p.reorder_point,
                 p.safety_stock, p.minimum, p.average_daily_demand, p.eoq, p.quantity_to_order,
                 p.preferred_supplier.name if p.preferred_supplier else ""] for p in proposals)
        make = exports.csv_response if export == "csv" else exports.xlsx_response
        return make(f"reapprovisionnement.{export}", EXPORT_HEADER, rows)
    try:
        request_url = reverse("procurement:request_from_reorder", kwargs={"org": org})
    except NoReverseMatch:
        request_url = None
    return render(request, "stock/reorder/list.html", {"proposals": proposals, "request_url": request_url})


urlpatterns = [path("reapprovisionnement/", reorder, name="reorder")]
