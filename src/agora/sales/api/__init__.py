"""Sales API, one module per concern; each exposes `router` (see core/autodiscover.py)."""
