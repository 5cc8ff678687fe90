"""The SQL of the imports: what is stored already for the records a file names, and the writes of a
checked batch. Lookups go in chunks of ``CHUNK`` bound values; bulk writes go through ``store.bulk``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, Table, bindparam, func, insert, select, update

from mshtdesk.domain.nrm import Route
from mshtdesk.store import awaiting_decision, search_index
from mshtdesk.store.bulk import bulk_insert, fetch_plain
from mshtdesk.store.queries.corrections import Kind, latest, withdrawn
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    DISTRICT,
    EVENT,
    IMPORT_BATCH,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    OFFENCE_TYPE,
    PERSON,
    utcnow,
)

CHUNK = 500  # bound parameters per IN (...) lookup: well under SQLite's and PostgreSQL's limits
ARREST_COLUMNS = (
    "custody_ref",
    "arrest_date",
    "district_id",
    "detainee_ref",
    "operation",
    "notes",
    "current_rank",
    "version",
    "created_at",
    "updated_at",
)
OFFENCE_COLUMNS = ("arrest_id", "offence_ref", "offence_type_id", "offence_text", "created_at")
EVENT_COLUMNS = (
    "offence_id",
    "disposal_type_id",
    "event_date",
    "note",
    "supersedes_id",
    "is_void",
    "reason",
    "source",
    "import_batch_id",
    "recorded_at",
)


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ----- every import ---------------------------------------------------------------------------------
def insert_batch(conn: Connection, values: dict[str, Any]) -> int:
    """The ``import_batch`` row the written records point to; its id."""
    return int(conn.execute(insert(IMPORT_BATCH).returning(IMPORT_BATCH.c.id), values).scalar_one())


def set_batch_counts(conn: Connection, batch_id: int, **counts: int) -> None:
    conn.execute(update(IMPORT_BATCH).where(IMPORT_BATCH.c.id == batch_id).values(**counts))


def refresh_statistics(conn: Connection) -> None:
    """After an import wrote something: let SQLite re-analyse the tables whose size changed a lot (the
    first import above all), on a bounded sample, so that the planner knows a period of arrests is a
    small part of the register. Milliseconds when nothing changed much; PostgreSQL analyses by itself."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA optimize=0x10002")


IMPORT_CACHE_KIB = 256 * 1024


