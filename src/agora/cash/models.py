"""Caisse et prévisions: models."""
