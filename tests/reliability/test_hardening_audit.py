"""Issue 10, item 2: an insider holding only their own password tries to rewrite the audit log.

The insider here is as strong as the design allows: they unwrap the data key from the key file with
their password, open the database with it, drop the append-only triggers, change rows, recompute every
hash exactly as the code does, re-sign every event that was theirs with their own signing key, update
the head and restore the triggers. What they cannot do is sign as anyone else. Each test says what
``audit verify`` then reports, including the limit the README states (the insider's own latest events,
written after the last backup and after anyone else's event, can be dropped unseen).

That insider, and the backups that show them, are the laptop's: the data key and each user's signing key
live in the key file beside the encrypted file. A team server has neither (its events are chained, not
signed per user, and it has no file backups): there the application's database role cannot UPDATE,
DELETE or TRUNCATE the log (tests/store/test_server_setup.py), so those tests are ``sqlite_only``. What the
chain itself catches (an edited event, a cut tail) is tested here on both engines, through ``audit verify``
on the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, delete, insert, select, text, update

from mshtdesk.cli import main
from mshtdesk.domain.roles import Role
from mshtdesk.security.keypairs import b64
from mshtdesk.security.keyring import Keyring, keyring_path
from mshtdesk.services.audit import (
    GENESIS,
    Verification,
    _content,
    _event_hash,
    _signed_message,
    verify_chain,
)
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.database import Database
from mshtdesk.store.engine import make_engine, resolve_url
from mshtdesk.store.tables import AUDIT, AUDIT_HEAD, USER
from tests import both_engines
from tests.both_engines import sqlite_only
from tests.conftest import USERS
from tests.reliability.test_upgrades import FIXTURES

D = __import__("datetime").date(2022, 1, 10)
OFFICER = USERS[Role.HTT_OFFICER]
TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]

Rows = list[dict[str, Any]]
INSIDER = "the insider unwraps the data key and their signing key from the laptop's key file"
BACKUPS = "compares the log with the chain heads kept in the laptop's file backups"
FILE = "an SQLite file made by hand (an upgraded copy, or a plain file encrypted at first login)"

database, db_address = both_engines.database, both_engines.db_address  # every test on both engines


class Insider:
    """An HTT officer with their password, the key file and the source code."""

    def __init__(self, db_path: Path, username: str, password: str) -> None:
        ring = Keyring.load(keyring_path(db_path))
        assert ring is not None
        unlocked = ring.unlock(username, password)
        assert unlocked is not None and unlocked.sign_private is not None
        self.private: Ed25519PrivateKey = unlocked.sign_private
        self.engine: Engine = make_engine(resolve_url(str(db_path)), key=unlocked.data_keys[0])
        with self.engine.connect() as conn:
            self.user_id = int(
                conn.execute(select(USER.c.id).where(USER.c.username == username)).scalar_one()
            )

    def rows(self) -> Rows:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(AUDIT).order_by(AUDIT.c.id))]

    def rewrite(self, change: Callable[[Rows], Rows]) -> None:
        """Apply ``change`` to the events, then renumber, re-hash and re-sign (their own events only)."""
        with self.engine.begin() as conn:
            rows = change([dict(r._mapping) for r in conn.execute(select(AUDIT).order_by(AUDIT.c.id))])
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(delete(AUDIT))
            prev = GENESIS
            for n, row in enumerate(rows, start=1):
                row.update(id=n, prev_hash=prev)
                content = _content(*(row[c] for c in _CONTENT))
                if row["signer_id"] == self.user_id:
                    message = _signed_message(content, self.user_id, row["bound_key"])
                    row["signature"] = b64(self.private.sign(message))
                row["hash"] = prev = _event_hash(
                    content, row["signer_id"], row["bound_key"], row["signature"]
                )
                conn.execute(insert(AUDIT).values(**row))
            conn.execute(update(AUDIT_HEAD).values(last_id=len(rows), last_hash=prev))
            for sql in TRIGGERS:
                conn.execute(text(sql))

    def close(self) -> None:
        self.engine.dispose()


_CONTENT = (
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
)


def _work(backend_for: Callable[[Role], Backend]) -> tuple[Backend, Backend]:
    """The officer records two arrests; the manager opens the first between them and after."""
    officer, manager = backend_for(Role.HTT_OFFICER), backend_for(Role.MANAGER)
    first = officer.register.create_arrest(ArrestInput("A1", D, "BD"), [("O1", "MSA s.2")])
    manager.register.get(first)
    officer.register.create_arrest(ArrestInput("A2", D, "LD"), [("O1", "MSA s.2")])
    manager.register.get(first, consult=True)
    return officer, manager


def _verify(db_path: Path, backend_for: Callable[[Role], Backend]) -> Verification:
    return backend_for(Role.AUDITOR).audit.verify()


@sqlite_only(INSIDER)
def test_the_attack_from_the_issue_is_now_named(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """Delete the officer's own event in the middle, recompute the chain: the next event by someone
    else no longer carries its author's signature, and verify names it."""
    officer, _manager = _work(backend_for)
    assert _verify(db_path, backend_for).ok
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    rows = insider.rows()
    mine = [r["id"] for r in rows if r["user_id"] == officer.actor.user_id and r["action"] == "collect"]
    target = mine[0]  # the first arrest's record, with the manager's events after it
    after = [r for r in rows if r["id"] > target]
    first_other = next(i for i, r in enumerate(after) if r["signer_id"] != insider.user_id)
    insider.rewrite(lambda rs: [r for r in rs if r["id"] != target])
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok
    assert result.first_broken_id == target + first_other  # renumbered down by one
    assert result.problem == "its signature is not manager's"
    assert (
        f"tampered with at event {result.first_broken_id}: its signature is not manager's"
        in result.describe()
    )


