"""Issue 10, item 1: an export once replaced the database with a 248-byte CSV.

Every output path that is the database (by any name: case, symlink, hard link), its key file, its log
files or anything in a backup folder is refused before anything is disclosed or written; an existing
file needs --force; folders, devices and missing folders are refused in one sentence; and a write
that fails leaves the old file as it was and no partial file behind. The app's exports share the
same check (``backend.exports``).

The rules about what may be written (``--force``, folders, devices, whole files, no disclosure recorded for
a refused export) run on both engines (tests/both_engines.py). The refusals of the database's own files
are about the laptop: a team server's database has no file on this machine to overwrite, so those tests
are ``sqlite_only``.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.cli import parse, run
from mshtdesk.domain.roles import Role
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.store.output_files import OutputExistsError, ProtectedFiles, UnsafeOutputError, write_output
from tests import both_engines
from tests.both_engines import sqlite_only
from tests.conftest import USERS
from tests.ui.conftest import window_for
from tests.ui.helpers import find_visible, show_page, visible_message_boxes
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.pages.audit_page import AuditPage
from ui.pages.disposal_page import DisposalPage

__all__ = ["window_for"]  # a fixture, used by the app's test below

SHOTS = Path(__file__).resolve().parents[2] / "shots"
OWN_FILES = (
    "the database file, its key file and its backup folder are the outputs refused (a server has none)"
)
database, db_address = both_engines.database, both_engines.db_address  # every test on both engines
PERIOD = ["--from", "2021-04-01", "--to", "2022-04-30", "--as-at", "2022-05-24", "--reason", "hostile test"]


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target, a folder's name."""
    found: dict[str, bytes | str] = {}
    for p in sorted(folder.rglob("*")):
        key = str(p.relative_to(folder))
        if p.is_symlink():
            found[key] = "link -> " + os.readlink(p)
        elif p.is_dir():
            found[key] = "folder"
        else:
            found[key] = p.read_bytes()
    return found


