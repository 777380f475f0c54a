"""Statement files as a bank would send them (OFX 1.02 SGML, CAMT.053, CFONB 120), built from parsed lines.

Used by the demo (the bank's side of the year, imported through the real importers), by the tests (sample and
mutated files) and by the benchmark (50,000-line files). Amounts are Decimal, signed from the holder's side.
"""

from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from .parsers.common import ParsedLine

CAMT_VERSIONS = ("02", "03", "04", "05", "06", "07", "08")


def _iban_parts(iban: str) -> tuple[str, str, str, str]:
    """(bank code, branch code, account number, RIB key) of a French IBAN."""
    return iban[4:9], iban[9:14], iban[14:25], iban[25:27]


def _sgml(value: str) -> str:
    return escape(value).replace("\n", " ")


def ofx_file(*, iban: str, start: date, end: date, closing_balance: Decimal, lines: list[ParsedLine]) -> bytes:
    bank, branch, number, _ = _iban_parts(iban)
    out = ["OFXHEADER:100", "DATA:OFXSGML", "VERSION:102", "SECURITY:NONE", "ENCODING:USASCII", "CHARSET:1252",
           "COMPRESSION:NONE", "OLDFILEUID:NONE", "NEWFILEUID:NONE", "",
           "<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS>"
           f"<DTSERVER>{end:%Y%m%d}120000<LANGUAGE>FRA</SONRS></SIGNONMSGSRSV1>",
           "<BANKMSGSRSV1><STMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><STMTRS><CURDEF>EUR",
           f"<BANKACCTFROM><BANKID>{bank}<BRANCHID>{branch}<ACCTID>{number}<ACCTTYPE>CHECKING</BANKACCTFROM>",
           f"<BANKTRANLIST><DTSTART>{start:%Y%m%d}<DTEND>{end:%Y%m%d}"]
    for line in lines:
        kind = "CREDIT" if line.amount > 0 else "DEBIT"
        memo = f"<MEMO>{_sgml(line.label[:255])}" if line.label else ""
        out.append(f"<STMTTRN><TRNTYPE>{line.bank_code or kind}<DTPOSTED>{line.date:%Y%m%d}"
                   f"<TRNAMT>{line.amount:.2f}<FITID>{_sgml(line.reference)}"
                   f"<NAME>{_sgml((line.counterparty_name or line.label)[:32])}{memo}</STMTTRN>")
    out.append(f"</BANKTRANLIST><LEDGERBAL><BALAMT>{closing_balance:.2f}<DTASOF>{end:%Y%m%d}</LEDGERBAL>"
               "</STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>")
    return ("\r\n".join(out) + "\r\n").encode("cp1252", errors="replace")


def _balance(code: str, amount: Decimal, day: date) -> str:
    return (f"<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy=\"EUR\">{abs(amount):.2f}</Amt>"
            f"<CdtDbtInd>{'CRDT' if amount >= 0 else 'DBIT'}</CdtDbtInd><Dt><Dt>{day:%Y-%m-%d}</Dt></Dt></Bal>")


def _party(version: str, role: str, name: str, iban: str) -> str:
    """Related party: `<Dbtr><Nm>` up to .07, `<Dbtr><Pty><Nm>` from .08 on."""
    if not name and not iban:
        return ""
    named = f"<Nm>{escape(name[:140])}</Nm>" if name else ""
    party = f"<{role}><Pty>{named}</Pty></{role}>" if version >= "08" else f"<{role}>{named}</{role}>"
    account = f"<{role}Acct><Id><IBAN>{iban}</IBAN></Id></{role}Acct>" if iban else ""
    return party + account


