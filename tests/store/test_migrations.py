"""Opening databases: new, current, newer, foreign and damaged files; models and migrations agree.

A new database, its district profile, models against migrations and a newer schema are rules, so they
run on a server too (``empty_address``); the rest is about the laptop's file itself. Every revision's
step down and up again: tests/store/test_migration_round_trip.py."""

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mshtdesk.errors import (
    CorruptDatabaseError,
    MigrationError,
    NewerDatabaseError,
    NotAnMshtDatabaseError,
)
from mshtdesk.store.backup import backup_sqlite
from mshtdesk.store.database import open_database
from mshtdesk.store.engine import make_engine, resolve_url
from mshtdesk.store.migrate import check_models_match, current_revision, head_revision, script_head


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A path with no file yet: these tests are about opening and upgrading files themselves."""
    return tmp_path / "plain.db"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_address(request: pytest.FixtureRequest, db_path: Path) -> str:
    """Where a new database is made: a file not yet there, or an emptied server database (skips with the
    reason without ``MSHTDESK_TEST_PG_URL``)."""
    if request.param == "sqlite":
        return str(db_path)
    from tests.postgres import fresh_server

    return fresh_server()


def test_new_database_is_migrated_to_head_with_reference_data(empty_address: str) -> None:
    db = open_database(empty_address)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        assert conn.execute(text("SELECT COUNT(*) FROM disposal_type")).scalar() == 7
        districts = [r[0] for r in conn.execute(text("SELECT code FROM district ORDER BY sort_order"))]
        assert districts == ["BD", "CD", "KD", "LD", "WD"]
        if db.path is not None:  # the file's own settings
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        else:  # the history is kept on the server by triggers, not only by grants
            assert conn.execute(
                text("SELECT COUNT(*) FROM pg_trigger WHERE tgname LIKE '%_not_truncated'")
            ).scalar()
    db.close()


def test_greater_manchester_profile_has_ten_districts(empty_address: str) -> None:
    db = open_database(empty_address, profile="greater-manchester")
    with db.engine.connect() as conn:
        names = [r[0] for r in conn.execute(text("SELECT name FROM district ORDER BY sort_order"))]
    assert names[0] == "Bolton" and names[-1] == "Wigan" and len(names) == 10
    db.close()
    # An existing force is never changed by asking for another profile.
    db = open_database(empty_address, profile="west-yorkshire")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM district")).scalar() == 10
    db.close()


def test_models_and_migrations_agree(empty_address: str) -> None:
    open_database(empty_address).close()
    engine = make_engine(resolve_url(empty_address))
    try:
        check_models_match(engine)  # raises if autogenerate would produce a migration
    finally:
        engine.dispose()


def test_the_head_written_in_the_code_is_the_newest_script() -> None:
    """``HEAD_REVISION`` saves loading Alembic at every login; a new migration must be named there."""
    assert head_revision() == script_head(), (
        "A migration was added: set HEAD_REVISION in mshtdesk/store/migrate.py to its revision"
    )


def test_the_recorded_revision_is_read_without_alembic(db_path: Path) -> None:
    engine = create_engine(resolve_url(str(db_path)))
    try:
        with engine.begin() as conn:
            assert current_revision(conn) is None  # a new file: never migrated
            conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
            assert current_revision(conn) is None  # the table, but no row yet
            conn.execute(text("INSERT INTO alembic_version VALUES ('0007'), ('0012')"))
            with pytest.raises(MigrationError, match="2 schema versions at once"):
                current_revision(conn)
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = '0007'"))
            assert current_revision(conn) == "0012"
    finally:
        engine.dispose()


def test_reopening_is_harmless(db_path: Path) -> None:
    open_database(str(db_path)).close()
    before = db_path.stat().st_size
    open_database(str(db_path)).close()
    assert not (db_path.parent / "backups").exists()  # no upgrade, so no backup
    assert db_path.stat().st_size == before


def test_newer_database_is_refused_without_harm(empty_address: str) -> None:
    open_database(empty_address).close()
    engine = create_engine(resolve_url(empty_address))
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
            conn.execute(text("INSERT INTO setting(key, value) VALUES ('marker', 'kept')"))
        with pytest.raises(NewerDatabaseError, match="newer version"):
            open_database(empty_address)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
            assert conn.execute(text("SELECT value FROM setting WHERE key = 'marker'")).scalar() == "kept"
    finally:
        engine.dispose()


def test_a_foreign_sqlite_file_is_refused(db_path: Path) -> None:
    con = sqlite3.connect(db_path)
    con.execute("CREATE TABLE other_app (x)")
    con.commit()
    con.close()
    with pytest.raises(NotAnMshtDatabaseError):
        open_database(str(db_path))


def test_a_damaged_file_is_named_not_traced(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(CorruptDatabaseError, match="not a readable MSHT Desk database"):
        open_database(str(db_path))


def test_backup_is_a_consistent_copy(db_path: Path, tmp_path: Path) -> None:
    open_database(str(db_path)).close()
    copy = backup_sqlite(db_path, tmp_path / "backups", "test")
    con = sqlite3.connect(copy)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM disposal_type").fetchone()[0] == 7
    con.close()


def test_db_argument_accepts_paths_and_urls(tmp_path: Path) -> None:
    assert resolve_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url("postgresql+psycopg://u@localhost/htt") == "postgresql+psycopg://u@localhost/htt"
