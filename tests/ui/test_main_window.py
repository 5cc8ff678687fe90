"""The main window with its pages: opening, the arrests list and its filters, sorting, status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.ui.helpers import find_visible, idle, settle, show_page
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.models.arrests_model import Column
from ui.pages import PAGES
from ui.pages.arrests_page import ArrestsPage
from ui.pages.disposal_page import DisposalPage
from ui.paths import settings_file
from ui.settings import open_settings


def test_window_opens_in_an_opening_state_before_the_database(qtbot: QtBot) -> None:
    window = MainWindow(open_settings(), PAGES)
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "MSHT Desk"
    assert window.stack.currentWidget() is window.opening
    assert "Opening database" in window.opening.title.text()
    assert not window.commands.new_arrest.isEnabled()  # nothing to act on yet
    assert window.nav.count() == 0  # which pages depends on who logs in
    window.show_open_failed("The database file is locked by another program.")
    assert window.stack.currentWidget() is window.failure
    assert "locked" in window.failure.text.text()


def test_main_window_shows_the_arrests_and_the_counts(
    window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    counts = demo_backend.register.counts()
    assert page.model.total == counts.arrests == 130
    assert page.count_label.text() == "130 arrests"
    assert page.body.currentWidget() is page.table
    assert window.counts.text() == (
        f"130 arrests \u00b7 {counts.offences} offences \u00b7 {counts.events} disposal events"
    )
    assert demo_backend.describe() in window.location.text()
    assert window.commands.new_arrest.isEnabled()


def test_district_filter_narrows_the_list_and_the_count(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage)
    page.district.setCurrentIndex(page.district.findData("BD"))
    idle(qtbot, page)
    in_bd = page.model.total
    assert 0 < in_bd < 130
    assert page.count_label.text() == f"{in_bd} of 130 arrests"
    assert {page.model.row_at(r).district for r in range(page.model.rowCount())} == {"BD"}
    assert page.clear_button.isEnabled()
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    idle(qtbot, page)
    assert page.model.total == 130
    assert page.count_label.text() == "130 arrests"


def test_text_filter_waits_for_a_pause_then_queries(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage)
    ref = page.model.row_at(0).custody_ref
    qtbot.keyClicks(page.search, ref)
    assert page.model.total == 130  # not yet: the query waits for the typing to stop
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=2000)
    assert page.count_label.text() == "1 of 130 arrests"
    page.search.setText("no such reference at all")
    idle(qtbot, page)
    page.apply_filters()
    idle(qtbot, page)
    assert page.body.currentWidget() is page.no_match
    assert "No arrests match these filters" in page.no_match.title.text()


def test_sorting_by_a_column_header_reorders(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage)
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(Column.CUSTODY_REF) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    idle(qtbot, page)
    refs = [page.model.row_at(r).custody_ref for r in range(page.model.rowCount())]
    assert refs == sorted(refs) or refs == sorted(refs, reverse=True)
    first = refs
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    idle(qtbot, page)
    refs = [page.model.row_at(r).custody_ref for r in range(page.model.rowCount())]
    assert refs == list(reversed(first))


def test_empty_register_says_what_to_do(
    window_for: Callable[[Backend], MainWindow], backend: Backend
) -> None:
    window = window_for(backend)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    assert page.body.currentWidget() is page.empty_register
    text = page.empty_register.title.text() + " " + page.empty_register.text.text()
    assert "No arrests yet" in text and "Ctrl+I" in text and "Ctrl+N" in text
    assert window.counts.text() == "0 arrests \u00b7 0 offences \u00b7 0 disposal events"


def test_copy_asks_why_records_it_and_puts_the_rows_on_the_clipboard(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    demo_backend: Backend,
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage)
    page.table.selectRow(0)
    QGuiApplication.clipboard().setText("before")
    window.commands.copy.trigger()
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    assert QGuiApplication.clipboard().text() == "before"  # nothing leaves before the reason is given
    dialog.text.setPlainText("Case conference")
    dialog.ok_button.click()
    wait_idle()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t")[:2] == ["Custody ref", "Arrest date"]
    assert lines[1].split("\t")[0] == page.model.row_at(0).custody_ref
    events = backend_for(Role.AUDITOR).audit.list(AuditQuery(action="disclose", entity="arrest"))
    assert [(e.record_id, e.reason) for e in events] == [(str(page.model.row_at(0).id), "Case conference")]
    assert window.commands.open_arrest.isEnabled()


def test_standard_shortcuts(qtbot: QtBot) -> None:
    window = MainWindow(open_settings(), PAGES)
    qtbot.addWidget(window)
    a = window.commands
    assert a.new_arrest.shortcut().matches(QKeySequence("Ctrl+N")) == QKeySequence.SequenceMatch.ExactMatch
    assert a.find.shortcut().matches(QKeySequence("Ctrl+F")) == QKeySequence.SequenceMatch.ExactMatch
    assert QKeySequence("F5") in a.refresh.shortcuts()
    assert a.import_custody.shortcut() == QKeySequence("Ctrl+I")
    assert a.import_custody.text().endswith("\u2026") and a.new_arrest.text().endswith("\u2026")
    assert not a.open_arrest.text().endswith("\u2026")


def test_find_goes_to_the_first_filter(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    show_page(window, DisposalPage)
    assert isinstance(window.current_page(), DisposalPage)
    window.activateWindow()
    window.commands.find.trigger()
    page = window.current_page()
    assert page is next(p for p in window.pages if p.can_find)  # People, first in the list
    search = getattr(page, "search", None)
    assert search is not None
    qtbot.waitUntil(search.hasFocus, timeout=2000)
    show_page(window, ArrestsPage).focus_filter()  # on the Arrests page, its own filter
    arrests = window.current_page()
    assert isinstance(arrests, ArrestsPage)
    qtbot.waitUntil(arrests.search.hasFocus, timeout=2000)


def test_window_state_is_kept_in_the_config_folder(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    show_page(window, DisposalPage)
    window.resize(window.width(), 520)  # the offscreen screen is 800x600: stay within it
    window.close()
    settle(qtbot)
    assert settings_file().exists()
    stored = QSettings(str(settings_file()), QSettings.Format.IniFormat)
    assert stored.value("main_window/page") == "DisposalPage"  # by name: another role has other pages
    again = MainWindow(open_settings(), PAGES)
    qtbot.addWidget(again)
    assert again.height() == 520


def test_enter_on_a_row_opens_that_arrest(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    demo_backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(2, 0))
    idle(qtbot, page)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    idle(qtbot, page)
    wait_idle()
    dialogs = [w for w in find_visible("arrestDialog") if isinstance(w, ArrestDialog)]
    assert len(dialogs) == 1
    assert dialogs[0].custody_ref.text() == page.model.row_at(2).custody_ref
    dialogs[0].done(0)
    window.commands.open_arrest.trigger()  # Arrests > Open arrest, on the same current row
    wait_idle()
    dialogs = [w for w in find_visible("arrestDialog") if isinstance(w, ArrestDialog)]
    assert len(dialogs) == 1 and dialogs[0].custody_ref.text() == page.model.row_at(2).custody_ref
    dialogs[0].done(0)


def test_a_saved_arrest_is_selected_in_the_list(
    qtbot: QtBot, window_for: Callable[[Backend], MainWindow], demo_backend: Backend
) -> None:
    window = window_for(demo_backend)
    page = show_page(window, ArrestsPage)
    idle(qtbot, page)
    assert isinstance(page, ArrestsPage) and window.ctx is not None
    target = page.model.row_at(5)
    window.ctx.tasks.publish(Changes.of(Data.ARREST, target.id))
    idle(qtbot, page)
    assert page.selected_ids() == [target.id]
