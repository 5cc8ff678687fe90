"""The global search (Ctrl+K, ``mshtdesk find``): people, arrests, NRM referrals and contacts in force,
each kind within the user's scope for it, ranked (``domain.search``), with what opens each hit.

Typing in the search dialog reads like scrolling a list (not recorded; opening a record is); the whole
list leaving the app at once, on the command line, is recorded as one consultation, never with the
search text (it may be a name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.search import MAX_LENGTH, Kind, Rank, SearchText, search_text
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.support_scope import display_name, person_scope
from mshtdesk.store.database import Database
from mshtdesk.store.queries import search as q
from mshtdesk.store.queries.scope import PersonScope

#: Hits in the dialog; the command line may ask for more, up to ``MOST``.
LIMIT = 50
MOST = 1000
NOTE_CHARS = 80


@dataclass(frozen=True)
class SearchResult:
    """One hit: what it is, which record opens, and the words that show it."""

    kind: Kind
    record_id: int
    person_id: int | None  # the person the record belongs to (a person's own id; None for an arrest)
    rank: Rank
    title: str  # a reference, or the person's names and reference
    detail: str  # the kind and date, a referral's or contact's person, a contact's note (first line)
    day: date | None


class SearchService:
    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def kinds(self) -> tuple[Kind, ...]:
        """What this user's search can find (none: the role reads no records to search)."""
        return tuple(k for k in Kind if self._actor.may(Action.READ, k.entity))

    def _scopes(self) -> dict[Kind, PersonScope]:
        kinds = self.kinds()
        if not kinds:
            raise PermissionDeniedError(
                f"Your role ({self._actor.role.label}) has no people, arrests, referrals or contacts "
                "to search."
            )
        return {k: person_scope(self._actor, k.entity) for k in kinds}

    def find(self, text: str, *, limit: int = LIMIT) -> list[SearchResult]:
        """The best ``limit`` hits for ``text`` (an empty list for a blank search)."""
        scopes = self._scopes()
        search = _checked(text)
        if search is None:
            return []
        with self._db.engine.connect() as conn:
            hits = q.find(conn, search, scopes, min(max(limit, 1), MOST))
            shown = q.shown(conn, hits)
        return [_result(h, shown[(h.kind, h.record_id)]) for h in hits if (h.kind, h.record_id) in shown]

    def listing(self, text: str, *, limit: int = LIMIT) -> list[SearchResult]:
        """``find`` for the command line: recorded as one consultation (the count, never the text)."""
        scopes = self._scopes()
        search = _checked(text)
        if search is None:
            raise ValidationError({"text": "Give something to search for: a name, a reference or a word."})
        with self._db.engine.begin() as conn:
            hits = q.find(conn, search, scopes, min(max(limit, 1), MOST))
            shown = q.shown(conn, hits)
            entity = Entity.PERSON if Kind.PERSON in scopes else next(iter(scopes)).entity
            record(
                conn,
                self._actor,
                AuditAction.CONSULT,
                entity,
                "search",
                fields=("search", f"{len(hits)} found"),
            )
        return [_result(h, shown[(h.kind, h.record_id)]) for h in hits if (h.kind, h.record_id) in shown]


def _checked(text: str) -> SearchText | None:
    if len(text) > MAX_LENGTH:
        raise ValidationError({"text": f"A search is at most {MAX_LENGTH} characters."})
    return search_text(text)


def _result(hit: q.Hit, s: q.Shown) -> SearchResult:
    """The words of a hit (its kind is shown beside them): enough to tell two hits apart, and to see
    why one was found (a reference, an operation, a crime reference, the start of a note)."""
    day = "" if s.day is None else s.day.strftime("%d/%m/%Y")
    person = display_name(s.surname, s.forenames, s.person_ref)
    operation = s.operation and f"operation {s.operation}"
    if hit.kind is Kind.PERSON:
        title, detail = person, f"born {day}" if day else "date of birth not recorded"
    elif hit.kind is Kind.ARREST:
        title = s.ref
        detail = ", ".join(
            p for p in (f"arrested {day}", s.district, s.note and f"detainee {s.note}", operation) if p
        )
    elif hit.kind is Kind.REFERRAL:
        crime = s.note and f"crime {s.note}"
        title, detail = s.ref, ", ".join(p for p in (person, f"submitted {day}", crime, operation) if p)
    else:
        line = " ".join(s.note.split())
        note = line if len(line) <= NOTE_CHARS else line[: NOTE_CHARS - 1] + "\u2026"
        title, detail = person, f"contact {day}: {note}"
    return SearchResult(hit.kind, hit.record_id, hit.person_id, hit.rank, title, detail, s.day)
