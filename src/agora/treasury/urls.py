"""Trésorerie screens, all under /o/<org>/tresorerie/ (patterns gathered from treasury/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "treasury"
urlpatterns = url_patterns("treasury")
