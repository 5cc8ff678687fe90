"""A message under a field shows whole wherever it appears (``FieldError`` and ``show_wrapped_text``): its
lines are not cut, the field above it is not overlapped, the room a long message took is given back when a
shorter one replaces it, at the screen's height nothing is squeezed under a message, and messages that
need more than the screen make the form scroll, its buttons in view."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSize
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.domain.nrm import CHILD_RULE, AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput
from tests.ui.helpers import Track, settle
from ui import theme
from ui.app import apply_style
from ui.context import AppContext
from ui.dialogs.decision_dialog import DecisionDialog
from ui.dialogs.form import FormDialog
from ui.dialogs.navigator_dialog import NavigatorCaseDialog
from ui.dialogs.password_dialog import ChangePasswordDialog
from ui.dialogs.person_dialog import PersonDialog
from ui.dialogs.referral_dialog import ReferralDialog
from ui.widgets import reflow
from ui.widgets.field_error import FieldError

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


def _saved_empty(ctx: AppContext, track: Track, wait_idle: Callable[..., None]) -> ReferralDialog:
    """A new referral form, shown and saved empty: its messages under the fields Save checks."""
    dialog = ReferralDialog(ctx, None)
    track(dialog)
    dialog.show()
    wait_idle()
    dialog.submit()
    wait_idle()
    assert dialog.error_text("crime_ref")
    return dialog


def test_the_rest_of_a_form_is_not_squeezed_under_its_messages(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """The dialog grows to its layout's height at its width, not only by the lines its messages lack:
    a referral's messages squeezed its tick boxes over each other."""
    dialog = _saved_empty(ctx, track, wait_idle)
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


SCREEN = QSize(784, 752)  # the room a 1,280 × 800 screen leaves in height (the offscreen one's width)
AGE_RULE = (
    "Under 18 when referred (born 01/03/2008, referred 01/02/2024), but referral NRM-000001 records an "
    f"adult at referral and a Duty to Notify: {CHILD_RULE}. Correct the referral first, or check the date "
    "of birth."
)
NATIONALITY = "Choose a nationality from the list (type part of it), or leave it empty."
#: The age rule beside the date of birth and three more messages: more than a 1,280 x 800 screen holds.
PERSON_MESSAGES = {
    "date_of_birth": AGE_RULE,
    "surname": LONG,
    "nationality": NATIONALITY,
    "second_nationality": NATIONALITY,
}


@pytest.fixture
def themed(qapp: QApplication) -> Iterator[None]:
    """The style sheet and theme as the app installs them (each dialog held to the screen), on ``SCREEN``."""
    apply_style(qapp)
    theme.install(qapp, apply_style)
    reflow.SCREEN_OVERRIDE = SCREEN
    yield
    reflow.SCREEN_OVERRIDE = None
    theme.uninstall(qapp)
    qapp.setStyleSheet("")


