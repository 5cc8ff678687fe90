"""Two engines on one file (two app instances): read-then-write transactions queue, never fail busy.

About SQLite's file lock (``BEGIN IMMEDIATE`` for writes), so SQLite only: on a team server concurrent
saves are checked by version, and tests/reliability/test_four_writers.py runs four writers there."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from mshtdesk.store.engine import make_engine


def test_read_then_write_transactions_from_two_engines_all_commit(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    engines = (make_engine(url), make_engine(url))
    with engines[0].begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER NOT NULL)"))
    failures: list[str] = []

    def writer(engine_index: int) -> None:
        for _ in range(150):
            try:
                with engines[engine_index].begin() as conn:
                    # Read, then write what was read: the pattern of every optimistic save.
                    n = conn.execute(text("SELECT count(*) FROM counter")).scalar_one()
                    conn.execute(text("INSERT INTO counter (n) VALUES (:n)"), {"n": n})
            except Exception as exc:  # the assertion below names what went wrong
                failures.append(type(exc).__name__)

    threads = [threading.Thread(target=writer, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engines[0].connect() as conn:
        values = [row[0] for row in conn.execute(text("SELECT n FROM counter ORDER BY n"))]
    for engine in engines:
        engine.dispose()
    assert failures == []
    # Serialised: every transaction saw all earlier commits, so the counts are 0..299 with no repeats.
    assert values == list(range(300))
