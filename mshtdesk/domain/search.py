"""The global search's rules: what a search text becomes, which records it may reach, how hits rank.

A search is folded like a name (``domain.names.fold``: case, diacritics, script), so "stefan" finds
"Ştefan" and "Стефан". Words of three letters or more are looked up anywhere in a record (a trigram
index); a search of fewer than three letters only matches the start of a reference or a name, since
two letters occur in almost everything. Hits rank: the exact reference first, then a reference or name
that starts with the text (or a word of the name that does), then anything holding it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

from mshtdesk.domain.names import fold
from mshtdesk.domain.roles import Entity

#: The longest search accepted: a name, a reference or a phrase of a note, never a document.
MAX_LENGTH = 200
#: Shorter than this (once folded, spaces aside): reference or name prefix only.
PARTIAL_FROM = 3


class Kind(StrEnum):
    """What a hit is; the order is the order of kinds within a rank."""

    PERSON = "person"
    REFERRAL = "referral"
    ARREST = "arrest"
    CONTACT = "contact"

    @property
    def entity(self) -> Entity:
        """The entity whose grant (and record scope) decides whether a user may find this kind."""
        return _ENTITY[self]

    @property
    def label(self) -> str:
        return _LABEL[self]


_ENTITY = {
    Kind.PERSON: Entity.PERSON,
    Kind.REFERRAL: Entity.NRM_REFERRAL,
    Kind.ARREST: Entity.ARREST,
    Kind.CONTACT: Entity.VLO_CONTACT,
}
_LABEL = {
    Kind.PERSON: "Person",
    Kind.REFERRAL: "NRM referral",
    Kind.ARREST: "Arrest",
    Kind.CONTACT: "Contact",
}
KIND_ORDER = {k: i for i, k in enumerate(Kind)}


class Rank(IntEnum):
    EXACT_REFERENCE = 0
    PREFIX = 1
    PARTIAL = 2


@dataclass(frozen=True)
class SearchText:
    """A search as the index sees it: ``folded`` whole (spaces evened), and its words; ``plain``: as
    typed, controls dropped and spaces evened (for a store that folds otherwise)."""

    folded: str
    plain: str = ""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.folded.split())

    @property
    def partial(self) -> bool:
        """Long enough to be looked for anywhere, not only at the start of a reference or name."""
        return len(self.folded.replace(" ", "")) >= PARTIAL_FROM

    @property
    def indexed_words(self) -> tuple[str, ...]:
        """The words the trigram index can look up (three letters or more)."""
        return tuple(w for w in self.words if len(w) >= PARTIAL_FROM)


def search_text(text: str) -> SearchText | None:
    """The folded search, or None when nothing is left to look for (blank, or only punctuation and
    controls). Control characters are dropped: they can only come from a paste."""
    cleaned = "".join(c if c.isprintable() else " " for c in text)
    folded = " ".join(fold(cleaned).split())
    return SearchText(folded, " ".join(cleaned.split())) if folded else None


def rank(search: SearchText, ref: str, name: str) -> Rank:
    """How well a hit's folded reference and name answer ``search`` (anything else found: partial)."""
    q = search.folded
    if ref and ref == q:
        return Rank.EXACT_REFERENCE
    if (ref and ref.startswith(q)) or (name and (name.startswith(q) or f" {q}" in f" {_words(name)}")):
        return Rank.PREFIX
    return Rank.PARTIAL


def _words(name: str) -> str:
    """The name with hyphens, apostrophes and other marks as spaces (Al-Amin, O'Neill: two words)."""
    return "".join(c if c.isalnum() else " " for c in name)
