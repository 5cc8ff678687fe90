"""The court outcome of an offence from the arrest dialog: recorded, corrected and withdrawn by keyboard
and by the dialogs' own buttons, each with accessible names; the dialog says the outcome in words."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.ui.accessibility.checks import problems
from tests.ui.helpers import Track, is_closed
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.outcome_dialogs import CourtOutcomeDialog, WithdrawOutcomeDialog

ARRESTED = date.today() - timedelta(days=90)
SHOTS = os.environ.get("MSHTDESK_SHOTS", "")


def _arrest(backend: Backend) -> tuple[int, int]:
    aid = backend.register.create_arrest(
        ArrestInput("WY/26/000101", ARRESTED, "BD", "N1234567"), [("O1", "Modern Slavery Act 2015 s.2")]
    )
    offence = backend.register.get(aid).offences[0].id
    backend.register.append_event(offence, "CHARGE", ARRESTED + timedelta(days=1))
    return aid, offence


def test_record_correct_and_withdraw_from_the_arrest_dialog(
    qtbot: object,
    track: Track,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    aid, offence = _arrest(backend)
    ctx = make_ctx(backend)
    dialog = ArrestDialog.start(ctx, aid, None)
    track(dialog)
    wait_idle()
    dialog.tree.setFocus()
    assert dialog.outcome_button.isVisible() and dialog.outcome_button.isEnabled()
    assert not dialog.withdraw_outcome_button.isEnabled()
    assert "none recorded" in dialog.outcome_note.text()

    record = dialog.court_outcome()
    assert isinstance(record, CourtOutcomeDialog) and record.current is None
    track(record)
    wait_idle()
    assert problems(record) == []
    record.submit()  # nothing chosen: refused beside the fields
    wait_idle()
    assert not is_closed(record) and record.error_text("outcome")
    record.outcome.setCurrentIndex(record.outcome.findData("convicted"))
    record.outcome_date.set_value(ARRESTED + timedelta(days=60))
    record.sentence.setText("eighteen")
    record.submit()
    assert "whole number" in record.error_text("sentence_months")
    record.sentence.setText("18")
    record.custodial.setCurrentIndex(record.custodial.findData(True))
    if SHOTS:
        record.grab().save(str(Path(SHOTS) / "court_outcome_record.png"))
    record.submit()
    wait_idle()
    assert is_closed(record)
    wait_idle()
    [row] = backend.outcomes.history(aid)
    assert (row.outcome.value, row.sentence_months, row.custodial) == ("convicted", 18, True)
    assert "Convicted, 18 months, custodial" in dialog.outcome_note.text()
    assert dialog.withdraw_outcome_button.isEnabled()

    correct = dialog.court_outcome()
    assert isinstance(correct, CourtOutcomeDialog) and correct.current is not None
    track(correct)
    assert correct.ok_button.text() == "Record correction" and correct.sentence.text() == "18"
    assert problems(correct) == []
    correct.sentence.setText("24")
    correct.submit()  # no reason
    wait_idle()
    assert not is_closed(correct) and "reason" in correct.error_text("reason").lower()
    correct.reason.setPlainText("Sentence was 24 months, misread")
    if SHOTS:
        correct.grab().save(str(Path(SHOTS) / "court_outcome_correct.png"))
    correct.submit()
    wait_idle()
    assert is_closed(correct)
    wait_idle()
    assert "24 months" in dialog.outcome_note.text()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "arrest_dialog_outcome.png"))

    withdraw = dialog.withdraw_outcome()
    assert isinstance(withdraw, WithdrawOutcomeDialog)
    track(withdraw)
    assert problems(withdraw) == []
    if SHOTS:
        withdraw.grab().save(str(Path(SHOTS) / "court_outcome_withdraw.png"))
    withdraw.reason.setPlainText("Keyed on the wrong arrest")
    withdraw.submit()
    wait_idle()
    assert is_closed(withdraw)
    wait_idle()
    assert "none recorded" in dialog.outcome_note.text()
    assert [h.in_force for h in backend.outcomes.history(aid)] == [False, False, False]
    assert offence


def test_the_button_opens_the_dialog_by_keyboard(
    qtbot: object,
    track: Track,
    backend: Backend,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    from pytestqt.qtbot import QtBot

    assert isinstance(qtbot, QtBot)
    aid, _ = _arrest(backend)
    dialog = ArrestDialog.start(make_ctx(backend), aid, None)
    track(dialog)
    wait_idle()
    dialog.activateWindow()
    dialog.outcome_button.setFocus()
    qtbot.keyClick(dialog.outcome_button, Qt.Key.Key_Space)
    opened = [w for w in dialog.findChildren(CourtOutcomeDialog) if w.isVisible()]
    assert len(opened) == 1
    track(opened[0])
    assert opened[0].outcome.hasFocus() or opened[0].focusWidget() is opened[0].outcome
    assert dialog.outcome_button.text().replace("&", "") == "Court outcome\u2026"


def test_readers_see_the_outcome_but_cannot_change_it(
    track: Track,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    aid, offence = _arrest(officer)
    officer.outcomes.record_outcome(offence, "acquitted", ARRESTED + timedelta(days=30))
    dialog = ArrestDialog.start(make_ctx(backend_for(Role.MANAGER)), aid, None)
    track(dialog)
    wait_idle()
    assert "Acquitted" in dialog.outcome_note.text()
    assert not dialog.outcome_button.isVisible() and not dialog.withdraw_outcome_button.isVisible()
    assert dialog.court_outcome() is None and dialog.withdraw_outcome() is None
