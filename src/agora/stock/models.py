"""Stock: models."""
