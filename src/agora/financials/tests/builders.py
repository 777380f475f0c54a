"""The tiny set of entries the statements are worked out from by hand (test docstrings give the figures)."""

from datetime import date

from agora.ledger.tests.builders import make_books, make_party, post


def make_year(*, slug: str = "durand"):
    """A company's year 2026 in fourteen entries (amounts in euros):

    capital 10,000 by bank and 150 of furniture in kind; a loan of 6,000; a computer 3,000 + VAT 600 (404);
    goods 4,000 + VAT 800 (401); sales of goods 8,000 + VAT 1,600 and of services 1,000 + VAT 200 (411);
    customer pays 7,200; suppliers paid 2,400 (401) and 3,600 (404); wages 2,000 (421, paid) and social
    charges 800 (431, unpaid); rent 500, bank fees 20, interest 60; a subsidy of 400; the furniture scrapped
    (657: 150) and sold 250 (757); year end: closing stock 1,000 (37/6037), depreciation 300 (6811/28183),
    provision on the customer 100 (6817/491), income tax 200 (695/444).
    """
    organisation, accountant = make_books(slug=slug)
    make_party(organisation, "C001", "Client Martin")
    make_party(organisation, "F001", "Informatique Rhône", is_customer=False, is_supplier=True)
    make_party(organisation, "F002", "Grossiste Dupont", is_customer=False, is_supplier=True)
    make_party(organisation, "S001", "Salariée Leroy", is_customer=False)
    o, a = organisation, accountant
    post(o, a, "BQ1", date(2026, 1, 5), "Apport en capital", ("5121", 10000, 0), ("101", 0, 10000))
    post(o, a, "OD", date(2026, 1, 5), "Apport en nature", ("2184", 150, 0), ("101", 0, 150))
    post(o, a, "BQ1", date(2026, 1, 10), "Emprunt", ("5121", 6000, 0), ("164", 0, 6000))
    post(o, a, "AC", date(2026, 2, 3), "Ordinateur", ("2183", 3000, 0), ("44562", 600, 0), ("404", 0, 3600, "F001"))
    post(o, a, "AC", date(2026, 2, 10), "Marchandises", ("607", 4000, 0), ("44566", 800, 0),
         ("401", 0, 4800, "F002"))
    post(o, a, "VT", date(2026, 3, 2), "Vente de marchandises", ("411", 9600, 0, "C001"), ("707", 0, 8000),
         ("44571", 0, 1600))
    post(o, a, "VT", date(2026, 3, 15), "Prestation", ("411", 1200, 0, "C001"), ("706", 0, 1000), ("44571", 0, 200))
    post(o, a, "BQ1", date(2026, 4, 10), "Règlement Martin", ("5121", 7200, 0), ("411", 0, 7200, "C001"))
    post(o, a, "BQ1", date(2026, 4, 20), "Règlement Dupont", ("401", 2400, 0, "F002"), ("5121", 0, 2400))
    post(o, a, "BQ1", date(2026, 4, 25), "Règlement ordinateur", ("404", 3600, 0, "F001"), ("5121", 0, 3600))
    post(o, a, "PA", date(2026, 5, 31), "Paie de mai", ("6411", 2000, 0), ("6451", 800, 0), ("421", 0, 2000, "S001"),
         ("431", 0, 800))
    post(o, a, "BQ1", date(2026, 6, 2), "Virement des salaires", ("421", 2000, 0, "S001"), ("5121", 0, 2000))
    post(o, a, "BQ1", date(2026, 6, 5), "Loyer et frais", ("6132", 500, 0), ("627", 20, 0), ("5121", 0, 520))
    post(o, a, "BQ1", date(2026, 6, 30), "Intérêts d'emprunt", ("661", 60, 0), ("5121", 0, 60))
    post(o, a, "BQ1", date(2026, 7, 15), "Subvention", ("5121", 400, 0), ("74", 0, 400))
    post(o, a, "OD", date(2026, 9, 10), "Mobilier mis au rebut", ("657", 150, 0), ("2184", 0, 150))
    post(o, a, "BQ1", date(2026, 9, 12), "Vente du mobilier", ("5121", 250, 0), ("757", 0, 250))
    post(o, a, "OD", date(2026, 12, 31), "Inventaire", ("37", 1000, 0), ("6037", 0, 1000))
    post(o, a, "OD", date(2026, 12, 31), "Dotations", ("6811", 300, 0), ("28183", 0, 300), ("6817", 100, 0),
         ("491", 0, 100))
    post(o, a, "OD", date(2026, 12, 31), "Impôt sur les sociétés", ("695", 200, 0), ("444", 0, 200))
    return organisation, accountant
