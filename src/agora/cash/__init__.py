"""Cash registers and cash counts; the cash position across banks and cash; the cash forecast."""
