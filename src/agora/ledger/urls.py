"""Accounting screens, all under /o/<org>/compta/."""


app_name = "ledger"
urlpatterns: list = []
