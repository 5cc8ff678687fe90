"""The disposal-by-district page: the published seed table, defaults, empty period, copy and export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from mshtdesk.domain.dates import last_complete_financial_year
from mshtdesk.reports.tables import to_csv
from mshtdesk.services.backend import Backend
from tests.ui.helpers import SEED_EXPORT
from ui.main_window import MainWindow
from ui.pages.disposal_page import DisposalPage


def _page(window: MainWindow) -> DisposalPage:
    window.go_to(1)
    page = window.current_page()
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


def test_copy_and_export_match_the_csv(
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
    tmp_path: Path,
) -> None:
    backend.import_file(str(SEED_EXPORT))
    window = window_for(backend)
    page = _page(window)
    page.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
    wait_idle()
    window.commands.copy.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.splitlines()[0] == "Disposal Type\tDisposals\tBD\tCD\tKD\tLD\tWD"
    assert copied.splitlines()[-1] == "Total arrests\t129\t34\t29\t16\t34\t16"
    out = tmp_path / "table.csv"
    assert page.write_csv(str(out))
    expected = to_csv(backend.disposal_table(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24)))
    assert out.read_text(encoding="utf-8") == expected
    assert page.default_file_name() == "arrests-by-disposal-2021-04-01-to-2022-04-30-as-at-2022-05-24.csv"
    assert window.commands.export_csv.isEnabled()
    window.go_to(0)
    assert not window.commands.export_csv.isEnabled()  # the arrests page has no CSV export
