"""Sales reads, one module per concern."""
