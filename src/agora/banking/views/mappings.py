"""CSV mapping screens: the list per bank account, the edition form (columns, separator, formats), deletion."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view

from ..forms import MappingForm
from ..models import CsvMapping
from ..selectors.statements import mapping_get, mapping_list
from ..services.mappings import COLUMN_NAMES, csv_mapping_delete, csv_mapping_update


@org_view("banking.view")
def mappings(request, org):
    return render(request, "banking/mappings.html", {
        "mappings": mapping_list(organisation=request.organisation), "can_write": can(request, "banking.write")})


@org_view("banking.write", write="banking.write")
def mapping_edit(request, org, pk):
    try:
        mapping = mapping_get(organisation=request.organisation, pk=pk)
    except CsvMapping.DoesNotExist as missing:
        raise Http404("Introuvable") from missing
    if request.method == "POST" and "delete" in request.POST:
        csv_mapping_delete(actor=request.user, mapping=mapping)
        messages.success(request, f"Modèle « {mapping.name} » supprimé.")
        return redirect("banking:mappings", org=org)
    initial = {"name": mapping.name, "delimiter": mapping.delimiter, "encoding": mapping.encoding,
               "date_format": mapping.date_format, "decimal_comma": mapping.decimal_comma,
               "skip_rows": mapping.skip_rows,
               **{f"col_{name}": str(mapping.columns[name]) for name in COLUMN_NAMES if name in mapping.columns}}
    width = max([int(v) + 1 for v in mapping.columns.values()] + [12])
    form = MappingForm(request.POST or None, initial=initial, column_count=width)
    if request.method == "POST" and form.is_valid():
        try:
            csv_mapping_update(actor=request.user, mapping=mapping, data=form.mapping_data())
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, "Modèle d'import CSV mis à jour.")
            return redirect("banking:mappings", org=org)
    return render(request, "banking/mapping_form.html", {"form": form, "mapping": mapping},
                  status=422 if form.errors else 200)


urlpatterns = [
    path("modeles-csv/", mappings, name="mappings"),
    path("modeles-csv/<int:pk>/", mapping_edit, name="mapping_edit"),
]
