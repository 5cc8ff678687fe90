"""From the pathway view: record an engagement milestone (Alt+G opens the form), see it on the
timeline, withdraw it with a reason (struck through, kept); a person with no link is told what to do;
a role that may not record sees no command."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from mshtdesk.domain.engagement import Milestone
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.pathway import TimelineKind
from mshtdesk.services.people import PersonInput
from tests.ui.accessibility.checks import problems
from tests.ui.accessibility.keys import ALT, key
from tests.ui.helpers import Track
from tests.ui.test_pathway_view import _open, victim
from ui.context import AppContext
from ui.dialogs.engagement_dialog import EngagementDialog
from ui.dialogs.reason_dialog import ReasonDialog

Backends = Callable[[Role], Backend]


def _shot(widget: object, name: str) -> None:
    folder = os.environ.get("MSHTDESK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / name))  # type: ignore[attr-defined]


def _engagement_rows(view: object) -> list[int]:
    model = view.model  # type: ignore[attr-defined]
    return [r for r in range(model.rowCount()) if model.entry_at(r).kind == TimelineKind.ENGAGEMENT]


def test_record_and_withdraw_a_milestone_from_the_pathway(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)
    view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    assert (
        view.engagement_button.isVisibleTo(view)
        and view.engagement_button.text() == "Record en&gagement\u2026"
    )
    assert view.withdraw_milestone_button.isVisibleTo(view) and not view.withdraw_milestone_button.isEnabled()
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view, timeout=5000)
    key(qtbot, Qt.Key.Key_G, ALT)  # the button's mnemonic, as a real keyboard sends it
    wait_idle()
    dialog = view.engagement_dialog
    assert isinstance(dialog, EngagementDialog) and dialog.isVisible()
    track(dialog)
    qtbot.waitUntil(lambda: dialog.link.count() == 1, timeout=5000)
    assert dialog.link.currentText() == "Potential victim in arrest WY/26/400001 (operation Op Birch)"
    assert dialog.ok_button.isEnabled() and not dialog.no_links.isVisible()
    assert problems(dialog) == []
    # a disengagement without its reason is refused in the form, beside the field
    dialog.milestone.setCurrentIndex(dialog.milestone.findData(Milestone.DISENGAGED.value))
    assert dialog.reason_caption.text() == "&Reason:"
    dialog.on.set_value(date.today() - timedelta(days=3))
    dialog.ok_button.click()
    assert "Say why" in dialog.general_error.text() + "".join(
        e.text() for e in dialog.findChildren(type(dialog.general_error)) if e.isVisible()
    )
    dialog.reason.setPlainText("Moved to another city; not answering calls")
    _shot(dialog, "engagement-dialog.png")
    dialog.ok_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: "Recorded: disengaged" in view.notice.text(), timeout=5000)
    wait_idle()
    (row,) = _engagement_rows(view)
    entry = view.model.entry_at(row)
    assert entry.title == "Disengaged" and "not answering calls" in entry.detail
    _shot(view, "pathway-engagement.png")
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert view.withdraw_milestone_button.isEnabled()
    withdraw = view.withdraw_milestone()
    assert isinstance(withdraw, ReasonDialog)
    withdraw.text.setPlainText("Recorded on the wrong victim")
    withdraw.ok_button.click()
    wait_idle()
    qtbot.waitUntil(lambda: "Milestone withdrawn" in view.notice.text(), timeout=5000)
    wait_idle()
    (row,) = _engagement_rows(view)
    entry = view.model.entry_at(row)
    assert entry.struck.startswith("Withdrawn by ") and entry.struck.endswith("wrong victim")
    view.table.setCurrentIndex(view.model.index(row, 0))
    assert not view.withdraw_milestone_button.isEnabled()
    _shot(view, "pathway-engagement-withdrawn.png")


def test_a_person_with_no_link_is_told_and_other_roles_see_no_command(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    lonely = officer.people.create(PersonInput(surname="Kowalska", forenames="Anna"))
    view = _open(track, make_ctx(officer), lonely, wait_idle)
    _shot(view, "pathway-officer-head.png")
    dialog = view.record_engagement()
    assert isinstance(dialog, EngagementDialog)
    track(dialog)
    wait_idle()
    qtbot.waitUntil(lambda: dialog.no_links.isVisible(), timeout=5000)
    assert not dialog.ok_button.isEnabled() and dialog.link.count() == 0
    assert problems(dialog) == []
    _shot(dialog, "engagement-dialog-no-links.png")
    dialog.reject()
    manager_view = _open(track, make_ctx(backend_for(Role.MANAGER)), victim(backend_for), wait_idle)
    assert not manager_view.engagement_button.isVisibleTo(manager_view)
    assert not manager_view.withdraw_milestone_button.isVisibleTo(manager_view)
    assert manager_view.record_engagement() is None
