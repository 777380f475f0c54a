"""Banque screens, all under /o/<org>/banque/ (patterns gathered from banking/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "banking"
urlpatterns = url_patterns("banking")