@sqlite_only(INSIDER)
def test_rewriting_another_users_event_is_named(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    _work(backend_for)
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    consult = [r["id"] for r in insider.rows() if r["username"] == "manager" and r["action"] == "consult"][0]

    def blame_someone_else(rows: Rows) -> Rows:
        for r in rows:
            if r["id"] == consult:
                r["record_id"] = "999"
        return rows

    insider.rewrite(blame_someone_else)
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == consult and "not manager's" in result.problem


@sqlite_only(INSIDER)
def test_an_unsigned_event_after_signing_began_is_named(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """Stripping the signature of someone else's event (to pass it off as written before signing
    began) is caught: once signing began, every event must be signed."""
    _work(backend_for)
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    last = insider.rows()[-1]
    assert last["username"] == "manager"

    def strip(rows: Rows) -> Rows:
        rows[-1].update(signer_id=None, signature="")
        return rows

    insider.rewrite(strip)
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == last["id"]
    assert result.problem == "it is not signed, though signing had begun before it"


@sqlite_only(INSIDER)
def test_a_swapped_public_key_is_caught(db_path: Path, backend_for: Callable[[Role], Backend]) -> None:
    """The insider puts a key of their own in the manager's row and forges a new event as the manager:
    the log bound another key to the manager, so the forgery and the swap are both named; and the
    manager's next login refuses to sign with a key the database does not record."""
    _work(backend_for)
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    fake = Ed25519PrivateKey.generate()
    with insider.engine.begin() as conn:
        manager_id = conn.execute(select(USER.c.id).where(USER.c.username == "manager")).scalar_one()
        conn.execute(
            update(USER)
            .where(USER.c.id == manager_id)
            .values(signing_key=b64(fake.public_key().public_bytes_raw()))
        )
    swapped = _verify(db_path, backend_for)
    assert not swapped.ok and swapped.first_broken_id is None
    assert swapped.describe() == (
        "The audit log has been tampered with: the signing key recorded for manager is not the one the "
        "log bound to them."
    )
    rows = insider.rows()
    template = rows[-1]
    forged = {**template, "id": template["id"] + 1, "action": "erase", "signer_id": manager_id}
    first_by_manager = min(r["id"] for r in rows if r["signer_id"] == manager_id)

    # Sign as the manager with the fake key: the forged event, and every earlier one of the manager's.
    insider.private, insider.user_id = fake, manager_id
    insider.rewrite(lambda rs: [*rs, forged])
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == first_by_manager
    assert result.problem == "its signature is not manager's"
    from mshtdesk.errors import StoreError

    with pytest.raises(StoreError, match="does not match the one this database records"):
        Backend.login(str(db_path), "manager", USERS[Role.MANAGER].password)


@sqlite_only(INSIDER)
def test_a_key_bound_by_someone_who_is_not_an_administrator_is_named(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """The insider appends an event, signed by themselves, that binds a new key to the manager (to
    sign as the manager from now on): only an administrator may bind another user's key."""
    _work(backend_for)
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    fake = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
    template = insider.rows()[-1]
    with insider.engine.connect() as conn:
        manager_id = conn.execute(select(USER.c.id).where(USER.c.username == "manager")).scalar_one()
    binding = {
        **template,
        "id": template["id"] + 1,
        "user_id": insider.user_id,
        "username": OFFICER.username,
        "action": "administer",
        "entity": "user",
        "record_id": str(manager_id),
        "signer_id": insider.user_id,
        "bound_key": b64(fake),
    }
    insider.rewrite(lambda rows: [*rows, binding])
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == binding["id"]
    assert result.problem == "it gives manager a signing key, but officer is not an administrator"


@sqlite_only(BACKUPS)
def test_the_stated_limit_dropping_your_own_latest_events_after_the_last_backup_is_not_seen(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """The README's limit, as a test: events by the insider alone, after everyone else's and after the
    last backup, can be dropped without verify noticing (nobody else signed anything after them)."""
    officer, _manager = _work(backend_for)
    backend_for(Role.ADMINISTRATOR).backups.create()
    officer.register.create_arrest(ArrestInput("A3", D, "KD"), [("O1", "MSA s.2")])
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    rows = insider.rows()
    tail = [r for r in rows if r["id"] > max(r["id"] for r in rows if r["signer_id"] != insider.user_id)]
    assert tail and all(r["signer_id"] == insider.user_id for r in tail)
    insider.rewrite(lambda rs: [r for r in rs if r not in tail])
    insider.close()
    result = _verify(db_path, backend_for)
    assert result.ok, result.describe()  # the documented limit: not detected
    assert result.backups == 1


@sqlite_only(BACKUPS)
def test_a_backup_shows_the_insiders_own_events_cut_short(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """The insider's own events at the end of the log, with a backup the insider took after them (the
    daily backup at their first login): signatures cannot show them gone, the backup's head does."""
    officer, _manager = _work(backend_for)
    officer.register.create_arrest(ArrestInput("A3", D, "KD"), [("O1", "MSA s.2")])
    made = officer.backups.create()
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    rows = insider.rows()
    last_other = max(r["id"] for r in rows if r["signer_id"] != insider.user_id)
    insider.rewrite(lambda rs: [r for r in rs if r["id"] <= last_other])
    insider.close()
    assert verify_chain(backend_for(Role.AUDITOR).db).ok  # the chain and the signatures alone hold
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == last_other + 1  # the first event removed
    name = Path(made.path).name
    assert result.problem.startswith(f"the backup {name} (taken ")
    assert result.problem.endswith(
        f"holds events up to {rows[-1]['id']}, but the log now ends at event {last_other}: "
        "events have been removed"
    )


@sqlite_only(BACKUPS)
def test_a_backup_shows_the_insiders_own_events_rewritten(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    officer, _manager = _work(backend_for)
    officer.register.create_arrest(ArrestInput("A3", D, "KD"), [("O1", "MSA s.2")])
    officer.backups.create()
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    rows = insider.rows()

    def reword(rs: Rows) -> Rows:
        rs[-1]["reason"] = "nothing to see"
        return rs

    insider.rewrite(reword)
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.first_broken_id == rows[-1]["id"]
    assert "the log has been rewritten" in result.problem


@sqlite_only(BACKUPS)
def test_backups_taken_before_a_restore_are_not_taken_for_tampering(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    officer, _manager = _work(backend_for)
    early = admin.backups.create()
    officer.register.create_arrest(ArrestInput("A3", D, "KD"), [("O1", "MSA s.2")])
    admin.backups.create()
    admin.backups.restore(early.path)
    officer.register.create_arrest(ArrestInput("A4", D, "KD"), [("O1", "MSA s.2")])
    result = _verify(db_path, backend_for)
    assert result.ok, result.describe()
    assert result.backups == 1  # the restored one agrees; the later two diverge after the restore point


@sqlite_only(INSIDER)
def test_audit_verify_on_the_command_line_names_the_event(
    db_path: Path,
    backend_for: Callable[[Role], Backend],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _work(backend_for)
    backend_for(Role.HTT_OFFICER).db.close()
    monkeypatch.setenv("MSHTDESK_USER", "auditor")
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[Role.AUDITOR].password)
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    assert "signed by their authors" in capsys.readouterr().out
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    consult = [r["id"] for r in insider.rows() if r["username"] == "manager"][0]

    def edit(rows: Rows) -> Rows:
        for r in rows:
            if r["id"] == consult:
                r["reason"] = "x"
        return rows

    insider.rewrite(edit)
    insider.close()
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"The audit log has been tampered with at event {consult}: its signature is not manager's." in err


# ----- both engines: what the chain itself catches ------------------------------------------------------
def _without_append_only(database: Database, *statements: str) -> None:
    """Run ``statements`` against the log as someone who can switch its triggers off: the key holder on a
    laptop, a superuser on a server (the test server's snapshot makes the trigger again afterwards)."""
    if database.path is not None:
        off = ["DROP TRIGGER audit_event_no_update", "DROP TRIGGER audit_event_no_delete"]
        on = TRIGGERS
    else:
        off, on = ["DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event"], []
    with database.engine.begin() as conn:
        for sql in (*off, *statements, *on):
            conn.execute(text(sql))


def test_audit_verify_names_an_edited_event_and_a_cut_tail_on_either_engine(
    database: Database,
    db_address: str,
    backend_for: Callable[[Role], Backend],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Whoever can switch the log's triggers off and does not recompute the chain is named: events removed
    from the end (the auditor's own login is written after the gap) and an event edited in place."""
    _work(backend_for)
    monkeypatch.setenv("MSHTDESK_USER", "auditor")
    monkeypatch.setenv("MSHTDESK_PASSWORD", USERS[Role.AUDITOR].password)
    assert main(["--db", db_address, "audit", "verify"]) == 0, capsys.readouterr().err
    said = capsys.readouterr().out
    on_server = database.path is None  # a server's events are never signed: said as such, not as "older"
    assert ("as every event written on a team server is" in said) == on_server, said
    assert ("written before signing began" in said) is False, said
    with database.engine.connect() as conn:
        consult = conn.execute(
            select(AUDIT.c.id)
            .where(AUDIT.c.username == "manager", AUDIT.c.action == "consult")
            .order_by(AUDIT.c.id)
            .limit(1)
        ).scalar_one()
        last = conn.execute(select(AUDIT.c.id).order_by(AUDIT.c.id.desc()).limit(1)).scalar_one()
    _without_append_only(database, f"DELETE FROM audit_event WHERE id > {last - 2}")
    assert main(["--db", db_address, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "The audit log has been tampered with at event" in err and f"event {last - 1} is missing" in err, (
        err
    )
    _without_append_only(database, f"UPDATE audit_event SET reason = 'x' WHERE id = {consult}")
    assert main(["--db", db_address, "audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert f"tampered with at event {consult}: its content no longer matches its hash" in err, err


@sqlite_only(FILE)
def test_an_upgraded_log_counts_its_unsigned_events_and_keeps_its_triggers(tmp_path: Path) -> None:
    import json
    import shutil

    manifest = json.loads((FIXTURES / "schema_0005.json").read_text())
    path = tmp_path / "register.db"
    shutil.copyfile(FIXTURES / "schema_0005.db", path)
    shutil.copyfile(FIXTURES / "schema_0005.db.keys", keyring_path(path))
    b = Backend.login(str(path), manifest["officer"], manifest["password"])
    try:
        result = verify_chain(b.db)
        assert result.ok and result.legacy == manifest["rows"]["audit_event"] and result.signed >= 2
        assert f"{result.legacy} older events were written before signing began" in result.describe()
        with b.db.engine.connect() as conn:
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars()
            assert set(triggers) >= {"audit_event_no_update", "audit_event_no_delete"}
    finally:
        b.close()


@sqlite_only(INSIDER)
def test_a_log_rewritten_wholesale_without_any_signature_is_caught(
    db_path: Path, backend_for: Callable[[Role], Backend]
) -> None:
    """The insider strips every signature and key binding (and the keys in ``app_user``) to pass the
    whole log off as written before signing began, then drops what they like: each user's key in the
    key file, which the insider cannot replace without locking that user out, is no longer bound."""
    officer, _manager = _work(backend_for)
    insider = Insider(db_path, OFFICER.username, OFFICER.password)
    target = [r["id"] for r in insider.rows() if r["user_id"] == officer.actor.user_id][0]

    def strip(rows: Rows) -> Rows:
        for r in rows:
            r.update(signer_id=None, signature="", bound_key="")
        return [r for r in rows if r["id"] != target]

    insider.user_id = -1  # nothing to re-sign: no event will carry a signature
    insider.rewrite(strip)
    with insider.engine.begin() as conn:
        conn.execute(update(USER).values(signing_key=""))
    insider.close()
    result = _verify(db_path, backend_for)
    assert not result.ok and result.legacy == result.checked and result.signed == 0
    assert result.problem.startswith("admin holds a signing key in the key file that the log never bound")


@sqlite_only(FILE)
def test_a_backup_taken_before_the_first_event_agrees(tmp_path: Path) -> None:
    """The copy taken before an old unencrypted database is encrypted holds an empty log: no mismatch."""
    from mshtdesk.store.database import open_database

    path = tmp_path / "old.db"
    open_database(str(path)).close()
    b = Backend.create(str(path), "chief", "a long enough passphrase")
    try:
        result = b.audit.verify()
        assert result.ok and result.backups == 1, result.describe()
    finally:
        b.close()
