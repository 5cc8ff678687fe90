"""The merge dialog: reached from the People page's "Possible duplicates…" and from a person's form
("Merge with…"); the two records side by side with what will move, a reason, then Merge, all from the
keyboard; hidden from roles that may not merge."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import LinkRole, PersonInput
from tests.ui.helpers import Track, is_closed, show_page
from ui.context import AppContext
from ui.dialogs.merge_dialog import MergeDialog
from ui.dialogs.person_dialog import PersonDialog
from ui.main_window import MainWindow
from ui.pages.people_page import PeoplePage

SHOTS = os.environ.get("MSHTDESK_SHOTS", "")  # a folder to save the screenshots in, when looking at them
BORN = date(1994, 7, 12)
Backends = Callable[[Role], Backend]


def _pair(officer: Backend) -> tuple[int, int]:
    keep = officer.people.create(
        PersonInput(surname="Popescu", forenames="Ştefan", date_of_birth=BORN, nationality="Romanian")
    )
    other = officer.people.create(PersonInput(surname="POPESCU", forenames="Stefan", date_of_birth=BORN))
    officer.people.link(other, LinkRole.POTENTIAL_VICTIM, None, "Op Heron")
    officer.people.assign_vlo(other, "vlo")
    officer.people.add_supporter(other, "navigator")
    return keep, other


def test_possible_duplicates_merges_from_the_keyboard(
    qtbot: QtBot,
    track: Track,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    keep, other = _pair(backend)
    window = window_for(backend)
    window.resize(1200, 600)
    page = show_page(window, PeoplePage)
    wait_idle()
    assert page.duplicates_button.isVisible()
    page.duplicates_button.click()
    wait_idle()
    dialog = page.merge_dialog
    assert isinstance(dialog, MergeDialog)
    track(dialog)
    wait_idle()
    assert dialog.pair_combo.count() == 1 and dialog.preview is not None
    assert dialog.table.item(0, 0).text().startswith("P-") and dialog.preview.keep.id == keep
    assert dialog.table.item(1, 1).text() == "POPESCU, Stefan"
    assert "1 link to an arrest or operation" in dialog.note.text()
    assert "takes on vlo as liaison officer" in dialog.note.text()
    dialog.swap_button.click()
    wait_idle()
    assert dialog.preview.keep.id == other
    dialog.swap_button.click()
    wait_idle()
    assert dialog.preview.keep.id == keep
    dialog.reason.setFocus()
    qtbot.keyClick(dialog.merge_button, Qt.Key.Key_Space)  # no reason yet: refused beside the field
    wait_idle()
    assert "Give the reason" in dialog.reason_error.text() and dialog.reason_error.isVisible()
    qtbot.keyClicks(dialog.reason, "Same man: passport seen")
    assert not dialog.reason_error.isVisible()  # cleared as soon as a reason is typed
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "merge_dialog.png"))
    qtbot.keyClick(dialog.merge_button, Qt.Key.Key_Space)
    wait_idle()
    assert dialog.done_result is not None and "merged into" in dialog.note.text()
    assert "people unmerge" in dialog.note.text() and not dialog.merge_button.isEnabled()
    assert other not in {p.id for p in backend.people.list()}
    shown = {page.model.row_at(i).id for i in range(page.model.rowCount())}
    assert other not in shown and keep in shown
    dialog.close()
    wait_idle()


def test_merge_with_from_the_person_form_and_its_refusals(
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    keep, other = _pair(officer)
    form = PersonDialog.start(make_ctx(officer), keep, None)
    track(form)
    wait_idle()
    assert form.merge_button.isVisible()
    form.merge_button.click()
    dialog = form.merge_dialog
    track(dialog)
    assert dialog.ref_edit is not None
    dialog.ref_edit.setText("P-999999")
    dialog.find_other()
    wait_idle()
    assert "No person P-999999 is in your scope" in dialog.error.text() and dialog.preview is None
    dialog.ref_edit.setText(officer.people.get(keep).person_ref)
    dialog.find_other()
    wait_idle()
    assert "into itself" in dialog.error.text()
    dialog.ref_edit.setText(officer.people.get(other).person_ref.lower())
    dialog.find_other()
    wait_idle()
    assert dialog.preview is not None and dialog.preview.other.id == other and not dialog.error.text()
    assert not dialog.swap_button.isEnabled()  # the form's own record is the one kept
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "merge_dialog_from_form.png"))
    officer.people.update(other, dialog.preview.other.version, PersonInput(surname="Popescu"))
    dialog.reason.setPlainText("Same man")
    dialog.submit()
    wait_idle()
    assert "after you opened it" in dialog.error.text() and dialog.done_result is None
    assert other in {p.id for p in officer.people.list()}
    dialog.close()
    form.done(0)
    wait_idle()


def test_no_merging_without_the_right(
    track: Track, window_as: Callable[[Role], MainWindow], backend: Backend, wait_idle: Callable[..., None]
) -> None:
    keep, _other = _pair(backend)
    backend.people.assign_vlo(keep, "vlo")
    window = window_as(Role.VLO)
    page = show_page(window, PeoplePage)
    wait_idle()
    assert not page.duplicates_button.isVisible()
    assert window.ctx is not None
    form = PersonDialog.start(window.ctx, keep, None)
    track(form)
    wait_idle()
    assert not form.merge_button.isVisible()
    form.done(0)
    wait_idle()
    assert is_closed(form)


def test_no_duplicates_says_what_to_do_instead(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    backend.people.create(PersonInput(surname="Rusu", forenames="Ion", date_of_birth=BORN))
    page = PeoplePage(ctx)
    qtbot.addWidget(page)
    wait_idle()
    page.find_duplicates()
    wait_idle()
    dialog = page.merge_dialog
    track(dialog)
    assert dialog.pair_combo.count() == 0 and dialog.empty_hint.isVisibleTo(dialog)
    assert "Merge with" in dialog.empty_hint.text() and not dialog.merge_button.isEnabled()
    dialog.submit()  # nothing chosen: nothing happens
    assert dialog.done_result is None
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "merge_dialog_empty.png"))
