"""Approvisionnement: reads, one module per concern."""
