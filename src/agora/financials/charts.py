"""The analysis chart over the months, drawn server-side as SVG with pygal (no script, no CDN; the same
options as the dashboards of `reporting`, which sits above this app and cannot be imported here)."""

import re
from decimal import Decimal

import pygal
from pygal.style import Style

from agora.core.money import format_amount

STYLE = Style(background="transparent", plot_background="transparent", foreground="#1d2430",
              foreground_strong="#1d2430", foreground_subtle="#d7dce3", opacity=".9", opacity_hover="1",
              colors=("#1f5fa8", "#1e7b3a", "#b8621b"),
              font_family='system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif',
              label_font_size=12, major_label_font_size=12, legend_font_size=13, title_font_size=15,
              value_font_size=11, tooltip_font_size=12)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def _euros(value) -> str:
    if value is None:
        return ""
    text = format_amount(Decimal(str(value)))
    return f"{text[:-3] if text.endswith(',00') else text} €"


def months_chart(months, year_code: str) -> str:
    """Turnover and EBE cumulated since the start of the year, and cash at each month end (lines)."""
    chart = pygal.Line(js=[], style=STYLE, disable_xml_declaration=True, explicit_size=False,
                       value_formatter=_euros, no_data_text="Aucune donnée", legend_at_bottom=True, margin=8,
                       width=900, height=340, title=f"Exercice {year_code} — cumuls et trésorerie par mois",
                       x_label_rotation=0, y_labels_major_count=5, dots_size=3)
    chart.x_labels = [m.label for m in months]
    chart.add("Chiffre d'affaires HT cumulé", [float(m.turnover) for m in months])
    chart.add("EBE cumulé", [float(m.ebitda) for m in months])
    chart.add("Trésorerie en fin de mois", [float(m.cash) for m in months])
    return _SCRIPT.sub("", chart.render(is_unicode=True))
