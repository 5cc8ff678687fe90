"""Machine-wide settings (issue 14): an administrator's presets for every user of a computer, which users
cannot override when the file says ``locked``; a missing or broken file changes nothing. The tests that
open a database run on both engines (tests/both_engines.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mshtdesk import cli
from mshtdesk.domain.roles import Role
from mshtdesk.errors import StoreError, ValidationError
from mshtdesk.machine import MACHINE_SETTINGS_ENV, MachineSettings, machine_settings
from mshtdesk.services.backend import Backend
from mshtdesk.store.database import Database
from mshtdesk.store.engine import resolve_url
from tests.both_engines import database, db_address, sqlite_only

__all__ = ["database", "db_address"]


@pytest.fixture
def machine_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], Path]:
    """Write the machine's settings file (the root conftest points the app at a file that is absent)."""
    path = tmp_path / "ProgramData" / "MSHTDesk.ini"
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(path))

    def write(text: str) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write


def test_no_file_presets_nothing() -> None:
    assert machine_settings() == MachineSettings()
    assert resolve_url(None).endswith("mshtdesk.db")


def test_the_file_is_read_with_comments_and_a_byte_order_mark(machine_file: Callable[[str], Path]) -> None:
    path = machine_file(
        "\ufeff[MSHTDesk]\ndatabase = /srv/htt/htt.db ; the team's file\nidle_lock_minutes = 5\n"
        "backup_folder = /srv/htt/backups\nlocked = Yes\n"
    )
    assert machine_settings() == MachineSettings("/srv/htt/htt.db", 5.0, Path("/srv/htt/backups"), True, path)


def test_a_broken_file_or_value_is_ignored_not_fatal(machine_file: Callable[[str], Path]) -> None:
    machine_file("this is not an INI file")
    assert machine_settings() == MachineSettings()
    path = machine_file("[MSHTDesk]\nidle_lock_minutes = soon\nlocked = maybe\n")
    assert machine_settings() == MachineSettings(source=path)


def test_an_unlocked_database_is_the_default_after_the_users_own(
    machine_file: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    machine_file(f"[MSHTDesk]\ndatabase = {tmp_path / 'preset.db'}\n")
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'preset.db'}"
    monkeypatch.setenv("MSHTDESK_DB", str(tmp_path / "mine.db"))
    assert resolve_url(None) == f"sqlite:///{tmp_path / 'mine.db'}"
    assert cli.parse(["--db", str(tmp_path / "given.db")]).db == str(tmp_path / "given.db")


def test_a_locked_database_replaces_the_users_choice_with_a_note(
    machine_file: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = machine_file("[MSHTDesk]\ndatabase = postgresql+psycopg://htt-server/htt\nlocked = true\n")
    monkeypatch.setenv("MSHTDESK_DB", str(tmp_path / "mine.db"))
    assert resolve_url(None) == "postgresql+psycopg://htt-server/htt?sslmode=verify-full"
    assert cli.parse(["--db", str(tmp_path / "given.db"), "users", "list"]).db == (
        "postgresql+psycopg://htt-server/htt"
    )
    assert f"--db is ignored: this computer's database is set in {path}." in capsys.readouterr().err


@sqlite_only("backups are copies of the laptop's file; a server's administrators back it up with pg_dump")
def test_the_backup_folder_preset_and_its_lock(
    machine_file: Callable[[str], Path], backend_for: Callable[[Role], Backend], tmp_path: Path
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    default = admin.backups.folder()
    machine_file(f"[MSHTDesk]\nbackup_folder = {tmp_path / 'preset'}\n")
    assert admin.backups.folder() == tmp_path / "preset"  # unlocked: instead of the default
    assert admin.backups.set_folder(str(tmp_path / "chosen")) == tmp_path / "chosen"
    assert admin.backups.folder() == tmp_path / "chosen"  # the database administrator's choice comes first
    path = machine_file(f"[MSHTDesk]\nbackup_folder = {tmp_path / 'preset'}\nlocked = 1\n")
    assert admin.backups.folder() == tmp_path / "preset"
    made = backend_for(Role.HTT_OFFICER).backups.create()
    assert Path(made.path).parent == tmp_path / "preset"
    with pytest.raises(ValidationError, match="set by its IT department") as refused:
        admin.backups.set_folder(str(tmp_path / "other"))
    assert str(path) in str(refused.value)
    assert default != tmp_path / "preset"


def test_a_locked_backup_folder_never_makes_a_server_back_itself_up(
    machine_file: Callable[[str], Path], backend_for: Callable[[Role], Backend], database: Database,
    tmp_path: Path,
) -> None:  # fmt: skip
    machine_file(f"[MSHTDesk]\nbackup_folder = {tmp_path / 'preset'}\nlocked = 1\n")
    officer = backend_for(Role.HTT_OFFICER)
    if database.path is not None:  # the laptop's file: backed up into the preset folder
        assert officer.backups.available() and officer.backups.folder() == tmp_path / "preset"
        assert Path(officer.backups.create().path).parent == tmp_path / "preset"
        return
    assert not officer.backups.available()
    with pytest.raises(StoreError, match="pg_dump"):
        officer.backups.create()
    assert not (tmp_path / "preset").exists()
