"""Default VAT categories of mainland France (reference §3), with their CA3 boxes and legal mentions."""

from decimal import Decimal

# (code, label, rate, exemption mention, CA3 box of the base)
DEFAULT_VAT_CATEGORIES = [
    ("TVA20", "TVA 20 %", Decimal("20.00"), "", "08"),
    ("TVA10", "TVA 10 %", Decimal("10.00"), "", "9B"),
    ("TVA5.5", "TVA 5,5 %", Decimal("5.50"), "", "09"),
    ("TVA2.1", "TVA 2,1 %", Decimal("2.10"), "", "10"),
    ("EXO261", "Exonéré (art. 261 du CGI)", Decimal("0.00"), "Exonération de TVA, article 261 du CGI", "E2"),
    ("EXPORT", "Exportation (art. 262 I du CGI)", Decimal("0.00"), "Exonération de TVA, article 262 I du CGI",
     "E1"),
    ("INTRAUE", "Livraison intracommunautaire (art. 262 ter I du CGI)", Decimal("0.00"),
     "Exonération de TVA, article 262 ter I du CGI", "F2"),
    ("FRANCHISE", "Franchise en base", Decimal("0.00"), "TVA non applicable, art. 293 B du CGI", ""),
]
