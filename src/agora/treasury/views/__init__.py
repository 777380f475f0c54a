"""Trésorerie: screens, one module per concern; each exposes `urlpatterns` (see core/autodiscover.py)."""
