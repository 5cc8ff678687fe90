"""The Today page: grouped due items (overdue first, in red), Haven House now, an empty state with a hint,
opening a pathway, and the acceptance flow of a liaison officer logging a due contact by keyboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.due import DueKind
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactFilter, ContactInput
from mshtdesk.services.pathway import TimelineKind
from mshtdesk.services.people import PersonInput
from mshtdesk.services.today import TodayItem, TodayKind
from mshtdesk.store.database import Database
from tests.conftest import USERS
from tests.ui.helpers import Track, is_closed
from ui.app import AppController
from ui.context import AppContext
from ui.dialogs.contact_dialog import ContactDialog
from ui.dialogs.pathway_view import PathwayView
from ui.main_window import MainWindow
from ui.models.today_model import ROW_ROLE, Group, TodayColumn, TodayModel
from ui.pages.today_page import TodayPage
from ui.palette import ALERT

Backends = Callable[[Role], Backend]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
TODAY = date.today()


def victims_with_contacts(backend_for: Backends, days_ago: tuple[int, ...]) -> list[int]:
    """One victim per entry, assigned to the demo VLO, last contacted that many days ago (28-day
    interval: 30 days ago is overdue, 25 days ago due this week, 5 days ago not due)."""
    officer = backend_for(Role.HTT_OFFICER)
    vlo = backend_for(Role.VLO)
    ids = []
    for i, ago in enumerate(days_ago):
        person_id = officer.people.create(PersonInput(surname=f"Victim{i}", forenames="Test"))
        officer.people.assign_vlo(person_id, USERS[Role.VLO].username)
        vlo.contacts.add(
            ContactInput(
                person_id,
                datetime.now(LONDON) - timedelta(days=ago),
                ContactMethod.PHONE,
                ContactPurpose.WELFARE if i else ContactPurpose.INITIAL,
            )
        )
        ids.append(person_id)
    return ids


def _items() -> list[TodayItem]:
    return [
        TodayItem(DueKind.VLO_CONTACT, 1, "ONE, Ann (P-000001)", TODAY - timedelta(days=3), True, "Call"),
        TodayItem(DueKind.RG_EXPECTED, 2, "TWO, Bo (P-000002)", TODAY - timedelta(days=1), True, "RG"),
        TodayItem(DueKind.VLO_CONTACT, 3, "THREE, Cy (P-000003)", TODAY + timedelta(days=2), False, "Call"),
        TodayItem(
            TodayKind.IN_HAVEN_HOUSE,
            None,
            "Anonymous",
            None,
            False,
            "Bed 2",
            record_id=7,
            since=datetime.now(UTC) - timedelta(days=3, hours=5),
        ),
    ]


def test_today_model_passes_the_model_testers(qtmodeltester: ModelTester) -> None:
    model = TodayModel()
    model.set_items(_items(), TODAY, datetime.now(UTC))
    qtmodeltester.check(model, force_py=True)  # stays attached: the resets below are checked too
    model.set_items(_items()[1:], TODAY, datetime.now(UTC))
    model.set_items([], TODAY, datetime.now(UTC))
    assert model.rowCount() == 0


def test_today_model_passes_qts_own_tester(qtmodeltester: ModelTester) -> None:
    model = TodayModel()
    model.set_items(_items(), TODAY, datetime.now(UTC))
    qtmodeltester.check(model, force_py=False)
    model.set_items(_items()[:2], TODAY, datetime.now(UTC))


def test_items_are_grouped_and_overdue_stands_out() -> None:
    model = TodayModel()
    model.set_items(_items(), TODAY, datetime.now(UTC))
    assert model.groups() == [Group.OVERDUE, Group.THIS_WEEK, Group.HAVEN_HOUSE]
    overdue = model.group_index(Group.OVERDUE)
    assert overdue.data() == "Overdue (2)"
    assert overdue.data(Qt.ItemDataRole.ForegroundRole) == ALERT
    first = model.index(0, TodayColumn.DUE, overdue)
    assert first.data() == f"{(TODAY - timedelta(days=3)).strftime('%d/%m/%Y')} (overdue by 3 days)"
    assert first.data(Qt.ItemDataRole.ForegroundRole) == ALERT
    assert isinstance(first.data(ROW_ROLE), TodayItem)
    week = model.group_index(Group.THIS_WEEK)
    assert model.index(0, TodayColumn.DUE, week).data(Qt.ItemDataRole.ForegroundRole) is None
    haven = model.group_index(Group.HAVEN_HOUSE)
    assert model.index(0, TodayColumn.WHAT, haven).data() == "In Haven House"
    assert model.index(0, TodayColumn.DUE, haven).data().startswith("since ")


def test_a_liaison_officer_sees_their_due_contacts_grouped(
    qtbot: QtBot,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    victims_with_contacts(backend_for, (30, 25, 5))
    page = TodayPage(make_ctx(backend_for(Role.VLO)))
    qtbot.addWidget(page)
    wait_idle()
    model = page.model
    assert page.body.currentWidget() is page.tree
    assert model.count(Group.OVERDUE) == 1 and model.count(Group.THIS_WEEK) == 1
    (late,) = model.items_of(Group.OVERDUE)
    assert late.kind == DueKind.VLO_CONTACT and "victim0" in late.person.lower()
    assert "1 overdue" in page.summary.text() and "1 due this week" in page.summary.text()
    assert page.selected_item() == late  # the first item is current: Enter opens it
    assert page.open_button.isEnabled()


def test_nothing_due_says_so_with_a_hint(
    qtbot: QtBot,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    victims_with_contacts(backend_for, (5,))
    page = TodayPage(make_ctx(backend_for(Role.VLO)))
    qtbot.addWidget(page)
    wait_idle()
    assert page.body.currentWidget() is page.nothing_due
    assert page.nothing_due.title.text() == "Nothing due"
    assert "People page" in page.nothing_due.text.text()
    assert not page.open_button.isVisibleTo(page) and not page.footnote.isVisibleTo(page)
    assert not page.has_selection()


def test_enter_opens_the_persons_pathway(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    (person_id,) = victims_with_contacts(backend_for, (30,))
    page = TodayPage(make_ctx(backend_for(Role.VLO)))
    qtbot.addWidget(page)
    page.show()
    wait_idle()
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    views = [w for w in QApplication.topLevelWidgets() if isinstance(w, PathwayView) and w.isVisible()]
    assert len(views) == 1 and views[0].person_id == person_id
    track(views[0])
    wait_idle()
    # a group heading opens nothing
    page.tree.setCurrentIndex(page.model.group_index(Group.OVERDUE))
    assert page._open_index(page.tree.currentIndex()) is None


def test_acceptance_a_vlo_logs_a_due_contact_from_today_by_keyboard(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
) -> None:
    """The issue's "done when": a VLO logs in to Today listing their due contacts, opens a victim's
    pathway, logs a contact with keystrokes; it is in the timeline and the due item is gone."""
    overdue_id, _later = victims_with_contacts(backend_for, (30, 20))
    vlo = backend_for(Role.VLO)
    window = window_for(vlo)
    page = window.current_page()
    assert isinstance(page, TodayPage)  # the landing page
    wait_idle()
    (due,) = page.model.items_of(Group.OVERDUE)
    assert due.person_id == overdue_id and due.kind == DueKind.VLO_CONTACT
    window.activateWindow()
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)  # open the pathway
    view = PathwayView._open[overdue_id]
    track(view)
    wait_idle()
    before = view.model.rowCount()
    view.activateWindow()
    qtbot.keyClick(
        view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ContactDialog) and w.isVisible())
    track(dialog)
    wait_idle()
    focus = dialog.focusWidget()
    assert focus is dialog.purpose
    qtbot.keyClick(focus, Qt.Key.Key_Return)  # defaults: now, phone, welfare; Enter saves
    wait_idle()
    assert view.model.rowCount() == before + 1
    assert view.model.entry_at(0).day == TODAY
    assert vlo.contacts.count(ContactFilter(person_id=overdue_id)) == 2
    # back on Today: the overdue item has cleared
    assert page.model.count(Group.OVERDUE) == 0
    assert all(i.person_id != overdue_id for i in page.model.items_of(Group.THIS_WEEK))


def test_haven_house_staff_see_who_is_in_the_house(
    qtbot: QtBot,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    from mshtdesk.services.haven import StayInput

    admin = backend_for(Role.ADMINISTRATOR)
    admin.haven.add_bed("Bed 1", room="Room A")
    staff = backend_for(Role.HAVEN_HOUSE)
    (bed,) = staff.haven.beds()
    staff.haven.admit(StayInput(bed_id=bed.id, admitted_at=datetime.now(LONDON) - timedelta(days=2, hours=3)))
    page = TodayPage(make_ctx(staff))
    qtbot.addWidget(page)
    wait_idle()
    assert page.model.groups() == [Group.HAVEN_HOUSE]
    haven = page.model.group_index(Group.HAVEN_HOUSE)
    assert page.model.index(0, TodayColumn.WHAT, haven).data() == "In Haven House"
    assert "2 days" in page.model.index(0, TodayColumn.DETAIL, haven).data()  # how long, from the service
    assert "1 in Haven House" in page.summary.text()
    assert not page.open_button.isEnabled()  # an anonymous stay has no pathway


def test_today_model_index_parent_round_trip() -> None:
    model = TodayModel()
    model.set_items(_items(), TODAY, datetime.now(UTC))
    for g in range(model.rowCount()):
        group = model.index(g, 0)
        assert model.parent(group) == QModelIndex()
        for r in range(model.rowCount(group)):
            child = model.index(r, 2, group)
            assert model.parent(child) == group
            assert model.rowCount(child) == 0


def test_acceptance_on_the_demo_database(
    qtbot: QtBot, track: Track, start: Callable[[str], AppController], database: Database, db_path: Path
) -> None:
    """With the demo data, vlo logs in (typing the demo password), lands on Today listing their due
    contacts, opens a victim's pathway from the keyboard, logs a contact with Ctrl+Shift+N and Enter: the
    contact is first in the timeline and the due item has left Today."""
    fill_demo(database)
    fill_pathway(database, seed=1, volume=volume_for_arrests(130, 395 / 365.25))
    controller = start(str(db_path))
    login = controller.login
    assert login is not None
    qtbot.keyClicks(login.username, USERS[Role.VLO].username)
    qtbot.keyClicks(login.password, USERS[Role.VLO].password)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.session is not None, timeout=30_000)
    window = controller.window
    page = window.current_page()
    assert isinstance(page, TodayPage)
    qtbot.waitUntil(lambda: page.loaded_once and controller.tasks.is_idle(), timeout=10_000)
    due = [
        i
        for g in (Group.OVERDUE, Group.THIS_WEEK)
        for i in page.model.items_of(g)
        if i.kind == DueKind.VLO_CONTACT
    ]
    assert due, "the demo gives vlo contacts that are due"
    target = due[0]
    assert target.person_id is not None
    # move to that item with the keyboard (Down from the first item), then Enter
    window.activateWindow()
    page.tree.setFocus()
    while page.selected_item() != target:
        qtbot.keyClick(page.tree, Qt.Key.Key_Down)
    qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    view = PathwayView._open[target.person_id]
    track(view)
    qtbot.waitUntil(lambda: view.pathway is not None and controller.tasks.is_idle(), timeout=10_000)
    before = view.model.rowCount()
    view.activateWindow()
    qtbot.keyClick(
        view.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ContactDialog) and w.isVisible())
    track(dialog)
    qtbot.waitUntil(controller.tasks.is_idle, timeout=10_000)
    focus = dialog.focusWidget()
    assert focus is not None
    qtbot.keyClick(focus, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=10_000)
    qtbot.waitUntil(lambda: view.model.rowCount() == before + 1, timeout=10_000)
    qtbot.waitUntil(controller.tasks.is_idle, timeout=10_000)
    newest = view.model.entry_at(0)
    assert newest.kind == TimelineKind.CONTACT and newest.day == TODAY
    still_due = [
        i
        for g in (Group.OVERDUE, Group.THIS_WEEK)
        for i in page.model.items_of(g)
        if i.kind == DueKind.VLO_CONTACT and i.person_id == target.person_id
    ]
    assert still_due == []
