"""Four processes at once on one database: three users editing the same arrests and one importing custody
files that add disposals to those arrests, on a team server and on the laptop's encrypted file.

No update is lost: every editor's change ends up in the record. Each round the three editors read the
same version and save at the same moment (a barrier), so two of them lose the race every round; each
loser is told so by the conflict the app shows (``ConflictError`` with what they typed and the record
as it now stands), keeps both, and saves again. The audit chain verifies with ``mshtdesk audit verify``.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestQuery
from mshtdesk.store.database import Database
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import USERS, Template
from tests.reliability import team_workers
from tests.reliability.pg_cluster import Cluster, own_cluster

OFFICER = USERS[Role.HTT_OFFICER]
EDITORS = ("editor1", "editor2", "editor3")
IMPORTER = "importer"
ROUNDS = 6
FILES = 8
SHARED = ("SHARED-000", "SHARED-001")
CONFLICT_SAID = "Someone else saved this arrest after you opened it; your changes were not saved."


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from own_cluster()


@dataclass(frozen=True)
class Where:
    address: str  # as ``--db`` takes it
    open: Callable[[], Database]  # for the checks afterwards (the file needs its key)


@pytest.fixture(params=["sqlite", "postgresql"])
def where(request: pytest.FixtureRequest, db_path: Path, template: Template) -> Where:
    """A database with the editors, the importer and the two shared arrests (imported, as the importer
    will see them)."""
    if request.param == "sqlite":
        admin = Backend.as_user(template.open(db_path), USERS[Role.ADMINISTRATOR].username)
        found = Where(str(db_path), lambda: template.open(db_path))
    else:
        cluster: Cluster = request.getfixturevalue("cluster")
        engine = create_engine(cluster.url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        boss = USERS[Role.ADMINISTRATOR]
        admin = Backend.create(cluster.url, boss.username, boss.password)
        admin.users.add_user(OFFICER.username, "Officer", Role.HTT_OFFICER, OFFICER.password)
        found = Where(cluster.url, lambda: Database(cluster.url))
    for name in (*EDITORS, IMPORTER):
        admin.users.add_user(name, name.title(), Role.HTT_OFFICER, OFFICER.password)
    officer = Backend.as_user(admin.db, OFFICER.username)
    assert officer.import_custody(team_workers.custody_file("SHARED", 2), "shared.csv").arrests_added == 2
    admin.close()
    return found


def test_four_writers_lose_no_update_and_every_loser_is_told(
    where: Where, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = where.address
    monkeypatch.setenv("MSHTDESK_PASSWORD", OFFICER.password)
    login = Backend.login(address, OFFICER.username, OFFICER.password)
    shared = [r.id for r in login.register.page(ArrestQuery(text="SHARED-"), limit=10)]
    login.close()
    assert len(shared) == 2
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(len(EDITORS), timeout=180)
    start = spawn.Barrier(len(EDITORS) + 1, timeout=180)
    procs = [
        spawn.Process(
            target=team_workers.editor, args=(address, name, str(tmp_path), shared, ROUNDS, barrier, start)
        )
        for name in EDITORS
    ]
    procs.append(
        spawn.Process(
            target=team_workers.importer,
            args=(address, IMPORTER, str(tmp_path), FILES, 3, list(SHARED), start, 0.3),
        )
    )
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
        if p.is_alive():
            p.kill()
    assert [p.exitcode for p in procs] == [0, 0, 0, 0], "every writer finished by itself"

    saved: dict[int, list[str]] = {aid: [] for aid in shared}
    conflicts = []
    for name in EDITORS:
        events = team_workers.read_log(tmp_path / f"editor-{name}.jsonl")
        assert events[-1]["kind"] == "end"
        mine = [e for e in events if e["kind"] == "saved"]
        assert [e["token"] for e in mine] == [f"[{name}.{r}]" for r in range(ROUNDS)], "each round saved"
        for e in mine:
            saved[e["arrest"]].append(e["token"])
        conflicts += [e for e in events if e["kind"] == "conflict"]
    imports = [
        e for e in team_workers.read_log(tmp_path / f"importer-{IMPORTER}.jsonl") if e["kind"] == "import"
    ]
    assert [e["status"] for e in imports] == ["ok"] * FILES
    edits = [e["t"] for name in EDITORS for e in team_workers.read_log(tmp_path / f"editor-{name}.jsonl")]
    assert imports[0]["t"] < max(edits) and imports[-1]["t"] > min(edits), "the import ran among the edits"

    # Every round, the two editors who lost the race were told, with their own typing kept.
    assert len(conflicts) >= ROUNDS * (len(EDITORS) - 1)
    for c in conflicts:
        assert c["kept_mine"], "the conflict carries what the loser typed"
        assert c["theirs"] > c["had"], "and the newer version that beat it"
        assert c["said"].startswith(CONFLICT_SAID)

    checking = where.open()
    with checking.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, notes, version FROM arrest WHERE id IN (:a, :b)"),
            {"a": shared[0], "b": shared[1]},
        ).all()
        alters = Counter(
            dict(
                conn.execute(
                    text(
                        "SELECT record_id, count(*) FROM audit_event "
                        "WHERE entity = 'arrest' AND action = 'alter' GROUP BY record_id"
                    )
                ).all()
            )
        )
        refs = Counter(
            dict(conn.execute(text("SELECT custody_ref, count(*) FROM arrest GROUP BY custody_ref")).all())
        )
        charges = conn.execute(
            text(
                "SELECT count(*) FROM disposal_event e JOIN offence o ON o.id = e.offence_id "
                "JOIN arrest a ON a.id = o.arrest_id WHERE a.custody_ref LIKE 'SHARED-%'"
            )
        ).scalar_one()
    checking.close()
    for aid, notes, version in rows:
        tokens = re.findall(r"\[[^\]]+\]", notes)
        assert Counter(tokens) == Counter(saved[aid]), "no update lost, none applied twice"
        assert version >= 1 + len(saved[aid])
        assert alters[str(aid)] == len(saved[aid]), "each save audited once"
    assert set(refs.values()) == {1} and len(refs) == 2 + FILES * 3, "every imported arrest stored once"
    assert charges == 2 * (1 + FILES), "each shared arrest: its first disposal and one per file"
    verified = mshtdesk("--db", address, "audit", "verify", env=as_role(Role.ADMINISTRATOR))
    assert verified.returncode == 0, verified.stderr