def camt053_file(*, iban: str, start: date, end: date, opening_balance: Decimal, lines: list[ParsedLine],
                 version: str = "02", message_id: str = "STMT") -> bytes:
    """A camt.053.001.<version> message with one statement, its balances and a TxsSummry."""
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version}"
    total = sum((line.amount for line in lines), Decimal("0.00"))
    credits = [line.amount for line in lines if line.amount > 0]
    debits = [-line.amount for line in lines if line.amount < 0]
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "08" else "<Sts>BOOK</Sts>"
    out = [f'<?xml version="1.0" encoding="UTF-8"?><Document xmlns="{ns}"><BkToCstmrStmt>',
           f"<GrpHdr><MsgId>{escape(message_id)}</MsgId><CreDtTm>{end:%Y-%m-%d}T20:00:00</CreDtTm></GrpHdr>",
           f"<Stmt><Id>{escape(message_id)}-1</Id><CreDtTm>{end:%Y-%m-%d}T20:00:00</CreDtTm>",
           f"<FrToDt><FrDtTm>{start:%Y-%m-%d}T00:00:00</FrDtTm><ToDtTm>{end:%Y-%m-%d}T23:59:59</ToDtTm></FrToDt>",
           f"<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>",
           _balance("OPBD", opening_balance, start), _balance("CLBD", opening_balance + total, end),
           f"<TxsSummry><TtlNtries><NbOfNtries>{len(lines)}</NbOfNtries><Sum>{sum(credits) + sum(debits):.2f}</Sum>"
           f"<TtlNetNtry><Amt>{abs(total):.2f}</Amt><CdtDbtInd>{'CRDT' if total >= 0 else 'DBIT'}</CdtDbtInd>"
           f"</TtlNetNtry></TtlNtries><TtlCdtNtries><NbOfNtries>{len(credits)}</NbOfNtries>"
           f"<Sum>{sum(credits):.2f}</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>{len(debits)}</NbOfNtries>"
           f"<Sum>{sum(debits):.2f}</Sum></TtlDbtNtries></TxsSummry>"]
    for number, line in enumerate(lines, start=1):
        credit = line.amount > 0
        family = line.bank_code or ("RCDT-ESCT" if credit else "ICDT-ESCT")
        domain, _, sub = family.partition("-")
        role = "Dbtr" if credit else "Cdtr"
        value = f"<ValDt><Dt>{line.value_date:%Y-%m-%d}</Dt></ValDt>" if line.value_date else ""
        out.append(
            f"<Ntry><NtryRef>{number}</NtryRef><Amt Ccy=\"EUR\">{abs(line.amount):.2f}</Amt>"
            f"<CdtDbtInd>{'CRDT' if credit else 'DBIT'}</CdtDbtInd>{status}"
            f"<BookgDt><Dt>{line.date:%Y-%m-%d}</Dt></BookgDt>{value}"
            f"<AcctSvcrRef>{escape(message_id)}-{number}</AcctSvcrRef>"
            f"<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>{domain}</Cd><SubFmlyCd>{sub or 'OTHR'}</SubFmlyCd></Fmly>"
            f"</Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>{escape(line.reference or 'NOTPROVIDED')}"
            f"</EndToEndId></Refs><Amt Ccy=\"EUR\">{abs(line.amount):.2f}</Amt>"
            f"<RltdPties>{_party(version, role, line.counterparty_name, line.counterparty_iban)}</RltdPties>"
            f"<RmtInf><Ustrd>{escape(line.label[:140])}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>")
    out.append("</Stmt></BkToCstmrStmt></Document>")
    return "".join(out).encode()


_POSITIVE = "{ABCDEFGHI"
_NEGATIVE = "}JKLMNOPQR"


def cfonb_amount(amount: Decimal, decimals: int = 2) -> str:
    """14 characters: 13 digits then the last digit and the sign merged ({, A–I positive; }, J–R negative)."""
    digits = f"{abs(amount) * (10 ** decimals):014.0f}"
    table = _NEGATIVE if amount < 0 else _POSITIVE
    return digits[:13] + table[int(digits[13])]


def _cfonb_record(code: str, bank: str, branch: str, number: str, day: date, amount: Decimal, *, label: str = "",
                  value: date | None = None, reference: str = "", interbank: str = "", entry: str = "") -> str:
    """One 120-character record 01, 04 or 07 (positions of the CFONB "relevé de compte 120 caractères")."""
    return (f"{code}{bank}{'0001' if code == '04' else '    '}{branch}EUR2 {number}{interbank:<2}{day:%d%m%y}  "
            f"{value.strftime('%d%m%y') if value else '':<6}{label[:31]:<31}  {entry[:7]:<7}  "
            f"{cfonb_amount(amount)}{reference[:16]:<16}")


def cfonb120_file(*, iban: str, start: date, end: date, opening_balance: Decimal,
                  lines: list[ParsedLine]) -> bytes:
    """Record 01 (old balance), 04 per movement (and a 05 "LIB" complement when the label is longer), 07."""
    bank, branch, number, _ = _iban_parts(iban)
    out = [_cfonb_record("01", bank, branch, number, start, opening_balance)]
    for n, line in enumerate(lines, start=1):
        interbank = "05" if line.amount > 0 else "06"
        out.append(_cfonb_record("04", bank, branch, number, line.date, line.amount, label=line.label,
                                 value=line.value_date or line.date, reference=line.reference,
                                 interbank=interbank, entry=f"{n:07d}"))
        if len(line.label) > 31:
            out.append(f"05{bank}0001{branch}EUR2 {number}{interbank}{line.date:%d%m%y}     LIB"
                       f"{line.label[31:101]:<70}  ")
    closing = opening_balance + sum((line.amount for line in lines), Decimal("0.00"))
    out.append(_cfonb_record("07", bank, branch, number, end, closing))
    return ("\r\n".join(out) + "\r\n").encode("cp1252", errors="replace")
