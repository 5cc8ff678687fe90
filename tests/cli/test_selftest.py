"""``mshtdesk --self-test``'s core steps: they pass on a good installation, name the step that fails on a
broken one (a frozen build without its migrations), and leave nothing behind."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest

from mshtdesk import cli, selftest
from mshtdesk.selftest import BEFORE_WINDOW, EXIT_FAILED, EXIT_OK, SelfTest, run_self_test


def test_every_step_passes_and_the_folder_is_removed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = io.StringIO()
    assert run_self_test(out) == EXIT_OK
    text = out.getvalue()
    for name, _step in (*BEFORE_WINDOW, *selftest.AFTER_WINDOW):
        assert f"  ok      {name} (" in text
    assert f"  skipped {selftest.WINDOW_STEP}" in text  # the core alone has no window to open
    assert text.rstrip().endswith("Self-test passed.")
    assert list(tmp_path.iterdir()) == []  # the database, its keys and the PDF went with the folder


def test_a_build_without_its_migrations_fails_at_the_first_step_and_names_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mshtdesk.store import migrate

    empty = tmp_path / "no-migrations"
    empty.mkdir()
    monkeypatch.setattr(migrate, "MIGRATIONS", empty)  # what a frozen build missing its data files sees
    out = io.StringIO()
    assert run_self_test(out) == EXIT_FAILED
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("  FAILED  create an encrypted database: ")
    assert lines[-1] == 'Self-test failed at step "create an encrypted database".'
    assert "Self-test passed." not in out.getvalue()


def test_a_step_finding_something_wrong_is_named_with_what_it_found() -> None:
    def wrong(_run: SelfTest) -> None:
        raise selftest.SelfTestError("the table counts 5 arrests, 6 expected")

    out = io.StringIO()
    steps = (BEFORE_WINDOW[0], ("build the disposal table", wrong), *selftest.AFTER_WINDOW)
    assert run_self_test(out, steps=steps) == EXIT_FAILED
    text = out.getvalue()
    assert "  ok      create an encrypted database" in text
    assert "  FAILED  build the disposal table: the table counts 5 arrests, 6 expected" in text
    assert "verify the audit chain" not in text  # nothing runs after a failed step


def test_the_custody_file_is_made_up_and_imports_as_written() -> None:
    rows = selftest.custody_csv().splitlines()
    assert rows[0] == selftest.CUSTODY_HEADER
    assert len(rows) - 1 == sum(len(a[4]) for a in selftest.ARRESTS)
    assert all(r.startswith("ST/") for r in rows[1:])  # "ST": self-test references, never a force's


def test_the_command_line_runs_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.parse(["--self-test"]).self_test
    assert cli.main(["--self-test"]) == EXIT_OK
    assert "Self-test passed." in capsys.readouterr().out


def test_the_steps_never_see_the_machines_presets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A laptop locked to the force's database: the self-test must still use only its temporary folder."""
    from mshtdesk.machine import MACHINE_SETTINGS_ENV, MachineSettings, machine_settings

    machine = tmp_path / "MSHTDesk.ini"
    machine.write_text(
        f"[MSHTDesk]\ndatabase = {tmp_path / 'team.db'}\nbackup_folder = {tmp_path}\nlocked = true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(MACHINE_SETTINGS_ENV, str(machine))
    seen: list[MachineSettings] = []
    steps = (("look at the machine settings", lambda _run: seen.append(machine_settings())),)
    assert run_self_test(io.StringIO(), steps=steps) == EXIT_OK
    assert seen == [MachineSettings()]
    assert machine_settings().locked  # and back afterwards
