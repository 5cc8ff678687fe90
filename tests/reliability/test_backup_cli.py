"""``mshtdesk backup create|list|verify|restore|folder`` as a user runs it: a process, exit codes, stderr."""

from __future__ import annotations

from pathlib import Path

from mshtdesk.domain.roles import Role
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import SEED_EXPORT

ADMIN = as_role(Role.ADMINISTRATOR)


def flip(path: Path, at: int, n: int = 4096) -> None:
    data = bytearray(path.read_bytes())
    for i in range(at, min(at + n, len(data))):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_create_list_verify_restore(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    r = mshtdesk(*db, "backup", "create")
    assert r.returncode == 0 and "encrypted" in r.stdout, r.stderr
    assert mshtdesk(*db, "import", "arrests", str(SEED_EXPORT)).returncode == 0
    r = mshtdesk(*db, "backup", "list")
    assert r.returncode == 0 and "Backed up by hand" in r.stdout
    r = mshtdesk(*db, "backup", "verify")
    assert r.returncode == 0 and r.stdout.startswith("ok"), r.stdout + r.stderr
    r = mshtdesk(*db, "backup", "restore", "--latest-good")
    assert r.returncode == 1 and "does not allow" in r.stderr, "only administrators restore"
    r = mshtdesk(*db, "backup", "restore", "--latest-good", env=ADMIN)
    assert r.returncode == 0 and "backed up at" in r.stdout, r.stderr
    r = mshtdesk(*db, "import", "arrests", "--dry-run", str(SEED_EXPORT))
    assert r.returncode == 0 and "141 new arrests" in r.stdout, "the import is undone by the restore"
    r = mshtdesk(*db, "backup", "list")
    assert "Before a restore" in r.stdout


def test_a_damaged_backup_fails_verify(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    made = mshtdesk(*db, "backup", "create").stdout.split("Backed up to ")[1].split(" (")[0]
    flip(Path(made), Path(made).stat().st_size // 2)
    r = mshtdesk(*db, "backup", "verify", made)
    assert r.returncode == 1 and r.stdout.startswith("BAD")


def test_a_damaged_database_is_restored_from_the_latest_good_backup(db_path: Path) -> None:
    db = ["--db", str(db_path)]
    assert mshtdesk(*db, "backup", "create").returncode == 0
    flip(db_path, 0)
    r = mshtdesk(*db, "audit", "verify", env=ADMIN)
    assert r.returncode == 1 and "Traceback" not in r.stderr and "damaged" in r.stderr, r.stderr
    r = mshtdesk(*db, "backup", "restore", "--latest-good", env=ADMIN)
    assert r.returncode == 0 and "kept aside" in r.stdout, r.stderr
    r = mshtdesk(*db, "audit", "verify", env=ADMIN)
    assert r.returncode == 0, r.stderr


def test_folder_cannot_be_the_database(db_path: Path, tmp_path: Path) -> None:
    db = ["--db", str(db_path)]
    r = mshtdesk(*db, "backup", "folder", str(db_path), env=ADMIN)
    assert r.returncode == 1 and "cannot be the database file" in r.stderr
    r = mshtdesk(*db, "backup", "folder", str(tmp_path / "safe"), env=ADMIN)
    assert r.returncode == 0 and str(tmp_path / "safe") in r.stdout
