"""XPath reading helpers shared by the CII and UBL parsers: text, Decimal and date of a child element, and where
it sits in the file (so checks can name the element and its line)."""

import functools
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from agora.core.errors import BusinessError

from .detect import FIELD
from .incoming import Located


@functools.lru_cache(maxsize=512)
def _compiled(path: str, namespaces: tuple[tuple[str, str], ...]) -> etree.XPath:
    """XPath expressions compiled once per process: compiling them costs more than evaluating them."""
    return etree.XPath(path, namespaces=dict(namespaces))


class Reader:
    def __init__(self, namespaces: dict[str, str]):
        self.ns = namespaces
        self._key = tuple(sorted(namespaces.items()))

    def all(self, node, path: str) -> list:
        return _compiled(path, self._key)(node) if node is not None else []

    def first(self, node, path: str):
        found = self.all(node, path)
        return found[0] if found else None

    def text(self, node, path: str) -> str:
        found = self.first(node, path)
        if found is None:
            return ""
        value = found if isinstance(found, str) else found.text
        return (value or "").strip()

    def decimal(self, node, path: str, default: Decimal | None = None) -> Decimal | None:
        found = self.first(node, path)
        raw = self.text(node, path)
        if not raw:
            return default
        try:
            value = Decimal(raw)
        except InvalidOperation as exc:
            raise BusinessError("einvoice_bad_number", f"Nombre illisible « {raw} » dans "
                                f"{self.located(found)}.", field=FIELD) from exc
        if not value.is_finite():
            raise BusinessError("einvoice_bad_number", f"Nombre illisible « {raw} » dans "
                                f"{self.located(found)}.", field=FIELD)
        return value

    def date(self, node, path: str) -> date | None:
        """A CII date (format 102: "20260315") or a UBL date ("2026-03-15")."""
        raw = self.text(node, path)
        if not raw:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise BusinessError("einvoice_bad_date", f"Date illisible « {raw} » dans "
                                f"{self.located(self.first(node, path))}.", field=FIELD) from exc

    def located(self, element) -> Located:
        if element is None or isinstance(element, str):
            return Located("?")
        qname = etree.QName(element)
        prefix = next((p for p, uri in self.ns.items() if uri == qname.namespace), "")
        return Located(f"{prefix}:{qname.localname}" if prefix else qname.localname, element.sourceline)

    def locate(self, node, path: str, fallback: str) -> Located:
        found = self.first(node, path)
        return self.located(found) if found is not None else Located(fallback)
