"""The Haven House page, admission and discharge dialogs and the administrators' beds dialog: who is in
now, the bed strip, the model under Qt's tester, a full house refused in plain words, anonymous stays,
discharge needs a destination, read-only for roles that only read."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import DischargeDestination
from mshtdesk.services.backend import Backend
from mshtdesk.services.haven import StayFilter, StayInput
from mshtdesk.services.people import PersonInput
from tests.ui.helpers import Track, idle, is_closed
from ui.context import AppContext
from ui.dialogs.beds_dialog import BedsDialog
from ui.dialogs.stay_dialogs import DischargeDialog, StayDialog
from ui.main_window import MainWindow
from ui.models.paged_model import texts
from ui.pages.haven_page import HavenPage


def _beds(admin: Backend, n: int) -> list[int]:
    return [admin.haven.add_bed(f"Bed {i + 1}", "Room 1" if i < 2 else "Room 2") for i in range(n)]


def _admit(staff: Backend, bed: int, *, hours_ago: int, person: int | None = None) -> int:
    when = datetime.now(LONDON) - timedelta(hours=hours_ago)
    return staff.haven.admit(StayInput(bed_id=bed, admitted_at=when, person_id=person))


def _page(qtbot: QtBot, ctx: AppContext) -> HavenPage:
    page = HavenPage(ctx)
    qtbot.addWidget(page)
    idle(qtbot, page)
    return page


def test_who_is_in_now_the_beds_and_the_history(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    beds = _beds(admin, 3)
    person = staff.people.create(PersonInput(surname="Popescu", forenames="Ioana"))
    first = _admit(staff, beds[0], hours_ago=80, person=person)
    _admit(staff, beds[1], hours_ago=5)
    staff.haven.discharge(
        first, 1, datetime.now(LONDON) - timedelta(hours=2), DischargeDestination.MSVCC_SAFE_HOUSE
    )
    _admit(staff, beds[0], hours_ago=1)
    page = _page(qtbot, make_ctx(staff))
    idle(qtbot, page)
    qtmodeltester.check(page.model, force_py=True)
    assert page.count_label.text() == "2 stays"
    assert texts(page.model, 0) == ["Anonymous", "Anonymous"]
    assert page.model.index(1, 3).data() == "5 h"
    assert "2 of 3 beds occupied" in page.beds.summary.text()
    assert [b.text() for b in page.beds.boxes] == [
        "Bed 1: taken",
        "Bed 2: taken",
        "Bed 3: free",
    ]
    assert "bed nights" in page.beds.summary.text()
    page.show_filter.setCurrentIndex(1)
    idle(qtbot, page)
    assert page.model.rowCount() == 3 and page.count_label.text() == "3 stays"
    assert page.model.query == StayFilter(in_house=False)
    row = texts(page.model, 0).index("Popescu, Ioana")
    assert page.model.index(row, 9).data() == "MSVCC safe house"
    assert page.model.index(row, 3).data() == "3 days 6 h"
    assert page.model.index(row, 4).data() in ("3", "4")  # London midnights in 78 hours


def test_admitting_refuses_a_full_house_in_plain_words(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    bed = _beds(admin, 1)[0]
    page = _page(qtbot, make_ctx(staff))
    idle(qtbot, page)
    assert page.body.currentWidget() is page.empty_panel
    assert "Admit" in page.empty_panel.text.text()
    dialog = page.admit()
    assert dialog is not None
    track(dialog)
    assert dialog.anonymous.isChecked() and dialog.bed.currentData() == bed
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    assert page.model.rowCount() == 1 and page.selected_id() == dialog.saved_id
    assert "1 of 1 bed occupied" in page.beds.summary.text()

    full = page.admit()
    assert full is not None
    track(full)
    assert not full.ok_button.isEnabled()
    assert full.full.isVisibleTo(full)
    assert full.error_text("bed_id").startswith("Haven House is full: its one bed is occupied.")
    assert "Haven House is full" in page.admit_button.toolTip()
    qtbot.waitUntil(lambda: full.full.height() >= full.full.heightForWidth(full.full.width()), timeout=2_000)
    if shots := os.environ.get("MSHTDESK_SHOTS"):
        full.grab().save(str(Path(shots) / "haven_full.png"))
    full.done(0)


def test_discharge_needs_a_destination(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    _admit(staff, _beds(admin, 2)[0], hours_ago=30)
    page = _page(qtbot, make_ctx(staff))
    idle(qtbot, page)
    assert not page.discharge_button.isEnabled()
    page.table.selectRow(0)
    assert page.discharge_button.isEnabled()
    dialog = page.discharge_selected()
    assert isinstance(dialog, DischargeDialog)
    track(dialog)
    dialog.submit()
    assert dialog.error_text("discharge_destination") == "Choose where the person went on leaving."
    dialog.destination.setCurrentIndex(dialog.destination.findData(DischargeDestination.LOCAL_AUTHORITY))
    dialog.submit()
    wait_idle()
    assert is_closed(dialog)
    assert page.body.currentWidget() is page.empty_panel  # nobody in now
    assert "0 of 2 beds occupied" in page.beds.summary.text()
    page.show_filter.setCurrentIndex(1)
    idle(qtbot, page)
    assert page.model.index(0, 9).data() == "Local authority"


def test_readers_get_no_commands_and_a_read_only_stay(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    _admit(staff, _beds(admin, 1)[0], hours_ago=3)
    page = _page(qtbot, make_ctx(backend_for(Role.MANAGER)))
    idle(qtbot, page)
    assert not page.admit_button.isVisibleTo(page) and not page.discharge_button.isVisibleTo(page)
    assert page.admit() is None
    page.open_row(page.model.row_at(0))
    wait_idle()
    dialog = next(w for w in page.findChildren(StayDialog))
    track(dialog)
    assert dialog.read_only and not dialog.bed.isEnabled() and dialog.operation.isReadOnly()
    assert dialog.status.text().startswith("In the house since")


def test_administrators_configure_the_beds(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    beds = _beds(admin, 2)
    _admit(staff, beds[0], hours_ago=1)
    dialog = BedsDialog(make_ctx(admin))
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.model.rowCount() == 2 and dialog.summary.text() == "2 beds in use, 1 occupied"
    qtmodeltester.check(dialog.model, force_py=True)
    dialog.label.setText("Bed 1")
    dialog.submit()
    wait_idle()
    assert dialog.error_text("label") == "There is already a bed labelled Bed 1."
    dialog.label.setText("Bed 3")
    dialog.room.setText("Room 2")
    dialog.submit()
    wait_idle()
    assert dialog.model.rowCount() == 3 and dialog.selected() is not None
    assert dialog.selected().label == "Bed 3"  # type: ignore[union-attr]
    assert not is_closed(dialog)
    dialog.table.selectRow(0)  # occupied: refused, in words
    dialog.retire_button.click()
    wait_idle()
    assert "is occupied" in dialog.general_error.text()
    dialog.table.selectRow(2)
    dialog.retire_button.click()
    wait_idle()
    assert dialog.model.index(2, 2).data() == "retired" and dialog.restore_button.isEnabled()
    dialog.restore_button.click()
    wait_idle()
    assert dialog.model.index(2, 2).data() == "free"


def test_the_window_lists_haven_house_for_its_staff(window_as: Callable[[Role], MainWindow]) -> None:
    assert window_as(Role.HAVEN_HOUSE).page_of(HavenPage) is not None


def test_a_stay_is_discharged_from_its_own_window(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin, staff = backend_for(Role.ADMINISTRATOR), backend_for(Role.HAVEN_HOUSE)
    stay = _admit(staff, _beds(admin, 1)[0], hours_ago=50)
    dialog = StayDialog(make_ctx(staff), stay)
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.discharge_button.isVisible() and dialog.status.text().startswith("In the house since")
    dialog.operation.setText("Op Kestrel")
    assert dialog.discharge() is None and "Save your changes first" in dialog.general_error.text()
    dialog.operation.setText("")
    leaving = dialog.discharge()
    assert isinstance(leaving, DischargeDialog)
    track(leaving)
    leaving.destination.setCurrentIndex(leaving.destination.findData(DischargeDestination.FRIENDS_FAMILY))
    leaving.submit()
    wait_idle()
    assert is_closed(leaving)
    assert dialog.status.text().endswith("Friends or family") and not dialog.discharge_button.isVisible()
