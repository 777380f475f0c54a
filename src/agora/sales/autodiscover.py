"""Collect the URL patterns and API routers of the sales modules.

Each concern of the sales chain (documents, output, receipts, reminders, claims…) keeps its screens in
`sales/views/<concern>.py` with a module-level `urlpatterns` list, and its API in `sales/api/<concern>.py` with
a module-level `router`; this module gathers them so adding a concern touches no shared file.
"""

import importlib
import pkgutil


def _modules(package: str):
    module = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(module.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            yield importlib.import_module(f"{package}.{info.name}")


def url_patterns() -> list:
    patterns = []
    for module in _modules("agora.sales.views"):
        patterns += getattr(module, "urlpatterns", [])
    return patterns


def api_routers() -> list:
    return [module.router for module in _modules("agora.sales.api") if hasattr(module, "router")]