@pytest.fixture
def as_officer(monkeypatch: pytest.MonkeyPatch) -> None:
    officer = USERS[Role.HTT_OFFICER]
    monkeypatch.setenv("MSHTDESK_USER", officer.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", officer.password)


def cli(*args: str) -> tuple[int, str]:
    """The command line in this process: exit code and what it said on stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = run(parse(list(args)), out, err)
    return code, err.getvalue()


def export(db: Path | str, target: Path | str, *extra: str) -> tuple[int, str]:
    return cli("--db", str(db), "report", "disposals", *PERIOD, "--format", "csv", "-o", str(target), *extra)


def disclosures(db: Path | str) -> int:
    from mshtdesk.services.users import login

    admin = USERS[Role.AUDITOR]
    database, actor = login(str(db), admin.username, admin.password)
    try:
        return len(Backend(database, actor).audit.list(AuditQuery(action="disclose")))
    finally:
        database.close()


# ----- the database's own files, under every name -----------------------------------------------------


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
@pytest.mark.parametrize(
    "name",
    ["register.db", "REGISTER.DB", "Register.db", "register.db.keys", "register.db-wal", "register.db-shm"],
)
@pytest.mark.parametrize("force", [False, True])
def test_an_export_over_the_database_or_its_files_is_refused_and_nothing_changes(
    db_path: Path, as_officer: None, name: str, force: bool
) -> None:
    folder = db_path.parent
    before = snapshot(folder)
    code, said = export(db_path, folder / name, *(["--force"] if force else []))
    assert code == 1, said
    assert "is the database or one of its own files" in said and "Choose another file name" in said
    assert "Traceback" not in said and "internal error" not in said
    assert snapshot(folder) == before  # byte for byte: not even a login was recorded


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
def test_a_symlink_to_the_database_is_refused(db_path: Path, tmp_path: Path, as_officer: None) -> None:
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    link = elsewhere / "table.csv"
    link.symlink_to(db_path)
    before = snapshot(tmp_path)
    code, said = export(db_path, link, "--force")
    assert code == 1 and "is the database" in said
    assert snapshot(tmp_path) == before and link.is_symlink()


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
def test_a_hard_link_to_the_database_or_its_key_file_is_refused(
    db_path: Path, tmp_path: Path, as_officer: None
) -> None:
    elsewhere = tmp_path / "exports"
    elsewhere.mkdir()
    os.link(db_path, elsewhere / "table.csv")
    os.link(keyring_path(db_path), elsewhere / "keys.csv")
    before = snapshot(tmp_path)
    for target in ("table.csv", "keys.csv"):
        code, said = export(db_path, elsewhere / target, "--force")
        assert code == 1 and "another name for the database" in said, said
    assert snapshot(tmp_path) == before


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
def test_the_default_backup_folder_is_refused(db_path: Path, as_officer: None) -> None:
    backups = db_path.parent / "backups"
    backups.mkdir()
    (backups / "register-20260101-000000-000000-daily.db").write_bytes(b"a backup")
    before = snapshot(db_path.parent)
    for target in (backups / "table.csv", backups / "register-20260101-000000-000000-daily.db"):
        code, said = export(db_path, target, "--force")
        assert code == 1 and "is in the backup folder" in said, said
    assert snapshot(db_path.parent) == before


@sqlite_only(OWN_FILES)
def test_the_configured_backup_folder_is_refused_before_anything_is_disclosed(
    db_path: Path, tmp_path: Path, backend_for: Callable[[Role], Backend], as_officer: None
) -> None:
    chosen = tmp_path / "other-disk" / "msht-backups"
    backend_for(Role.ADMINISTRATOR).backups.set_folder(str(chosen))
    backend_for(Role.ADMINISTRATOR).db.close()
    kept = chosen / "register-20260101-000000-000000-manual.db"
    kept.write_bytes(b"a backup")
    for target, extra in ((chosen / "table.csv", []), (kept, ["--force"])):
        code, said = export(db_path, target, *extra)
        assert code == 1 and f"is in the backup folder {chosen}" in said, said
        code, said = cli(
            "--db",
            str(db_path),
            "audit",
            "list",
            "--format",
            "csv",
            "--reason",
            "x",
            "-o",
            str(target),
            *extra,
        )
        assert code == 1 and "backup folder" in said, said
    assert kept.read_bytes() == b"a backup" and sorted(p.name for p in chosen.iterdir()) == [kept.name]
    assert disclosures(db_path) == 0  # refused before the disclosure was recorded


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
def test_a_hard_link_to_a_backup_is_refused(db_path: Path, tmp_path: Path) -> None:
    backups = db_path.parent / "backups"
    backups.mkdir()
    backup = backups / "register-20260101-000000-000000-daily.db"
    backup.write_bytes(b"a backup")
    alias = tmp_path / "alias.csv"
    os.link(backup, alias)
    with pytest.raises(UnsafeOutputError, match="another name for a file in the backup folder"):
        write_output(alias, b"x", ProtectedFiles.around(db_path), replace=True)
    assert backup.read_bytes() == b"a backup"


# ----- audit list and the PDF / JSON reports go through the same check ---------------------------------


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("name", ["register.db", "register.db.keys", "REGISTER.DB-WAL"])
def test_audit_list_cannot_overwrite_the_database(
    db_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    auditor = USERS[Role.AUDITOR]
    monkeypatch.setenv("MSHTDESK_USER", auditor.username)
    monkeypatch.setenv("MSHTDESK_PASSWORD", auditor.password)
    before = snapshot(db_path.parent)
    for fmt in ("csv", "table"):
        code, said = cli(
            "--db",
            str(db_path),
            "audit",
            "list",
            "--format",
            fmt,
            "--reason",
            "x",
            "-o",
            str(db_path.parent / name),
        )
        assert code == 1 and "is the database" in said, said
    assert snapshot(db_path.parent) == before


@sqlite_only(OWN_FILES)
@pytest.mark.usefixtures("database")
@pytest.mark.parametrize("fmt", ["pdf", "json"])
def test_report_com_cannot_overwrite_the_database(db_path: Path, fmt: str, as_officer: None) -> None:
    before = snapshot(db_path.parent)
    code, said = cli(
        "--db", str(db_path), "report", "com", *PERIOD, "--format", fmt, "-o", str(db_path), "--force"
    )
    assert code == 1 and "is the database" in said, said
    assert snapshot(db_path.parent) == before


def test_a_pdf_is_written_whole_and_an_existing_one_needs_force(
    db_address: str, tmp_path: Path, as_officer: None
) -> None:
    out = tmp_path / "table.pdf"
    args = ["--db", db_address, "report", "disposals", *PERIOD, "--format", "pdf", "-o", str(out)]
    code, said = cli(*args)
    assert code == 0, said
    first = out.read_bytes()
    assert first.startswith(b"%PDF")
    code, said = cli(*args)
    assert code == 1 and "already exists" in said and out.read_bytes() == first
    assert cli(*args, "--force")[0] == 0 and out.read_bytes().startswith(b"%PDF")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


# ----- existing files, folders, devices ----------------------------------------------------------------


def test_an_existing_file_needs_force_and_is_then_replaced_whole(
    db_address: str, tmp_path: Path, as_officer: None
) -> None:
    out_dir = tmp_path / "exports"
    out_dir.mkdir()
    out = out_dir / "table.csv"
    out.write_text("my notes, not to be lost\n", encoding="utf-8")
    code, said = export(db_address, out)
    assert code == 1 and "already exists and was left as it was" in said and "--force" in said
    assert out.read_text(encoding="utf-8") == "my notes, not to be lost\n"
    assert disclosures(db_address) == 0  # refused before the disclosure was recorded
    code, said = export(db_address, out, "--force")
    assert code == 0, said
    assert disclosures(db_address) == 1  # the one export written, with its reason
    assert out.read_text(encoding="utf-8").startswith("Disposal Type,")
    assert [p.name for p in out_dir.iterdir()] == ["table.csv"]  # no temporary file left behind
    assert out.stat().st_mode & 0o077 == 0  # an export of personal data is readable by its owner only


def test_a_new_file_is_written_without_force(
    db_address: str, tmp_path: Path, as_officer: None, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "new.csv"
    code, _said = export(db_address, out)
    assert code == 0 and f"Wrote {out} (0 arrests)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").startswith("Disposal Type,")


def test_a_folder_a_missing_folder_and_a_device_are_refused_in_one_sentence(
    db_address: str, tmp_path: Path, as_officer: None
) -> None:
    before = snapshot(tmp_path)
    code, said = export(db_address, tmp_path, "--force")
    assert code == 1 and said.strip() == f"{tmp_path} is a folder; name a file inside it."
    code, said = export(db_address, tmp_path / "missing" / "table.csv")
    missing = tmp_path / "missing"
    assert code == 1 and said.strip() == (
        f"The folder {missing} does not exist; create it first or choose a file in another folder."
    )
    code, said = export(db_address, "/dev/null", "--force")
    assert code == 1 and "not an ordinary file" in said
    assert snapshot(tmp_path) == before
    assert disclosures(db_address) == 0


# ----- the atomic write itself --------------------------------------------------------------------------


@pytest.fixture
def failing_sync(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The disk fills up while the export is being written (the OS says so at fsync)."""

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    yield


@pytest.mark.parametrize("replace", [False, True])
def test_a_failed_write_leaves_the_old_file_and_no_partial_file(
    tmp_path: Path, failing_sync: None, replace: bool
) -> None:
    out = tmp_path / "table.csv"
    if replace:
        out.write_bytes(b"the old export")
    with pytest.raises(Exception, match="could not be written, and nothing was left there: The disk is full"):
        write_output(out, b"new data" * 1000, ProtectedFiles(None), replace=replace)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["table.csv"] if replace else [])
    if replace:
        assert out.read_bytes() == b"the old export"


