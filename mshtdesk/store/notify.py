"""Live changes between the users of a team server: PostgreSQL's NOTIFY carries each write's ``Changes``.

A write that committed is announced on the channel ``mshtdesk_changes`` with its changes and the id of
the process that made it (so a process ignores its own). A listener holds one connection of its own in
autocommit, waits on it on a thread and hands what others changed to a callback. If the connection
drops it says so (``on_state``) and tries again with a growing pause; while it cannot listen it polls
the audit log's head every ``poll_seconds`` instead, and a head that moved means everything may have
changed (a poll cannot say what). The callback runs on the listener's thread.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, select, text

from mshtdesk.domain.changes import Changes
from mshtdesk.store.tables import AUDIT_HEAD

CHANNEL = "mshtdesk_changes"
APPLICATION_NAME = "mshtdesk-listener"
PROCESS = uuid.uuid4().hex[:12]  # this process: its own announcements are not news to it
SEPARATOR = "|"


def announce(engine: Engine, changes: Changes) -> None:
    """Tell the other users of a team server what a committed write changed (best effort: a failure
    here never undoes the write; the others' polling catches up)."""
    if not changes or engine.dialect.name != "postgresql":
        return
    try:
        with engine.connect() as conn:
            conn.execute(
                text("SELECT pg_notify(:channel, :payload)"),
                {"channel": CHANNEL, "payload": PROCESS + SEPARATOR + changes.to_payload()},
            )
            conn.commit()
    except Exception:  # noqa: BLE001 - the write is done; only the announcement is lost
        return


def _parse(payload: str, me: str) -> Changes | None:
    """The changes another process announced, or None for the listening process's own (``me``)."""
    origin, _, body = payload.partition(SEPARATOR)
    if origin == me:
        return None
    return Changes.from_payload(body)


class Listener:
    """Waits for other users' changes on a thread of its own; ``stop`` ends it within a second."""

    def __init__(
        self,
        engine: Engine,
        on_changes: Callable[[Changes], None],
        on_state: Callable[[bool], None] = lambda _ok: None,
        *,
        poll_seconds: float = 2.0,
        max_pause: float = 30.0,
    ) -> None:
        self._engine = engine
        self._on_changes = on_changes
        self._on_state = on_state
        self._poll = poll_seconds
        self._max_pause = max_pause
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mshtdesk-listener", daemon=True)
        self.listening = False
        self._me = PROCESS

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        pause = 1.0
        last_head = self._head()
        while not self._stop.is_set():
            try:
                self._listen()
                pause = 1.0
            except Exception:  # noqa: BLE001 - a dropped connection: poll, then try again
                self._set_state(False)
            deadline = pause
            while deadline > 0 and not self._stop.is_set():  # poll while the connection is down
                self._stop.wait(min(self._poll, deadline))
                deadline -= self._poll
                head = self._head()
                if head is not None and last_head is not None and head != last_head:
                    self._on_changes(Changes.everything())
                if head is not None:
                    last_head = head
            pause = min(pause * 2, self._max_pause)

    def _listen(self) -> None:
        raw: Any = self._engine.raw_connection()
        try:
            driver = raw.driver_connection
            driver.autocommit = True
            driver.execute(f"SET application_name = '{APPLICATION_NAME}'")  # for the server's administrator
            driver.execute(f"LISTEN {CHANNEL}")
            self._set_state(True)
            while not self._stop.is_set():
                for note in driver.notifies(timeout=1.0):
                    found = _parse(str(note.payload), self._me)
                    if found:
                        self._on_changes(found)
                driver.execute("SELECT 1")  # notices a dropped connection between notifications
        finally:
            with contextlib.suppress(Exception):
                raw.invalidate()  # never back to the pool with LISTEN on it

    def _set_state(self, ok: bool) -> None:
        if ok != self.listening:
            self.listening = ok
            self._on_state(ok)

    def _head(self) -> int | None:
        try:
            with self._engine.connect() as conn:
                value = conn.execute(select(AUDIT_HEAD.c.last_id)).scalar()
            return None if value is None else int(value)
        except Exception:  # noqa: BLE001 - the server is away: nothing to compare
            return None
