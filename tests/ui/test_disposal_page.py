"""The disposal-by-district page: the published seed table, defaults, empty period, copy and export
(each a disclosure with its reason), and what a manager sees."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QPushButton
from pytestqt.qtbot import QtBot

from mshtdesk.domain.dates import last_complete_financial_year
from mshtdesk.domain.roles import Role
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.ui.helpers import SEED_EXPORT, find_visible, show_page
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.pages.arrests_page import ArrestsPage
from ui.pages.disposal_page import DisposalPage


def _page(window: MainWindow) -> DisposalPage:
    page = show_page(window, DisposalPage)
    assert isinstance(page, DisposalPage)
    return page


def _cell(page: DisposalPage, label: str, column: str) -> str:
    model = page.model
    assert model.table is not None
    col = list(model.table.header).index(column)
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data() == label)
    return str(model.index(row, col).data())


def test_the_seed_table_after_importing_the_export(
    window_for: Callable[[Backend], MainWindow], backend: Backend, wait_idle: Callable[..., None]
) -> None:
    backend.import_file(str(SEED_EXPORT))
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    assert page.body.currentWidget() is page.content
    assert _cell(page, "Total arrests", "Disposals") == "129"
    assert _cell(page, "Total arrests", "BD") == "34"
    assert _cell(page, "Charge", "Disposals") == "6"
    assert _cell(page, "Released under investigation", "Disposals") == "41"
    assert page.caption.text() == (
        "Arrests between 01/04/2021 and 30/04/2022 by highest-ranked disposal (as at 24/05/2022)"
    )
    assert "highest ranked disposal" in page.footnotes.text()
    header = [page.model.headerData(c, Qt.Orientation.Horizontal) for c in range(page.model.columnCount())]
    assert header == ["Disposal Type", "Disposals", "BD", "CD", "KD", "LD", "WD"]


def test_defaults_to_the_last_complete_financial_year_as_at_today(
    window_for: Callable[[Backend], MainWindow], backend: Backend, wait_idle: Callable[..., None]
) -> None:
    window = window_for(backend)
    page = _page(window)
    wait_idle()
    start, end = last_complete_financial_year(date.today())
    assert page.period() == (start, end, date.today())


def test_an_empty_period_says_so_and_suggests_what_to_do(
    window_for: Callable[[Backend], MainWindow], backend: Backend, wait_idle: Callable[..., None]
) -> None:
    window = window_for(backend)
    page = _page(window)
    wait_idle()
    assert page.body.currentWidget() is page.empty
    text = page.empty.title.text() + " " + page.empty.text.text()
    assert text.startswith("No arrests between")
    assert "another period" in text and "import" in text


def test_a_period_that_ends_before_it_starts_is_explained(
    window_for: Callable[[Backend], MainWindow], backend: Backend, wait_idle: Callable[..., None]
) -> None:
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2022, 4, 1), date(2021, 4, 1), date(2022, 5, 1))
    wait_idle()
    assert page.period_error.text() == "The period ends before it starts."
    assert not page.export_button.isEnabled()


def test_dates_recompute_after_a_pause(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    backend.import_file(str(SEED_EXPORT))
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    page.date_to.set_value(date(2021, 4, 30))  # as a user would, through the field
    qtbot.waitUntil(lambda: page.model.table is not None and page.model.table.date_to == date(2021, 4, 30))
    wait_idle()
    assert int(_cell(page, "Total arrests", "Disposals")) < 129


def _reason_dialog(qtbot: QtBot) -> ReasonDialog:
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    return dialog


def test_copy_asks_why_and_records_a_disclosure(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    backend.import_file(str(SEED_EXPORT))
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    QGuiApplication.clipboard().setText("before")
    window.commands.copy.trigger()
    dialog = _reason_dialog(qtbot)
    assert (
        dialog.prompt.text().replace("&", "") == "Why are you disclosing this? It is kept in the audit log."
    )
    assert not dialog.ok_button.isEnabled()  # no reason, no disclosure
    qtbot.keyClicks(dialog.text, "   ")
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.text, "Board figures for Q1")
    assert dialog.ok_button.isEnabled()
    assert QGuiApplication.clipboard().text() == "before"  # nothing copied until the reason is given
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == "Disposal Type\tDisposals\tBD\tCD\tKD\tLD\tWD"
    assert copied.splitlines()[-1] == "Total arrests\t129\t34\t29\t16\t34\t16"
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="disclose"))
    assert len(events) == 1
    assert (events[0].username, events[0].entity, events[0].reason) == (
        "officer",
        "disposal_report",
        "Board figures for Q1",
    )
    assert events[0].record_id == "2021-04-01..2022-04-30@2022-05-24"


def test_cancelling_the_reason_copies_nothing(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    page = _page(window)
    wait_idle()
    QGuiApplication.clipboard().setText("before")
    page.copy()
    dialog = _reason_dialog(qtbot)
    dialog.reject()
    wait_idle()
    assert QGuiApplication.clipboard().text() == "before"


def test_export_matches_the_csv(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    backend.import_file(str(SEED_EXPORT))
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    out = tmp_path / "table.csv"
    chosen: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        chosen.append(suggested)
        return str(out), "CSV files (*.csv)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    assert window.commands.export_csv.isEnabled()
    window.commands.export_csv.trigger()
    dialog = _reason_dialog(qtbot)
    dialog.text.setPlainText("Published table for the annual report")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=5000)
    wait_idle()
    assert chosen and chosen[0].endswith("arrests-by-disposal-2021-04-01-to-2022-04-30-as-at-2022-05-24.csv")
    expected = to_csv(backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)))
    assert out.read_text(encoding="utf-8") == expected
    assert "audit log" in page.status.text()
    show_page(window, ArrestsPage)
    assert window.commands.export_csv.isEnabled()  # the arrests page exports its current filter too


def test_a_manager_may_export_but_not_import(
    window_as: Callable[[Role], MainWindow], wait_idle: Callable[..., None]
) -> None:
    window = window_as(Role.MANAGER)
    page = _page(window)
    wait_idle()
    assert page.copy_button.isVisible() and page.export_button.isVisible()
    assert page.body.currentWidget() is page.empty
    assert "import" not in page.empty.text.text()
    assert [b.text() for b in page.empty.findChildren(QPushButton)] == ["Last complete financial year"]
