"""Sales screens, all under /o/<org>/ventes/ (patterns gathered from sales/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "sales"
urlpatterns = url_patterns("sales")
