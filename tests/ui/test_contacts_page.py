"""The Contacts page: the model under Qt's tester, a VLO sees only contacts with victims assigned to
them, filters by victim, purpose and the user's own contacts, late notifications and passed next-contact
dates in red, and the pathway opens from a row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from tests.ui.helpers import Track, idle
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.models.paged_model import texts
from ui.pages.contacts_page import ContactsPage

VLO = USERS[Role.VLO].username


def _victims(officer: Backend) -> list[int]:
    ids = [officer.people.create(PersonInput(surname=s, forenames="Ana")) for s in ("Assigned", "Other")]
    officer.people.assign_vlo(ids[0], VLO)
    return ids


def _contact(vlo: Backend, person: int, days_ago: int, purpose: ContactPurpose, **kw: object) -> None:
    vlo.contacts.add(
        ContactInput(
            person_id=person,
            contact_at=datetime.now(LONDON) - timedelta(days=days_ago),
            method=ContactMethod.PHONE,
            purpose=purpose,
            summary=f"{purpose.label} call",
            **kw,  # type: ignore[arg-type]
        )
    )


def _page(qtbot: QtBot, ctx: AppContext) -> ContactsPage:
    page = ContactsPage(ctx)
    qtbot.addWidget(page)
    idle(qtbot, page)
    return page


def test_model_scope_and_filters(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
) -> None:
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    assigned, other = _victims(officer)
    _contact(vlo, assigned, 40, ContactPurpose.INITIAL)
    _contact(
        vlo,
        assigned,
        3,
        ContactPurpose.DECISION_NOTIFICATION,
        decision_notified=NotifiableDecision.CHARGE,
        decision_date=date.today() - timedelta(days=20),
    )
    page = _page(qtbot, make_ctx(vlo))
    idle(qtbot, page)
    qtmodeltester.check(page.model, force_py=True)
    assert page.count_label.text() == "2 contacts"
    assert texts(page.model, 1) == ["Assigned, Ana", "Assigned, Ana"]
    # the VLO's victim chooser holds only the victims assigned to them
    victims = [page.person.itemText(i) for i in range(page.person.count())]
    assert victims[0] == "All victims" and len(victims) == 2 and "Assigned" in victims[1]
    assert not page.search.isVisibleTo(page)
    late = page.model.index(0, 5)
    assert late.data().startswith("Charge ") and late.data().endswith(", late")
    assert late.data(Qt.ItemDataRole.ForegroundRole) is not None
    first = page.model.index(1, 4)  # the first contact's next date passed long ago
    assert first.data(Qt.ItemDataRole.ForegroundRole) is not None
    page.purpose.setCurrentIndex(page.purpose.findData(ContactPurpose.INITIAL))
    idle(qtbot, page)
    assert texts(page.model, 2) == ["Initial contact"]
    assert page.count_label.text() == "1 of 2 contacts"
    page.clear_filters()
    idle(qtbot, page)
    page.person.setCurrentIndex(1)
    idle(qtbot, page)
    assert page.model.rowCount() == 2
    page.mine.setChecked(True)
    idle(qtbot, page)
    assert page.model.rowCount() == 2
    # overdue: only the latest contact counts, and its next contact (28 days on) has not passed
    page.clear_filters()
    idle(qtbot, page)
    assert page.overdue.isVisibleTo(page)
    page.overdue.setChecked(True)
    idle(qtbot, page)
    assert page.model.rowCount() == 0

    manager = _page(qtbot, make_ctx(backend_for(Role.MANAGER)))
    idle(qtbot, manager)
    assert manager.model.rowCount() == 2 and not manager.mine.isVisibleTo(manager)
    del other


def test_empty_page_tells_a_vlo_how_to_log_a_contact(
    qtbot: QtBot, backend_for: Callable[[Role], Backend], make_ctx: Callable[[Backend], AppContext]
) -> None:
    page = _page(qtbot, make_ctx(backend_for(Role.VLO)))
    idle(qtbot, page)
    assert page.body.currentWidget() is page.empty_panel
    assert "Ctrl+Shift+N" in page.empty_panel.text.text()


def test_the_pathway_opens_from_a_row(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    assigned, _ = _victims(officer)
    _contact(vlo, assigned, 2, ContactPurpose.WELFARE)
    page = _page(qtbot, make_ctx(vlo))
    idle(qtbot, page)
    assert not page.pathway_button.isEnabled()
    page.table.selectRow(0)
    assert page.pathway_button.isEnabled()
    view = page.open_pathway()
    assert view is not None
    track(view)
    wait_idle()
    assert view.person_id == assigned  # type: ignore[attr-defined]


def test_the_window_lists_contacts_for_a_vlo(window_as: Callable[[Role], MainWindow]) -> None:
    assert window_as(Role.VLO).page_of(ContactsPage) is not None


def test_corrected_and_withdrawn_contacts_are_struck_through_with_who_when_why(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
) -> None:
    import os
    from pathlib import Path

    from PySide6.QtGui import QFont

    officer, vlo = backend_for(Role.HTT_OFFICER), backend_for(Role.VLO)
    assigned, _other = _victims(officer)
    _contact(vlo, assigned, 5, ContactPurpose.WELFARE)
    _contact(vlo, assigned, 2, ContactPurpose.INITIAL)
    welfare, initial = sorted(r.id for r in vlo.contacts.list())
    when = datetime.now(LONDON) - timedelta(days=5)
    vlo.contacts.correct(
        welfare,
        ContactInput(assigned, when, ContactMethod.VIDEO, ContactPurpose.WELFARE, summary="Welfare video"),
        "It was a video call",
    )
    vlo.contacts.withdraw(initial, "Logged against the wrong victim")
    page = _page(qtbot, make_ctx(vlo))
    page.resize(1280, 400)
    rows = [page.model.row_at(i) for i in range(page.model.rowCount())]
    assert sorted(r.corrected.split(" by ")[0] for r in rows) == ["", "Corrected", "Withdrawn"]
    assert page.model.total == 3  # the two struck through and the correction in force
    for i, row in enumerate(rows):
        index = page.model.index(i, 0)
        font = index.data(Qt.ItemDataRole.FontRole)
        assert (isinstance(font, QFont) and font.strikeOut()) == bool(row.corrected)
        if row.corrected:
            assert index.data(Qt.ItemDataRole.ToolTipRole) == row.corrected
            assert f"by {VLO} on " in row.corrected and " UTC: " in row.corrected
    assert vlo.contacts.count() == 1  # elsewhere (Today, the figures) only the contact in force counts
    folder = os.environ.get("MSHTDESK_SHOTS")
    if folder:
        page.grab().save(str(Path(folder) / "contacts_struck.png"))
