"""Real processes for the team tests: an importer and editors, each logged in on its own, doing what the
app does through the services, each piece of work through ``services/reconnect.guarded`` as the app's
worker runs it. Each outcome is one JSON line in the worker's own file, flushed at once, so a parent can
follow along and check afterwards; a worker never prints personal data (there is none: references only).

Started by the tests with ``multiprocessing`` (spawn): the four-writer test passes a barrier so that
several editors save against the same version at the same moment.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

STOP_FILE = "stop"


def custody_file(tag: str, n: int, *, events_for: tuple[str, ...] = (), day: int = 0) -> bytes:
    """A custody export of ``n`` new arrests ``{tag}-{i}`` (one RUI event each), plus a CHARGE event on
    each existing arrest reference in ``events_for`` dated ``day`` days into 2022."""
    from mshtdesk.imports.custody import COLUMNS

    lines = [",".join(COLUMNS)]
    on = date(2022, 1, 3)
    rows = [(f"{tag}-{i:03d}", "RUI", on) for i in range(n)]
    rows += [(ref, "CHARGE", on + timedelta(days=20 + day)) for ref in events_for]
    for ref, disposal, when in rows:
        values = {
            "arrest_ref": ref,
            "arrest_date": on.isoformat(),
            "district": "LD",
            "detainee_ref": "",
            "offence_ref": "O1",
            "offence": "Modern Slavery Act 2015 s.2",
            "disposal": disposal,
            "disposal_date": when.isoformat(),
        }
        lines.append(",".join(values[c] for c in COLUMNS))
    return ("\n".join(lines) + "\n").encode()


class Log:
    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, **fields: Any) -> None:
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"t": time.time(), **fields}) + "\n")
            fh.flush()


def read_log(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def outcome_of(work: Any, log: Log) -> tuple[str, Any]:
    """``ok`` with the result, ``unknown`` (a COMMIT without an answer), ``not-done`` (server away);
    the connection lost and back, as the status bar would show it, go in the log."""
    from mshtdesk.errors import SaveOutcomeUnknownError, ServerConnectionLostError
    from mshtdesk.services.reconnect import guarded

    try:
        return "ok", guarded(work, on_state=lambda ok: log.write(kind="connection", ok=ok))
    except SaveOutcomeUnknownError:
        return "unknown", None
    except ServerConnectionLostError:
        return "not-done", None


def importer(
    address: str,
    username: str,
    folder: str,
    files: int,
    per_file: int,
    events_for: list[str],
    start: Any = None,
    pause: float = 0.0,
) -> None:
    """Import ``files`` custody files one after another (until ``folder/stop`` appears), each with new
    arrests and, if given, a disposal event on existing arrests; log each file's outcome. With
    ``start`` (a barrier), begin when the other workers have logged in too; ``pause`` between files."""
    from mshtdesk.services.backend import Backend

    out = Path(folder)
    log = Log(out / f"importer-{username}.jsonl")
    backend = Backend.login(address, username, os.environ["MSHTDESK_PASSWORD"])
    if start is not None:
        start.wait()
    try:
        for i in range(files):
            if (out / STOP_FILE).exists():
                break
            name = f"imp-{username}-{i:03d}.csv"
            path = out / name
            path.write_bytes(custody_file(f"IMP{i:03d}", per_file, events_for=tuple(events_for), day=i))
            status, summary = outcome_of(lambda p=path: backend.import_file(str(p)), log)
            log.write(kind="import", file=name, status=status, added=getattr(summary, "arrests_added", None))
            time.sleep(pause)
    finally:
        backend.close()
    log.write(kind="end")


def client(address: str, username: str, folder: str, seconds: float) -> None:
    """A user at work: create an arrest, read the list, amend the arrest, over and over for ``seconds``
    (or until ``folder/stop``); log each outcome."""
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.register import ArrestInput, ArrestQuery

    out = Path(folder)
    log = Log(out / f"client-{username}.jsonl")
    backend = Backend.login(address, username, os.environ["MSHTDESK_PASSWORD"])
    end = time.monotonic() + seconds
    i = 0
    try:
        while time.monotonic() < end and not (out / STOP_FILE).exists():
            ref = f"CLI-{username}-{i:04d}"
            data = ArrestInput(ref, date(2022, 6, 1), "LD")
            status, aid = outcome_of(
                lambda d=data: backend.register.create_arrest(d, [("O1", "MSA s.2")]), log
            )
            log.write(kind="create", ref=ref, status=status)
            read, _rows = outcome_of(lambda: backend.register.page(ArrestQuery(text="CLI-"), limit=20), log)
            log.write(kind="read", status=read)
            if status == "ok":
                amended = replace(data, notes="amended once")
                s2, _v = outcome_of(lambda a=aid, m=amended: backend.register.update_arrest(a, 1, m), log)
                log.write(kind="amend", ref=ref, status=s2)
            i += 1
            time.sleep(0.05)
    finally:
        backend.close()
    log.write(kind="end")


def editor(
    address: str, username: str, folder: str, shared: list[int], rounds: int, barrier: Any, start: Any
) -> None:
    """Append this editor's token to a shared arrest's notes each round, saving against the version read.

    Every editor reads, waits at ``barrier`` and saves at the same moment: one wins and the others get
    the conflict (what the conflict dialog shows: what they typed, and the record as it now stands).
    The loser does what the dialog lets a user do, keeping both: their token added to the winner's
    notes, saved against the winner's version, until it lands. ``start``: a barrier of all the writers.
    """
    from mshtdesk.errors import ConflictError
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.reconnect import guarded
    from mshtdesk.services.register import ArrestInput

    log = Log(Path(folder) / f"editor-{username}.jsonl")
    backend = Backend.login(address, username, os.environ["MSHTDESK_PASSWORD"])
    start.wait()  # every writer logged in: the work starts together
    try:
        for r in range(rounds):
            aid = shared[r % len(shared)]
            token = f"[{username}.{r}]"
            seen = guarded(lambda a=aid: backend.register.get(a, consult=False))
            barrier.wait()
            while True:
                mine = ArrestInput(
                    seen.custody_ref,
                    seen.arrest_date,
                    seen.district,
                    seen.detainee_ref,
                    seen.operation,
                    seen.notes + token,
                )
                try:
                    guarded(lambda s=seen, m=mine: backend.register.update_arrest(s.id, s.version, m))
                except ConflictError as exc:
                    log.write(
                        kind="conflict",
                        arrest=aid,
                        token=token,
                        had=seen.version,
                        theirs=exc.theirs.version,
                        kept_mine=exc.mine == mine,
                        said=str(exc),
                    )
                    seen = exc.theirs
                    continue
                log.write(kind="saved", arrest=aid, token=token, on=seen.version)
                break
    finally:
        backend.close()
    log.write(kind="end")
