"""Trésorerie: writes, one module per concern."""