@contextmanager
def import_cache(conn: Connection) -> Iterator[None]:
    """A page cache big enough for an import's transaction (SQLite): with the everyday cache (a few MiB
    for a small file) a first import of 100,000 arrests spills its dirty pages to the WAL and reads and
    decrypts its own index pages again, page by page. SQLite takes the memory only as pages are used;
    the connection's own size is put back after."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # On the driver's connection: a pragma needs no transaction, and after a dry run's rollback the
    # restore must not start one.
    raw: Any = conn.connection.driver_connection
    before = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {before}")


def max_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def code_column(conn: Connection, table: Table, column: str) -> dict[str, Any]:
    """``code -> column`` of a reference table (offence or disposal types)."""
    return dict(conn.execute(select(table.c.code, table.c[column])).all())


# ----- custody --------------------------------------------------------------------------------------
class District(NamedTuple):
    id: int
    code: str
    name: str


class StoredArrest(NamedTuple):
    id: int
    arrest_date: date
    district_id: int
    detainee_ref: str
    corrected_date: date  # as corrected (the stored date when never corrected)
    corrected_district_id: int
    withdrawn: bool


def districts(conn: Connection) -> list[District]:
    return [District(*r) for r in conn.execute(select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name))]


def offence_type_ids(conn: Connection) -> dict[str, int]:
    return code_column(conn, OFFENCE_TYPE, "id")


def disposal_type_ids(conn: Connection) -> dict[str, int]:
    return code_column(conn, DISPOSAL_TYPE, "id")


def disposal_ranks(conn: Connection) -> dict[str, int]:
    return code_column(conn, DISPOSAL_TYPE, "rank")


def stored_arrests(conn: Connection, refs: Sequence[str]) -> dict[str, StoredArrest]:
    """custody_ref -> what is stored, for those of ``refs`` that are, with the corrections recorded."""
    found: dict[str, StoredArrest] = {}
    a, now = ARREST.c, utcnow()
    q = select(
        a.custody_ref,
        a.id,
        a.arrest_date,
        a.district_id,
        a.detainee_ref,
        func.coalesce(latest("arrest_date", Kind.DATE, a.id, now), a.arrest_date),
        func.coalesce(latest("district_id", Kind.DISTRICT, a.id, now), a.district_id),
        withdrawn(a.id, now),
    )
    for chunk in chunks(refs):
        for ref, *rest in conn.execute(q.where(a.custody_ref.in_(chunk))):
            id_, day, district, detainee, fixed_day, fixed_district, gone = rest
            found[ref] = StoredArrest(id_, day, district, detainee, fixed_day, fixed_district, bool(gone))
    return found


def stored_offences(conn: Connection, arrest_ids: Sequence[int]) -> Iterator[tuple[int, str, int, int, str]]:
    """``(arrest_id, offence_ref, id, offence_type_id, offence_text)`` of every offence of those arrests."""
    q = select(
        OFFENCE.c.arrest_id,
        OFFENCE.c.offence_ref,
        OFFENCE.c.id,
        OFFENCE.c.offence_type_id,
        OFFENCE.c.offence_text,
    )
    for chunk in chunks(arrest_ids):
        yield from fetch_plain(conn, q.where(OFFENCE.c.arrest_id.in_(chunk)))


def stored_events(conn: Connection, offence_ids: Sequence[int]) -> set[tuple[int, int, date]]:
    """``(offence_id, disposal_type_id, event_date)`` of every event of those offences (the rows as the
    driver gives them; each distinct date converted once)."""
    found: set[tuple[int, int, date]] = set()
    days: dict[Any, date] = {}
    q = select(EVENT.c.offence_id, EVENT.c.disposal_type_id, EVENT.c.event_date)
    for chunk in chunks(offence_ids):
        for offence_id, type_id, raw in fetch_plain(conn, q.where(EVENT.c.offence_id.in_(chunk))):
            day = days.get(raw)
            if day is None:
                day = days[raw] = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
            found.add((offence_id, type_id, day))
    return found


def insert_arrests(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    """Rows in ``ARREST_COLUMNS`` order. No RETURNING: on SQLite it goes row by row; see ``arrests_above``.
    The search index takes the new arrests in one go (``search_index.bulk``)."""
    with search_index.bulk(conn, "arrest"):
        bulk_insert(conn, ARREST, ARREST_COLUMNS, rows)


def insert_offences(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    bulk_insert(conn, OFFENCE, OFFENCE_COLUMNS, rows)


def insert_events(conn: Connection, rows: Sequence[Sequence[Any]]) -> None:
    bulk_insert(conn, EVENT, EVENT_COLUMNS, rows)


def arrests_above(conn: Connection, after_id: int) -> Iterator[tuple[str, int]]:
    """``(custody_ref, id)`` of the arrests above an id: the new ids read back in one pass (no IN lists)."""
    return iter(conn.execute(select(ARREST.c.custody_ref, ARREST.c.id).where(ARREST.c.id > after_id)))


def offences_above(conn: Connection, after_id: int) -> Iterator[tuple[int, str, int]]:
    """``(arrest_id, offence_ref, id)`` of the offences above an id."""
    q = select(OFFENCE.c.arrest_id, OFFENCE.c.offence_ref, OFFENCE.c.id).where(OFFENCE.c.id > after_id)
    return iter(conn.execute(q))


# ----- NRM register ---------------------------------------------------------------------------------
class StoredPerson(NamedTuple):
    id: int
    values: dict[str, Any]  # the compared fields -> stored value
    has_aliases_or_contact: bool


class StoredReferral(NamedTuple):
    id: int
    person_ref: str
    values: dict[str, Any]  # the compared columns -> stored value


def stored_people(conn: Connection, refs: Iterable[str], fields: Sequence[str]) -> dict[str, StoredPerson]:
    """person_ref -> (id, ``fields`` values, has aliases or contact details)."""
    out: dict[str, StoredPerson] = {}
    for chunk in chunks(list(refs)):
        q = select(
            PERSON.c.person_ref,
            PERSON.c.id,
            *(PERSON.c[f] for f in fields),
            PERSON.c.aliases,
            PERSON.c.contact_details,
        ).where(PERSON.c.person_ref.in_(chunk))
        for ref, id_, *rest in conn.execute(q):
            values = dict(zip(fields, rest[: len(fields)], strict=True))
            out[ref] = StoredPerson(id_, values, bool(str(rest[-2]).strip() or str(rest[-1]).strip()))
    return out


class KeptPerson(NamedTuple):
    """The record a merged person's rows went to (following merges of merges)."""

    id: int
    person_ref: str


def merged_people(conn: Connection, refs: Iterable[str]) -> dict[str, KeptPerson]:
    """For each of ``refs`` that names a person merged into another: the record kept, where a register
    row naming the merged reference belongs now."""
    into = PERSON.alias("kept")
    step: dict[str, tuple[int, str]] = {}
    for chunk in chunks(list(refs)):
        q = (
            select(PERSON.c.person_ref, into.c.id, into.c.person_ref.label("kept_ref"))
            .select_from(PERSON.join(into, into.c.id == PERSON.c.merged_into_id))
            .where(PERSON.c.person_ref.in_(chunk))
        )
        for row in conn.execute(q):
            step[row.person_ref] = (int(row.id), str(row.kept_ref))
    out: dict[str, KeptPerson] = {}
    for ref, (kept_id, kept_ref) in step.items():
        seen = {ref}
        while True:  # a record kept may itself have been merged on since
            q = select(into.c.id, into.c.person_ref).select_from(
                PERSON.join(into, into.c.id == PERSON.c.merged_into_id)
            )
            further = conn.execute(q.where(PERSON.c.id == kept_id)).first()
            if further is None or further.person_ref in seen:
                break
            seen.add(kept_ref)
            kept_id, kept_ref = int(further.id), str(further.person_ref)
        out[ref] = KeptPerson(kept_id, kept_ref)
    return out


