"""The print engine of sales documents: printed HTML → PDF with WeasyPrint, the stylesheet and fonts loaded once.

Free of Django on purpose: the batch printer's worker processes (services.batch) import only this module and
WeasyPrint, so they start in a fraction of a second and need no settings nor database connection.
"""

import atexit
import functools
from dataclasses import dataclass
from pathlib import Path

SALES = Path(__file__).resolve().parent.parent
STYLESHEET = SALES / "templates" / "sales" / "output" / "document.css"
PRINT_FONTS = SALES / "static" / "sales" / "fonts"


@dataclass(frozen=True)
class PrintResources:
    fonts: object  # weasyprint FontConfiguration
    stylesheet: object  # weasyprint CSS
    covered: frozenset[str]  # the characters every shipped print font draws


@functools.cache
def print_resources() -> PrintResources:
    """The font configuration, the parsed print stylesheet (with its @font-face) and the characters the shipped
    fonts draw, built once per process: parsing the CSS and compiling its selectors on every document cost more
    than a tenth of each PDF (issue §10)."""
    from fontTools.ttLib import TTFont
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    atexit.register(print_resources.cache_clear)  # freed before Python tears down the modules its __del__ uses
    maps = [set(TTFont(path).getBestCmap()) for path in sorted(PRINT_FONTS.glob("*.ttf"))]
    covered = frozenset(map(chr, set.intersection(*maps))) | frozenset("\n\r\t")
    return PrintResources(fonts, CSS(filename=str(STYLESHEET), font_config=fonts), covered)


def html_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """The PDF of a printed document's HTML (`pdf_variant="pdf/a-3b"` for Factur-X).

    When the shipped print fonts draw every character of the page (the usual case) they are embedded whole:
    subsetting fonts was most of a PDF's time. Otherwise a system font fills in for the missing characters and
    every font is subset as usual, so a rare character never embeds a whole 700 KB font."""
    from weasyprint import HTML

    resources = print_resources()
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    return HTML(string=html, base_url=str(SALES)).write_pdf(
        stylesheets=[resources.stylesheet], font_config=resources.fonts,
        full_fonts=resources.covered.issuperset(html), **options)


def html_pdf_file(job: tuple[str, str]) -> str:
    """Write the PDF of `html` to `path` (a batch printer's job); returns the path."""
    html, path = job
    Path(path).write_bytes(html_pdf(html))
    return path
