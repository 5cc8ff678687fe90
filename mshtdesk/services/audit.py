"""The Part 3 audit log: append events in the same transaction as the change they record, verify the
chain and its signatures, and answer "who looked at this record".

Each event's hash covers its content, its signature and the previous event's hash, so the events form
one chain. Each event is also signed (Ed25519) by its author over its content and the previous hash:
whoever holds the data key can rewrite rows and recompute hashes, but not make another user's
signature. Signing keys are bound to users by audit events themselves (signed by an administrator, or
by the user when their key is first set up), so swapping a public key is caught too. Events written
before signing began (databases from earlier versions) are chained but unsigned: ``verify`` counts
them. What signatures cannot catch (a user dropping their own latest events) is narrowed by comparing
the log with the chain heads held in the backups.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import ValidationError
from mshtdesk.security.keypairs import Signer, b64, unb64, verify_signature
from mshtdesk.security.keyring import KeyFileDamagedError, Keyring, keyring_path
from mshtdesk.services.actor import Actor
from mshtdesk.store.database import Database
from mshtdesk.store.queries import audit as q
from mshtdesk.store.queries.audit import AuditQuery

__all__ = [
    "GENESIS",
    "AuditAction",
    "AuditQuery",
    "AuditRow",
    "AuditService",
    "Verification",
    "compare_with_backups",
    "record",
    "verify_chain",
]

GENESIS = "0" * 64
SIGNED_PREFIX = b"mshtdesk-audit-v2\n"


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
    signed: int = 0  # events signed by their authors
    legacy: int = 0  # events written before signing began: protected by the chain alone
    backups: int = 0  # backups whose record of the chain agrees with the log
    notes: tuple[str, ...] = ()  # what could not be compared (a backup under another key), not tampering
    on_server: bool = False  # a team server keeps no per-user keys: its events are chained, never signed

    def describe(self) -> str:
        if not self.ok:
            where = f" at event {self.first_broken_id}" if self.first_broken_id is not None else ""
            return f"The audit log has been tampered with{where}: {self.problem}."
        text = f"The audit log is intact: {self.checked} events, each chained to the one before"
        if self.signed:
            text += f"; {self.signed} signed by their authors"
        if self.legacy and self.on_server:
            text += (
                f"; {self.legacy} are unsigned, as every event written on a team server is (it keeps no "
                "per-user signing keys), so the chain and the server's append-only rules protect them"
            )
        elif self.legacy:
            text += (
                f"; {self.legacy} older events were written before signing began, "
                "so only the chain protects them"
            )
        if self.backups:
            text += f"; it agrees with {self.backups} backup{'s' if self.backups != 1 else ''}"
        return text + "." + "".join(f" {n}" for n in self.notes)


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


def _signed_message(content: list[object], signer_id: int, bound_key: str) -> bytes:
    """What the author signs: the event's content (the previous hash included) and the key it binds."""
    return (
        SIGNED_PREFIX
        + json.dumps([*content, signer_id, bound_key], separators=(",", ":"), default=str).encode()
    )


