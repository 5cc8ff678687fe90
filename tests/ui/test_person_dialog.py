"""The person form: every field saved, errors beside their fields, VLO assignment by role, read-only
roles, safeguarding notes apart from facts, and a conflicting save that loses nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGroupBox, QMessageBox
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from tests.ui.helpers import Track, find_visible, is_closed
from ui.context import AppContext
from ui.dialogs.conflict_dialog import ConflictDialog
from ui.dialogs.person_dialog import INACTIVE_VLO, PersonDialog


def _open(
    track: Track, ctx: AppContext, person_id: int | None, wait_idle: Callable[..., None]
) -> PersonDialog:
    dialog = PersonDialog.start(ctx, person_id, None)
    track(dialog)
    wait_idle()
    return dialog


def test_a_new_person_with_every_field(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    changes: list[Changes] = []
    ctx.tasks.changed.connect(changes.append)
    dialog = _open(track, ctx, None, wait_idle)
    assert dialog.surname.hasFocus() or dialog.focusWidget() is dialog.surname
    qtbot.keyClicks(dialog.surname, "Dumitru")
    qtbot.keyClicks(dialog.forenames, "Elena")
    dialog.aliases.setText("Lena, Ela")
    dialog.estimated_age.setValue(17)
    dialog.gender.setCurrentIndex(dialog.gender.findData("female"))
    dialog.nationality.setEditText("romanian")  # any case: the listed name is stored
    dialog.second_nationality.setEditText("MDA")  # an ISO code works too
    dialog.first_language.setText("Romanian")
    dialog.interpreter_language.setText("Romanian")
    dialog.contact_details.setPlainText("Via the Navigator only")
    dialog.opted_out.setChecked(True)
    dialog.review_due.set_value(date(2030, 1, 31))
    dialog.facts.setPlainText("Found at a car wash during Op Heron.")
    dialog.assessments.setPlainText("Frightened of the controller; risk of re-trafficking.")
    dialog.vlo.setCurrentIndex(dialog.vlo.findData(USERS[Role.VLO].username))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    assert dialog.saved_id is not None
    assert changes == [Changes.of(Data.PERSON, dialog.saved_id)]
    detail = backend.people.get(dialog.saved_id)
    assert detail.data == PersonInput(
        surname="Dumitru",
        forenames="Elena",
        aliases="Lena, Ela",
        estimated_age=17,
        gender="female",
        nationality="Romanian",
        second_nationality="Moldovan",
        first_language="Romanian",
        interpreter_language="Romanian",
        contact_details="Via the Navigator only",
        facts="Found at a car wash during Op Heron.",
        assessments="Frightened of the controller; risk of re-trafficking.",
        opted_out_of_updates=True,
        review_due=date(2030, 1, 31),
    )
    assert detail.vlo_user_id is not None
    assert backend.people.list()[0].vlo == USERS[Role.VLO].username


def test_safeguarding_notes_sit_apart_from_facts(
    track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    boxes = {b.objectName(): b for b in dialog.findChildren(QGroupBox)}
    assert boxes["factsBox"].isAncestorOf(dialog.facts)
    assert boxes["safeguardingBox"].isAncestorOf(dialog.assessments)
    assert not boxes["factsBox"].isAncestorOf(dialog.assessments)
    assert "not fact" in boxes["safeguardingBox"].title()


def test_a_nationality_not_on_the_list_is_refused_beside_the_field(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    dialog.surname.setText("Smith")
    dialog.nationality.setEditText("Atlantean")
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert "from the list" in dialog.error_text("nationality")
    assert backend.people.count() == 0


def test_the_services_field_errors_appear_beside_their_fields(
    track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    dialog.surname.setText("Smith")
    dialog.contact_details.setPlainText("x" * 1001)
    dialog.facts.setPlainText("y" * 4001)
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    assert dialog.error_text("contact_details") == "At most 1000 characters."
    assert dialog.error_text("facts") == "At most 4000 characters."
    assert dialog._errors["facts"].isVisible()
    assert backend.people.count() == 0


def test_only_a_role_that_updates_anyone_assigns_a_liaison_officer(
    track: Track,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person_id = officer.people.create(PersonInput(surname="Kaya", forenames="Deniz"))
    officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
    htt = _open(track, make_ctx(officer), person_id, wait_idle)
    assert htt.vlo.isVisibleTo(htt)
    assert htt.vlo.currentData() == USERS[Role.VLO].username
    htt.done(0)
    vlo_ctx = make_ctx(backend_for(Role.VLO))
    vlo = _open(track, vlo_ctx, person_id, wait_idle)
    assert not vlo.vlo.isVisibleTo(vlo)
    assert vlo.ok_button.isVisibleTo(vlo)  # a VLO may update their own victim's record
    vlo.interpreter_language.setText("Turkish")
    vlo.submit()
    wait_idle()
    assert is_closed(vlo)
    detail = officer.people.get(person_id)
    assert detail.data.interpreter_language == "Turkish"
    assert detail.vlo_user_id is not None  # untouched by the VLO's save


def test_a_manager_reads_the_record_without_changing_it(
    track: Track,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person_id = officer.people.create(PersonInput(surname="Hoxha", forenames="Arben", nationality="Albanian"))
    dialog = _open(track, make_ctx(backend_for(Role.MANAGER)), person_id, wait_idle)
    assert dialog.surname.text() == "Hoxha" and dialog.surname.isReadOnly()
    assert dialog.nationality.currentText() == "Albanian" and not dialog.nationality.isEnabled()
    assert not dialog.ok_button.isVisibleTo(dialog)
    assert dialog.read_only_note.isVisibleTo(dialog)
    assert "(read only)" in dialog.windowTitle()


def _conflict(
    ctx: AppContext, backend: Backend, track: Track, wait_idle: Callable[..., None]
) -> tuple[int, PersonDialog, ConflictDialog]:
    """I change the first language while someone else adds an alias and a language; I save."""
    person_id = backend.people.create(PersonInput(surname="Lis", forenames="Adam"))
    dialog = _open(track, ctx, person_id, wait_idle)
    detail = backend.people.get(person_id)
    theirs = PersonInput(surname="Lis", forenames="Adam", aliases="Adi", first_language="English")
    backend.people.update(person_id, detail.version, theirs)
    dialog.first_language.setText("Polish")
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    (conflict,) = [w for w in find_visible("conflictDialog") if isinstance(w, ConflictDialog)]
    track(conflict)
    assert "Someone else saved" in dialog.general_error.text()
    differing = {f.name for f in conflict.fields if f.differs}
    assert differing == {"aliases", "first_language"}
    return person_id, dialog, conflict


def test_a_conflicting_save_shows_both_versions_and_saves_the_choice(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    person_id, dialog, conflict = _conflict(ctx, backend, track, wait_idle)
    conflict.choose("aliases", mine=False)  # keep their alias, and my language
    qtbot.mouseClick(conflict.save_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    saved = backend.people.get(person_id).data
    assert (saved.first_language, saved.aliases) == ("Polish", "Adi")


def test_a_conflicting_save_can_keep_their_version_or_go_back(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    person_id, dialog, conflict = _conflict(ctx, backend, track, wait_idle)
    qtbot.mouseClick(conflict.cancel_button, Qt.MouseButton.LeftButton)  # back to editing, typing intact
    assert dialog.isVisible() and dialog.first_language.text() == "Polish"
    dialog.submit()
    wait_idle()
    (again,) = [w for w in find_visible("conflictDialog") if isinstance(w, ConflictDialog)]
    track(again)
    qtbot.mouseClick(again.theirs_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.aliases.text() == "Adi" and dialog.first_language.text() == "English"
    dialog.interpreter_language.setText("Polish")
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    saved = backend.people.get(person_id).data
    assert (saved.aliases, saved.first_language, saved.interpreter_language) == ("Adi", "English", "Polish")


def test_escape_asks_before_discarding_what_was_typed(
    qtbot: QtBot, track: Track, ctx: AppContext, wait_idle: Callable[..., None]
) -> None:
    dialog = _open(track, ctx, None, wait_idle)
    qtbot.keyClicks(dialog.surname, "Nowak")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible()
    (box,) = find_visible("discardQuestion")
    assert isinstance(box, QMessageBox)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    assert is_closed(dialog)


def test_a_deactivated_liaison_officer_is_named_as_such_and_kept(
    track: Track,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person_id = officer.people.create(PersonInput(surname="Kaya", forenames="Deniz"))
    officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
    backend_for(Role.ADMINISTRATOR).users.deactivate(USERS[Role.VLO].username)
    dialog = _open(track, make_ctx(officer), person_id, wait_idle)
    assert dialog.vlo.currentText() == INACTIVE_VLO
    assert dialog.vlo.findData(USERS[Role.VLO].username) < 0  # not offered for new assignments
    dialog.aliases.setText("Dee")
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    detail = officer.people.get(person_id)
    assert detail.data.aliases == "Dee" and detail.vlo_user_id is not None  # the assignment untouched


def test_an_age_that_makes_an_adult_referral_a_childs_is_refused_beside_the_field(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    """Issue 12 item 6: the age rule's words under the date of birth, and nothing saved."""
    from mshtdesk.domain.nrm import AgeAtReferral, Route
    from mshtdesk.services.nrm import ReferralInput

    pid = backend.people.create(PersonInput())
    backend.nrm.create(
        ReferralInput(
            Route.DUTY_TO_NOTIFY,
            AgeAtReferral.ADULT,
            date(2023, 3, 1),
            person_id=pid,
            consents=False,
            crime_ref="1",
        )
    )
    dialog = _open(track, ctx, pid, wait_idle)
    dialog.date_of_birth.set_value(date(2015, 6, 1))
    dialog.submit()
    wait_idle()
    assert dialog.isVisible()
    shown = dialog.error_text("date_of_birth")
    assert "the person was 7 when referred" in shown and "Duty to Notify is for adults only" in shown
    error = dialog._errors["date_of_birth"]
    assert error.isVisible()
    qtbot.waitUntil(lambda: error.height() >= error.heightForWidth(error.width()))  # not clipped
    assert backend.people.get(pid).data.date_of_birth is None
