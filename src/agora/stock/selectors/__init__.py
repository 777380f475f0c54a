"""Stock: reads, one module per concern."""
