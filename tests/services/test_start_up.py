"""What a process does once, at its first login (``services.backend.freeze_start_up``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mshtdesk.domain.roles import Role
from tests.conftest import USERS


def test_the_first_login_puts_start_up_objects_out_of_full_collections(db_path: Path) -> None:
    """A fresh process, as the app and every command are: before logging in nothing is frozen; the first
    login freezes what start-up made; a second login (after a lock, say) freezes nothing more, so that
    a logged-out session's objects can still be collected."""
    officer = USERS[Role.HTT_OFFICER]
    login = f"Backend.login({str(db_path)!r}, {officer.username!r}, {officer.password!r}).close()"
    code = "\n".join(
        [
            "import gc",
            "from mshtdesk.services.backend import Backend",
            "print(gc.get_freeze_count())",
            login,
            "print(gc.get_freeze_count())",
            login,
            "print(gc.get_freeze_count())",
        ]
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    before, first, second = map(int, r.stdout.split())
    assert before == 0
    assert first > 20_000  # modules, classes and the tables' metadata
    assert second == first


def test_creating_a_database_freezes_start_up_too(tmp_path: Path) -> None:
    """The first administrator's session starts with ``Backend.create``, not a login: it must not meet the
    full pass either, and logging in afterwards in the same process freezes nothing more."""
    path = tmp_path / "new.db"
    code = "\n".join(
        [
            "import gc",
            "from mshtdesk.services.backend import Backend",
            "print(gc.get_freeze_count())",
            f"Backend.create({str(path)!r}, 'admin', 'correct horse battery staple 1').close()",
            "print(gc.get_freeze_count())",
            f"Backend.login({str(path)!r}, 'admin', 'correct horse battery staple 1').close()",
            "print(gc.get_freeze_count())",
        ]
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    before, created, logged_in = map(int, r.stdout.split())
    assert before == 0
    assert created > 20_000
    assert logged_in == created
