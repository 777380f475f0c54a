"""Stock: writes, one module per concern."""
