"""Approvisionnement screens, all under /o/<org>/approvisionnement/ (patterns gathered from procurement/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "procurement"
urlpatterns = url_patterns("procurement")
