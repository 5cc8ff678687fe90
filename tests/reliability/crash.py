"""Crash harness: real processes importing and editing, killed with SIGKILL at random moments.

Each round starts two child processes on the same encrypted database file (``python -m
tests.reliability.crash CHILD ...``): one imports custody files one after another, the other adds and
amends arrests and records disposals, both through the services the app uses. Each is killed with
SIGKILL at its own random moment (no clean-up runs: the same as a battery dying or the task manager),
then the parent checks the file:

- ``PRAGMA integrity_check`` is ok;
- the audit log's hash chain verifies (``services.audit.verify_chain``);
- every import is wholly present or wholly absent: each file's arrests are all there or none, its
  import batch row is there exactly when they are, and so is its one ``combine`` audit event;
- every stored edit has its audit event (a change never lands without its record, nor a record without
  its change).

The CI test runs a handful of rounds; ``tests/benchmarks/kill.py`` runs 50 and more.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

KEY_ENV = "MSHTDESK_CRASH_KEY"  # test only: the data key in hex, so children need no password
ARRESTS_PER_FILE = 150
EDITOR_USER = "officer"


def import_file_bytes(tag: str, n: int = ARRESTS_PER_FILE) -> bytes:
    """A custody export of ``n`` arrests, references ``{tag}-{i}``, two events each."""
    from mshtdesk.imports.custody import COLUMNS

    lines = [",".join(COLUMNS)]
    start = date(2022, 1, 3)
    for i in range(n):
        on = start + timedelta(days=i % 300)
        values = {
            "arrest_ref": f"{tag}-{i:04d}",
            "arrest_date": on.isoformat(),
            "district": ("BD", "CD", "KD", "LD", "WD")[i % 5],
            "detainee_ref": f"N{i:06d}",
            "offence_ref": "O1",
            "offence": "Modern Slavery Act 2015 s.2",
            "disposal": "RUI",
            "disposal_date": on.isoformat(),
        }
        lines.append(",".join(values[c] for c in COLUMNS))
        values["disposal"], values["disposal_date"] = "CHARGE", (on + timedelta(days=20)).isoformat()
        lines.append(",".join(values[c] for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


# ----- children ----------------------------------------------------------------------------------------
def open_as_editor(db_path: str, key: bytes):  # type: ignore[no-untyped-def]
    """The editor's backend on the file opened with ``key``, their signing key unlocked from the key
    file with their password (so their audit events are signed, as after a login)."""
    from mshtdesk.demo.users import DEMO_USERS
    from mshtdesk.security.keypairs import Signer
    from mshtdesk.security.keyring import Keyring, keyring_path
    from mshtdesk.services.backend import Backend
    from mshtdesk.store.database import open_database

    password = next(u.password for u in DEMO_USERS if u.username == EDITOR_USER)
    ring = Keyring.load(keyring_path(Path(db_path)))
    unlocked = ring.unlock(EDITOR_USER, password) if ring is not None else None
    assert unlocked is not None and unlocked.sign_private is not None
    db = open_database(db_path, key=key)
    user_id = Backend.as_user(db, EDITOR_USER).actor.user_id
    db.signers[EDITOR_USER] = Signer(user_id, unlocked.sign_private)
    return Backend.as_user(db, EDITOR_USER)


def _backend(db_path: str):  # type: ignore[no-untyped-def]
    backend = open_as_editor(db_path, bytes.fromhex(os.environ[KEY_ENV]))
    sys.stdout.write("ready\n")  # the parent's clock for the kill starts now
    sys.stdout.flush()
    return backend


def _busy(exc: Exception) -> bool:
    """The other child held the write lock: the user is told "busy, not saved" and tries again."""
    from mshtdesk.errors import StoreError, environmental

    return isinstance(environmental(exc), StoreError)


def child_import(db_path: str, round_no: int) -> None:
    b = _backend(db_path)
    for k in range(1000):
        tag = f"K{round_no:03d}x{k:03d}"
        try:
            b.import_custody(import_file_bytes(tag), f"{tag}.csv")
        except Exception as exc:
            if not _busy(exc):
                raise


def child_edit(db_path: str, round_no: int) -> None:
    from mshtdesk.services.register import ArrestInput

    b = _backend(db_path)
    for k in range(100_000):
        ref = f"E{round_no:03d}x{k:05d}"
        try:
            aid = b.register.create_arrest(ArrestInput(ref, date(2022, 2, 1), "LD"), [("O1", "MSA s.1")])
            amended = ArrestInput(ref, date(2022, 2, 1), "LD", operation="Op Wren")
            b.register.update_arrest(aid, 1, amended)
            detail = b.register.get(aid, consult=False)
            b.register.append_event(detail.offences[0].id, "BAIL", date(2022, 2, 2))
        except Exception as exc:
            if not _busy(exc):
                raise


# ----- parent ------------------------------------------------------------------------------------------
@dataclass
class Tally:
    rounds: int = 0
    kills: int = 0  # children still running when SIGKILL arrived
    finished_early: int = 0  # children that ended before their kill (should be none)
    integrity_failures: int = 0
    chain_failures: int = 0
    partial_imports: int = 0
    orphan_edits: int = 0
    imports_present: int = 0
    edited_arrests: int = 0
    problems: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.rounds} rounds, {self.kills} kills; integrity failures {self.integrity_failures}, "
            f"audit chain failures {self.chain_failures}, partial imports {self.partial_imports}, "
            f"edits without their audit record {self.orphan_edits}; in the file: {self.imports_present} "
            f"whole imports, {self.edited_arrests} edited arrests"
        )

    @property
    def ok(self) -> bool:
        return not (
            self.integrity_failures or self.chain_failures or self.partial_imports or self.orphan_edits
        )


def _spawn(kind: str, db_path: Path, round_no: int, key: bytes) -> subprocess.Popen[bytes]:
    env = {**os.environ, KEY_ENV: key.hex()}
    root = Path(__file__).resolve().parents[2]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.crash", kind, str(db_path), str(round_no)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_ready(child: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    """Block until the child says it has opened the database (or has died)."""
    import selectors

    assert child.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(child.stdout, selectors.EVENT_READ)
        if not sel.select(timeout):
            return False
    return child.stdout.readline().strip() == b"ready"


def check(db_path: Path, key: bytes, tally: Tally) -> None:
    """Open the file as the next start of the app would, and check every promise."""
    from mshtdesk.services.audit import verify_chain
    from mshtdesk.store.backup import connect
    from mshtdesk.store.database import open_database

    con = connect(db_path, key)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
    if result != "ok":
        tally.integrity_failures += 1
        tally.problems.append(f"integrity_check: {result}")
        return
    db = open_database(str(db_path), key=key)
    try:
        chain = verify_chain(db)
        if not chain.ok:
            tally.chain_failures += 1
            tally.problems.append(chain.describe())
        with db.engine.connect() as conn:
            q = conn.exec_driver_sql
            per_file = Counter(
                r[0].split("-")[0] for r in q("SELECT custody_ref FROM arrest WHERE custody_ref LIKE 'K%'")
            )
            events = Counter(
                r[0].split("-")[0]
                for r in q(
                    "SELECT a.custody_ref FROM disposal_event e JOIN offence o ON o.id = e.offence_id "
                    "JOIN arrest a ON a.id = o.arrest_id WHERE a.custody_ref LIKE 'K%'"
                )
            )
            batches = Counter(r[0].removesuffix(".csv") for r in q("SELECT file_name FROM import_batch"))
            combines = Counter(
                r[0].removeprefix("custody import of ").removesuffix(".csv")
                for r in q("SELECT reason FROM audit_event WHERE action = 'combine'")
            )
            tally.imports_present = 0  # counted afresh: the whole imports in the file now
            for tag in set(per_file) | set(batches) | set(combines):
                whole = (
                    per_file[tag] == ARRESTS_PER_FILE
                    and events[tag] == 2 * ARRESTS_PER_FILE
                    and batches[tag] == 1
                    and combines[tag] == 1
                )
                if whole:
                    tally.imports_present += 1
                else:
                    tally.partial_imports += 1
                    tally.problems.append(
                        f"import {tag}: {per_file[tag]} arrests, {events[tag]} events, "
                        f"{batches[tag]} batches, {combines[tag]} audit events"
                    )
            of_arrest = "FROM audit_event x WHERE x.entity = 'arrest' AND x.record_id = CAST(a.id AS TEXT)"
            edited = q(
                f"SELECT a.id, a.version, (SELECT COUNT(*) {of_arrest} AND x.action = 'collect'), "
                f"(SELECT COUNT(*) {of_arrest} AND x.action = 'alter') "
                "FROM arrest a WHERE a.custody_ref LIKE 'E%'"
            ).all()
            tally.edited_arrests = len(edited)
            for aid, version, collected, altered in edited:
                if collected != 1 or altered != version - 1:
                    tally.orphan_edits += 1
                    tally.problems.append(
                        f"arrest {aid}: version {version}, {collected} collect, {altered} alter"
                    )
    finally:
        db.close()


def run(db_path: Path, key: bytes, rounds: int, *, seed: int = 1, max_delay: float = 1.5) -> Tally:
    """``rounds`` rounds of two children killed at random moments; the file is checked after each."""
    rng = random.Random(seed)
    tally = Tally()
    for round_no in range(rounds):
        children = [_spawn(kind, db_path, round_no, key) for kind in ("import", "edit")]
        # Children take a second or more to start (imports, opening the database); the kill comes at
        # a random moment after both have said they are at work.
        for child in children:
            if not _wait_ready(child):
                tally.problems.append("a child never became ready")
            elif child.stdout is not None:
                child.stdout.close()  # nothing more is read; a full pipe must never block the child
        started = time.monotonic()
        deadlines = sorted((rng.uniform(0.0, max_delay), i) for i in range(len(children)))
        for deadline, i in deadlines:
            child = children[i]
            time.sleep(max(0.0, started + deadline - time.monotonic()))
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                tally.kills += 1
            else:
                tally.finished_early += 1
                err = child.stderr.read().decode(errors="replace") if child.stderr else ""
                tally.problems.append(f"a child ended by itself (rc {child.returncode}): {err[-300:]}")
            child.wait()
            if child.stderr:
                child.stderr.close()
        tally.rounds += 1
        check(db_path, key, tally)
    return tally


def make_database(folder: Path) -> tuple[Path, bytes]:
    """A fresh encrypted database with the demo users (the officer imports and edits)."""
    from mshtdesk.demo.users import DEMO_USERS
    from mshtdesk.services.users import UserService, create_database

    path = folder / "crash.db"
    first = DEMO_USERS[0]
    db, admin = create_database(str(path), first.username, first.password)
    users = UserService(db, admin)
    officer = next(u for u in DEMO_USERS if u.username == EDITOR_USER)
    users.add_user(officer.username, "Crash test officer", officer.role, officer.password)
    assert db.key is not None
    key = db.key
    db.close()
    return path, key


if __name__ == "__main__":
    kind, db_arg, round_arg = sys.argv[1:4]
    {"import": child_import, "edit": child_edit}[kind](db_arg, int(round_arg))
