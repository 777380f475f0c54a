"""Procurement: supplier catalogue and documents, purchase requests and approval, requests for quotation."""
