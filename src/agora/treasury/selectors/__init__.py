"""Trésorerie: reads, one module per concern."""
