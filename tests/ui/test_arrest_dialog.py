"""The arrest dialog: validation beside the fields, adding, amending, and the append-only history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.ui.helpers import (
    Track,
    find_visible,
    is_closed,
    show_page,
)
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.disposal_dialogs import CorrectEventDialog, RecordDisposalDialog, WithdrawEventDialog
from ui.main_window import MainWindow
from ui.models.history_model import HistoryColumn
from ui.pages.arrests_page import ArrestsPage

ARRESTED = date.today() - timedelta(days=30)


def _add_arrest(backend: Backend, ref: str = "WY/26/123456") -> int:
    return backend.register.create_arrest(
        ArrestInput(ref, ARRESTED, "BD", "N1234567", "Op Heron"),
        [("O1", "Modern Slavery Act 2015 s.2"), ("O2", "MSA s.1")],
    )


def _open(
    track: Track, ctx: AppContext, arrest_id: int | None, wait_idle: Callable[..., None]
) -> ArrestDialog:
    dialog = ArrestDialog.start(ctx, arrest_id, None)
    track(dialog)
    wait_idle()
    return dialog


def test_an_empty_custody_ref_is_explained_beside_the_field(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    dialog.offences_editor.rows[0][1].setEditText("Modern Slavery Act 2015 s.2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert dialog.isVisible()  # not saved
    assert dialog.error_text("custody_ref") == "Enter the custody reference."
    error = dialog._errors["custody_ref"]
    assert error.isVisible() and "b00020" in error.styleSheet()
    # beside its field: directly under the custody ref box, above the next row
    field_pos = dialog.custody_ref.mapTo(dialog, dialog.custody_ref.rect().bottomLeft())
    error_pos = error.mapTo(dialog, error.rect().topLeft())
    date_pos = dialog.arrest_date.mapTo(dialog, dialog.arrest_date.rect().topLeft())
    assert field_pos.y() <= error_pos.y() < date_pos.y()
    assert dialog.error_text("district") == "Choose the district on the custody record."
    assert dialog.custody_ref.accessibleDescription() == "Enter the custody reference."
    assert backend.register.counts().arrests == 0


def test_labels_are_buddies_of_their_fields(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    buddies = {
        label.text(): label.buddy() for label in dialog.findChildren(QLabel) if label.buddy() is not None
    }
    assert buddies["&Custody ref:"] is dialog.custody_ref
    assert buddies["Dis&trict:"] is dialog.district
    assert buddies["&Notes:"] is dialog.notes


def test_adding_an_arrest_with_ctrl_s(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    changes: list[Changes] = []
    ctx.tasks.changed.connect(changes.append)
    dialog = _open(track, ctx, None, wait_idle)
    qtbot.keyClicks(dialog.custody_ref, "WY/26/000777")
    dialog.arrest_date.set_value(ARRESTED)
    dialog.district.setCurrentIndex(dialog.district.findData("KD"))
    dialog.offences_editor.rows[0][1].setCurrentIndex(1)  # MSA s.2 from the list
    dialog.offences_editor.add_row().setEditText("Conspiracy to arrange travel with a view to exploitation")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)  # a window shortcut needs its window active
    qtbot.keyClick(dialog.custody_ref, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    wait_idle()
    assert is_closed(dialog)
    assert dialog.saved_id is not None
    assert changes == [Changes.of(Data.ARREST, dialog.saved_id)]
    detail = backend.register.get(dialog.saved_id)
    assert (detail.custody_ref, detail.district) == ("WY/26/000777", "KD")
    assert [(o.offence_ref, o.type_code) for o in detail.offences] == [("O1", "MSA-2"), ("O2", "OTHER_MS")]


def test_recording_a_disposal_changes_the_current_disposal(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    arrest_id = _add_arrest(backend)
    window = window_for(backend)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    assert page.model.row_at(0).disposal_label == "No disposal recorded"
    assert window.ctx is not None
    dialog = _open(track, window.ctx, arrest_id, wait_idle)
    assert dialog.current.text() == "<b>No disposal recorded</b>"
    dialog.tree.setCurrentIndex(dialog.history.index(1, 0))  # offence O2
    record = dialog.record_disposal()
    assert isinstance(record, RecordDisposalDialog)
    track(record)
    assert record.offence.currentText().startswith("O2")
    record.disposal.setCurrentIndex(record.disposal.findData("CHARGE"))
    record.event_date.set_value(ARRESTED + timedelta(days=3))
    record.note.setText("Leeds Crown Court")
    record.submit()
    wait_idle()
    assert is_closed(record)
    assert dialog.current.text() == "<b>Charge</b>"
    o2 = dialog.history.index(1, 0)
    assert "Current disposal: Charge" in o2.data()
    assert dialog.history.index(0, HistoryColumn.NOTE, o2).data() == "Leeds Crown Court"
    assert page.model.row_at(0).disposal_label == "Charge"  # the list heard about it too
    assert window.counts.text().endswith("1 disposal event")


def test_a_disposal_before_the_arrest_is_refused_beside_the_date(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    arrest_id = _add_arrest(backend)
    dialog = _open(track, ctx, arrest_id, wait_idle)
    record = dialog.record_disposal()
    assert record is not None
    track(record)
    record.submit()  # no disposal chosen
    wait_idle()
    assert record.error_text("disposal") == "Choose a disposal type."
    assert record.isVisible()


def test_correct_needs_a_reason_then_keeps_the_original_struck_through(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    arrest_id = _add_arrest(backend)
    o1 = backend.register.get(arrest_id).offences[0]
    event_id = backend.register.append_event(o1.id, "RUI", ARRESTED)
    dialog = _open(track, ctx, arrest_id, wait_idle)
    assert dialog.select_event(event_id)
    assert dialog.correct_button.isEnabled() and dialog.withdraw_button.isEnabled()
    correct = dialog.correct_event()
    assert isinstance(correct, CorrectEventDialog)
    track(correct)
    correct.disposal.setCurrentIndex(correct.disposal.findData("BAIL"))
    correct.submit()
    wait_idle()
    assert correct.error_text("reason") == "Give the reason for the correction."
    correct.reason.setPlainText("Custody record shows pre-charge bail")
    correct.submit()
    wait_idle()
    assert is_closed(correct)
    o1_index = dialog.history.index(0, 0)
    statuses = [dialog.history.index(r, HistoryColumn.STATUS, o1_index).data() for r in range(2)]
    assert statuses == ["corrected", "correction"]
    assert dialog.current.text() == "<b>Bail</b>"
    assert dialog.select_event(event_id)
    assert not dialog.correct_button.isEnabled()  # a superseded event cannot be corrected again


def test_withdraw_marks_the_event_withdrawn(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    arrest_id = _add_arrest(backend)
    o1 = backend.register.get(arrest_id).offences[0]
    event_id = backend.register.append_event(o1.id, "NFA", ARRESTED)
    dialog = _open(track, ctx, arrest_id, wait_idle)
    assert dialog.current.text() == "<b>No further action</b>"
    assert dialog.select_event(event_id)
    withdraw = dialog.withdraw_event()
    assert isinstance(withdraw, WithdrawEventDialog)
    track(withdraw)
    withdraw.reason.setPlainText("Entered against the wrong arrest")
    withdraw.submit()
    wait_idle()
    o1_index = dialog.history.index(0, 0)
    assert dialog.history.index(0, HistoryColumn.STATUS, o1_index).data() == "withdrawn"
    assert dialog.current.text() == "<b>No disposal recorded</b>"


def test_editing_details_and_a_conflicting_save(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    arrest_id = _add_arrest(backend)
    dialog = _open(track, ctx, arrest_id, wait_idle)
    assert dialog.custody_ref.text() == "WY/26/123456"
    assert dialog.windowTitle() == "Arrest WY/26/123456"
    # someone else saves first
    detail = backend.register.get(arrest_id)
    backend.register.update_arrest(
        arrest_id, detail.version, ArrestInput("WY/26/123456", ARRESTED, "BD", "N1234567", "Op Nettle")
    )
    dialog.operation.setText("Op Tarn")
    dialog.submit()
    wait_idle()
    conflicts = find_visible("conflictDialog")
    assert conflicts, "both versions are shown for the user to choose"
    assert "Someone else saved this arrest" in dialog.general_error.text()
    conflicts[0].theirs_button.click()  # keep the saved version
    assert dialog.isVisible()
    assert dialog.operation.text() == "Op Nettle"  # their version is shown
    dialog.operation.setText("Op Tarn")
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    assert backend.register.get(arrest_id).operation == "Op Tarn"


def test_escape_asks_before_discarding_typed_details(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    untouched = _open(track, ctx, None, wait_idle)
    qtbot.keyClick(untouched, Qt.Key.Key_Escape)
    assert is_closed(untouched)
    assert not find_visible("discardQuestion")

    dialog = _open(track, ctx, None, wait_idle)
    dialog.custody_ref.setText("WY/26/000001")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    (box,) = find_visible("discardQuestion")
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    assert is_closed(dialog)
