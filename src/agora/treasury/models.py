"""Trésorerie: models."""
