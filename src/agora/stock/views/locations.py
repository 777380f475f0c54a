"""Location screens: the list with a creation form, and activating / renaming a location."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from agora.core.errors import BusinessError
from agora.core.views import add_business_error, can, org_view

from ..forms import LocationForm
from ..models import Location
from ..selectors.items import location_list
from ..services.items import location_create, location_update


@org_view("stock.view", write="stock.write")
def locations(request, org):
    organisation = request.organisation
    form = LocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            location = location_create(actor=request.user, organisation=organisation, **form.cleaned_data)
        except BusinessError as error:
            add_business_error(form, error)
        else:
            messages.success(request, f"Emplacement {location.code} créé.")
            return redirect("stock:locations", org=org)
    return render(request, "stock/locations/list.html", {
        "form": form, "locations": location_list(organisation=organisation),
        "can_write": can(request, "stock.write")}, status=422 if form.errors else 200)


@require_POST
@org_view("stock.write", write="stock.write")
def location_toggle(request, org, pk):
    location = Location.objects.filter(organisation=request.organisation, pk=pk).first()
    if location is None:
        raise Http404("Introuvable")
    try:
        location_update(actor=request.user, location=location, label=location.label, active=not location.active)
    except BusinessError as error:
        messages.error(request, error.message)
    return redirect("stock:locations", org=org)


urlpatterns = [
    path("emplacements/", locations, name="locations"),
    path("emplacements/<int:pk>/activer/", location_toggle, name="location_toggle"),
]
