"""Collect the URL patterns and API routers of an app split by concern.

An app whose screens and API grow by concern keeps them in `<app>/views/<concern>.py` (a module-level
`urlpatterns` list) and `<app>/api/<concern>.py` (a module-level ninja `router`); these helpers gather them,
so adding a concern touches no shared file.
"""

import importlib
import pkgutil


def _modules(package: str):
    module = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{package}.{info.name}")


def url_patterns(app: str) -> list:
    """Every `urlpatterns` of `agora.<app>.views.*`."""
    patterns = []
    for module in _modules(f"agora.{app}.views"):
        patterns += getattr(module, "urlpatterns", [])
    return patterns


def api_routers(app: str) -> list:
    """Every `router` of `agora.<app>.api.*`."""
    return [module.router for module in _modules(f"agora.{app}.api") if hasattr(module, "router")]
