"""TVA screens, all under /o/<org>/tva/ (patterns gathered from vat/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "vat"
urlpatterns = url_patterns("vat")
