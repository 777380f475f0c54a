"""États financiers screens, all under /o/<org>/etats-financiers/ (patterns gathered from financials/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "financials"
urlpatterns = url_patterns("financials")
