"""Offence types and how a custody system's offence text maps onto them.

An unfamiliar offence text is never an error: it is kept verbatim as an "other offence flagged as
modern slavery", because the custody export only contains offences the force flagged as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


@dataclass(frozen=True)
class OffenceKind:
    code: str
    label: str
    legislation: str
    section: str
    is_msa: bool


OTHER_MS = "OTHER_MS"

OFFENCE_KINDS: tuple[OffenceKind, ...] = (
    OffenceKind(
        "MSA-1", "Slavery, servitude and forced or compulsory labour", "Modern Slavery Act 2015", "s.1", True
    ),
    OffenceKind("MSA-2", "Human trafficking", "Modern Slavery Act 2015", "s.2", True),
    OffenceKind(
        "MSA-4",
        "Committing an offence with intent to commit human trafficking",
        "Modern Slavery Act 2015",
        "s.4",
        True,
    ),
    OffenceKind(
        "MSA-30-1",
        "Breach of a slavery and trafficking prevention or risk order",
        "Modern Slavery Act 2015",
        "s.30(1)",
        True,
    ),
    OffenceKind(
        "MSA-30-2",
        "Failing to comply with a passport or name and address requirement",
        "Modern Slavery Act 2015",
        "s.30(2)",
        True,
    ),
    OffenceKind(
        "CJA-71",
        "Slavery, servitude and forced or compulsory labour (before the 2015 Act)",
        "Coroners and Justice Act 2009",
        "s.71",
        False,
    ),
    OffenceKind(
        "AIA-4",
        "Trafficking people for exploitation (before the 2015 Act)",
        "Asylum and Immigration (Treatment of Claimants, etc.) Act 2004",
        "s.4",
        False,
    ),
    OffenceKind(
        "SOA-57-59A",
        "Trafficking for sexual exploitation (before the 2015 Act)",
        "Sexual Offences Act 2003",
        "ss.57-59A",
        False,
    ),
    OffenceKind(
        "NIAA-145",
        "Trafficking for prostitution (before the 2003 Act)",
        "Nationality, Immigration and Asylum Act 2002",
        "s.145",
        False,
    ),
    OffenceKind(OTHER_MS, "Other offence flagged as modern slavery", "", "", False),
)

_CODES = {k.code.casefold(): k.code for k in OFFENCE_KINDS}
_LABELS = {k.label.casefold(): k.code for k in OFFENCE_KINDS if k.code != OTHER_MS}
_SECTION = re.compile(r"(?:\b(?:ss?|sec|sect|section)|§)\s*\.?\s*(\d+[a-z]?)\s*(?:\(\s*(\d+)\s*\))?")
_ACTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"modern slavery|\bm\.?s\.?a\.?(?:\s*(?:20)?15)?\b|\bmsa(?:20)?15\b"), "MSA"),
    (re.compile(r"coroners (?:and|&) justice|\bc\s*(?:&|and)?\s*ja\b|\bcja\s*(?:20)?09\b"), "CJA"),
    (
        re.compile(
            r"asylum (?:and|&) immigration|treatment of claimants|\baia\b|\bai\s*\(?\s*to?c\s*\)?\s*a\b"
        ),
        "AIA",
    ),
    (re.compile(r"sexual offences|\bsoa\b|\bsoa\s*(?:20)?03\b"), "SOA"),
    (re.compile(r"nationality,? immigration|\bniaa\b"), "NIAA"),
)
#: The statutory wording of the offences, as a custody system's offence title gives it without naming
#: the Act ("Hold person in slavery or servitude"). A conspiracy, attempt or incitement is another
#: offence (of the Criminal Law Act 1977 and others) and is not read as the substantive one.
_WORDING: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bhold(?:s|ing)? (?:a |another )?persons? in slavery(?: or servitude)?"), "MSA-1"),
    (re.compile(r"\bhold(?:s|ing)? (?:a |another )?persons? in servitude"), "MSA-1"),
    (
        re.compile(r"\brequir(?:e|es|ing) (?:a |another )?persons? to perform forced or compulsory labou?r"),
        "MSA-1",
    ),
    (
        re.compile(r"\barrang(?:e|es|ing) (?:or facilitat(?:e|es|ing) )?(?:the )?travel of (?:an)?other"),
        "MSA-2",
    ),
    (re.compile(r"\bfacilitat(?:e|es|ing) (?:the )?travel of (?:an)?other"), "MSA-2"),
    (
        re.compile(
            r"\boffences? with intent to commit (?:an offence under (?:section|s\.?) ?2|human trafficking)"
        ),
        "MSA-4",
    ),
    (
        re.compile(
            r"\bbreach(?:ing)? (?:of )?(?:an? )?(?:interim )?"
            r"slavery (?:and|&) trafficking (?:prevention|risk) order"
        ),
        "MSA-30-1",
    ),
    (re.compile(r"\bbreach(?:ing)? (?:of )?(?:an? )?(?:interim )?(?:stpo|stro)\b"), "MSA-30-1"),
    (
        re.compile(
            r"\btraffic(?:k)?(?:ing)? (?:in|into|within|out of) (?:the )?(?:uk|united kingdom) "
            r"for sexual exploitation"
        ),
        "SOA-57-59A",
    ),
    (
        re.compile(
            r"\btraffic(?:k)?(?:ing)? (?:people |persons? )?(?:in|into|within|out of) "
            r"(?:the )?(?:uk|united kingdom) for exploitation"
        ),
        "AIA-4",
    ),
    (re.compile(r"\btraffic(?:k)?(?:ing)? (?:in|for) prostitution"), "NIAA-145"),
)
_INCHOATE = re.compile(r"\b(?:conspir\w*|attempt\w*|incit\w*|encourag\w*|assist\w*)\b")


class Legislation(StrEnum):
    """The rows of the COM table of legislation used: the three offences of the 2015 Act that the PCC
    asks about, the offences that came before it, and everything else."""

    MSA_1 = "Modern Slavery Act 2015 s.1"
    MSA_2 = "Modern Slavery Act 2015 s.2"
    MSA_4 = "Modern Slavery Act 2015 s.4"
    EARLIER = "Earlier legislation"
    OTHER = "Other"


#: Offence type code -> its row; a code not listed (s.30 breaches, other offences) is Other.
LEGISLATION_OF_KIND: dict[str, Legislation] = {
    "MSA-1": Legislation.MSA_1,
    "MSA-2": Legislation.MSA_2,
    "MSA-4": Legislation.MSA_4,
    "CJA-71": Legislation.EARLIER,
    "AIA-4": Legislation.EARLIER,
    "SOA-57-59A": Legislation.EARLIER,
    "NIAA-145": Legislation.EARLIER,
}


def legislation_of(code: str, text: str = "") -> Legislation:
    """The legislation an offence is under: from its offence type, or, for an "other offence" (a text the
    import did not recognise when it came in, perhaps before the recogniser knew its spelling), from
    its text read again now."""
    if code in LEGISLATION_OF_KIND:
        return LEGISLATION_OF_KIND[code]
    if code != OTHER_MS or not text.strip():
        return Legislation.OTHER
    return LEGISLATION_OF_KIND.get(recognise_offence(text), Legislation.OTHER)


def offence_title(legislation: str, section: str, label: str) -> str:
    """How a person reads an offence type: "Modern Slavery Act 2015 s.2 - Human trafficking"."""
    law = f"{legislation} {section}".strip()
    return f"{law} - {label}" if law else label


@lru_cache(maxsize=4096)  # an export repeats a handful of offence texts thousands of times
def recognise_offence(text: str) -> str:
    """Map custody offence text (or one of our codes) to an offence type code; OTHER_MS if unrecognised."""
    s = " ".join(text.casefold().split())
    if s in _CODES:
        return _CODES[s]
    if s in _LABELS:
        return _LABELS[s]
    act = next((name for pattern, name in _ACTS if pattern.search(s)), None)
    m = _SECTION.search(s)
    if act is None or m is None:
        if _INCHOATE.search(s):
            return OTHER_MS
        return next((code for pattern, code in _WORDING if pattern.search(s)), OTHER_MS)
    section, sub = m.group(1), m.group(2)
    if act == "MSA":
        if section in ("1", "2", "4"):
            return f"MSA-{section}"
        if section == "30" and sub in ("1", "2"):
            return f"MSA-30-{sub}"
    elif act == "CJA" and section == "71":
        return "CJA-71"
    elif act == "AIA" and section == "4":
        return "AIA-4"
    elif act == "SOA" and section in ("57", "58", "58a", "59", "59a"):
        return "SOA-57-59A"
    elif act == "NIAA" and section == "145":
        return "NIAA-145"
    return OTHER_MS
