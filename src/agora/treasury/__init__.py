"""Treasury: bank accounts, supplier payment schedule, payment proposals and runs, SEPA credit transfers."""
