"""Disposal types, their default ranking and the as-at rule.

The as-at rule is implemented in SQL for the register and the reports (see
``mshtdesk.store.queries.disposals``); the plain-Python version here is the reference the SQL is
tested against, and the one used for a single arrest held in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

NO_DISPOSAL_LABEL = "No disposal recorded"
TOTAL_LABEL = "Total arrests"


@dataclass(frozen=True)
class DisposalKind:
    code: str
    label: str
    default_rank: int  # 1 = highest
    aliases: tuple[str, ...] = ()


#: The seed table's row order (seed 000, A.7.4) is the default ranking.
DEFAULT_DISPOSALS: tuple[DisposalKind, ...] = (
    DisposalKind("CHARGE", "Charge", 1, ("charged",)),
    DisposalKind("OTHER_WARRANT", "Other Warrant", 2, ("warrant",)),
    DisposalKind("OTHER_TRANSFER", "Other Transfer", 3, ("transfer", "transferred")),
    DisposalKind("OTHER", "Other", 4),
    DisposalKind("NFA", "No further action", 5, ("nfa", "no further action", "nfa'd")),
    DisposalKind("BAIL", "Bail", 6, ("bailed", "pre-charge bail", "released on bail")),
    DisposalKind("RUI", "Released under investigation", 7, ("rui",)),
)

RANKING_FOOTNOTE = (
    "The disposal refers to the highest ranked disposal for the offence. One detainee could be arrested "
    "for multiple offences and received multiple disposals, for example arrested for two Modern Slavery "
    "offences, charged with one and NFA'd for the other, this arrest would show 'Charge' in the above table."
)


def _norm(text: str) -> str:
    return " ".join(text.replace("_", " ").replace("\u2019", "'").split()).casefold()


_BY_TEXT: dict[str, str] = {}
for _kind in DEFAULT_DISPOSALS:
    for _text in (_kind.code, _kind.label, *_kind.aliases):
        _BY_TEXT[_norm(_text)] = _kind.code


def parse_disposal(text: str) -> str | None:
    """Return the disposal code for a label, code or accepted abbreviation (NFA, RUI), else None."""
    return _BY_TEXT.get(_norm(text))


def accepted_disposal_words() -> str:
    """The words an import accepts, for error messages."""
    return ", ".join(k.label for k in DEFAULT_DISPOSALS) + " (or NFA, RUI)"


@dataclass(frozen=True)
class Event:
    """One effective disposal event of an offence (superseded and void events already removed)."""

    code: str
    on: date


def offence_disposal_as_at(events: Iterable[Event], as_at: date, rank: Mapping[str, int]) -> str | None:
    """Latest event on or before ``as_at``; a same-day tie goes to the higher-ranked (lower number)."""
    best: tuple[date, int, str] | None = None
    for ev in events:
        if ev.on > as_at:
            continue
        key = (ev.on, -rank[ev.code], ev.code)
        if best is None or key[:2] > best[:2]:
            best = key
    return None if best is None else best[2]


def arrest_disposal_as_at(
    offences: Iterable[Iterable[Event]], as_at: date, rank: Mapping[str, int]
) -> str | None:
    """Highest-ranked of the offences' disposals as at ``as_at``; None when no offence has one yet."""
    found = [d for d in (offence_disposal_as_at(evs, as_at, rank) for evs in offences) if d is not None]
    return min(found, key=lambda c: rank[c]) if found else None


def validate_ranking(codes_in_order: list[str]) -> None:
    """A ranking must name every disposal type exactly once."""
    known = {k.code for k in DEFAULT_DISPOSALS}
    if sorted(codes_in_order) != sorted(known) or len(set(codes_in_order)) != len(codes_in_order):
        raise ValueError(
            "A ranking must list each disposal type exactly once: "
            + ", ".join(k.code for k in DEFAULT_DISPOSALS)
        )
