"""Achats screens, all under /o/<org>/achats/ (patterns gathered from purchasing/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "purchasing"
urlpatterns = url_patterns("purchasing")
