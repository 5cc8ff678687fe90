"""The Victim Navigator page and case form: scope (a Navigator sees only the people they support),
read-only for roles that may only read, the model under Qt's tester, opening, saving and closing a case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import NavigatorCloseReason, NavigatorNeed
from mshtdesk.services.backend import Backend
from mshtdesk.services.navigator import CaseStatus, NavigatorCaseInput, NavigatorFilter
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from tests.ui.helpers import Track, idle, is_closed
from ui.context import AppContext
from ui.dialogs.navigator_dialog import CloseCaseDialog, NavigatorCaseDialog
from ui.main_window import MainWindow
from ui.models.paged_model import texts
from ui.pages.navigator_page import COLUMNS, NavigatorPage

NAVIGATOR = USERS[Role.NAVIGATOR].username


def _people(officer: Backend, n: int, *, supported: int) -> list[int]:
    """``n`` people; the first ``supported`` are supported by the demo Navigator."""
    ids = [officer.people.create(PersonInput(surname=f"Surname{i:02d}", forenames="Ana")) for i in range(n)]
    for pid in ids[:supported]:
        officer.people.add_supporter(pid, NAVIGATOR)
    return ids


def _cases(navigator: Backend, people: list[int]) -> list[int]:
    start = date.today() - timedelta(days=60)
    return [
        navigator.navigator.create(
            pid,
            NavigatorCaseInput(
                referral_date=start + timedelta(days=i), needs=frozenset({NavigatorNeed.HEALTH})
            ),
        )
        for i, pid in enumerate(people)
    ]


def test_the_model_passes_qts_tester_and_pages(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
) -> None:
    officer, navigator = backend_for(Role.HTT_OFFICER), backend_for(Role.NAVIGATOR)
    _cases(navigator, _people(officer, 5, supported=5))
    page = NavigatorPage(make_ctx(navigator))
    idle(qtbot, page)
    qtmodeltester.check(page.model, force_py=True)
    assert page.model.rowCount() == 5
    assert page.count_label.text() == "5 cases"
    page.model.set_query(NavigatorFilter(status=CaseStatus.CLOSED))
    idle(qtbot, page)
    assert page.model.rowCount() == 0
    page.model.set_query(NavigatorFilter(text="surname03", status=CaseStatus.ALL))
    idle(qtbot, page)
    assert texts(page.model, 0) == ["Surname03, Ana"]
    page.deleteLater()


def test_a_navigator_sees_only_the_people_they_support(
    qtbot: QtBot, backend_for: Callable[[Role], Backend], make_ctx: Callable[[Backend], AppContext]
) -> None:
    officer, navigator = backend_for(Role.HTT_OFFICER), backend_for(Role.NAVIGATOR)
    people = _people(officer, 4, supported=2)
    _cases(navigator, people[:2])
    page = NavigatorPage(make_ctx(navigator))
    qtbot.addWidget(page)
    idle(qtbot, page)
    assert sorted(texts(page.model, 0)) == ["Surname00, Ana", "Surname01, Ana"]
    assert page.new_button.isVisibleTo(page)
    # the person chooser of a new case lists only people in scope
    dialog = page.new_case()
    assert dialog is not None and dialog.person is not None
    names = [dialog.person.itemText(i) for i in range(dialog.person.count())]
    assert len(names) == 2 and all("Surname0" in n for n in names[:2])
    assert not any("Surname02" in n or "Surname03" in n for n in names)
    dialog.done(0)


def test_roles_that_only_read_get_no_new_button_and_a_read_only_form(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer, navigator = backend_for(Role.HTT_OFFICER), backend_for(Role.NAVIGATOR)
    _cases(navigator, _people(officer, 2, supported=2))
    page = NavigatorPage(make_ctx(officer))
    qtbot.addWidget(page)
    idle(qtbot, page)
    assert not page.new_button.isVisibleTo(page)
    assert page.model.rowCount() == 2
    page.table.selectRow(0)
    page.open_current()
    wait_idle()
    dialog = next(w for w in page.findChildren(NavigatorCaseDialog))
    track(dialog)
    assert dialog.read_only and "(read only)" in dialog.windowTitle()
    assert dialog.referral_source.isReadOnly() and not dialog.engaged_now.isEnabled()
    assert not dialog.ok_button.isVisible() and not dialog.close_button.isVisible()


def test_empty_page_says_what_to_do(
    qtbot: QtBot, backend_for: Callable[[Role], Backend], make_ctx: Callable[[Backend], AppContext]
) -> None:
    page = NavigatorPage(make_ctx(backend_for(Role.NAVIGATOR)))
    qtbot.addWidget(page)
    idle(qtbot, page)
    assert page.body.currentWidget() is page.empty_panel
    assert "New case" in page.empty_panel.text.text()


def test_open_edit_and_close_a_case(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer, navigator = backend_for(Role.HTT_OFFICER), backend_for(Role.NAVIGATOR)
    people = _people(officer, 1, supported=1)
    page = NavigatorPage(make_ctx(navigator))
    qtbot.addWidget(page)
    idle(qtbot, page)
    dialog = page.new_case()
    assert dialog is not None and dialog.person is not None
    track(dialog)
    dialog.submit()
    assert dialog.error_text("person") == "Choose the person from the list."
    dialog.person.setCurrentIndex(0)
    dialog.needs.boxes[NavigatorNeed.ACCOMMODATION].setChecked(True)
    dialog.engaged_at_start.set_value(True)
    dialog.support_plan.set_value(date.today() + timedelta(days=1))  # clamped by the field's maximum
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert is_closed(dialog)
    assert page.model.rowCount() == 1 and page.selected_id() == dialog.saved_id
    case = navigator.navigator.get(page.selected_id() or 0)
    assert case.person_id == people[0] and case.data.engaged_at_start is True
    assert case.data.needs == frozenset({NavigatorNeed.ACCOMMODATION})

    # a second case for the same person is refused beside the person field
    again = page.new_case()
    assert again is not None and again.person is not None
    track(again)
    again.person.setCurrentIndex(0)
    again.submit()
    wait_idle()
    assert "already has an open Navigator case" in again.error_text("person")
    again.done(0)

    page.open_row(page.model.row_at(0))
    wait_idle()
    edit = next(w for w in page.findChildren(NavigatorCaseDialog) if w.case_id is not None)
    track(edit)
    assert edit.engaged_at_start.value() is True and edit.close_button.isVisibleTo(edit)
    edit.gave_evidence.set_value(True)
    edit.attended_court.set_value(False)
    edit.submit()
    wait_idle()
    assert "attended court" in edit.error_text("gave_evidence")
    edit.attended_court.set_value(True)
    closer = edit.close_case()
    assert closer is None and "Save your changes first" in edit.general_error.text()
    edit.submit()
    wait_idle()
    assert is_closed(edit)

    page.open_row(page.model.row_at(0))
    wait_idle()
    edit = next(w for w in page.findChildren(NavigatorCaseDialog) if w.case_id is not None and w.isVisible())
    track(edit)
    closer = edit.close_case()
    assert isinstance(closer, CloseCaseDialog)
    track(closer)
    closer.reason.setCurrentIndex(closer.reason.findData(NavigatorCloseReason.OTHER))
    closer.submit()
    wait_idle()
    assert closer.error_text("note") == "Say why the case closed."
    closer.note.setPlainText("Moved to a partner service in Scotland")
    closer.submit()
    wait_idle()
    assert is_closed(closer)
    assert edit.status.text().startswith(f"Closed on {date.today():%d/%m/%Y}: Other")
    assert not edit.close_button.isVisibleTo(edit)
    edit.done(0)
    assert page.model.rowCount() == 0  # open cases only, by default
    assert page.table.isColumnHidden(6)
    page.status.setCurrentIndex(page.status.findData(CaseStatus.CLOSED))
    idle(qtbot, page)
    assert page.current_query().status is CaseStatus.CLOSED
    assert not page.table.isColumnHidden(6)  # the closing date and reason, shown for closed cases
    assert page.model.rowCount() == 1
    assert page.model.index(0, 6).data().endswith("Other")  # Closed: date and reason


def test_columns_have_headers() -> None:
    assert [c.header for c in COLUMNS][:2] == ["Person", "Referred"]


def test_navigator_window_lists_the_page(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.NAVIGATOR)
    assert window.page_of(NavigatorPage) is not None
