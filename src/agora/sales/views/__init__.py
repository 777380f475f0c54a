"""Sales screens, one module per concern; each exposes `urlpatterns` (see sales/autodiscover.py)."""
