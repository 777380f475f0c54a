"""Charts of accounts seeded per organisation kind (reference §5): the PCG 2025 for companies and the
association chart (ANC 2018-06). Organisations add sub-accounts (e.g. 4110001) afterwards."""

# (code, label). Kind, reconcilable and party-required are derived by `account_traits`.
PCG_COMMON = [
    ("101", "Capital"), ("1061", "Réserve légale"), ("1068", "Autres réserves"),
    ("108", "Compte de l'exploitant"), ("110", "Report à nouveau (solde créditeur)"),
    ("119", "Report à nouveau (solde débiteur)"), ("120", "Résultat de l'exercice (bénéfice)"),
    ("129", "Résultat de l'exercice (perte)"), ("131", "Subventions d'équipement"),
    ("139", "Subventions d'investissement inscrites au compte de résultat"),
    ("145", "Amortissements dérogatoires"), ("151", "Provisions pour risques"),
    ("158", "Autres provisions pour charges"), ("164", "Emprunts auprès des établissements de crédit"),
    ("165", "Dépôts et cautionnements reçus"),
    ("205", "Concessions, brevets, licences, logiciels"), ("207", "Fonds commercial"), ("211", "Terrains"),
    ("213", "Constructions"), ("215", "Installations techniques, matériel et outillage"),
    ("2182", "Matériel de transport"), ("2183", "Matériel de bureau et matériel informatique"),
    ("2184", "Mobilier"), ("275", "Dépôts et cautionnements versés"),
    ("2805", "Amortissements des logiciels"), ("2813", "Amortissements des constructions"),
    ("2815", "Amortissements des installations techniques"),
    ("28182", "Amortissements du matériel de transport"),
    ("28183", "Amortissements du matériel de bureau et informatique"),
    ("28184", "Amortissements du mobilier"), ("2907", "Dépréciations du fonds commercial"),
    ("31", "Matières premières"), ("321", "Matières consommables"),
    ("322", "Fournitures consommables"), ("355", "Produits finis"), ("37", "Stocks de marchandises"),
    ("391", "Dépréciations des matières premières"), ("397", "Dépréciations des stocks de marchandises"),
    ("401", "Fournisseurs"), ("404", "Fournisseurs d'immobilisations"),
    ("408", "Fournisseurs - Factures non parvenues"), ("4091", "Fournisseurs - Avances et acomptes versés"),
    ("411", "Clients"), ("416", "Clients douteux ou litigieux"), ("418", "Clients - Factures à établir"),
    ("4191", "Clients - Avances et acomptes reçus"), ("421", "Personnel - Rémunérations dues"),
    ("425", "Personnel - Avances et acomptes"), ("4282", "Dettes provisionnées pour congés à payer"),
    ("431", "Sécurité sociale"), ("437", "Autres organismes sociaux"),
    ("4382", "Charges sociales sur congés à payer"), ("441", "État - Subventions à recevoir"),
    ("4421", "Prélèvements à la source (impôt sur le revenu)"), ("444", "État - Impôt sur les bénéfices"),
    ("44551", "TVA à décaisser"), ("44562", "TVA déductible sur immobilisations"),
    ("44566", "TVA déductible sur autres biens et services"), ("44567", "Crédit de TVA à reporter"),
    ("4452", "TVA due intracommunautaire"), ("44571", "TVA collectée"),
    ("44574", "TVA collectée en attente (encaissements)"), ("44583", "Remboursement de TVA demandé"),
    ("44586", "TVA sur factures non parvenues"), ("447", "Autres impôts, taxes et versements assimilés"),
    ("455", "Associés - Comptes courants"), ("462", "Créances sur cessions d'immobilisations"),
    ("467", "Autres comptes débiteurs ou créditeurs"), ("471", "Compte d'attente"),
    ("486", "Charges constatées d'avance"), ("487", "Produits constatés d'avance"),
    ("491", "Dépréciations des comptes de clients"),
    ("512", "Banque"), ("5121", "Banque - compte courant"), ("530", "Caisse"), ("580", "Virements internes"),
    ("601", "Achats stockés - Matières premières"), ("602", "Achats stockés - Autres approvisionnements"),
    ("6031", "Variation des stocks de matières premières"),
    ("6032", "Variation des stocks des autres approvisionnements"),
    ("6037", "Variation des stocks de marchandises"),
    ("604", "Achats d'études et prestations de services"), ("6061", "Fournitures non stockables (eau, énergie)"),
    ("6063", "Fournitures d'entretien et de petit équipement"), ("6064", "Fournitures administratives"),
    ("607", "Achats de marchandises"), ("609", "Rabais, remises et ristournes obtenus sur achats"),
    ("611", "Sous-traitance générale"), ("6132", "Locations immobilières"),
    ("615", "Entretien et réparations"), ("616", "Primes d'assurances"), ("618", "Documentation"),
    ("621", "Personnel extérieur à l'entreprise"), ("6226", "Honoraires"),
    ("623", "Publicité, publications, relations publiques"), ("624", "Transports de biens"),
    ("625", "Déplacements, missions et réceptions"), ("626", "Frais postaux et de télécommunications"),
    ("627", "Services bancaires et assimilés"), ("6333", "Participation à la formation continue"),
    ("635", "Autres impôts, taxes et versements assimilés"), ("6411", "Salaires, appointements"),
    ("6412", "Congés payés"), ("6413", "Primes et gratifications"), ("6451", "Cotisations à l'URSSAF"),
    ("6452", "Cotisations aux mutuelles"), ("6453", "Cotisations aux caisses de retraites"),
    ("6454", "Cotisations à France Travail"), ("647", "Autres charges sociales"),
    ("649", "Remboursements de charges de personnel"), ("651", "Redevances pour concessions, licences"),
    ("654", "Pertes sur créances irrécouvrables"), ("657", "Valeurs comptables des actifs cédés"),
    ("658", "Charges diverses de gestion courante"), ("661", "Charges d'intérêts"),
    ("665", "Escomptes accordés"), ("666", "Pertes de change"),
    ("6811", "Dotations aux amortissements des immobilisations"),
    ("6815", "Dotations aux provisions d'exploitation"), ("6817", "Dotations aux dépréciations des actifs circulants"),
    ("695", "Impôts sur les bénéfices"),
    ("701", "Ventes de produits finis"), ("706", "Prestations de services"), ("707", "Ventes de marchandises"),
    ("708", "Produits des activités annexes"), ("7084", "Mise à disposition de personnel facturée"),
    ("7085", "Ports et frais accessoires facturés"),
    ("709", "Rabais, remises et ristournes accordés"), ("713", "Variation des stocks (en-cours, produits)"),
    ("7135", "Variation des stocks de produits"),
    ("72", "Production immobilisée"), ("74", "Subventions d'exploitation"),
    ("747", "Quote-part des subventions d'investissement virée au résultat"),
    ("757", "Produits des cessions d'éléments d'actif"), ("758", "Produits divers de gestion courante"),
    ("7587", "Indemnités d'assurance"), ("761", "Produits de participations"),
    ("764", "Revenus des valeurs mobilières de placement"), ("765", "Escomptes obtenus"),
    ("766", "Gains de change"), ("7811", "Reprises sur amortissements"),
    ("7815", "Reprises sur provisions d'exploitation"), ("7817", "Reprises sur dépréciations des actifs circulants"),
]

