"""Connection trouble with a team server: retry what is safe, and say in one sentence what is not.

A server restart or a network cut drops the connection under whatever the user asked for. The front ends
run each piece of work (one UI job, one CLI command) through :func:`guarded`, which looks at how it
failed and at the COMMITs this thread sent meanwhile (``store/commits.py``):

- a lost connection and no COMMIT sent: the server rolled back everything the work did, so it is run
  again after a pause that grows (0.5, 1, 2, 4 and 8 s: a restart takes seconds). A read and a save are
  alike here. If the server is still away after the last pause, ``ServerConnectionLostError`` says that
  nothing was done, and the form that asked keeps what was typed;
- a lost connection after a COMMIT was sent: the server may or may not have committed, so the work is
  never run again. A save raises ``SaveOutcomeUnknownError`` (check the record before saving again);
  a read, whose only write is the log of the consultation, raises ``ServerConnectionLostError``.

A connection the server dropped while the app was idle never gets this far: the engine's
``pool_pre_ping`` replaces it at check-out. On a database file nothing here applies: a file has no
connection to lose, and its errors pass through untouched.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TypeVar

from mshtdesk.errors import (
    CancelledError,
    SaveOutcomeUnknownError,
    ServerConnectionLostError,
    connection_lost,
)
from mshtdesk.services.changes import writes_started
from mshtdesk.store.commits import commits_sent

R = TypeVar("R")

PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0)  # 15.5 s in all: longer than a restart, short enough to wait for
STEP = 0.1  # a pause is cut short this often to notice Cancel

NOT_DONE = (
    "The team server cannot be reached, so this was not done and nothing was saved; what you typed is "
    "kept, so try again once the status bar no longer says the connection is lost."
)
UNKNOWN = (
    "The connection to the team server was lost while saving, so MSHT Desk cannot tell whether your "
    "change was saved: check the record before saving it again."
)


def guarded(
    work: Callable[[], R],
    *,
    on_state: Callable[[bool], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    pauses: Iterable[float] = PAUSES,
    sleep: Callable[[float], None] = time.sleep,
) -> R:
    """``work()``, run again while it fails on a lost connection before sending any COMMIT.

    ``on_state(False)`` when a retry is about to wait for the server, ``on_state(True)`` when a retried
    attempt got through. ``cancelled()`` true during a pause ends it with ``CancelledError`` (true then:
    nothing was saved).
    """
    waits = iter(pauses)
    lost = False
    while True:
        commits, saves = commits_sent(), writes_started()
        try:
            result = work()
        except Exception as exc:
            if not connection_lost(exc):
                raise
            if commits_sent() != commits:  # a COMMIT went out and no answer came back
                if writes_started() != saves:
                    raise SaveOutcomeUnknownError(UNKNOWN) from exc
                raise ServerConnectionLostError(NOT_DONE) from exc
            pause = next(waits, None)
            if pause is None:
                raise ServerConnectionLostError(NOT_DONE) from exc
            if not lost and on_state is not None:
                on_state(False)
            lost = True
            _pause(pause, cancelled, sleep)
            continue
        if lost and on_state is not None:
            on_state(True)
        return result


def _pause(seconds: float, cancelled: Callable[[], bool] | None, sleep: Callable[[float], None]) -> None:
    left = seconds
    while left > 0:
        if cancelled is not None and cancelled():
            raise CancelledError()
        step = min(STEP, left)
        sleep(step)
        left -= step
