"""A message under a field shows whole wherever it appears (``FieldError`` and ``show_wrapped_text``): its
lines are not cut, the field above it is not overlapped, the room a long message took is given back when a
shorter one replaces it, and at the screen's height nothing is squeezed under a message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.domain.nrm import AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput
from tests.ui.helpers import Track, settle
from ui import theme
from ui.app import apply_style
from ui.context import AppContext
from ui.dialogs.decision_dialog import DecisionDialog
from ui.dialogs.navigator_dialog import NavigatorCaseDialog
from ui.dialogs.password_dialog import ChangePasswordDialog
from ui.dialogs.person_dialog import PersonDialog
from ui.dialogs.referral_dialog import ReferralDialog
from ui.widgets import reflow

LONG = (
    "This is a long message that wraps over several lines at the width of the form, so that a reader "
    "can check that no line of it is cut through and that nothing else in the dialog is clipped."
)


def _whole(label: QLabel) -> bool:
    return label.isVisible() and label.height() >= label.heightForWidth(label.width())


def _below(field: QWidget, error: QLabel) -> bool:
    """The message starts under its field, not over it (both sit in the same row box)."""
    return error.y() >= field.y() + field.height()


def test_a_message_longer_than_its_rows_preferred_height_shows_whole(
    qtbot: QtBot, track: Track, ctx: AppContext
) -> None:
    """A row is held to its preferred height, measured at the message's preferred width (80 characters):
    a very long message wraps to more lines than that at the form's narrower width, and growing the
    dialog did not reach it (it was cut through and drawn over the field)."""
    dialog = ChangePasswordDialog(ctx)
    track(dialog)
    dialog.show()
    dialog.show_errors({"old": f"{LONG} {LONG}"})
    error = dialog._errors["old"]
    qtbot.waitUntil(lambda: _whole(error), timeout=2_000)
    assert _below(dialog.old, error)


def test_messages_set_before_the_dialog_opens_show_whole_once_it_does(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """A dialog sized before it opens is not laid out again for messages set meanwhile (the full-house
    refusal of an admission is set before the dialog opens): they ask again when they are shown."""
    dialog = NavigatorCaseDialog(ctx, None)
    track(dialog)
    wait_idle()
    names = ["person", "referral_date", "referral_source"]
    dialog.show_errors({name: LONG for name in names} | {"elsewhere": LONG})
    settle(qtbot, 100)  # what was asked while the dialog was hidden has run
    dialog.show()
    labels = [dialog._errors[name] for name in names] + [dialog.general_error]
    qtbot.waitUntil(lambda: all(_whole(label) for label in labels), timeout=2_000)


def test_a_field_is_not_overlapped_by_the_message_under_it(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    """After the refusal of a first submission, the messages of a second left the note's row less than
    the note and its message need (the dialog grew, to its size hint, but the row did not), and the
    message was drawn over the note."""
    referral_id = backend.nrm.create(
        ReferralInput(
            route=Route.NRM,
            age_at_referral=AgeAtReferral.ADULT,
            submitted_date=date.today() - timedelta(days=20),
            new_person=PersonInput(surname="Kaur", forenames="Ana"),
            consents=True,
            crime_ref="CR-1",
        )
    )
    referral = ReferralDialog(ctx, referral_id)
    track(referral)
    referral.show()
    wait_idle()
    dialog = referral.record_decision()
    assert isinstance(dialog, DecisionDialog)
    track(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(DecisionKind.CG))
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(Outcome.POSITIVE_TRAFFICKING))
    dialog.submit()
    wait_idle()
    refusal = dialog.error_text("decision_kind")
    assert "needs a positive Reasonable Grounds decision first" in refusal
    settle(qtbot, 100)
    dialog.show_errors({"decision_kind": refusal, "decision_date": LONG, "note": LONG, "elsewhere": LONG})
    error = dialog._errors["note"]
    qtbot.waitUntil(lambda: _whole(error) and _below(dialog.note, error), timeout=2_000)


def test_the_rest_of_a_form_is_not_squeezed_under_its_messages(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """The dialog grows to its layout's height at its width, not only by the lines its messages lack:
    a referral's messages squeezed its tick boxes over each other."""
    dialog = ReferralDialog(ctx, None)
    track(dialog)
    dialog.show()
    wait_idle()
    dialog.submit()
    wait_idle()
    assert dialog.error_text("crime_ref")
    settle(qtbot, 200)
    assert all(box.height() >= box.minimumSizeHint().height() for box in dialog.sub_boxes.values())


def test_a_shorter_message_gives_back_the_room_of_a_longer_one(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """A message held to its lines (two form columns do not pass its height on) is held to the lines of
    the message that replaces it: a label's height for its width counts its minimum height, so it was
    held to the longer one's."""
    dialog = PersonDialog.start(ctx, None, None)
    track(dialog)
    wait_idle()
    error = dialog._errors["date_of_birth"]
    dialog.show_errors({"date_of_birth": f"{LONG} {LONG}"})
    qtbot.waitUntil(lambda: _whole(error), timeout=2_000)
    long = error.height()
    dialog.show_errors({"date_of_birth": "Not a date."})
    qtbot.waitUntil(lambda: error.height() < long, timeout=2_000)
    assert _whole(error)


def test_at_the_screens_height_a_message_is_never_drawn_over_the_rows_under_it(
    qtbot: QtBot, qapp: QApplication, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """A dialog as tall as the screen cannot grow for a message (the app holds it to the screen): holding
    the message to its lines would squeeze the rows under it beneath it, so it is left as the rows allow."""
    apply_style(qapp)
    theme.install(qapp, apply_style)  # as the app does: it holds each dialog to the screen
    reflow.SCREEN_OVERRIDE = QSize(784, 752)
    try:
        dialog = ReferralDialog(ctx, None)
        track(dialog)
        dialog.show()
        wait_idle()
        dialog.show_errors({"crime_ref": LONG, "submitted_date": LONG, "elsewhere": LONG})
        settle(qtbot, 200)
        assert dialog.height() == 752
        error = dialog._errors["crime_ref"]
        hint = error.parentWidget().findChild(QLabel, "footnote")
        assert isinstance(hint, QLabel)
        assert _below(dialog.crime_ref, error)
        assert error.y() + error.height() <= hint.y()
    finally:
        reflow.SCREEN_OVERRIDE = None
        theme.uninstall(qapp)
        qapp.setStyleSheet("")
