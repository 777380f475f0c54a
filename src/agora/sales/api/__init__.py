"""Sales API, one module per concern; each exposes `router` (see sales/autodiscover.py)."""
