"""Bank statements and bank reconciliation: statement import (OFX, CAMT.053, CFONB 120, CSV),
matching statement lines with the books, and the bank reconciliation statement."""
