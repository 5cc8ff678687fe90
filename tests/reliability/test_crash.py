"""A short kill test for every CI run: two processes (import, edits) killed mid-work, file checked.

The benchmark (``python -m tests.benchmarks.kill``) runs 50 and more rounds.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.reliability import crash


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_imports_and_edits_leave_a_whole_file(tmp_path: Path) -> None:
    db_path, key = crash.make_database(tmp_path)
    tally = crash.run(db_path, key, rounds=3, seed=7)
    assert tally.kills >= 5, tally.problems
    assert tally.imports_present and tally.edited_arrests, "the kills came while work was being done"
    assert tally.ok, tally.describe() + "\n" + "\n".join(tally.problems)


def test_the_check_would_see_a_partial_import(tmp_path: Path) -> None:
    """The harness is not blind: delete half of an import behind the services' back and it is caught."""
    db_path, key = crash.make_database(tmp_path)
    b = crash.open_as_editor(str(db_path), key)
    db = b.db
    b.import_custody(crash.import_file_bytes("K999x000"), "K999x000.csv")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = OFF")
        conn.exec_driver_sql("DELETE FROM disposal_event WHERE id % 2 = 0")
    db.close()
    tally = crash.Tally()
    crash.check(db_path, key, tally)
    assert tally.partial_imports == 1 and tally.imports_present == 0