ASSOCIATION_EXTRA = [
    ("102", "Fonds propres sans droit de reprise"), ("103", "Fonds propres avec droit de reprise"),
    ("1081", "Dotations consomptibles"), ("191", "Fonds reportés liés aux legs ou donations"),
    ("194", "Fonds dédiés sur subventions de fonctionnement"),
    ("195", "Fonds dédiés sur contributions financières d'autres organismes"),
    ("196", "Fonds dédiés sur ressources liées à la générosité du public"),
    ("7063", "Parrainages"), ("7541", "Dons manuels"), ("75411", "Dons manuels - dons"),
    ("75412", "Dons manuels - abandons de frais des bénévoles"), ("7542", "Mécénats"), ("7543", "Legs, donations"),
    ("7551", "Contributions financières d'autres organismes"), ("756", "Cotisations"),
    ("7561", "Cotisations sans contrepartie"), ("7562", "Cotisations avec contrepartie"),
    ("6571", "Aides financières"), ("6894", "Reports en fonds dédiés"), ("7894", "Utilisation des fonds dédiés"),
    ("860", "Secours en nature"), ("861", "Mise à disposition gratuite de biens"), ("862", "Prestations"),
    ("864", "Personnel bénévole"), ("870", "Dons en nature"),
    ("871", "Prestations en nature"), ("875", "Bénévolat"),
]

# Company-only equity accounts an association chart does not use.
COMPANY_ONLY = {"101", "108", "455"}

# Standard journals: (code, label, kind, counterpart account code or None).
JOURNALS = [
    ("VT", "Ventes", "sale", None), ("AC", "Achats", "purchase", None), ("BQ1", "Banque", "bank", "5121"),
    ("CA", "Caisse", "cash", "530"), ("OD", "Opérations diverses", "general", None),
    ("PA", "Paie", "payroll", None), ("AN", "À-nouveaux", "opening", None),
]


def chart_for(kind: str) -> list[tuple[str, str]]:
    if kind == "association":
        base = [row for row in PCG_COMMON if row[0] not in COMPANY_ONLY]
        return sorted(base + ASSOCIATION_EXTRA)
    return sorted(PCG_COMMON)


def account_traits(code: str) -> dict:
    """Class, kind, reconcilable and party-required, from the PCG number alone."""
    first = code[0]
    traits = {"account_class": int(first), "reconcilable": False, "party_required": False}
    if first == "1":
        kind = "equity"
    elif first == "2":
        kind = "asset"
    elif first == "3":
        kind = "stock"
    elif first == "4":
        if code.startswith(("411", "416", "4191", "418")):
            kind = "receivable"
        elif code.startswith(("401", "404", "408", "4091")):
            kind = "payable"
        elif code.startswith(("44",)):
            kind = "tax"
        else:
            kind = "third_party"
        traits["reconcilable"] = code.startswith(("40", "41", "421", "425", "467"))
        traits["party_required"] = code.startswith(("401", "404", "411", "416", "421", "425"))
    elif first == "5":
        kind = "cash" if code.startswith("53") else "bank"
        traits["reconcilable"] = code.startswith(("51", "58"))
    elif first == "6":
        kind = "expense"
    elif first == "7":
        kind = "income"
    else:
        kind = "off_balance"
    traits["kind"] = kind
    return traits
