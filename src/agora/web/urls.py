"""Screen URLs. Organisation-scoped pages live under /o/<org>/ (see core.middleware)."""


app_name = "web"
urlpatterns: list = []
