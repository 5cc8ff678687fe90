"""Withdrawing and correcting an arrest from its dialog; the register strikes a withdrawn arrest through
and says who withdrew it, when and why."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.ui.helpers import Track, is_closed, show_page
from ui import palette
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.disposal_dialogs import (
    CorrectArrestDialog,
    CorrectOffenceDialog,
    WithdrawArrestDialog,
    WithdrawOffenceDialog,
)
from ui.main_window import MainWindow
from ui.pages.arrests_page import ArrestsPage

ARRESTED = date.today() - timedelta(days=30)
SHOTS = os.environ.get("MSHTDESK_SHOTS", "")  # a folder to save the screenshots in, when looking at them


def _add(backend: Backend, ref: str) -> int:
    return backend.register.create_arrest(
        ArrestInput(ref, ARRESTED, "BD", "N1234567", "Op Heron"), [("O1", "Modern Slavery Act 2015 s.2")]
    )


def test_withdraw_from_the_dialog_strikes_the_row_through(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    _add(backend, "WY/26/000001")
    gone = _add(backend, "WY/26/000002")
    window = window_for(backend)
    window.resize(1200, 500)
    page = show_page(window, ArrestsPage)
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, gone, None)
    track(dialog)
    wait_idle()
    assert dialog.withdraw_arrest_button.isVisible() and dialog.withdraw_arrest_button.isEnabled()
    withdraw = dialog.withdraw_arrest()
    assert isinstance(withdraw, WithdrawArrestDialog)
    track(withdraw)
    withdraw.submit()  # no reason: refused beside the field
    wait_idle()
    assert not is_closed(withdraw) and "reason" in withdraw.error_text("reason").lower()
    withdraw.reason.setPlainText("Duplicate of WY/26/000001, keyed twice")
    withdraw.submit()
    wait_idle()
    assert is_closed(withdraw)
    assert not dialog.withdraw_arrest_button.isEnabled() and not dialog.correct_arrest_button.isEnabled()
    assert not dialog.ok_button.isEnabled()
    assert not dialog.record_button.isEnabled() and not dialog.add_offence_button.isEnabled()
    assert "Arrest withdrawn by" in dialog.withdrawn_note.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "arrest_dialog_withdrawn.png"))
    dialog.close()
    wait_idle()

    rows = {page.model.row_at(i).id: i for i in range(page.model.rowCount())}
    index = page.model.index(rows[gone], 0)
    font = index.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert index.data(Qt.ItemDataRole.ForegroundRole) == palette.MUTED
    tip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Arrest withdrawn by ") and tip.endswith("Duplicate of WY/26/000001, keyed twice")
    kept = page.model.index(1 - rows[gone], 0)
    assert kept.data(Qt.ItemDataRole.FontRole) is None
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / "register_withdrawn.png"))


def test_correct_from_the_dialog(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    aid = _add(backend, "WY/26/000003")
    window = window_for(backend)
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, aid, None)
    track(dialog)
    wait_idle()
    correct = dialog.correct_arrest()
    assert isinstance(correct, CorrectArrestDialog)
    track(correct)
    correct.district.setCurrentIndex(correct.district.findData("LD"))
    correct.reason.setPlainText("Arrested in Leeds")
    correct.submit()
    wait_idle()
    assert is_closed(correct)
    (fix,) = backend.corrections.history(aid)
    assert fix.district == "LD" and fix.reason == "Arrested in Leeds"
    assert "District corrected to LD" in dialog.withdrawn_note.text()


def test_the_forms_district_and_date_show_the_correction_and_change_only_through_it(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    aid = _add(backend, "WY/26/000005")
    backend.corrections.correct_arrest(aid, district="LD", reason="Arrested in Leeds")
    window = window_for(backend)
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, aid, None)
    track(dialog)
    wait_idle()
    assert dialog.district.currentData() == "LD"  # the value tables count, not the first one keyed
    assert not dialog.district.isEnabled() and dialog.arrest_date.isReadOnly()
    assert "Correct arrest" in dialog.district.toolTip()
    assert not dialog.is_dirty()
    dialog.operation.setText("Op Wren")
    dialog.submit()
    wait_idle()
    detail = backend.register.get(aid)
    assert (detail.operation, detail.district) == ("Op Wren", "BD")  # the first value stays in the row
    assert [c.district for c in backend.corrections.history(aid)] == ["LD"]
    new = ArrestDialog.start(window.ctx, None, None)
    track(new)
    assert new.district.isEnabled() and not new.arrest_date.isReadOnly()
    new.done(0)


def test_no_withdraw_or_correct_without_the_right(
    track: Track,
    window_as: Callable[[Role], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    aid = _add(backend, "WY/26/000004")
    window = window_as(Role.MANAGER)
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, aid, None)
    track(dialog)
    wait_idle()
    assert not dialog.withdraw_arrest_button.isVisible() and dialog.withdraw_arrest() is None
    assert not dialog.correct_arrest_button.isVisible() and dialog.correct_arrest() is None


def test_correct_and_withdraw_an_offence_from_the_dialog(
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    aid = backend.register.create_arrest(
        ArrestInput("WY/26/000006", ARRESTED, "BD"),
        [("O1", "Modern Slavery Act 2015 s.2"), ("O2", "MSA s.1")],
    )
    first, second = (o.id for o in backend.register.get(aid).offences)
    window = window_for(backend)
    assert window.ctx is not None
    dialog = ArrestDialog.start(window.ctx, aid, None)
    track(dialog)
    wait_idle()
    assert dialog.correct_offence_button.isVisible()

    def select(offence_id: int) -> None:
        dialog.tree.setCurrentIndex(dialog.history.offence_index(offence_id))

    select(first)
    assert dialog.correct_offence_button.isEnabled() and dialog.withdraw_offence_button.isEnabled()
    correct = dialog.correct_offence()
    assert isinstance(correct, CorrectOffenceDialog)
    track(correct)
    correct.offence.setEditText("Modern Slavery Act 2015 s.1")
    correct.submit()  # no reason: refused beside the field
    wait_idle()
    assert not is_closed(correct) and "reason" in correct.error_text("reason").lower()
    correct.reason.setPlainText("Holding in slavery, not trafficking")
    correct.submit()
    wait_idle()
    assert is_closed(correct)
    select(second)
    withdraw = dialog.withdraw_offence()
    assert isinstance(withdraw, WithdrawOffenceDialog)
    track(withdraw)
    withdraw.reason.setPlainText("O1 keyed twice")
    if SHOTS:
        withdraw.grab().save(str(Path(SHOTS) / "withdraw_offence_dialog.png"))
    withdraw.submit()
    wait_idle()
    assert is_closed(withdraw)
    kinds = [c.kind.value for c in backend.corrections.history(aid)]
    assert kinds == ["offence_correct", "offence_withdraw"]
    select(second)
    assert not dialog.withdraw_offence_button.isEnabled() and dialog.withdraw_offence() is None
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "arrest_dialog_offences_corrected.png"))
