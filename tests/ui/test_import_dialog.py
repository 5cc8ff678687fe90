"""Importing a custody export through the dialog: the summary, the rejected-file table, check-only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.ui.helpers import BAD_CSV, DATA, SEED_EXPORT, Track, show_page
from ui.dialogs.import_dialog import ImportDialog
from ui.main_window import MainWindow
from ui.pages.arrests_page import ArrestsPage
from ui.pages.nrm_page import NrmPage


def _dialog(track: Track, window: MainWindow) -> ImportDialog:
    assert window.ctx is not None
    dialog = ImportDialog.start(window.ctx, window)
    track(dialog)
    return dialog


def test_importing_the_seed_export_updates_the_list_and_status_bar(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    assert page.body.currentWidget() is page.empty_register
    dialog = _dialog(track, window)
    changes: list[Changes] = []
    assert window.ctx is not None
    window.ctx.tasks.changed.connect(changes.append)
    assert dialog.start_import(str(SEED_EXPORT)) is not None
    wait_idle()
    assert dialog.result_title.text() == "Import complete"
    assert dialog.result_text.text().startswith("Imported seed_000_custody_export.csv: 141 new arrests")
    assert changes == [Changes.everything()]  # an import is a bulk change: every open view re-reads
    counts = backend.register.counts()
    assert counts.arrests == 141
    assert page.model.total == 141
    assert page.count_label.text() == "141 arrests"
    assert page.body.currentWidget() is page.table
    assert window.counts.text().startswith("141 arrests \u00b7 ")

    dialog.start_import()  # the same file again: idempotent
    wait_idle()
    assert dialog.result_title.text() == "Nothing to import"
    assert len(changes) == 1


def test_a_bad_file_lists_its_problems_and_writes_nothing(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
    tmp_path: Path,
) -> None:
    window = window_for(backend)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    dialog = _dialog(track, window)
    dialog.start_import(str(bad))
    wait_idle()
    assert dialog.result_title.text() == "File not imported"
    assert "nothing was written" in dialog.result_text.text()
    assert dialog.error_box.isVisible()
    model = dialog.errors
    rows = [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]
    assert rows == [("3", "arrest_date"), ("4", "district")]
    assert "Leeds North" in model.index(1, 2).data()
    assert backend.register.counts().arrests == 0
    dialog.copy_errors()
    assert QGuiApplication.clipboard().text().splitlines()[:2] == [
        "Line\tColumn\tProblem",
        "3\tarrest_date\t'31/02/2022' is not a real calendar date",
    ]


def test_check_only_writes_nothing_and_says_so(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    dialog = _dialog(track, window)
    dialog.start_import(str(SEED_EXPORT), dry_run=True)
    assert dialog.import_button.text() == "&Check file"
    wait_idle()
    assert dialog.result_title.text() == "Check complete: no problems found"
    assert "would add 141 new arrests" in dialog.result_text.text()
    assert "Nothing was written" in dialog.result_text.text()
    assert backend.register.counts().arrests == 0


def test_a_missing_file_is_explained(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
    tmp_path: Path,
) -> None:
    window = window_for(backend)
    dialog = _dialog(track, window)
    dialog.start_import(str(tmp_path / "nowhere.csv"))
    wait_idle()
    assert dialog.result_title.text() == "File not imported"
    assert "There is no file at" in dialog.result_text.text()
    assert not dialog.error_box.isVisible()
    assert dialog.import_button.isEnabled()


def test_an_import_finished_after_its_dialog_closed_is_still_announced(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    dialog = _dialog(track, window)
    release = threading.Event()
    assert window.ctx is not None
    window.ctx.tasks.run(lambda _job: release.wait(5))  # keep the worker busy: the import waits
    dialog.start_import(str(SEED_EXPORT))
    dialog.done(0)  # the dialog goes away (and is deleted) before the import has run
    release.set()
    wait_idle()
    assert backend.register.counts().arrests == 141
    assert page.model.total == 141  # the list still heard about it


def test_closing_the_dialog_cancels_a_queued_import(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    dialog = _dialog(track, window)
    release = threading.Event()
    assert window.ctx is not None
    window.ctx.tasks.run(lambda _job: release.wait(5))
    dialog.start_import(str(SEED_EXPORT))
    dialog.reject()  # Close / Esc
    release.set()
    wait_idle()
    assert backend.register.counts().arrests == 0


def test_a_file_with_more_problems_than_listed_says_how_many(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
    tmp_path: Path,
) -> None:
    """Issue 10, item 11: 6,000 bad rows were reported as "1000 problems found"."""
    window = window_for(backend)
    bad = tmp_path / "bad.csv"
    header = "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    bad.write_text(header + "".join(f"A{n},2022-02-30,BD,,O1,x,,\n" for n in range(6000)), encoding="utf-8")
    dialog = _dialog(track, window)
    dialog.start_import(str(bad))
    wait_idle()
    assert dialog.result_title.text() == "File not imported"
    assert "6,000 problems found in 6,000 rows" in dialog.result_text.text()
    assert "Showing the first 1,000 of 6,000 problems." in dialog.result_text.text()
    assert dialog.errors.rowCount() == 1000


def test_the_kind_of_file_chooses_the_import_and_the_nrm_page_opens_it_for_the_register(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    window = window_for(backend)
    dialog = _dialog(track, window)
    assert [dialog.kind.itemData(i) for i in range(dialog.kind.count())] == ["custody", "nrm", "outcomes"]
    assert dialog.windowTitle() == "Import custody export"
    # A court-outcomes file needs its offences in the register: read as custody it is refused by column.
    dialog.start_import(str(DATA / "outcomes_seed.csv"))
    wait_idle()
    assert dialog.result_title.text() == "File not imported"
    dialog.start_import(str(SEED_EXPORT))
    wait_idle()
    assert dialog.result_title.text() == "Import complete"
    # The kind is chosen from the keyboard (Down on the combo box), and the window says what it imports.
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.kind.currentData() == "outcomes"
    assert dialog.windowTitle() == "Import court outcomes" and "offence_ref" in dialog.intro.text()
    assert not dialog.result_title.isVisible()  # the custody result does not stand under the new kind
    dialog.start_import(str(DATA / "outcomes_seed.csv"))
    wait_idle()
    assert dialog.result_title.text() == "Import complete"
    assert dialog.result_text.text().startswith("Imported outcomes_seed.csv: 4 new court outcomes")

    page = show_page(window, NrmPage)
    assert isinstance(page, NrmPage)
    assert page.body.currentWidget() is page.empty_panel
    button = next(b for b in page.empty_panel.findChildren(QPushButton) if "Import NRM" in b.text())
    button.click()
    nrm = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportDialog) and w is not dialog)
    track(nrm)
    assert nrm.kind.currentData() == "nrm" and nrm.windowTitle() == "Import NRM register"
    nrm.start_import(str(DATA / "nrm_register.csv"))
    wait_idle()
    assert nrm.result_title.text() == "Import complete"
    assert backend.nrm.count() > 0


def test_only_the_officer_may_import(
    window_for: Callable[[Backend], MainWindow], backend_for: Callable[[Role], Backend]
) -> None:
    for role in (Role.VLO, Role.MANAGER):
        window = window_for(backend_for(role))
        assert not window.commands.import_custody.isVisible()
        page = show_page(window, NrmPage)
        if page is not None:
            assert not [b for b in page.empty_panel.findChildren(QPushButton) if "Import" in b.text()]
