"""How counts read in English: "1 arrest", "130 arrests"."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


#: What each role may do, in a sentence, for the Add user dialog (the matrix itself is in the core).
ROLE_SUMMARY = {
    "administrator": "Adds and deactivates users, manages reference lists, reads the audit log. "
    "No access to arrests.",
    "manager": "Reads and exports arrests and the published tables.",
    "htt-officer": "Adds, imports and updates arrests and disposals; reads and exports the tables.",
    "vlo": "Reads arrests, to tell their victims of charges, bail or release.",
    "navigator": "Victim pathway pages (next release); no access to arrests or tables.",
    "haven-house": "Victim pathway pages (next release); no access to arrests or tables.",
    "auditor": "Reads and exports the audit log; nothing else.",
}