def _shot(dialog: QWidget, name: str) -> None:
    """``MSHTDESK_SHOTS=dir`` keeps a PNG of the dialog for a person to look at."""
    folder = os.environ.get("MSHTDESK_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(Path(folder) / f"{name}.png"))


def _messages(dialog: QWidget) -> list[FieldError]:
    return [e for e in dialog.findChildren(FieldError) if e.isVisibleTo(dialog) and e.text()]


def _in_view(scroll: QScrollArea, widget: QWidget) -> bool:
    """All of ``widget`` inside the scroll area's viewport."""
    top_left = widget.mapTo(scroll.viewport(), QPoint(0, 0))
    return top_left.y() >= 0 and top_left.y() + widget.height() <= scroll.viewport().height()


def _scrolls_with_every_message_whole(dialog: FormDialog) -> bool:
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    return (
        isinstance(scroll, QScrollArea)
        and dialog.property(reflow.REFLOWED) == "scrolls"
        and all(scroll.isAncestorOf(e) and _whole(e) for e in _messages(dialog))
    )


def _check_scrolled_form(dialog: FormDialog, first: QWidget) -> None:
    """Every message whole in the scroll area, under its field; the buttons below it, in view; the dialog
    within the screen; the field with the first message scrolled into view."""
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    assert isinstance(scroll, QScrollArea)
    assert not scroll.isAncestorOf(dialog.buttons), "the buttons scrolled away with the form"
    assert dialog.buttons.isVisible()
    assert dialog.buttons.geometry().bottom() < dialog.height()
    assert dialog.width() <= SCREEN.width() and dialog.height() <= SCREEN.height()
    for error in _messages(dialog):
        field = error._field
        if field is not None:
            assert _below(field, error), error.text()
    assert _in_view(scroll, first)


def test_messages_needing_more_than_the_screen_scroll_the_form_with_its_buttons_in_view(
    qtbot: QtBot, themed: None, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """A referral at the screen's height with several long messages after Save: holding them to their
    lines needed more than the screen, so they were let go and the crime reference's was cut through
    (and drawn over its field). The form now scrolls, as it would had it opened too tall."""
    dialog = _saved_empty(ctx, track, wait_idle)
    shown = {name: dialog.error_text(name) for name in dialog._errors if dialog.error_text(name)}
    dialog.show_errors(shown | {"crime_ref": LONG, "submitted_date": LONG, "elsewhere": LONG})
    qtbot.waitUntil(lambda: _scrolls_with_every_message_whole(dialog), timeout=2_000)
    settle(qtbot, 100)
    _shot(dialog, "referral_scrolled")
    error = dialog._errors["crime_ref"]
    hint = error.parentWidget().findChild(QLabel, "footnote")
    assert isinstance(hint, QLabel)
    assert error.y() + error.height() <= hint.y()
    _check_scrolled_form(dialog, dialog._fields[next(iter(shown))])


def test_the_person_forms_age_rule_and_other_messages_show_whole_in_a_scrolled_form(
    qtbot: QtBot, themed: None, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """The age rule beside the date of birth (a form row that does not pass its height on) and three more
    messages: the age rule was cut through and drawn over the date."""
    dialog = PersonDialog.start(ctx, None, None)
    track(dialog)
    wait_idle()
    dialog.show_errors(PERSON_MESSAGES)
    qtbot.waitUntil(lambda: _scrolls_with_every_message_whole(dialog), timeout=2_000)
    settle(qtbot, 100)
    _shot(dialog, "person_scrolled")
    _check_scrolled_form(dialog, dialog.date_of_birth)
    assert len(_messages(dialog)) == 4


def test_the_first_messages_field_is_scrolled_into_view(
    qtbot: QtBot, themed: None, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """Focus set by code does not scroll a scroll area: the first message (at the foot of the form
    here) would be out of sight, with the user not knowing where to look."""
    dialog = ReferralDialog(ctx, None)
    track(dialog)
    dialog.show()
    wait_idle()
    settle(qtbot, 100)
    right = ["exploitation_location", "crime_ref", "no_crime_reason", "district", "operation"]
    messages = {"notes": LONG} | {name: LONG for name in right}  # the right-hand column, notes last
    dialog.show_errors(messages)
    qtbot.waitUntil(lambda: _scrolls_with_every_message_whole(dialog), timeout=2_000)
    scroll = dialog.findChild(QScrollArea, "reflowScroll")
    assert isinstance(scroll, QScrollArea)
    qtbot.waitUntil(lambda: _in_view(scroll, dialog.notes), timeout=2_000)
    assert scroll.verticalScrollBar().value() > 0
    _shot(dialog, "referral_first_message")
    _check_scrolled_form(dialog, dialog.notes)


def test_a_dialog_whose_messages_fit_the_screen_keeps_its_layout(
    qtbot: QtBot, themed: None, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    """Messages that fit are held to their lines as before: no scroll area."""
    dialog = PersonDialog.start(ctx, None, None)
    track(dialog)
    wait_idle()
    dialog.show_errors({"date_of_birth": AGE_RULE})
    error = dialog._errors["date_of_birth"]
    qtbot.waitUntil(lambda: _whole(error), timeout=2_000)
    settle(qtbot, 100)
    assert dialog.findChild(QScrollArea, "reflowScroll") is None
    assert dialog.property(reflow.REFLOWED) != "scrolls"
    assert _below(dialog.date_of_birth, error)


def test_a_dialog_that_scrolls_from_the_start_shows_its_messages_whole(
    qtbot: QtBot,
    qapp: QApplication,
    themed: None,
    track: Track,
    ctx: AppContext,
    wait_idle: Callable[..., None],
) -> None:
    """A form that opened too tall already scrolls: its page grows for its messages, and no second scroll
    area is made."""
    reflow.SCREEN_OVERRIDE = QSize(784, 500)
    dialog = PersonDialog.start(ctx, None, None)
    track(dialog)
    wait_idle()
    assert dialog.property(reflow.REFLOWED) == "scrolls"
    dialog.show_errors(PERSON_MESSAGES)
    qtbot.waitUntil(lambda: _scrolls_with_every_message_whole(dialog), timeout=2_000)
    assert len(dialog.findChildren(QScrollArea, "reflowScroll")) == 1
    error = dialog._errors["date_of_birth"]
    assert _below(dialog.date_of_birth, error)
    dialog.show_errors({"date_of_birth": "Not a date."})  # a shorter message gives back the room
    qtbot.waitUntil(lambda: error.height() < 2 * error.fontMetrics().lineSpacing() + 4, timeout=2_000)
    assert _whole(error)
