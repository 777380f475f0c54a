"""Achats: models."""
