"""Banque: models."""
