"""From the pathway view: a VLO withdraws their own contact (with a reason) and it leaves the timeline;
an HTT officer ends a Navigator referral (with a reason) and the Navigator loses sight of the person."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.errors import PermissionDeniedError
from mshtdesk.services.backend import Backend
from mshtdesk.services.pathway import TimelineKind
from tests.conftest import USERS
from tests.ui.helpers import Track
from tests.ui.test_pathway_view import _open, victim
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog

Backends = Callable[[Role], Backend]


def _shot(widget: object, name: str) -> None:
    folder = os.environ.get("MSHTDESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))  # type: ignore[attr-defined]


def test_a_vlo_withdraws_their_contact_from_the_pathway(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)
    view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    assert view.withdraw_contact_button.isVisibleTo(view) and not view.withdraw_contact_button.isEnabled()
    rows = [r for r in range(view.model.rowCount()) if view.model.entry_at(r).kind == TimelineKind.CONTACT]
    assert len(rows) == 1
    view.table.setCurrentIndex(view.model.index(rows[0], 0))
    assert view.withdraw_contact_button.isEnabled()
    dialog = view.withdraw_contact()
    assert isinstance(dialog, ReasonDialog)
    dialog.text.setPlainText("Logged against the wrong victim")
    _shot(view, "pathway-withdraw-contact.png")
    _shot(dialog, "withdraw-contact-dialog.png")
    dialog.ok_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: "withdrawn" in view.notice.text(), timeout=5000)
    wait_idle()
    # it stays in view, struck through, with who withdrew it, when and why; it is done with
    (row,) = [r for r in range(view.model.rowCount()) if view.model.entry_at(r).kind == TimelineKind.CONTACT]
    entry = view.model.entry_at(row)
    assert entry.struck.startswith("Withdrawn by vlo on ") and entry.struck.endswith("wrong victim")
    index = view.model.index(row, 2)
    font = index.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.strikeOut()
    assert index.data(Qt.ItemDataRole.ToolTipRole) == entry.struck
    assert "Withdrawn by vlo" in view.model.index(row, 3).data()
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert not view.withdraw_contact_button.isEnabled() and not view.correct_contact_button.isEnabled()
    _shot(view, "pathway-withdrawn-contact-struck.png")
    # an officer sees no such command (only the VLO who logged a contact may withdraw it)
    view.done(0)
    officer_view = _open(track, make_ctx(backend_for(Role.HTT_OFFICER)), person_id, wait_idle)
    assert not officer_view.withdraw_contact_button.isVisibleTo(officer_view)


def test_an_officer_ends_a_navigator_referral_from_the_pathway(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    officer.people.add_supporter(person_id, USERS[Role.NAVIGATOR].username)
    navigator = backend_for(Role.NAVIGATOR)
    assert navigator.people.get(person_id).data.surname == "Nowak"
    vlo_view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    assert not vlo_view.end_navigator_button.isVisibleTo(vlo_view)
    vlo_view.done(0)
    view = _open(track, make_ctx(officer), person_id, wait_idle)
    assert view.end_navigator_button.isVisibleTo(view)
    view.end_navigator_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: isinstance(getattr(view, "reason_dialog", None), ReasonDialog), timeout=5000)
    dialog = view.reason_dialog
    assert not dialog.ok_button.isEnabled()  # a reason is required
    dialog.text.setPlainText("Moved out of the force area")
    _shot(view, "pathway-end-referral.png")
    _shot(dialog, "end-referral-dialog.png")
    dialog.ok_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: "has ended" in view.notice.text(), timeout=5000)
    with pytest.raises(PermissionDeniedError):
        navigator.people.get(person_id)


def test_a_vlo_corrects_their_contact_from_the_pathway(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    from mshtdesk.domain.support import ContactMethod
    from mshtdesk.services.contacts import ContactFilter

    person_id = victim(backend_for)
    view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    rows = [r for r in range(view.model.rowCount()) if view.model.entry_at(r).kind == TimelineKind.CONTACT]
    view.table.setCurrentIndex(view.model.index(rows[0], 0))
    assert view.correct_contact_button.isEnabled()
    view.correct_contact_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: getattr(view, "correction_dialog", None) is not None, timeout=5000)
    dialog = view.correction_dialog
    assert dialog.summary.toPlainText() == "First meeting at the reception centre."  # filled in
    dialog.method.setCurrentIndex(dialog.method.findData(ContactMethod.VIDEO))
    dialog.ok_button.click()  # no reason yet: refused on the form
    wait_idle()
    assert dialog.isVisible() and dialog.error_text("reason").startswith("Give the reason")
    dialog.reason.setPlainText("   ")
    assert dialog.error_text("reason")  # spaces are no reason
    dialog.reason.setPlainText("It was a video call")
    assert dialog.error_text("reason") == ""  # gone as soon as a reason is typed
    _shot(dialog, "correct-contact-dialog.png")
    dialog.ok_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: "corrected" in view.notice.text(), timeout=5000)
    rows_now = backend_for(Role.VLO).contacts.list(ContactFilter(person_id=person_id))
    assert [(r.method, r.summary) for r in rows_now] == [
        (ContactMethod.VIDEO, "First meeting at the reception centre.")
    ]
    # the pathway shows the correction in force and, struck through, the contact it replaced
    contacts = [
        view.model.entry_at(r)
        for r in range(view.model.rowCount())
        if view.model.entry_at(r).kind == TimelineKind.CONTACT
    ]
    assert sorted(bool(e.struck) for e in contacts) == [False, True]
    (old,) = [e for e in contacts if e.struck]
    assert old.struck.startswith("Corrected by vlo on ") and old.struck.endswith(": It was a video call")
    # and so does the Contacts page
    listed = backend_for(Role.VLO).contacts.list(ContactFilter(person_id=person_id, corrected=True))
    assert sorted(bool(r.corrected) for r in listed) == [
        False,
        True,
    ]  # the correction and the one it replaced
