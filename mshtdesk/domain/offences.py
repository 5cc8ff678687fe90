"""Offence types and how a custody system's offence text maps onto them.

An unfamiliar offence text is never an error: it is kept verbatim as an "other offence flagged as
modern slavery", because the custody export only contains offences the force flagged as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
_SECTION = re.compile(r"\b(?:ss?|sec|section)\s*\.?\s*(\d+[a-z]?)\s*(?:\(\s*(\d+)\s*\))?")
_ACTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"modern slavery|\bmsa\b"), "MSA"),
    (re.compile(r"coroners and justice|\bcja\b"), "CJA"),
    (re.compile(r"asylum and immigration|treatment of claimants|\baia\b"), "AIA"),
    (re.compile(r"sexual offences|\bsoa\b"), "SOA"),
    (re.compile(r"nationality,? immigration|\bniaa\b"), "NIAA"),
)


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
    act = next((name for pattern, name in _ACTS if pattern.search(s)), None)
    m = _SECTION.search(s)
    if act is None or m is None:
        return OTHER_MS
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
