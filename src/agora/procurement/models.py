"""Approvisionnement: models."""
