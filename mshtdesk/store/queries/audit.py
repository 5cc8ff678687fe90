"""The audit log's storage: the chain head, appending an event, walking the chain, and searching it.

Hashing and signing are the service's (``services.audit``); this module only moves rows. Appending
takes the next id from ``audit_head`` with an UPDATE first, so two writers serialise on that row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, Row, select, update

from mshtdesk.store.tables import AUDIT, AUDIT_HEAD, USER

#: The stored columns of an event, in the order the chain's content lists them (then hash and signature).
EVENT_COLUMNS = (
    "id",
    "at",
    "user_id",
    "username",
    "workstation",
    "action",
    "entity",
    "record_id",
    "fields",
    "reason",
    "recipient",
    "prev_hash",
    "hash",
    "signer_id",
    "signature",
    "bound_key",
)


@dataclass(frozen=True)
class AuditQuery:
    username: str | None = None
    entity: str | None = None
    record_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str | None = None


class ChainHead(NamedTuple):
    last_id: int
    last_hash: str


class UserKey(NamedTuple):
    id: int
    username: str
    role: str
    signing_key: str


class AuditLine(NamedTuple):
    id: int
    at: datetime
    username: str
    workstation: str
    action: str
    entity: str
    record_id: str
    fields: str
    reason: str
    recipient: str


def take_next_id(conn: Connection) -> ChainHead:
    """Move the head on by one: the new event's id, and the hash of the event before it."""
    conn.execute(update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(last_id=AUDIT_HEAD.c.last_id + 1))
    return chain_head(conn)


def append_event(conn: Connection, values: dict[str, Any]) -> None:
    """Insert the event (its id taken by ``take_next_id``) and make its hash the head's."""
    conn.execute(AUDIT.insert().values(**values))
    conn.execute(update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(last_hash=values["hash"]))


def chain_head(conn: Connection) -> ChainHead:
    row = conn.execute(select(AUDIT_HEAD.c.last_id, AUDIT_HEAD.c.last_hash)).one()
    return ChainHead(row.last_id, row.last_hash)


def user_keys(conn: Connection) -> list[UserKey]:
    """Every user's name, role and recorded public signing key ("" for none)."""
    rows = conn.execute(select(USER.c.id, USER.c.username, USER.c.role, USER.c.signing_key))
    return [UserKey(int(r.id), str(r.username), str(r.role), str(r.signing_key)) for r in rows]


def events_in_order(conn: Connection) -> Iterator[Row[Any]]:
    """Every event with ``EVENT_COLUMNS`` (by name), oldest first, fetched in batches."""
    yield from conn.execute(select(*(AUDIT.c[c] for c in EVENT_COLUMNS)).order_by(AUDIT.c.id)).yield_per(5000)


def event_hash(conn: Connection, event_id: int) -> str | None:
    found = conn.execute(select(AUDIT.c.hash).where(AUDIT.c.id == event_id)).scalar()
    return None if found is None else str(found)


def ids_with_role(conn: Connection, role: str) -> set[int]:
    return set(conn.execute(select(USER.c.id).where(USER.c.role == role)).scalars())


def restore_signers(conn: Connection) -> list[tuple[int, int | None]]:
    """Each recorded restore of the database as ``(event id, signer id or None)``."""
    rows = conn.execute(
        select(AUDIT.c.id, AUDIT.c.signer_id).where(
            AUDIT.c.entity == "database", AUDIT.c.record_id == "restore"
        )
    )
    return [(int(r.id), r.signer_id) for r in rows]


def search(conn: Connection, q: AuditQuery, limit: int) -> list[AuditLine]:
    """Events matching every filter that is set, newest first (dates inclusive, in UTC)."""
    stmt = select(
        AUDIT.c.id,
        AUDIT.c.at,
        AUDIT.c.username,
        AUDIT.c.workstation,
        AUDIT.c.action,
        AUDIT.c.entity,
        AUDIT.c.record_id,
        AUDIT.c.fields,
        AUDIT.c.reason,
        AUDIT.c.recipient,
    )
    if q.username:
        stmt = stmt.where(AUDIT.c.username == q.username)
    if q.entity:
        stmt = stmt.where(AUDIT.c.entity == q.entity)
    if q.record_id:
        stmt = stmt.where(AUDIT.c.record_id == q.record_id)
    if q.action:
        stmt = stmt.where(AUDIT.c.action == q.action)
    if q.date_from:
        stmt = stmt.where(AUDIT.c.at >= datetime.combine(q.date_from, time.min, UTC))
    if q.date_to:
        stmt = stmt.where(AUDIT.c.at < datetime.combine(q.date_to + timedelta(days=1), time.min, UTC))
    return [AuditLine._make(r) for r in conn.execute(stmt.order_by(AUDIT.c.id.desc()).limit(limit))]
