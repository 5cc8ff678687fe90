"""The global search: people, arrests, NRM referrals and contacts in force, within the user's scope.

On SQLite it reads ``search_entry`` and its FTS5 trigram index (``store/search_index.py``) in three
bounded steps: the exact reference and the reference or name prefixes through B-tree indexes, then
(for a text of three letters or more) records holding every word, through the trigram index for kinds
seen force-wide and through the user's own people for a narrowed scope (a VLO's caseload is read
whole faster than the force's matches are filtered). Each step stops at ``limit``.

On PostgreSQL it reads the tables themselves, folded by ``pg_fold`` (case and single-letter diacritics
and Cyrillic; the multi-letter transliterations of ``domain.names`` are SQLite's only), which the
``pg_trgm`` indexes of migration 0013 answer where the extension is installed; without it the same
LIKE scans.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    Select,
    Table,
    and_,
    case,
    column,
    false,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    union_all,
)

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.names import TRANSLITERATION
from mshtdesk.domain.search import Kind, Rank, SearchText, rank
from mshtdesk.store.queries.contacts import live
from mshtdesk.store.queries.scope import PersonScope, people_in_scope, person_in_scope
from mshtdesk.store.tables import (
    ARREST,
    DISTRICT,
    NRM_REFERRAL,
    PERSON,
    SEARCH_ENTRY,
    VLO_CONTACT,
)

_E = SEARCH_ENTRY


class Hit(NamedTuple):
    kind: Kind
    record_id: int
    person_id: int | None
    rank: Rank


def find(conn: Connection, search: SearchText, scopes: Mapping[Kind, PersonScope], limit: int) -> list[Hit]:
    """Up to ``limit`` hits, best first; ``scopes`` holds only the kinds the user may see at all."""
    if not scopes or limit <= 0:
        return []
    if conn.dialect.name == "sqlite":
        hits = _find_sqlite(conn, search, scopes, limit)
    else:
        hits = _find_tables(conn, search, scopes, limit)
    return sorted(hits, key=lambda h: (h.rank, list(Kind).index(h.kind), h.record_id))[:limit]


# ----- SQLite: the index ---------------------------------------------------------------------------
def _scoped(scopes: Mapping[Kind, PersonScope]) -> list[ColumnElement[bool]]:
    """Entries of the kinds in ``scopes``, each within its own scope (correlated: for few rows); no
    condition at all when every kind is seen force-wide."""
    if len(scopes) == len(Kind) and all(people_in_scope(s) is None for s in scopes.values()):
        return []
    # ``kind || ''``: an expression, so the planner keeps to the reference or name index it was given
    kind_of = _E.c.kind.op("||")(literal_column("''"))
    parts = []
    for kind, scope in scopes.items():
        condition = person_in_scope(scope, _E.c.person_id)
        parts.append(kind_of == kind.value if condition is None else and_(kind_of == kind.value, condition))
    return [or_(*parts)]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _holds_words(search: SearchText, *, only_short: bool) -> list[ColumnElement[bool]]:
    """Every word of the search somewhere in the entry (a LIKE per word; ``only_short``: the words the
    trigram index cannot look up, which the index's match leaves to check)."""
    words = [w for w in search.words if not only_short or len(w) < 3]
    whole = _E.c.ref + " " + _E.c.name + " " + _E.c.body
    return [whole.like(f"%{_escape(w)}%", escape="\\") for w in words]


def _find_sqlite(
    conn: Connection, search: SearchText, scopes: Mapping[Kind, PersonScope], limit: int
) -> list[Hit]:
    q, upper = search.folded, search.folded + "\U0010ffff"
    cols = (_E.c.id, _E.c.kind, _E.c.record_id, _E.c.person_id, _E.c.ref, _E.c.name)
    # literal '': the partial indexes (WHERE ref != '') are used only for the very same term
    has_ref, has_name = _E.c.ref != literal_column("''"), _E.c.name != literal_column("''")
    scoped = _scoped(scopes)
    steps: list[Select[Any]] = [
        select(*cols).where(has_ref, _E.c.ref == q, *scoped).limit(limit),
        select(*cols).where(has_ref, _E.c.ref >= q, _E.c.ref < upper, *scoped).limit(limit),
        select(*cols).where(has_name, _E.c.name >= q, _E.c.name < upper, *scoped).limit(limit),
    ]
    if search.partial:
        wide = [k for k, s in scopes.items() if people_in_scope(s) is None]
        if search.indexed_words:  # words of two letters alone are prefix-only force-wide
            match = " AND ".join('"' + w.replace('"', '""') + '"' for w in search.indexed_words)
            records = [k.value for k in wide if k is not Kind.CONTACT]
            for table, kinds in (("search_fts", records), ("search_note_fts", [Kind.CONTACT.value])):
                if not set(kinds) & {k.value for k in wide}:
                    continue
                found = (
                    text(f"SELECT rowid AS id FROM {table} WHERE {table} MATCH :match")
                    .bindparams(match=match)
                    .columns(column("id", Integer))
                    .subquery("found")
                )
                steps.append(
                    select(*cols)
                    .select_from(found.join(_E, _E.c.id == found.c.id))
                    .where(_E.c.kind.in_(kinds), *_holds_words(search, only_short=True))
                    .limit(limit)
                )
        for kind, scope in scopes.items():
            people = people_in_scope(scope)
            if people is not None:
                steps.append(
                    select(*cols)
                    .where(
                        _E.c.person_id.in_(people.scalar_subquery()),
                        _E.c.kind == kind.value,
                        *_holds_words(search, only_short=False),
                    )
                    .limit(limit)
                )
    rows: dict[int, Any] = {}
    for stmt in steps:
        rows.update((r.id, r) for r in conn.execute(stmt))
    return [
        Hit(Kind(r.kind), int(r.record_id), r.person_id, rank(search, r.ref, r.name)) for r in rows.values()
    ]


# ----- PostgreSQL: the tables ----------------------------------------------------------------------
def _single_letter_folds() -> tuple[str, str]:
    """Letters (both cases) that fold to one other letter: what ``translate`` can do in SQL."""
    source, target = [], []
    for code in list(range(0xC0, 0x250)) + list(range(0x400, 0x460)):
        ch = chr(code)
        base = unicodedata.normalize("NFKD", ch.lower()).translate(TRANSLITERATION)
        base = "".join(c for c in base if not unicodedata.combining(c))
        if len(base) == 1 and base != ch and base.isascii():
            source.append(ch)
            target.append(base)
    return "".join(source), "".join(target)


PG_FOLD_FROM, PG_FOLD_TO = _single_letter_folds()
_PG_TABLE = str.maketrans(PG_FOLD_FROM, PG_FOLD_TO)


def pg_fold_text(value: str) -> str:
    """The search text as ``pg_fold`` folds the tables' text."""
    return " ".join(value.lower().translate(_PG_TABLE).split())


def pg_fold(column: ColumnElement[str]) -> ColumnElement[str]:
    """``lower`` then ``translate`` with the letters as literals, so that the expression in a query is
    the very one the trigram index was built on (bound values would not match it)."""
    source: ColumnElement[str] = literal_column(f"'{PG_FOLD_FROM}'")
    target: ColumnElement[str] = literal_column(f"'{PG_FOLD_TO}'")
    return func.translate(func.lower(column), source, target)


class _Source(NamedTuple):
    kind: Kind
    table: Table
    person: ColumnElement[Any] | None
    ref: ColumnElement[str] | None
    name: ColumnElement[str] | None
    text: tuple[ColumnElement[str], ...]  # every searchable column, the reference and name first


def pg_sources() -> tuple[_Source, ...]:
    """Each kind's searchable columns (migration 0013 indexes ``whole`` of each)."""
    person_name = PERSON.c.surname + " " + PERSON.c.forenames
    return (
        _Source(
            Kind.PERSON,
            PERSON,
            PERSON.c.id,
            PERSON.c.person_ref,
            person_name,
            (PERSON.c.person_ref, PERSON.c.surname, PERSON.c.forenames, PERSON.c.aliases),
        ),
        _Source(
            Kind.ARREST,
            ARREST,
            None,
            ARREST.c.custody_ref,
            None,
            (ARREST.c.custody_ref, ARREST.c.detainee_ref, ARREST.c.operation),
        ),
        _Source(
            Kind.REFERRAL,
            NRM_REFERRAL,
            NRM_REFERRAL.c.person_id,
            NRM_REFERRAL.c.referral_ref,
            None,
            (NRM_REFERRAL.c.referral_ref, NRM_REFERRAL.c.crime_ref, NRM_REFERRAL.c.operation),
        ),
        _Source(Kind.CONTACT, VLO_CONTACT, VLO_CONTACT.c.person_id, None, None, (VLO_CONTACT.c.summary,)),
    )


def whole(source: _Source) -> ColumnElement[str]:
    """The kind's searchable text in one folded string (columns joined by a space)."""
    joined = source.text[0]
    for col in source.text[1:]:
        joined = joined + literal_column("' '") + col
    return pg_fold(joined)


def _find_tables(
    conn: Connection, search: SearchText, scopes: Mapping[Kind, PersonScope], limit: int
) -> list[Hit]:
    search = SearchText(pg_fold_text(search.plain or search.folded))  # folded as pg_fold folds the tables
    q = search.folded
    pattern = _escape(q)
    parts = []
    for source in pg_sources():
        scope = scopes.get(source.kind)
        if scope is None:
            continue
        ref = None if source.ref is None else pg_fold(source.ref)
        name = None if source.name is None else pg_fold(source.name)
        starts = [c.like(f"{pattern}%", escape="\\") for c in (ref, name) if c is not None]
        if name is not None:  # a word of the name (a forename) starting with the text
            starts.append(name.like(f"% {pattern}%", escape="\\"))
        prefix: ColumnElement[bool] = or_(*starts) if starts else false()
        found = prefix
        if search.partial:  # a reference or name starting with the text holds its words too
            found = and_(*(whole(source).like(f"%{_escape(w)}%", escape="\\") for w in q.split()))
        conditions = [found]
        if source.kind is Kind.CONTACT:
            conditions.append(live())
        if source.kind is Kind.PERSON:  # merged into another: that person's entry stands for them
            conditions.append(PERSON.c.merged_into_id.is_(None))
        if source.person is not None:
            narrowed = person_in_scope(scope, source.person)
            if narrowed is not None:
                conditions.append(narrowed)
        order = case(*([(ref == q, 0)] if ref is not None else []), (prefix, 1), else_=2)
        person = source.person if source.person is not None else null().cast(Integer)
        parts.append(
            select(
                literal(source.kind.value).label("kind"),
                source.table.c.id.label("record_id"),
                person.label("person_id"),
                order.label("tier"),
                (ref if ref is not None else literal_column("''")).label("ref"),
                (name if name is not None else literal_column("''")).label("name"),
            )
            .where(*conditions)
            .order_by(order)
            .limit(limit)
        )
    if not parts:
        return []
    every = union_all(*(p.subquery().select() for p in parts)).subquery()
    stmt = select(every).order_by(every.c.tier).limit(limit)
    folded = SearchText(q)  # ranked as on SQLite, over the same light folding as the tables
    return [
        Hit(Kind(r.kind), int(r.record_id), r.person_id, rank(folded, r.ref, r.name))
        for r in conn.execute(stmt)
    ]


# ----- what a hit shows --------------------------------------------------------------------------------
class Shown(NamedTuple):
    """A hit's words: the record's reference and names, its date, and for a contact its note."""

    kind: Kind
    record_id: int
    person_id: int | None
    ref: str
    surname: str
    forenames: str
    person_ref: str
    day: date | None
    district: str
    note: str  # a contact's note; an arrest's detainee reference
    operation: str


def shown(conn: Connection, hits: Iterable[Hit]) -> dict[tuple[Kind, int], Shown]:
    """What each hit shows, read from its table by id (the hits are already within scope)."""
    ids: dict[Kind, list[int]] = {}
    for h in hits:
        ids.setdefault(h.kind, []).append(h.record_id)
    out: dict[tuple[Kind, int], Shown] = {}
    stmts: list[Select[Any]] = []
    if ids.get(Kind.PERSON):
        stmts.append(
            select(
                literal(Kind.PERSON.value).label("kind"),
                PERSON.c.id,
                PERSON.c.id.label("person_id"),
                PERSON.c.person_ref.label("ref"),
                PERSON.c.surname,
                PERSON.c.forenames,
                PERSON.c.person_ref,
                PERSON.c.date_of_birth.label("day"),
                literal("").label("district"),
                literal("").label("note"),
                literal("").label("operation"),
            ).where(PERSON.c.id.in_(ids[Kind.PERSON]))
        )
    if ids.get(Kind.ARREST):
        stmts.append(
            select(
                literal(Kind.ARREST.value).label("kind"),
                ARREST.c.id,
                literal(None).label("person_id"),
                ARREST.c.custody_ref.label("ref"),
                literal("").label("surname"),
                literal("").label("forenames"),
                literal("").label("person_ref"),
                ARREST.c.arrest_date.label("day"),
                DISTRICT.c.name.label("district"),
                ARREST.c.detainee_ref.label("note"),
                ARREST.c.operation,
            )
            .select_from(ARREST.join(DISTRICT, DISTRICT.c.id == ARREST.c.district_id))
            .where(ARREST.c.id.in_(ids[Kind.ARREST]))
        )
    for kind, table, ref, day, note, operation in (
        (
            Kind.REFERRAL,
            NRM_REFERRAL,
            NRM_REFERRAL.c.referral_ref,
            NRM_REFERRAL.c.submitted_date,
            NRM_REFERRAL.c.crime_ref,
            NRM_REFERRAL.c.operation,
        ),
        (
            Kind.CONTACT,
            VLO_CONTACT,
            literal(""),
            VLO_CONTACT.c.contact_at,
            VLO_CONTACT.c.summary,
            literal(""),
        ),
    ):
        if ids.get(kind):
            stmts.append(
                select(
                    literal(kind.value).label("kind"),
                    table.c.id,
                    table.c.person_id,
                    ref.label("ref"),
                    PERSON.c.surname,
                    PERSON.c.forenames,
                    PERSON.c.person_ref,
                    day.label("day"),
                    literal("").label("district"),
                    note.label("note"),
                    operation.label("operation"),
                )
                .select_from(table.join(PERSON, PERSON.c.id == table.c.person_id))
                .where(table.c.id.in_(ids[kind]))
            )
    for stmt in stmts:
        for r in conn.execute(stmt):
            kind = Kind(r.kind)
            moment = r.day
            on = moment.astimezone(LONDON).date() if isinstance(moment, datetime) else moment
            out[(kind, int(r.id))] = Shown(
                kind,
                int(r.id),
                r.person_id,
                r.ref,
                r.surname,
                r.forenames,
                r.person_ref,
                on,
                r.district,
                r.note,
                r.operation,
            )
    return out
