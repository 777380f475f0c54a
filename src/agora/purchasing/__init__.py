"""Purchasing: purchase orders, goods receipts, supplier invoices and credit notes, posting, e-invoices."""
