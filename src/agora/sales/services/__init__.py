"""Sales writes, one module per concern: documents (chain, validation, posting), output (PDF, Factur-X, e-mail),
receipts, reminders, claims. Import from the module: `from agora.sales.services.documents import …`."""
