"""The Administration menu (administrators only) and the working-calendar dialog: add an extra
non-working day, refusals beside the field, make a bank holiday a working day, remove a change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.ui.helpers import Track, settle
from ui.context import AppContext
from ui.dialogs.beds_dialog import BedsDialog
from ui.dialogs.calendar_dialog import NON_WORKING, WORKING, CalendarDialog
from ui.main_window import MainWindow


def test_only_administrators_get_the_administration_menu(
    qtbot: QtBot, window_as: Callable[[Role], MainWindow], wait_idle: Callable[..., None]
) -> None:
    admin = window_as(Role.ADMINISTRATOR)
    assert admin.admin_menu.menuAction().isVisible()
    admin.commands.working_calendar.trigger()
    admin.commands.haven_beds.trigger()
    wait_idle()
    settle(qtbot)
    dialogs = [
        w for w in admin.findChildren(CalendarDialog) + admin.findChildren(BedsDialog) if w.isVisible()
    ]
    assert len(dialogs) == 2
    for d in dialogs:
        d.done(0)
    for role in (Role.MANAGER, Role.HTT_OFFICER, Role.HAVEN_HOUSE):
        window = window_as(role)
        assert not window.admin_menu.menuAction().isVisible()
        window.working_calendar()  # even if called: nothing opens
        assert not window.findChildren(CalendarDialog)


def test_calendar_changes(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    dialog = CalendarDialog(make_ctx(admin), today=date(2026, 11, 2))
    track(dialog)
    dialog.show()
    wait_idle()
    qtmodeltester.check(dialog.model, force_py=True)
    assert dialog.model.rowCount() == 0 and dialog.empty_note.isVisible()
    assert "25/12/2026 Christmas Day" in dialog.holidays.text()

    dialog.day.set_value(date(2026, 11, 20))
    dialog.label.setText("Force training day")
    dialog.submit()
    wait_idle()
    assert dialog.model.rowCount() == 1
    assert [dialog.model.index(0, c).data() for c in range(4)] == [
        "20/11/2026",
        "Friday",
        NON_WORKING,
        "Force training day",
    ]
    assert dialog.label.text() == "" and not dialog.empty_note.isVisible()

    dialog.submit()  # the same day again
    wait_idle()
    assert "already on the list" in dialog.error_text("day")

    dialog.day.set_value(date(2026, 11, 21))  # a Saturday cannot be made a working day
    dialog.kind.setCurrentIndex(1)
    dialog.submit()
    wait_idle()
    assert "weekend" in dialog.error_text("day")

    dialog.day.set_value(date(2026, 12, 28))  # the Boxing Day substitute, worked
    dialog.submit()
    wait_idle()
    assert dialog.model.rowCount() == 2 and dialog.model.index(1, 2).data() == WORKING
    assert "(worked)" in dialog.holidays.text()
    assert admin.calendar.calendar().is_working_day(date(2026, 12, 28))

    dialog.table.selectRow(0)
    dialog.remove_button.click()
    wait_idle()
    assert dialog.model.rowCount() == 1 and admin.calendar.calendar().is_working_day(date(2026, 11, 20))
