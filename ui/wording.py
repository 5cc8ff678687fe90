"""How counts read in English: "1 arrest", "130 arrests"."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def plural_upto(n: int, cap: int | None, one: str, many: str | None = None) -> str:
    """A count that stopped at ``cap``: "10,000+ contacts" when it reached it (there may be more);
    ``cap`` None: the count is exact."""
    return f"{cap:,}+ {many or one + 's'}" if cap is not None and n >= cap else plural(n, one, many)


#: What each role may do, in a sentence, for the Add user dialog (the matrix itself is in the core).
ROLE_SUMMARY = {
    "administrator": "Adds and deactivates users; manages reference lists, Haven House beds and the working "
    "calendar; reads the audit log. No access to arrests or victims.",
    "manager": "Reads and exports arrests, the published tables, the victim pathway and the COM reports.",
    "htt-officer": "Adds, imports and updates arrests, people and NRM referrals; assigns VLOs and refers "
    "victims to Navigators.",
    "vlo": "Reads and updates the victims assigned to them and logs contacts; reads arrests to tell "
    "victims of decisions.",
    "navigator": "Keeps the cases of the people referred to them and reads those people's records. "
    "No access to arrests.",
    "haven-house": "Admits and discharges Haven House residents (anonymous stays allowed). "
    "No access to arrests.",
    "auditor": "Reads and exports the audit log; nothing else.",
}