def test_a_file_that_appears_meanwhile_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --force the rename cannot clobber a file created after the check (a hard link is made)."""
    import mshtdesk.store.output_files as output_files

    out = tmp_path / "table.csv"
    real = output_files._publish

    def racing(tmp: Path, path: Path, *, replace: bool) -> None:
        path.write_bytes(b"someone else's file")
        real(tmp, path, replace=replace)

    monkeypatch.setattr(output_files, "_publish", racing)
    with pytest.raises(OutputExistsError):
        write_output(out, b"mine", ProtectedFiles(None), replace=False)
    assert out.read_bytes() == b"someone else's file" and [p.name for p in tmp_path.iterdir()] == [
        "table.csv"
    ]


# ----- the app: the same refusal, shown in a message ----------------------------------------------------


@sqlite_only(OWN_FILES)
def test_the_apps_disposal_export_refuses_the_database_and_discloses_nothing(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db_file = backend.db.path
    assert db_file is not None
    window = window_for(backend)
    page = show_page(window, DisposalPage)
    assert isinstance(page, DisposalPage)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    target = db_file.with_name(db_file.name.upper())  # the user picks the database under another case
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(target), "CSV files (*.csv)"))
    window.commands.export_csv.trigger()
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    dialog.text.setPlainText("Annual report")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(visible_message_boxes()), timeout=5000)
    wait_idle()
    box = visible_message_boxes()[0]
    assert "is the database or one of its own files" in box.text()
    SHOTS.mkdir(exist_ok=True)
    box.grab().save(str(SHOTS / "export_refused.png"))
    box.close()
    assert not target.exists() and not db_file.read_bytes().startswith(b"Disposal Type")
    assert backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)).total_arrests == 0
    assert backend_for(Role.AUDITOR).audit.list(AuditQuery(action="disclose")) == []
    assert "Saved" not in page.status.text()


@sqlite_only(OWN_FILES)
def test_the_apps_audit_export_refuses_the_key_file(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    auditor = backend_for(Role.AUDITOR)
    assert auditor.db.path is not None
    keys = keyring_path(auditor.db.path)
    before = keys.read_bytes()
    window = window_for(auditor)
    page = show_page(window, AuditPage)
    assert isinstance(page, AuditPage)
    page.search()
    wait_idle()
    page.export_to(str(keys), "review")
    qtbot.waitUntil(lambda: bool(visible_message_boxes()), timeout=5000)
    wait_idle()
    box = visible_message_boxes()[0]
    assert "is the database or one of its own files" in box.text()
    box.close()
    assert keys.read_bytes() == before
    assert auditor.audit.list(AuditQuery(action="disclose")) == []


@sqlite_only(OWN_FILES)
def test_the_apps_report_save_uses_the_same_check(backend: Backend, tmp_path: Path) -> None:
    """The Reports page saves through ``backend.exports`` on its worker: the service refuses the files."""
    assert backend.db.path is not None
    for target in (backend.db.path, keyring_path(backend.db.path)):
        before = target.read_bytes()
        with pytest.raises(UnsafeOutputError):
            backend.exports.check(target, replace=True)
        with pytest.raises(UnsafeOutputError):
            backend.exports.write(target, b"%PDF-1.7", replace=True)
        assert target.read_bytes() == before


def test_the_apps_report_save_writes_a_new_file_whole_and_keeps_an_existing_one(
    backend: Backend, tmp_path: Path
) -> None:
    """The same service on either engine: a new file is written; one that exists needs ``replace``; a
    folder is refused."""
    written = backend.exports.write(tmp_path / "com.pdf", b"%PDF-1.7", replace=False)
    assert written.read_bytes() == b"%PDF-1.7"
    with pytest.raises(OutputExistsError):
        backend.exports.write(written, b"%PDF-2.0 someone else's", replace=False)
    assert written.read_bytes() == b"%PDF-1.7"
    with pytest.raises(UnsafeOutputError, match="is a folder"):
        backend.exports.check(tmp_path, replace=True)
    assert backend.exports.write(written, b"%PDF-2.0", replace=True).read_bytes() == b"%PDF-2.0"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("register.db")) == ["com.pdf"]
