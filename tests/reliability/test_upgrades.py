"""Upgrades: every committed fixture database (one per released schema) is upgraded to whatever head
is, and every row it held is still there, byte for byte; a database from a newer version is refused
and left untouched. (That models and migrations agree is ``tests/store/test_migrations.py``.)"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from mshtdesk.errors import NewerDatabaseError
from mshtdesk.security.keyring import Keyring, keyring_path
from mshtdesk.services.audit import verify_chain
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestQuery
from mshtdesk.store.backup import check_file, connect, list_backups, schema_revision
from mshtdesk.store.database import open_database
from mshtdesk.store.migrate import head_revision

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "upgrade"
MANIFESTS = sorted(FIXTURES.glob("schema_*.json"))
CHANGED_BY_USE = {"alembic_version", "audit_head"}  # the version moves on; a login appends to the chain


def rows_by_table(path: Path, key: bytes, columns: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """Every row of every table (only ``columns`` of each, if given), as a multiset of tuples."""
    con = connect(path, key)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        out: dict[str, Any] = {}
        for t in tables:
            cols = (
                columns[t]
                if columns and t in columns
                else [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
            )
            quoted = ", ".join(f'"{c}"' for c in cols)
            out[t] = (cols, Counter(con.execute(f'SELECT {quoted} FROM "{t}"').fetchall()))
        return out
    finally:
        con.close()


@pytest.fixture(params=MANIFESTS, ids=[m.stem for m in MANIFESTS])
def fixture_db(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, dict[str, Any], bytes]:
    manifest = json.loads(Path(request.param).read_text(encoding="utf-8"))
    source = FIXTURES / f"schema_{manifest['revision']}.db"
    path = tmp_path / "register.db"
    shutil.copyfile(source, path)
    shutil.copyfile(keyring_path(source), keyring_path(path))
    ring = Keyring.load(keyring_path(path))
    assert ring is not None
    key = ring.unwrap(manifest["username"], manifest["password"])
    assert key is not None
    return path, manifest, key


def test_there_is_a_fixture_for_the_schema_this_session_started_with() -> None:
    assert any(json.loads(m.read_text())["revision"] == "0003" for m in MANIFESTS)


def test_every_row_survives_the_upgrade_to_head(fixture_db: tuple[Path, dict[str, Any], bytes]) -> None:
    path, manifest, key = fixture_db
    assert schema_revision(path, key) == manifest["revision"]
    before = rows_by_table(path, key)
    assert {t: sum(c.values()) for t, (_, c) in before.items()} == manifest["rows"], "the fixture is as built"
    backend = Backend.login(
        str(path), manifest["username"], manifest["password"]
    )  # upgrades, as the app does
    try:
        assert schema_revision(path, key) == head_revision()
        after = rows_by_table(path, key, {t: cols for t, (cols, _) in before.items()})
        for table, (_, rows) in before.items():
            if table in CHANGED_BY_USE:
                continue
            lost = rows - after[table][1]
            assert not lost, f"{table}: {sum(lost.values())} rows changed or lost in the upgrade"
        assert verify_chain(backend.db).ok, "the audit chain carries on across the upgrade"
    finally:
        backend.close()
    copies = list_backups(path.parent / "backups", path.stem)
    if manifest["revision"] == head_revision():  # the newest fixture: opened, nothing to upgrade
        assert copies == []
    else:
        assert [c.label for c in copies] == [f"before-{head_revision()}"]
        assert (
            check_file(copies[0].path, key) == "ok"
            and schema_revision(copies[0].path, key) == manifest["revision"]
        )
    officer = Backend.login(str(path), manifest["officer"], manifest["password"])
    try:
        assert officer.register.counts().arrests == manifest["rows"]["arrest"]
        first = officer.register.page(ArrestQuery(), limit=1)[0]
        assert officer.register.get(first.id).offences, "an upgraded arrest opens with its offences"
    finally:
        officer.close()


def test_a_newer_database_is_refused_untouched(fixture_db: tuple[Path, dict[str, Any], bytes]) -> None:
    path, _manifest, key = fixture_db
    con = connect(path, key)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.execute("PRAGMA journal_mode = WAL")  # as every file the app writes is
    con.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        open_database(str(path), key=key)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, "not a byte changed"
    assert not (path.parent / "backups").exists()
    assert schema_revision(path, key) == "9999_future"
