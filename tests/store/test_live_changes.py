"""Live changes on a team server: another user's write arrives as typed ``Changes`` (NOTIFY), the
process's own do not, and a payload from elsewhere is read safely. On the laptop's file nothing is
watched (tests/both_engines.py runs each half)."""

from __future__ import annotations

import threading
import time
from datetime import date

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from mshtdesk.services.team import watch_changes
from mshtdesk.store import notify
from mshtdesk.store.database import Database
from tests.both_engines import database, db_address
from tests.conftest import USERS

__all__ = ["database", "db_address"]

OFFICER = USERS[Role.HTT_OFFICER]


def test_a_payload_round_trips_and_hostile_ones_mean_everything() -> None:
    changes = Changes.of(Data.ARREST, 7, 9) | Changes.kinds([Data.AUDIT])
    assert Changes.from_payload(changes.to_payload()) == changes
    big = Changes.of(Data.ARREST, *range(1, 5000))
    small = Changes.from_payload(big.to_payload())
    assert small.data == {Data.ARREST} and small.ids_of(Data.ARREST) is None  # any arrest, not a lost one
    assert Changes.from_payload('{"d":["arrest","from-a-newer-version"],"a":[],"i":[["arrest",3]]}') == (
        Changes.of(Data.ARREST, 3)
    )
    for hostile in ("", "not json", "[1,2]", '{"d":5}', '{"d":[],"a":[],"i":[["arrest"]]}', "\x00" * 50):
        assert Changes.from_payload(hostile) == Changes.everything()
    assert notify._parse(notify.PROCESS + "|" + changes.to_payload(), notify.PROCESS) is None  # our own


def test_another_users_write_is_heard_within_two_seconds(database: Database, db_address: str) -> None:
    """On a server, NOTIFY carries the typed change; a file has nobody else, so nothing is watched."""
    heard: list[Changes] = []
    states: list[bool] = []
    arrived = threading.Event()

    def on_changes(changes: Changes) -> None:
        heard.append(changes)
        arrived.set()

    watch = watch_changes(database, on_changes, states.append)
    if database.path is not None:
        assert watch is None  # the laptop's file: no other user writes to it meanwhile
        return
    assert watch is not None
    try:
        deadline = time.monotonic() + 10
        while not states and time.monotonic() < deadline:
            time.sleep(0.05)
        assert states == [True]
        notify.PROCESS, mine = "another-laptop", notify.PROCESS  # the writer is another process
        try:
            officer = Backend.login(db_address, OFFICER.username, OFFICER.password)
            started = time.monotonic()
            aid = officer.register.create_arrest(
                ArrestInput("LIVE-1", date(2022, 6, 1), "LD"), [("O1", "MSA s.2")]
            )
            assert arrived.wait(2.0), "no change heard within two seconds"
            assert time.monotonic() - started < 2.0
            officer.close()
        finally:
            notify.PROCESS = mine
        assert any(c.touches_record(Data.ARREST, aid) for c in heard)
        assert all(c != Changes.everything() for c in heard)  # typed, not a poll's guess
    finally:
        watch.stop()
