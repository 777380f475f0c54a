"""Stock screens, all under /o/<org>/stock/ (patterns gathered from stock/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "stock"
urlpatterns = url_patterns("stock")