def anonymous_referrals(conn: Connection, person_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """``(person_id, referral_ref)`` of those people's Duty to Notify referrals without co-operation."""
    for chunk in chunks(person_ids):
        q = select(NRM_REFERRAL.c.person_id, NRM_REFERRAL.c.referral_ref).where(
            NRM_REFERRAL.c.person_id.in_(chunk),
            NRM_REFERRAL.c.route == Route.DUTY_TO_NOTIFY.value,
            NRM_REFERRAL.c.cooperates.is_not(True),
        )
        yield from conn.execute(q)


def stored_referrals(
    conn: Connection, refs: Sequence[str], compared: Sequence[str]
) -> dict[str, StoredReferral]:
    """referral_ref -> (id, its person's ref, ``compared`` values), for those of ``refs`` that are stored."""
    found: dict[str, StoredReferral] = {}
    q = select(
        NRM_REFERRAL.c.referral_ref,
        NRM_REFERRAL.c.id,
        PERSON.c.person_ref,
        *(NRM_REFERRAL.c[c] for c in compared),
    ).select_from(NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id))
    for chunk in chunks(refs):
        for ref, id_, person_ref, *rest in conn.execute(q.where(NRM_REFERRAL.c.referral_ref.in_(chunk))):
            found[ref] = StoredReferral(id_, person_ref, dict(zip(compared, rest, strict=True)))
    return found


def decision_rows(
    conn: Connection, referral_ids: Sequence[int]
) -> dict[int, list[tuple[int, str, str, date, bool, int | None]]]:
    """referral id -> its decisions in id order, as ``(id, kind, outcome, decided_on, is_void,
    supersedes_id)`` (what ``nrm_rules.effective`` takes)."""
    rows: dict[int, list[tuple[int, str, str, date, bool, int | None]]] = {}
    q = select(
        NRM_DECISION.c.referral_id,
        NRM_DECISION.c.id,
        NRM_DECISION.c.kind,
        NRM_DECISION.c.outcome,
        NRM_DECISION.c.decided_on,
        NRM_DECISION.c.is_void,
        NRM_DECISION.c.supersedes_id,
    )
    for chunk in chunks(referral_ids):
        for rid, *rest in conn.execute(
            q.where(NRM_DECISION.c.referral_id.in_(chunk)).order_by(NRM_DECISION.c.id)
        ):
            rows.setdefault(rid, []).append((rest[0], rest[1], rest[2], rest[3], bool(rest[4]), rest[5]))
    return rows


def insert_people(conn: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """New people in one executemany (the other columns take their defaults); the search index takes
    them in one go (``search_index.bulk``). Their ids: ``people_above``."""
    with search_index.bulk(conn, "person"):
        bulk_insert(conn, PERSON, columns, rows)


def people_above(conn: Connection, after_id: int) -> Iterator[tuple[str, int]]:
    """``(person_ref, id)`` of the people above an id: new ids read back in one pass."""
    return iter(conn.execute(select(PERSON.c.person_ref, PERSON.c.id).where(PERSON.c.id > after_id)))


def fill_people(conn: Connection, fills: dict[int, dict[str, Any]], now: datetime) -> None:
    """Give stored people details they lacked (a new version of each row), one executemany per set of
    columns filled."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for person_id, values in fills.items():
        by_columns.setdefault(tuple(sorted(values)), []).append({**values, "pid": person_id})
    for columns, params in by_columns.items():
        stmt = (
            update(PERSON)
            .where(PERSON.c.id == bindparam("pid"))
            .values(
                {**{c: bindparam(c) for c in columns}, "version": PERSON.c.version + 1, "updated_at": now}
            )
        )
        conn.execute(stmt, params)


def insert_referrals(conn: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """New referrals in one executemany, indexed for search together; their ids: ``referrals_above``."""
    with search_index.bulk(conn, "nrm_referral"):
        bulk_insert(conn, NRM_REFERRAL, columns, rows)


def referrals_above(conn: Connection, after_id: int) -> Iterator[tuple[str, int]]:
    """``(referral_ref, id)`` of the referrals above an id."""
    q = select(NRM_REFERRAL.c.referral_ref, NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.id > after_id)
    return iter(conn.execute(q))


def appending_referrals(conn: Connection) -> AbstractContextManager[None]:
    """Around the inserts of an import's new referrals and decisions: the referrals awaiting a decision
    are derived for them together at the end (``awaiting_decision.appended``)."""
    return awaiting_decision.appended(conn)


def insert_decisions(conn: Connection, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    bulk_insert(conn, NRM_DECISION, columns, rows)
