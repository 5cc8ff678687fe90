"""The Part 3 audit log: append events in the same transaction as the change they record, verify the
hash chain, and answer "who looked at this record"."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Connection, select, update

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database
from mshtdesk.store.tables import AUDIT, AUDIT_HEAD

GENESIS = "0" * 64


class AuditAction(StrEnum):
    COLLECT = "collect"
    ALTER = "alter"
    CONSULT = "consult"
    DISCLOSE = "disclose"
    COMBINE = "combine"
    ERASE = "erase"
    LOGIN = "login"
    LOGOUT = "logout"
    FAILED_LOGIN = "failed_login"
    LOCKOUT = "lockout"
    ADMINISTER = "administer"


@dataclass(frozen=True)
class AuditRow:
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


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_broken_id: int | None
    problem: str

    def describe(self) -> str:
        if self.ok:
            return f"The audit log is intact: {self.checked} events, each chained to the one before."
        return f"The audit log has been tampered with at event {self.first_broken_id}: {self.problem}."


def _digest(values: Sequence[object]) -> str:
    return hashlib.sha256(json.dumps(list(values), separators=(",", ":"), default=str).encode()).hexdigest()


def _content(
    event_id: int,
    at: datetime,
    user_id: int | None,
    username: str,
    workstation: str,
    action: str,
    entity: str,
    record_id: str,
    fields: str,
    reason: str,
    recipient: str,
    prev_hash: str,
) -> list[object]:
    stamp = (
        at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        if at.tzinfo
        else at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    return [
        event_id,
        stamp,
        user_id,
        username,
        workstation,
        action,
        entity,
        record_id,
        fields,
        reason,
        recipient,
        prev_hash,
    ]


def record(
    conn: Connection,
    actor: Actor | None,
    action: AuditAction,
    entity: Entity | str = "",
    record_id: object = "",
    *,
    fields: Sequence[str] = (),
    reason: str = "",
    recipient: str = "",
    username: str | None = None,
    workstation: str | None = None,
    at: datetime | None = None,
) -> int:
    """Append one event inside the caller's transaction; it commits or rolls back with the change."""
    conn.execute(update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(last_id=AUDIT_HEAD.c.last_id + 1))
    event_id, prev = conn.execute(select(AUDIT_HEAD.c.last_id, AUDIT_HEAD.c.last_hash)).one()
    when = at or datetime.now(UTC)
    values = {
        "id": event_id,
        "at": when,
        "user_id": actor.user_id if actor else None,
        "username": (username if username is not None else (actor.username if actor else ""))[:64],
        "workstation": (workstation if workstation is not None else (actor.workstation if actor else ""))[
            :120
        ],
        "action": str(action),
        "entity": str(entity),
        "record_id": str(record_id)[:64],
        "fields": ",".join(fields)[:1000],
        "reason": reason.strip()[:1000],
        "recipient": recipient.strip()[:200],
        "prev_hash": prev,
    }
    values["hash"] = _digest(
        _content(
            event_id,
            when,
            values["user_id"],
            values["username"],
            values["workstation"],
            values["action"],
            values["entity"],
            values["record_id"],
            values["fields"],
            values["reason"],
            values["recipient"],
            prev,
        )
    )
    conn.execute(AUDIT.insert().values(**values))
    conn.execute(update(AUDIT_HEAD).where(AUDIT_HEAD.c.id == 1).values(last_hash=values["hash"]))
    return int(event_id)


def verify_chain(db: Database) -> Verification:
    """Recompute every event's hash in order; name the first that does not match or does not link."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    cols = [
        AUDIT.c[c]
        for c in (
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
        )
    ]
    with db.engine.connect() as conn:
        for row in conn.execute(select(*cols).order_by(AUDIT.c.id)).yield_per(5000):
            (
                event_id,
                at,
                user_id,
                username,
                ws,
                action,
                entity,
                rid,
                fields,
                reason,
                recipient,
                prev_hash,
                h,
            ) = row
            if event_id != expected_id:
                return Verification(False, checked, event_id, f"event {expected_id} is missing")
            if prev_hash != prev:
                return Verification(
                    False, checked, event_id, "it does not follow on from the event before it"
                )
            content = _content(
                event_id, at, user_id, username, ws, action, entity, rid, fields, reason, recipient, prev_hash
            )
            if _digest(content) != h:
                return Verification(False, checked, event_id, "its content no longer matches its hash")
            prev, expected_id, checked = h, expected_id + 1, checked + 1
        head_id, head_hash = conn.execute(select(AUDIT_HEAD.c.last_id, AUDIT_HEAD.c.last_hash)).one()
    if head_id != checked or head_hash != prev:
        return Verification(False, checked, checked + 1, "events after it have been removed")
    return Verification(True, checked, None, "")


@dataclass(frozen=True)
class AuditQuery:
    username: str | None = None
    entity: str | None = None
    record_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str | None = None


class AuditService:
    """Reading the log is itself recorded: an auditor's search is a consultation of the log."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def verify(self) -> Verification:
        self._actor.require(Action.READ, Entity.AUDIT_LOG)
        result = verify_chain(self._db)
        with self._db.engine.begin() as conn:
            record(conn, self._actor, AuditAction.CONSULT, Entity.AUDIT_LOG, "verify")
        return result

    def list(self, q: AuditQuery, *, limit: int = 10_000, reason: str = "") -> list[AuditRow]:
        self._actor.require(Action.READ, Entity.AUDIT_LOG)
        if reason:  # a reason makes the search a disclosure (an export or a print)
            self._actor.require(Action.EXPORT, Entity.AUDIT_LOG)
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
        with self._db.engine.begin() as conn:
            rows = [
                AuditRow(**r._mapping) for r in conn.execute(stmt.order_by(AUDIT.c.id.desc()).limit(limit))
            ]
            what = ",".join(f"{k}" for k, v in vars(q).items() if v)
            action = AuditAction.DISCLOSE if reason else AuditAction.CONSULT
            record(
                conn,
                self._actor,
                action,
                Entity.AUDIT_LOG,
                "search",
                fields=what.split(",") if what else (),
                reason=reason,
            )
        return rows
