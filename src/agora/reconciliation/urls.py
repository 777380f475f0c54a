"""Rapprochement bancaire screens, all under /o/<org>/rapprochement/ (patterns from reconciliation/views/*.py)."""

from agora.core.autodiscover import url_patterns

app_name = "reconciliation"
urlpatterns = url_patterns("reconciliation")
