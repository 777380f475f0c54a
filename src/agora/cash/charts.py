"""The forecast chart: forecast vs actual cash at the end of each period, an inline pygal SVG (no script, no
CDN: pygal's default script URL is turned off with `js=[]` and its inline configuration script stripped)."""

import re
from decimal import Decimal

import pygal
from pygal.style import Style

from agora.core.money import format_amount

STYLE = Style(background="transparent", plot_background="transparent", foreground="#1d2430",
              foreground_strong="#1d2430", foreground_subtle="#d7dce3", colors=("#1f5fa8", "#1e7b3a"),
              font_family='system-ui, "DejaVu Sans", sans-serif', label_font_size=11, legend_font_size=12,
              title_font_size=14)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _euros(value) -> str:
    if value is None:
        return ""
    text = format_amount(Decimal(str(value)))
    return f"{text[:-3] if text.endswith(',00') else text} €"


def forecast_chart(forecast) -> str:
    """Lines over the periods: forecast closing cash, and the actual cash of the periods already begun."""
    chart = pygal.Line(js=[], style=STYLE, disable_xml_declaration=True, explicit_size=False, width=900, height=300,
                       value_formatter=_euros, no_data_text="Aucune donnée", legend_at_bottom=True, margin=8,
                       title="Trésorerie de fin de période : prévision et réalisé", x_label_rotation=30,
                       show_minor_x_labels=True)
    chart.x_labels = [column.label for column in forecast.columns]
    chart.add("Prévision", [float(value) for value in forecast.closings])
    chart.add("Réalisé", [float(value) if value is not None else None for value in forecast.actual])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
