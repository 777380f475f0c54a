"""CAMT.053 (ISO 20022 BankToCustomerStatement), versions camt.053.001.02 to .001.08, read with lxml.

Statement-level elements are found whatever the namespace (`{*}`); the entries are read by an XSLT bound to the
file's own namespace, so one reader serves every version: the differences that matter here are the entry
status (`<Sts>BOOK</Sts>` up to .07, `<Sts><Cd>` from .08) and the related party (`<Dbtr><Nm>` up to .07,
`<Dbtr><Pty><Nm>` from .08). Only booked entries are kept. Structure is checked: opening (OPBD/PRCD) + Σ entries
= closing (CLBD) and the TxsSummry totals when present; no XSD ships with the installed packages, so the schema
itself is not validated.
"""

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from lxml import etree

from .common import ParsedLine, ParsedStatement, compact_iban, complete, invalid

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
_OPENING = {"OPBD", "PRCD"}
_PREFIX = "urn:iso:std:iso:20022:tech:xsd:camt.053.001."
_VERSIONS = {f"{v:02d}" for v in range(2, 9)}


def _t(element, path: str) -> str:
    found = element.find(path) if element is not None else None
    return (found.text or "").strip() if found is not None else ""


def _signed(raw: str, sign: str, where: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation as error:
        raise invalid(f"{where} : montant illisible « {raw} ».") from error
    if not value.is_finite() or value < 0 or value != value.quantize(Decimal("0.01")):
        raise invalid(f"{where} : montant illisible « {raw} ».")
    if sign not in ("CRDT", "DBIT"):
        raise invalid(f"{where} : sens « {sign} » inconnu (CRDT ou DBIT attendu).")
    value = value.quantize(Decimal("0.01"))
    return value if sign == "CRDT" else -value


def _amount(element, where: str) -> Decimal:
    return _signed(_t(element, "{*}Amt"), _t(element, "{*}CdtDbtInd"), where)


def _iso_day(raw: str, where: str, what: str) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError as error:
        raise invalid(f"{where} : {what} illisible « {raw} ».") from error


# The entries are read by an XSLT (one pass in C over the document): per statement, one tab-separated row per
# entry, then a line "#END". `normalize-space` keeps tabs and line breaks out of the fields. Looking each element
# up from Python instead costs a proxy object per element: several times slower at 50,000 entries.
_END = "#END"
_XSLT = """<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:c="{ns}">
<xsl:output method="text" encoding="utf-8"/>
<xsl:template match="/"><xsl:for-each select="c:Document/c:BkToCstmrStmt/c:Stmt">
<xsl:for-each select="c:Ntry"><xsl:variable name="tx" select="c:NtryDtls/c:TxDtls[1]"/>
<xsl:variable name="rp" select="$tx/c:RltdPties"/>
<xsl:value-of select="normalize-space(c:Sts)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:Amt)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:CdtDbtInd)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:BookgDt)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:ValDt)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:AcctSvcrRef)"/><xsl:text>&#9;</xsl:text>
<xsl:for-each select="c:BkTxCd/c:Domn"><xsl:value-of select="normalize-space(c:Cd)"/>-<xsl:value-of
 select="normalize-space(c:Fmly/c:Cd)"/>-<xsl:value-of select="normalize-space(c:Fmly/c:SubFmlyCd)"/></xsl:for-each>
<xsl:text>&#9;</xsl:text><xsl:value-of select="normalize-space(c:BkTxCd/c:Prtry/c:Cd)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space($tx/c:Refs/c:EndToEndId)"/><xsl:text>&#9;</xsl:text>
<xsl:for-each select="$tx/c:RmtInf/c:Ustrd"><xsl:value-of select="normalize-space(.)"/><xsl:text> </xsl:text>
</xsl:for-each><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(c:AddtlNtryInf)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(($rp/c:Dbtr/c:Nm | $rp/c:Dbtr/c:Pty/c:Nm)[1])"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space(($rp/c:Cdtr/c:Nm | $rp/c:Cdtr/c:Pty/c:Nm)[1])"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space($rp/c:DbtrAcct/c:Id/c:IBAN)"/><xsl:text>&#9;</xsl:text>
<xsl:value-of select="normalize-space($rp/c:CdtrAcct/c:Id/c:IBAN)"/><xsl:text>&#10;</xsl:text>
</xsl:for-each><xsl:text>#END&#10;</xsl:text></xsl:for-each></xsl:template></xsl:stylesheet>"""


@lru_cache(maxsize=8)
def _entries_reader(namespace: str):
    return etree.XSLT(etree.fromstring(_XSLT.format(ns=namespace).encode()))


def _entry_rows(root, namespace: str) -> list[list[list[str]]]:
    """For each statement of the document, its entries' fields (in the stylesheet's order)."""
    statements, current = [], []
    for row in str(_entries_reader(namespace)(root)).split("\n"):
        if row == _END:
            statements.append(current)
            current = []
        elif row:
            current.append(row.split("\t"))
    return statements


def _entry(row: list[str], where: str) -> ParsedLine | None:
    (status, raw_amount, sign, booked, value, bank_ref, domain, proprietary, end_to_end, remittance, additional,
     debtor, creditor, debtor_iban, creditor_iban) = row
    if status and status != "BOOK":
        return None
    amount = _signed(raw_amount, sign, where)
    day = _iso_day(booked[:10], where, "date de comptabilisation")
    if day is None:
        raise invalid(f"{where} : date de comptabilisation (BookgDt) manquante.")
    reference = end_to_end if end_to_end and end_to_end != "NOTPROVIDED" else bank_ref
    name, iban = (debtor, debtor_iban) if amount > 0 else (creditor, creditor_iban)
    code = "-".join(part for part in domain.split("-") if part) or proprietary
    label = remittance.strip() or additional or name or code
    return ParsedLine(date=day, value_date=_iso_day(value[:10], where, "date de valeur"), amount=amount,
                      label=label[:300], reference=reference[:140], counterparty_name=name[:140],
                      counterparty_iban=iban[:34], bank_code=code[:40], source=where)


def _check_summary(stmt, lines: list[ParsedLine], where: str) -> None:
    summary = stmt.find("{*}TxsSummry")
    if summary is None:
        return
    count = _t(summary, "{*}TtlNtries/{*}NbOfNtries")
    if count and count != str(len(lines)):
        raise invalid(f"{where} : {len(lines)} écritures lues, le résumé (TxsSummry) en annonce {count}.")
    net = summary.find("{*}TtlNtries/{*}TtlNetNtry")
    if net is not None:
        announced = _amount(net, f"{where}, résumé (TtlNetNtry)")
        total = sum((line.amount for line in lines), Decimal("0.00"))
        if announced != total:
            raise invalid(f"{where} : total net des écritures {total}, le résumé (TxsSummry) annonce {announced}.")


def _balances(stmt, statement: ParsedStatement, where: str) -> None:
    for balance in stmt.iterfind("{*}Bal"):
        code = _t(balance, "{*}Tp/{*}CdOrPrtry/{*}Cd")
        raw = _t(balance, "{*}Dt/{*}Dt") or _t(balance, "{*}Dt/{*}DtTm")
        day = _iso_day(raw, where, f"date du solde {code}")
        if code in _OPENING and statement.opening_balance is None:
            statement.opening_balance = _amount(balance, f"{where}, solde {code}")
            if statement.start_date is None and day is not None:  # PRCD is dated the day before
                statement.start_date = day + timedelta(days=1) if code == "PRCD" else day
        elif code == "CLBD":
            statement.closing_balance = _amount(balance, f"{where}, solde {code}")
            statement.end_date = statement.end_date or day
    if statement.opening_balance is None or statement.closing_balance is None:
        raise invalid(f"{where} : solde d'ouverture (OPBD) ou de clôture (CLBD) manquant.")


def parse_camt(content: bytes) -> list[ParsedStatement]:
    try:
        root = etree.fromstring(content, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise invalid(f"Fichier CAMT.053 illisible : XML invalide ({str(error)[:150]}).") from error
    namespace = etree.QName(root).namespace or ""
    if not namespace.startswith(_PREFIX) or namespace[len(_PREFIX):] not in _VERSIONS:
        raise invalid(f"Fichier CAMT.053 : version « {namespace or 'sans espace de noms'} » non prise en charge "
                      "(camt.053.001.02 à .08 attendues).")
    if etree.QName(root).localname != "Document":
        raise invalid(f"Fichier CAMT.053 : élément racine <{etree.QName(root).localname}> au lieu de <Document>.")
    rows = _entry_rows(root, namespace)
    statements = []
    for number, stmt in enumerate(root.iterfind(f"{{{namespace}}}BkToCstmrStmt/{{{namespace}}}Stmt"), start=1):
        ident = _t(stmt, "{*}Id") or str(number)
        where = f"Relevé CAMT « {ident} »"
        statement = ParsedStatement(reference=ident[:80], iban=compact_iban(_t(stmt, "{*}Acct/{*}Id/{*}IBAN")),
                                    account_number=_t(stmt, "{*}Acct/{*}Id/{*}Othr/{*}Id"),
                                    currency=_t(stmt, "{*}Acct/{*}Ccy") or "EUR")
        period = stmt.find("{*}FrToDt")
        if period is not None:
            statement.start_date = _iso_day(_t(period, "{*}FrDtTm"), where, "période")
            statement.end_date = _iso_day(_t(period, "{*}ToDtTm"), where, "période")
        _balances(stmt, statement, where)
        own = rows[number - 1] if number <= len(rows) else []
        entries = (_entry(row, f"{where}, écriture {n}") for n, row in enumerate(own, start=1))
        statement.lines = [line for line in entries if line is not None]
        _check_summary(stmt, statement.lines, where)
        statements.append(complete(statement, where))
    if not statements:
        raise invalid("Fichier CAMT.053 sans relevé (Stmt).")
    return statements
