"""Approvisionnement: writes, one module per concern."""
