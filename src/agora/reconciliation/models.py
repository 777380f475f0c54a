"""Rapprochement bancaire: models."""
