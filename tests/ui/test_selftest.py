"""``mshtdesk --self-test`` through the app's entry point: the main window opens and closes between the
core steps, and a bug the UI logs while it is open fails that step by name."""

from __future__ import annotations

import logging

import pytest
from pytestqt.qtbot import QtBot

from mshtdesk.selftest import EXIT_FAILED, EXIT_OK, WINDOW_STEP
from ui import launcher
from ui.main_window import MainWindow


def test_the_entry_point_runs_every_step_with_the_main_window(
    qtbot: QtBot, capsys: pytest.CaptureFixture[str]
) -> None:
    assert launcher.main(["--self-test"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"  ok      {WINDOW_STEP} (" in out
    assert out.index(WINDOW_STEP) < out.index("verify the audit chain")  # the window's events are checked
    assert out.rstrip().endswith("Self-test passed.")


def test_a_bug_logged_by_the_window_fails_its_step(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    attach = MainWindow.attach

    def attach_and_log(self: MainWindow, ctx: object) -> None:
        attach(self, ctx)  # type: ignore[arg-type]
        logging.getLogger("ui.pages").error("Unexpected KeyError while loading a page")

    monkeypatch.setattr(MainWindow, "attach", attach_and_log)
    assert launcher.main(["--self-test"]) == EXIT_FAILED
    caplog.clear()  # the bug was planted: the UI conftest's check for logged bugs must not see it
    out = capsys.readouterr().out
    assert f"  FAILED  {WINDOW_STEP}: the UI logged a bug: Unexpected KeyError while loading a page" in out
    assert f'Self-test failed at step "{WINDOW_STEP}".' in out