def _event_hash(content: list[object], signer_id: int | None, bound_key: str, signature: str) -> str:
    """The chain hash: content alone for an event of the unsigned kind (as before signing existed),
    else content, signer, bound key and signature, so removing a signature changes the chain."""
    if signer_id is None and not signature and not bound_key:
        return _digest(content)
    return _digest([*content, signer_id, bound_key, signature])


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
    signer: Signer | None = None,
    bound_key: bytes | None = None,
) -> int:
    """Append one event inside the caller's transaction; it commits or rolls back with the change.

    It is signed by ``signer``, else by the actor's own signing key (an event with no actor, such as a
    failed login written at the next login, passes the session's signer). ``bound_key`` makes the event
    the binding of that signing key to user ``record_id``.
    """
    problems = text_problems({"reason": reason, "recipient": recipient}, multiline=("reason",))
    if problems:  # typed by a user: a control or bidi character would act on whoever reads the log
        raise ValidationError(problems)
    head = q.take_next_id(conn)
    event_id, prev = head.last_id, head.last_hash
    when = at or datetime.now(UTC)
    signer = signer or (actor.signer if actor else None)
    values: dict[str, Any] = {
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
        "signer_id": signer.user_id if signer else None,
        "bound_key": b64(bound_key) if bound_key else "",
        "signature": "",
    }
    content = _content(
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
    if signer is not None:
        values["signature"] = b64(signer.sign(_signed_message(content, signer.user_id, values["bound_key"])))
    values["hash"] = _event_hash(content, values["signer_id"], values["bound_key"], values["signature"])
    q.append_event(conn, values)
    return int(event_id)


def _stored_content(row: Any) -> list[object]:
    """The chain content of a stored event (a row with ``EVENT_COLUMNS``)."""
    return _content(
        row.id,
        row.at,
        row.user_id,
        row.username,
        row.workstation,
        row.action,
        row.entity,
        row.record_id,
        row.fields,
        row.reason,
        row.recipient,
        row.prev_hash,
    )


# The event an administrator's laptop signs as its database is copied to a team server
# (``mshtdesk server import-from``): on that server, the unsigned events after it are in order (a server
# has no per-user keys), while on the laptop every event after it must still be signed.
MOVED_ENTITY, MOVED_RECORD = "database", "team-server"


@dataclass
class _Walk:
    """The state of one pass along the chain: the signing key bound to each user so far."""

    users: dict[int, tuple[str, str, str]]  # id -> (username, role, signing key as recorded)
    bound: dict[int, bytes]
    signed: int = 0
    legacy: int = 0
    on_server: bool = False
    moved: bool = False  # a signed move to a team server has been passed (only heeded on a server)

    def name(self, user_id: int) -> str:
        return self.users[user_id][0] if user_id in self.users else f"user {user_id}"


def _check_event(walk: _Walk, row: Any) -> str | None:
    """Why this event's signature or key binding does not hold, or None."""
    content = _stored_content(row)
    signer_id, signature, bound_key = row.signer_id, row.signature, row.bound_key
    if signer_id is None:
        if signature or bound_key:
            return "it carries a signature or a key without a signer"
        if walk.signed and not (walk.moved and walk.on_server):
            return "it is not signed, though signing had begun before it"
        walk.legacy += 1
        return None
    if row.user_id is not None and signer_id != row.user_id:
        return f"it was signed by {walk.name(signer_id)} rather than by its author"
    key = walk.bound.get(signer_id)
    target: int | None = None
    if bound_key:
        if row.entity != Entity.USER.value or not row.record_id.isdigit():
            return "it binds a signing key to something that is not a user"
        target = int(row.record_id)
        if key is None and target == signer_id:
            key = _b(bound_key)  # a user's first key, set up by themselves: it signs its own binding
    if key is None:
        return f"it is signed by {walk.name(signer_id)}, whose signing key the log never recorded"
    try:
        if not verify_signature(key, _b(signature), _signed_message(content, signer_id, bound_key)):
            return f"its signature is not {walk.name(signer_id)}'s"
    except ValueError:
        return f"its signature is not {walk.name(signer_id)}'s"
    walk.signed += 1
    administrator = walk.users.get(signer_id, ("", "", ""))[1] == Role.ADMINISTRATOR.value
    if (row.action, row.entity, row.record_id) == (
        "administer",
        MOVED_ENTITY,
        MOVED_RECORD,
    ) and administrator:
        walk.moved = True
    if target is not None:
        own_first = target == signer_id and target not in walk.bound
        signer_role = walk.users.get(signer_id, ("", "", ""))[1]
        if not own_first and signer_role != Role.ADMINISTRATOR.value:
            who = walk.name(signer_id)
            return f"it gives {walk.name(target)} a signing key, but {who} is not an administrator"
        walk.bound[target] = _b(bound_key)
    return None


def _b(text: str) -> bytes:
    try:
        return unb64(text)
    except ValueError:
        return b""


def verify_chain(db: Database) -> Verification:
    """Recompute every event's hash and check every signature in order; name the first event that
    does not match, does not link, is not signed by its author, or breaks the rule that once signing
    began every event is signed. Then check that each user's signing key, in the database and in the
    key file, is the one the log bound to them."""
    prev = GENESIS
    expected_id = 1
    checked = 0
    with db.engine.connect() as conn:
        users = {u.id: (u.username, u.role, u.signing_key) for u in q.user_keys(conn)}
        walk = _Walk(users, {}, on_server=db.path is None)
        for row in q.events_in_order(conn):
            event_id = row.id
            if event_id != expected_id:
                return Verification(False, checked, event_id, f"event {expected_id} is missing")
            if row.prev_hash != prev:
                return Verification(
                    False, checked, event_id, "it does not follow on from the event before it"
                )
            content = _stored_content(row)
            if _event_hash(content, row.signer_id, row.bound_key, row.signature) != row.hash:
                return Verification(False, checked, event_id, "its content no longer matches its hash")
            problem = _check_event(walk, row)
            if problem:
                return Verification(False, checked, event_id, problem)
            prev, expected_id, checked = row.hash, expected_id + 1, checked + 1
        head = q.chain_head(conn)
    if head.last_id != checked or head.last_hash != prev:
        return Verification(False, checked, checked + 1, "events after it have been removed")
    problem, notes = _check_keys(db, walk)
    if problem:
        return Verification(False, checked, None, problem, walk.signed, walk.legacy)
    return Verification(
        True, checked, None, "", walk.signed, walk.legacy, notes=notes, on_server=db.path is None
    )


def _check_keys(db: Database, walk: _Walk) -> tuple[str | None, tuple[str, ...]]:
    """The problem with the users' public keys, if any, and what is worth saying but is not tampering.

    A key swapped in ``app_user`` (to sign as someone else from now on) does not match the key the log
    bound. A key in the key file that the log never bound means the log was rewritten with its
    signatures stripped (or restored from a backup older than that key: it is bound again at the user's
    next login). A key in the key file that differs from the bound one cannot forge anything (the log
    checks events against the bound key) but locks its user out: said as a note.
    """
    for user_id, (username, _role, recorded) in sorted(walk.users.items()):
        if recorded and walk.bound.get(user_id) != _b(recorded):
            return f"the signing key recorded for {username} is not the one the log bound to them", ()
    if db.path is None or db.key is None:
        return None, ()
    try:
        ring = Keyring.load(keyring_path(db.path))
    except KeyFileDamagedError:
        return None, ()  # said at the next login, with how to recover
    if ring is None:
        return None, ()
    ids = {name: user_id for user_id, (name, _r, _k) in walk.users.items()}
    notes = []
    for username in ring.users():
        public = ring.sign_public(username)
        if public is None or username not in ids:
            continue
        bound = walk.bound.get(ids[username])
        if bound is None:
            return (
                f"{username} holds a signing key in the key file that the log never bound to them: the log "
                "has been rewritten, or restored from a backup older than that key (then their next login "
                "binds it)"
            ), ()
        if bound != public:
            notes.append(
                f"The signing key of {username} in the key file is not the one the log bound to them, so "
                "they cannot log in: reset their password (normal after restoring an older backup)."
            )
    return None, tuple(notes)


def compare_with_backups(db: Database, chain: Verification) -> Verification:
    """Compare the log with the chain each retained backup holds (its own ``audit_head``).

    Every backup holds the hash of the last event it saw; the live log must hold the same event with the
    same hash. A log cut short or rewritten before that point is named, with the backup that shows it.
    A backup taken before a restore legitimately parts from the log where the restored copy ended: it is
    passed over when the log records a restore, signed by an administrator, after the point where the
    two part (found by bisection: two chains that agree at an event agree on everything before it).
    """
    if not chain.ok or db.path is None or db.key is None:
        return chain
    from mshtdesk.store.backup import list_backups
    from mshtdesk.store.backup_folders import backup_folders
    from mshtdesk.store.rekey import chain_reader

    key, stem = db.key, db.path.stem
    agreed, unreadable = 0, 0
    with db.engine.connect() as conn:

        def live(event_id: int) -> str | None:
            return q.event_hash(conn, event_id)

        admins = q.ids_with_role(conn, Role.ADMINISTRATOR.value)
        restores = [
            event_id
            for event_id, signer in q.restore_signers(conn)
            if signer is None or signer in admins  # unsigned: before signing began, checked as such
        ]
        for folder in backup_folders(db):
            for backup in list_backups(folder, stem):
                with chain_reader(backup.path, key) as reader:
                    if reader is None:
                        unreadable += 1
                        continue
                    head_id, head_hash = reader.head()
                    if head_id == 0 or live(head_id) == head_hash:  # 0: taken before the first event
                        agreed += 1
                        continue
                    low, high = 0, min(head_id, chain.checked) + 1  # agree at low, differ at high
                    while high - low > 1:
                        mid = (low + high) // 2
                        low, high = (mid, high) if reader.hash_at(mid) == live(mid) else (low, mid)
                if any(r >= high for r in restores):
                    continue  # taken before a restore that the log records
                taken = backup.taken_at.strftime("%d %b %Y %H:%M")
                if high > chain.checked:
                    problem = (
                        f"the backup {backup.path.name} (taken {taken}) holds events up to {head_id}, "
                        f"but the log now ends at event {chain.checked}: events have been removed"
                    )
                else:
                    problem = (
                        f"it differs from the same event in the backup {backup.path.name} (taken {taken}): "
                        "the log has been rewritten"
                    )
                return Verification(False, chain.checked, high, problem, chain.signed, chain.legacy, agreed)
    notes: tuple[str, ...] = ()
    if unreadable:
        many = unreadable != 1
        notes = (
            f"{unreadable} backup{'s' if many else ''} held no audit log this key can read "
            f"(another key, damage, or a file from before the log existed) and "
            f"{'were' if many else 'was'} not compared.",
        )
    return Verification(
        True, chain.checked, None, "", chain.signed, chain.legacy, agreed, chain.notes + notes
    )


class AuditService:
    """Reading the log is itself recorded: an auditor's search is a consultation of the log."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self._db = db
        self._actor = actor

    def verify(self) -> Verification:
        self._actor.require(Action.READ, Entity.AUDIT_LOG)
        result = compare_with_backups(self._db, verify_chain(self._db))
        with self._db.engine.begin() as conn:
            record(conn, self._actor, AuditAction.CONSULT, Entity.AUDIT_LOG, "verify")
        return result

    def list(self, query: AuditQuery, *, limit: int = 10_000, reason: str = "") -> list[AuditRow]:
        self._actor.require(Action.READ, Entity.AUDIT_LOG)
        if reason:  # a reason makes the search a disclosure (an export or a print)
            self._actor.require(Action.EXPORT, Entity.AUDIT_LOG)
        with self._db.engine.begin() as conn:
            rows = [AuditRow(**r._asdict()) for r in q.search(conn, query, limit)]
            what = ",".join(f"{k}" for k, v in vars(query).items() if v)
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
