"""Save as HTML and Export CSV (ZIP) on the Reports page: COM summary only, a reason asked, the file
written as recorded (a disclosure in the history and the audit log), and the toolbar looked at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind
from tests.ui.helpers import SEED_EXPORT, find_visible, show_page
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.pages.reports_page import ReportsPage

SHOTS = Path(__file__).resolve().parents[2] / "shots"


def _reason_dialog(qtbot: QtBot) -> ReasonDialog:
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    return dialog


@pytest.mark.parametrize(("fmt", "suffix"), [(OutputFormat.HTML, ".html"), (OutputFormat.CSV, ".zip")])
def test_save_as_html_or_csv_asks_why_and_records_the_run(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fmt: OutputFormat,
    suffix: str,
) -> None:
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    manager = backend_for(Role.MANAGER)
    window = window_for(manager)
    page = show_page(window, ReportsPage)
    assert isinstance(page, ReportsPage)
    assert not page.html_button.isEnabled() and not page.csv_button.isEnabled()
    page.set_request(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    page.public.setChecked(True)
    page.build()
    wait_idle(30_000)
    button = page.html_button if fmt is OutputFormat.HTML else page.csv_button
    assert button.isEnabled()
    if fmt is OutputFormat.HTML:
        SHOTS.mkdir(exist_ok=True)
        window.resize(1280, 860)
        qtbot.wait(200)
        window.grab().save(str(SHOTS / "reports_page_html.png"))
    offered: list[str] = []
    out = tmp_path / f"published{suffix}"

    def save_as(_parent: object, _title: str, proposed: str, filters: str) -> tuple[str, str]:
        offered.extend([proposed, filters])
        return str(out), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    dialog = _reason_dialog(qtbot)
    assert ("HTML page" if fmt is OutputFormat.HTML else "CSV files in a ZIP") in dialog.what.text()
    dialog.text.setPlainText("Papers for the Community Outcomes Meeting")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    wait_idle()
    assert offered[0].endswith(f"-as-at-2022-05-24{suffix}") and f"*{suffix}" in offered[1]
    assert page.rendered is not None
    assert out.read_bytes() == page.rendered.data(fmt)
    runs = manager.reports.history()
    assert [(r.output_format, r.public, r.reason) for r in runs] == [
        (fmt.value, True, "Papers for the Community Outcomes Meeting")
    ]
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="disclose"))
    assert [(e.username, e.entity, e.reason) for e in events] == [
        ("manager", "report_run", "Papers for the Community Outcomes Meeting")
    ]
    # The disposal table is a PDF only: the buttons go grey for it.
    page.kind.setCurrentIndex(page.kind.findData(ReportKind.DISPOSALS.value))
    page.build()
    wait_idle(30_000)
    assert page.save_button.isEnabled()
    assert not page.html_button.isEnabled() and not page.csv_button.isEnabled()
