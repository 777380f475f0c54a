"""What the statement screens share: the year form bound to the query string (current year by default) and the
PDF download."""

from agora.core import exports
from agora.core.views import today
from agora.ledger.selectors import fiscal_year_current

from ..forms import YearForm


def year_form(request, form_class=YearForm):
    data = request.GET.copy()
    if not data.get("fiscal_year"):
        current = fiscal_year_current(organisation=request.organisation, day=today())
        if current is not None:
            data["fiscal_year"] = str(current.pk)
    return form_class(data, organisation=request.organisation)


def pdf(request, template: str, context: dict, stem: str):
    context = {**context, "organisation": request.organisation, "logo": exports.logo_uri(request.organisation)}
    year = context["fiscal_year"]
    return exports.pdf_response(template, context, f"{stem}-{request.organisation.slug}-{year.code}.pdf")
