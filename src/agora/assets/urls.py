"""Immobilisations screens, all under /o/<org>/immobilisations/ (patterns gathered from assets/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "assets"
urlpatterns = url_patterns("assets")
