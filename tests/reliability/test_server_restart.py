"""The team server restarts, then crashes, under a running client and a running importer (real
processes, ``team_workers.py``): afterwards nothing is lost or doubled, the audit chain verifies with
``mshtdesk audit verify``, and both went on working once the server was back.

The server is a cluster of the test's own (``pg_cluster.py``): the shared scratch server is never
stopped. What each worker was told is read from its log: a save reported done is there exactly once, a
save reported "not done" is not there, and one reported "unknown" (cut off at its COMMIT) is there at
most once; an import the importer could not finish is imported again, as an administrator would, and
adds nothing twice.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import USERS
from tests.reliability import team_workers
from tests.reliability.pg_cluster import Cluster, own_cluster

OFFICER = USERS[Role.HTT_OFFICER]
IMPORTER = "importer"
PER_FILE = 5


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from own_cluster()


def set_up(url: str) -> None:
    admin = USERS[Role.ADMINISTRATOR]
    created = Backend.create(url, admin.username, admin.password)
    created.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
    created.users.add_user(IMPORTER, "Importer", Role.HTT_OFFICER, OFFICER.password)
    created.close()


def wait_for(what: str, ready: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, f"waited {seconds:.0f} s for {what}"
        time.sleep(0.2)


def done_after(log: Path, kind: str, moment: float) -> int:
    return sum(
        1 for e in team_workers.read_log(log) if e["kind"] == kind and e["status"] == "ok" and e["t"] > moment
    )


def test_restart_and_crash_under_a_client_and_an_importer(
    cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_up(cluster.url)
    monkeypatch.setenv("MSHTDESK_PASSWORD", OFFICER.password)  # the workers' password, never an argument
    spawn = multiprocessing.get_context("spawn")
    client = spawn.Process(
        target=team_workers.client, args=(cluster.url, OFFICER.username, str(tmp_path), 300.0)
    )
    importer = spawn.Process(
        target=team_workers.importer, args=(cluster.url, IMPORTER, str(tmp_path), 400, PER_FILE, [])
    )
    client_log = tmp_path / f"client-{OFFICER.username}.jsonl"
    importer_log = tmp_path / f"importer-{IMPORTER}.jsonl"
    client.start()
    importer.start()
    try:
        moment = 0.0
        for mode in ("fast", "immediate"):  # a restart, then a crash
            wait_for(
                f"both workers to save before the {mode} stop",
                lambda m=moment: (
                    done_after(client_log, "create", m) >= 3 and done_after(importer_log, "import", m) >= 2
                ),
            )
            cluster.stop(mode)
            time.sleep(1.0)  # the server is away: the workers' work fails and waits
            cluster.start()
            moment = time.time()
        wait_for(
            "both workers to save after the crash",
            lambda: (
                done_after(client_log, "create", moment) >= 3
                and done_after(importer_log, "import", moment) >= 2
            ),
        )
    finally:
        (tmp_path / team_workers.STOP_FILE).touch()
        for proc in (client, importer):
            proc.join(120)
            if proc.is_alive():
                proc.kill()
    assert client.exitcode == 0 and importer.exitcode == 0, "each worker ended by itself, without a traceback"
    for log in (client_log, importer_log):
        states = [e["ok"] for e in team_workers.read_log(log) if e["kind"] == "connection"]
        assert states[0] is False and states.count(True) >= 2, f"{log.name}: met both outages and recovered"

    client_events = team_workers.read_log(client_log)
    import_events = team_workers.read_log(importer_log)
    engine = create_engine(cluster.url)
    try:
        with engine.connect() as conn:
            refs = Counter(
                dict(
                    conn.execute(text("SELECT custody_ref, count(*) FROM arrest GROUP BY custody_ref")).all()
                )
            )
            notes = dict(
                conn.execute(
                    text("SELECT custody_ref, notes FROM arrest WHERE custody_ref LIKE 'CLI-%'")
                ).all()
            )
        assert [ref for ref, n in refs.items() if n > 1] == [], "no arrest stored twice"
        creates = [e for e in client_events if e["kind"] == "create"]
        told = Counter(e["status"] for e in creates)
        assert told["ok"] >= 9
        for e in creates:
            expected = {"ok": {1}, "not-done": {0}, "unknown": {0, 1}}[e["status"]]
            assert refs[e["ref"]] in expected, f"{e['ref']} was reported {e['status']}"
        assert len([r for r in refs if r.startswith("CLI-")]) == sum(refs[e["ref"]] for e in creates)
        for e in client_events:
            if e["kind"] == "amend" and e["status"] == "ok":
                assert notes[e["ref"]] == "amended once", "an amendment reported saved is there"

        # An administrator imports again each file the importer could not finish: nothing is doubled.
        files = [e for e in import_events if e["kind"] == "import"]
        assert Counter(e["status"] for e in files)["ok"] >= 6
        admin = Backend.login(cluster.url, IMPORTER, OFFICER.password)
        try:
            for e in files:
                again = admin.import_file(str(tmp_path / e["file"]))
                if e["status"] == "ok":
                    assert not again.changed, f"{e['file']} was reported imported, so nothing is new"
        finally:
            admin.close()
        with engine.connect() as conn:
            imported = Counter(
                dict(
                    conn.execute(
                        text(
                            "SELECT custody_ref, count(*) FROM arrest WHERE custody_ref LIKE 'IMP%' "
                            "GROUP BY custody_ref"
                        )
                    ).all()
                )
            )
            events = conn.execute(
                text(
                    "SELECT count(*) FROM disposal_event e JOIN offence o ON o.id = e.offence_id "
                    "JOIN arrest a ON a.id = o.arrest_id WHERE a.custody_ref LIKE 'IMP%'"
                )
            ).scalar_one()
            collected = conn.execute(
                text(
                    "SELECT count(*) FROM audit_event e JOIN app_user u ON u.id = e.user_id "
                    "WHERE u.username = :u AND e.action = 'collect' AND e.entity = 'arrest'"
                ),
                {"u": OFFICER.username},
            ).scalar_one()
        assert len(imported) == len(files) * PER_FILE and set(imported.values()) == {1}
        assert events == len(imported), "each imported disposal stored once"
        assert collected == len([r for r in refs if r.startswith("CLI-")]), "one audit event per arrest saved"
    finally:
        engine.dispose()
    verified = mshtdesk("--db", cluster.url, "audit", "verify", env=as_role(Role.ADMINISTRATOR))
    assert verified.returncode == 0, verified.stderr
