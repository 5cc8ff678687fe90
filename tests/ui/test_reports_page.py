"""The Reports page: build and preview (not a disclosure), save with a reason (a recorded run), the
history model, regenerate, and a screenshot to look at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtTest import QAbstractItemModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.com_report import OutputFormat, ReportKind
from mshtdesk.store.queries.arrests import ArrestQuery
from tests.ui.helpers import SEED_EXPORT, show_page
from ui.dialogs.revisions_dialog import NONE_CHANGED
from ui.main_window import MainWindow
from ui.pages.reports_page import ReportsPage, RunsModel, last_half_year

SHOTS = Path(__file__).resolve().parents[2] / "shots"


def test_presets() -> None:
    assert last_half_year(date(2026, 11, 22)) == (date(2026, 4, 1), date(2026, 9, 30))
    assert last_half_year(date(2026, 5, 1)) == (date(2025, 10, 1), date(2026, 3, 31))
    assert last_half_year(date(2026, 2, 1)) == (date(2025, 4, 1), date(2025, 9, 30))


def test_build_preview_save_and_regenerate(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    tmp_path: Path,
) -> None:
    backend_for(Role.HTT_OFFICER).import_file(str(SEED_EXPORT))
    manager = backend_for(Role.MANAGER)
    window = window_for(manager)
    page = show_page(window, ReportsPage)
    assert isinstance(page, ReportsPage)
    assert page.preview.currentWidget() is page.empty and not page.save_button.isEnabled()
    assert page.history_hint.isVisible()
    assert [page.kind.itemData(i) for i in range(page.kind.count())] == [ReportKind.COM, ReportKind.DISPOSALS]
    page.set_request(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    page.public.setChecked(True)
    page.build()
    wait_idle(30_000)
    assert page.rendered is not None and page.rendered.request.public
    assert page.document.pageCount() >= 5 and page.preview.currentWidget() is page.view
    assert page.save_button.isEnabled() and "Not yet disclosed" in page.status.text()
    assert manager.reports.count() == 0  # previewing is not a disclosure
    SHOTS.mkdir(exist_ok=True)
    window.resize(1280, 860)
    qtbot.wait(200)
    window.grab().save(str(SHOTS / "reports_page.png"))

    target = tmp_path / "com.pdf"
    page.save_to(str(target), OutputFormat.PDF, "COM papers")
    wait_idle()
    assert target.read_bytes() == page.rendered.pdf
    runs = manager.reports.history()
    assert len(runs) == 1 and runs[0].reason == "COM papers" and runs[0].public
    assert page.runs.rowCount() == 1 and page.history_hint.isHidden()
    QAbstractItemModelTester(page.runs, QAbstractItemModelTester.FailureReportingMode.Fatal)
    window.grab().save(str(SHOTS / "reports_page_history.png"))

    page.internal.setChecked(True)
    page.history.selectRow(0)
    page.regenerate_selected()
    wait_idle(30_000)
    assert page.public.isChecked()
    assert "identical to the original" in page.status.text()

    # Unchanged since publication, then a duplicate arrest withdrawn: the dialog lists the changed cells.
    page.show_revisions()
    wait_idle(30_000)
    dialog = page.revisions_dialog
    assert dialog is not None and NONE_CHANGED in dialog.summary.text() and dialog.table.isHidden()
    dialog.close()
    officer = backend_for(Role.HTT_OFFICER)
    first = officer.register.page(
        ArrestQuery(date_from=date(2021, 4, 1), date_to=date(2022, 4, 30)), limit=1
    )[0]
    officer.corrections.withdraw_arrest(first.id, "Duplicate of another custody record")
    page.history.selectRow(0)
    page.show_revisions()
    wait_idle(30_000)
    dialog = page.revisions_dialog
    assert dialog is not None and dialog.table.isVisible() and dialog.table.rowCount() > 0
    rows = [[dialog.table.item(r, c).text() for c in range(5)] for r in range(dialog.table.rowCount())]
    assert ["Headline figures", "Arrests", "This period", "129", "128"] in rows
    qtbot.wait(100)
    dialog.grab().save(str(SHOTS / "reports_revisions.png"))
    dialog.close()
    # Regenerate still gives the published figures: it reads the records as recorded at the run's time.
    page.history.selectRow(page.runs.rowCount() - 1)
    page.regenerate_selected()
    wait_idle(30_000)
    assert "identical to the original" in page.status.text()


def test_runs_model_without_a_window(qtbot: QtBot) -> None:
    model = RunsModel()
    QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Fatal)
    assert model.rowCount() == 0 and model.columnCount() == len(RunsModel.COLUMNS)
