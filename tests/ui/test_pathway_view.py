"""The pathway view: timeline newest first, what is due next at the top (overdue in red), a contact
logged from the keyboard that appears at once, and roles that may not log contacts or open the person."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.changes import declared_writes
from mshtdesk.services.contacts import ContactFilter, ContactInput
from mshtdesk.services.pathway import DueKind, TimelineKind
from mshtdesk.services.people import LinkRole, PersonInput
from mshtdesk.services.register import ArrestInput
from tests.conftest import USERS
from tests.ui.helpers import Track, close_message_boxes, is_closed, visible_message_boxes
from ui.context import AppContext
from ui.dialogs.contact_dialog import ContactDialog
from ui.dialogs.pathway_view import PATHWAY_SHOWS, PathwayView, due_status
from ui.dialogs.person_dialog import PersonDialog
from ui.main_window import MainWindow
from ui.models.timeline_model import ROW_ROLE, TimelineColumn, TimelineModel
from ui.pages.today_page import TodayPage

Backends = Callable[[Role], Backend]
TODAY = date.today()


def victim(backend_for: Backends, *, contact_days_ago: int = 40, vlo: bool = True) -> int:
    """A victim linked to an arrest 60 days ago, assigned to the demo VLO, last contacted
    ``contact_days_ago`` days ago (so with the 28-day default the next contact is overdue)."""
    officer = backend_for(Role.HTT_OFFICER)
    arrest = officer.register.create_arrest(
        ArrestInput("WY/26/400001", TODAY - timedelta(days=60), "LD", operation="Op Birch"),
        [("O1", "MSA s.2")],
    )
    person_id = officer.people.create(
        PersonInput(surname="Nowak", forenames="Ewa", interpreter_language="Polish"),
        link=(LinkRole.POTENTIAL_VICTIM, arrest, "Op Birch"),
    )
    if vlo:
        officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
        backend_for(Role.VLO).contacts.add(
            ContactInput(
                person_id,
                datetime.now(LONDON) - timedelta(days=contact_days_ago),
                ContactMethod.IN_PERSON,
                ContactPurpose.INITIAL,
                summary="First meeting at the reception centre.",
            )
        )
    return person_id


@pytest.fixture
def vlo_ctx(backend_for: Backends, make_ctx: Callable[[Backend], AppContext]) -> AppContext:
    return make_ctx(backend_for(Role.VLO))


def _open(track: Track, ctx: AppContext, person_id: int, wait_idle: Callable[..., None]) -> PathwayView:
    view = PathwayView.start(ctx, person_id, None)
    track(view)
    wait_idle()
    return view


def test_timeline_model_passes_the_model_testers(qtmodeltester: ModelTester, backend_for: Backends) -> None:
    person_id = victim(backend_for)
    pathway = backend_for(Role.VLO).pathway.timeline(person_id)
    model = TimelineModel()
    qtmodeltester.check(model, force_py=True)
    model.set_entries(pathway.entries)
    qtmodeltester.check(model, force_py=False)
    assert model.rowCount() == len(pathway.entries) >= 2
    assert isinstance(model.index(0, 0).data(ROW_ROLE), type(pathway.entries[0]))
    model.set_entries([])
    assert model.rowCount() == 0


def test_the_timeline_is_newest_first_with_what_is_due_above(
    qtbot: QtBot, track: Track, vlo_ctx: AppContext, backend_for: Backends, wait_idle: Callable[..., None]
) -> None:
    person_id = victim(backend_for)
    view = _open(track, vlo_ctx, person_id, wait_idle)
    assert view.body.currentWidget() is view.table
    assert view.pathway is not None and view.name_label.text() == view.pathway.person_name
    assert "Nowak".upper() in view.windowTitle().upper()
    assert "Interpreter: Polish" in view.vlo_label.text()  # who to book before calling
    model = view.model
    kinds = [model.entry_at(r).kind for r in range(model.rowCount())]
    assert kinds[0] == TimelineKind.CONTACT and TimelineKind.LINK in kinds
    moments = [model.entry_at(r).at for r in range(model.rowCount())]
    assert moments == sorted(moments, reverse=True)
    contact_row = model.row_of(TimelineKind.CONTACT, model.entry_at(0).record_id)
    assert model.index(contact_row, TimelineColumn.WHEN).data().count(":") == 1  # a time of day
    # due next: the VLO contact, overdue by 12 days, in red
    (item,) = [i for i in view.due.items if i.kind == DueKind.VLO_CONTACT]
    assert item.overdue and item.due == TODAY - timedelta(days=12)
    line = next(t for t in view.due.texts() if "VLO contact due" in t)
    assert "overdue by 12 days" in line
    date_label = view.due.lines[view.due.items.index(item)][0]
    assert "b00020" in date_label.styleSheet()
    # the due box sits above the timeline
    assert (
        view.due.mapTo(view, view.due.rect().topLeft()).y()
        < view.table.mapTo(view, view.table.rect().topLeft()).y()
    )


def test_a_contact_logged_with_keystrokes_appears_at_once(
    qtbot: QtBot, track: Track, vlo_ctx: AppContext, backend_for: Backends, wait_idle: Callable[..., None]
) -> None:
    person_id = victim(backend_for)
    view = _open(track, vlo_ctx, person_id, wait_idle)
    before = view.model.rowCount()
    view.activateWindow()
    view.table.setFocus()
    qtbot.keyClick(
        view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = QApplication.activeModalWidget() or next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, ContactDialog) and w.isVisible()), None
    )
    assert isinstance(dialog, ContactDialog)
    track(dialog)
    wait_idle()
    assert dialog.interpreter.text() == "Polish"
    assert dialog.purpose.currentData() == ContactPurpose.WELFARE  # there was a contact before
    focus = dialog.focusWidget()
    assert focus is not None and dialog.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_Return)
    wait_idle()
    assert is_closed(dialog)
    assert view.model.rowCount() == before + 1
    newest = view.model.entry_at(0)
    assert newest.kind == TimelineKind.CONTACT and newest.day == TODAY
    (item,) = [i for i in view.due.items if i.kind == DueKind.VLO_CONTACT]
    assert not item.overdue and item.due == TODAY + timedelta(days=28)
    assert view.notice.isVisible() and "next contact due" in view.notice.text()
    assert backend_for(Role.VLO).contacts.count(ContactFilter(person_id=person_id)) == 2
    # opening was one consultation; the refresh after the new contact was not another
    audit = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(person_id)))
    assert [r.fields for r in audit if r.action == "consult"].count("pathway") == 1


def test_roles_that_may_not_log_contacts_see_no_command(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)
    view = _open(track, make_ctx(backend_for(Role.MANAGER)), person_id, wait_idle)
    assert not view.add_contact_button.isVisibleTo(view)
    assert view.add_contact() is None
    assert view.model.rowCount() >= 2  # a manager reads the whole pathway


def test_a_person_outside_the_users_scope_is_not_shown(
    qtbot: QtBot, track: Track, vlo_ctx: AppContext, backend_for: Backends, wait_idle: Callable[..., None]
) -> None:
    person_id = victim(backend_for, vlo=False)
    view = PathwayView.start(vlo_ctx, person_id, None)
    track(view)
    wait_idle()
    qtbot.waitUntil(lambda: bool(visible_message_boxes()), timeout=15_000)  # slow machines: the refusal
    boxes = visible_message_boxes()
    assert boxes and "not one you have been assigned" in boxes[0].text()
    close_message_boxes()
    assert is_closed(view)


def test_an_empty_pathway_says_what_will_appear(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person_id = officer.people.create(PersonInput(surname="Lee", forenames="Min"))
    view = _open(track, make_ctx(officer), person_id, wait_idle)
    assert view.body.currentWidget() is view.empty_timeline
    assert "newest first" in view.empty_timeline.text.text()
    assert view.due.texts() == ["Nothing due for this person."]
    assert view.vlo_label.text() == "No liaison officer assigned"


@pytest.mark.qt_log_ignore(  # offscreen has no window stack
    r"This plugin does not support raise\(\)", r"This plugin does not support propagateSizeHints"
)
def test_opening_twice_brings_the_same_view_forward_and_details_open(
    qtbot: QtBot, track: Track, vlo_ctx: AppContext, backend_for: Backends, wait_idle: Callable[..., None]
) -> None:
    person_id = victim(backend_for)
    view = _open(track, vlo_ctx, person_id, wait_idle)
    assert PathwayView.start(vlo_ctx, person_id, None) is view
    details = view.open_details()
    track(details)
    wait_idle()
    assert isinstance(details, PersonDialog) and details.surname.text() == "Nowak"
    details.done(0)
    view.close()
    assert person_id not in PathwayView._open  # closed: the next opening reads the pathway afresh


def test_due_status_in_words() -> None:
    from mshtdesk.services.pathway import DueItem

    today = date(2026, 3, 10)
    assert due_status(DueItem(DueKind.VLO_CONTACT, date(2026, 3, 9), True, ""), today) == "overdue by 1 day"
    assert due_status(DueItem(DueKind.VLO_CONTACT, date(2026, 3, 10), False, ""), today) == "due today"
    assert due_status(DueItem(DueKind.VLO_CONTACT, date(2026, 3, 11), False, ""), today) == "due tomorrow"
    assert due_status(DueItem(DueKind.VLO_CONTACT, date(2026, 3, 15), False, ""), today) == "in 5 days"


def test_the_lock_hides_an_open_pathway_and_log_out_closes_it(
    qtbot: QtBot,
    backend_for: Backends,
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)
    window = window_for(backend_for(Role.VLO))
    today = window.current_page()
    assert isinstance(today, TodayPage)
    view = today._open_index(today.tree.currentIndex())  # what Enter does
    assert isinstance(view, PathwayView) and view.person_id == person_id
    wait_idle()
    assert view.isVisible()
    window.lock_screen(USERS[Role.VLO].username, idle=True)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)  # nothing of the session on screen
    window.unlock_screen()
    assert view.isVisible()
    window.detach()  # log-out
    assert is_closed(view) and person_id not in PathwayView._open


def test_an_officer_refers_from_the_pathway_and_opens_a_referral_from_the_timeline(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    from mshtdesk.domain.nrm import AgeAtReferral, Route
    from mshtdesk.services.nrm import ReferralInput
    from ui.dialogs.referral_dialog import ReferralDialog

    person_id = victim(backend_for)
    officer = backend_for(Role.HTT_OFFICER)
    referral_id = officer.nrm.create(
        ReferralInput(
            Route.NRM,
            AgeAtReferral.ADULT,
            TODAY - timedelta(days=3),
            person_id=person_id,
            consents=True,
            crime_ref="13/777/26",
        )
    )
    view = _open(track, make_ctx(officer), person_id, wait_idle)
    assert view.refer_button.isVisibleTo(view)
    new = view.new_referral()
    assert isinstance(new, ReferralDialog)
    track(new)
    wait_idle()
    new.done(0)
    row = view.model.row_of(TimelineKind.REFERRAL, referral_id)
    assert row >= 0
    view.table.setCurrentIndex(view.model.index(row, 0))
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    opened = [w for w in QApplication.topLevelWidgets() if isinstance(w, ReferralDialog) and w.isVisible()]
    assert len(opened) == 1
    track(opened[0])
    wait_idle()
    opened[0].done(0)
    view.close()  # one user per session: the VLO's view is a new one
    vlo_view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    assert not vlo_view.refer_button.isVisibleTo(vlo_view) and vlo_view.new_referral() is None


def test_the_views_show_what_the_pathway_forms_write() -> None:
    """The NRM, Navigator, Haven House and contact forms write these kinds: Today, People and an open
    pathway must show each, or a saved referral would not show until the next opening."""
    from mshtdesk.services.contacts import ContactService
    from mshtdesk.services.haven import HavenService
    from mshtdesk.services.navigator import NavigatorService
    from mshtdesk.services.nrm import NrmService
    from mshtdesk.services.people import PeopleService
    from ui.pages.people_page import PeoplePage
    from ui.pages.today_page import TodayPage

    written = {
        kind
        for method in (
            NrmService.create,
            NrmService.add_decision,
            NavigatorService.create,
            HavenService.admit,
            ContactService.add,
            PeopleService.update,
        )
        for kind in declared_writes(method) or ()
    }
    assert written <= PATHWAY_SHOWS and TodayPage.shows == PATHWAY_SHOWS
    assert {Data.REFERRAL, Data.HAVEN_STAY, Data.NAVIGATOR_CASE, Data.PERSON} <= PeoplePage.shows


def test_an_officer_refers_to_a_navigator_who_can_then_open_a_case(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    from mshtdesk.errors import PermissionDeniedError
    from mshtdesk.services.navigator import NavigatorCaseInput

    person_id = victim(backend_for)
    navigator = backend_for(Role.NAVIGATOR)
    with pytest.raises(PermissionDeniedError):
        navigator.navigator.create(person_id, NavigatorCaseInput(referral_date=TODAY))
    vlo_view = _open(track, make_ctx(backend_for(Role.VLO)), person_id, wait_idle)
    assert not vlo_view.navigator_button.isVisibleTo(vlo_view)  # a VLO may not refer
    vlo_view.done(0)
    view = _open(track, make_ctx(backend_for(Role.HTT_OFFICER)), person_id, wait_idle)
    assert view.navigator_button.isVisibleTo(view)
    offered: list[list[str]] = []

    def choose(_parent: object, _title: str, _label: str, items: list[str], *_a: object) -> tuple[str, bool]:
        offered.append(list(items))
        return items[0], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    view.navigator_button.click()
    wait_idle()
    assert offered and any(USERS[Role.NAVIGATOR].username in item for item in offered[0])
    assert "Referred to" in view.notice.text()
    case_id = navigator.navigator.create(person_id, NavigatorCaseInput(referral_date=TODAY))
    assert navigator.navigator.get(case_id).person_id == person_id
