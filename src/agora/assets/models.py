"""Immobilisations: models."""
