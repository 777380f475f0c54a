"""Achats: writes, one module per concern."""
