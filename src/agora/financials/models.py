"""États financiers: models."""
