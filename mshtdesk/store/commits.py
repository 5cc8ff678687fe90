"""How many COMMITs this thread has sent to a team server: what tells a safe retry from an unsafe one.

When a server's connection drops, everything in a transaction whose COMMIT was never sent is rolled back
by the server; a COMMIT that was sent and got no answer may or may not have taken effect. So the engine
of a team server counts, per thread, the COMMITs it is about to send (SQLAlchemy's ``commit`` event fires
just before the driver's), and ``services/reconnect.py`` compares the count before and after a failed
piece of work: unchanged means nothing it did can have been saved.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

_local = threading.local()


def count_commits(engine: Engine) -> None:
    """Count every COMMIT ``engine`` sends from now on, in the thread that sends it."""
    from sqlalchemy import event  # here, not at the top: the window's start-up path reads commits_sent()

    event.listen(engine, "commit", _sent)


def _sent(_conn: Any) -> None:
    _local.count = commits_sent() + 1


def commits_sent() -> int:
    """COMMITs sent by this thread so far, on every counted engine."""
    return int(getattr(_local, "count", 0))
