"""TVA: models."""
