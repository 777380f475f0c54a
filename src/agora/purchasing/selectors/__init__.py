"""Achats: reads, one module per concern."""
