"""Server-side SVG charts of the dashboards, drawn with pygal (no JavaScript, no CDN: the SVG is inlined in the
page and prints as is). pygal's interactive script is a CDN URL by default: `js=[]` turns it off, and its
inline configuration script is stripped too, so the page carries no script at all.

Amounts are drawn from floats (geometry only); every figure shown as text comes from the Decimal tables.
"""

import re
from decimal import Decimal

import pygal
from pygal.style import Style

from agora.core.money import format_amount

_STYLE = dict(
    background="transparent", plot_background="transparent", foreground="#1d2430", foreground_strong="#1d2430",
    foreground_subtle="#d7dce3", opacity=".9", opacity_hover="1", colors=("#9bb3cf", "#1f5fa8", "#1e7b3a"),
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
    label_font_size=12, major_label_font_size=12, legend_font_size=13, title_font_size=15, value_font_size=11,
    tooltip_font_size=12,
)
STYLE = Style(**_STYLE)
STYLE_SINGLE = Style(**{**_STYLE, "colors": ("#1f5fa8",)})
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _euros(value) -> str:
    """Axis labels in French: "2 400 €", cents only when there are some."""
    if value is None:
        return ""
    amount = Decimal(str(value))
    text = format_amount(amount)
    return f"{text[:-3] if text.endswith(',00') else text} €"


def _config(**extra) -> dict:
    return {"js": [], "style": STYLE, "disable_xml_declaration": True, "explicit_size": False,
            "value_formatter": _euros, "no_data_text": "Aucune donnée", "print_values": False,
            "legend_at_bottom": True, "margin": 8, **extra}


def _svg(chart) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def monthly_turnover_chart(months, year: int) -> str:
    """Bars per month: last year (light) and this year (dark)."""
    chart = pygal.Bar(**_config(width=900, height=320, title=f"Chiffre d'affaires HT par mois — {year} et {year - 1}",
                                x_label_rotation=0, y_labels_major_count=5))
    chart.x_labels = [m.label for m in months]
    chart.add(str(year - 1), [float(m.previous) for m in months])
    chart.add(str(year), [float(m.current) for m in months])
    return _svg(chart)


def ranking_chart(title: str, rows: list[tuple[str, Decimal]], series: str = "Chiffre d'affaires HT") -> str:
    """Horizontal bars, the largest on top (pygal draws the first value at the bottom)."""
    height = 90 + 32 * max(len(rows), 1)
    chart = pygal.HorizontalBar(**_config(width=900, height=height, title=title, show_legend=False,
                                          truncate_label=40, style=STYLE_SINGLE))
    ordered = list(reversed(rows))
    chart.x_labels = [label for label, _ in ordered]
    chart.add(series, [float(value) for _, value in ordered])
    return _svg(chart)


def stock_value_chart(months) -> str:
    """Stock value at each month end (line) over the cost of goods sold in the month (bars)."""
    chart = pygal.Bar(**_config(width=900, height=320, title="Valeur du stock en fin de mois et coût des sorties",
                                x_label_rotation=0, y_labels_major_count=5))
    chart.x_labels = [m.label for m in months]
    chart.add("Coût des sorties du mois", [float(m.cogs) for m in months])
    chart.add("Valeur du stock en fin de mois", [float(m.value) for m in months])
    return _svg(chart)
