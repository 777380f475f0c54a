"""Caisse et prévisions screens, all under /o/<org>/caisse/ (patterns gathered from cash/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "cash"
urlpatterns = url_patterns("cash")
