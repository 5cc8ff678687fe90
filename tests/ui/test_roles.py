"""The window shows each role only what its services allow: pages, commands, buttons, the status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Entity, Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.conftest import USERS
from tests.ui.helpers import Track, show_page
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.main_window import MainWindow
from ui.pages import PAGES
from ui.pages.arrests_page import ArrestsPage
from ui.pages.disposal_page import DisposalPage
from ui.settings import open_settings


def role_user(role: Role) -> str:
    return USERS[role].username


def _nav(window: MainWindow) -> list[str]:
    return [window.nav.item(i).text() for i in range(window.nav.count())]


@pytest.mark.parametrize(
    ("role", "pages"),
    [
        (Role.ADMINISTRATOR, ["Audit log", "Users"]),
        (
            Role.MANAGER,
            [
                "Today",
                "People",
                "Arrests",
                "Disposal table",
                "Reports",
                "NRM",
                "Navigator",
                "Haven House",
                "Contacts",
                "Review queue",
            ],
        ),
        (
            Role.HTT_OFFICER,
            [
                "Today",
                "People",
                "Arrests",
                "Disposal table",
                "Reports",
                "NRM",
                "Navigator",
                "Haven House",
                "Contacts",
            ],
        ),
        (Role.VLO, ["Today", "People", "Arrests", "NRM", "Contacts"]),
        (Role.NAVIGATOR, ["Today", "People", "Navigator"]),
        (Role.HAVEN_HOUSE, ["Today", "People", "Haven House"]),
        (Role.AUDITOR, ["Audit log"]),
    ],
)
def test_each_role_sees_its_pages(
    window_as: Callable[[Role], MainWindow], role: Role, pages: list[str]
) -> None:
    window = window_as(role)
    assert _nav(window) == pages
    assert window.user_label.text() == f"{role_user(role)} ({role.label})"
    assert window.windowTitle() == f"MSHT Desk \u2014 {role_user(role)}"
    view = [a.text() for a in window.view_menu.actions() if a.text() and not a.isSeparator()]
    assert view[: len(pages)] == pages
    reads_arrests = role in (Role.MANAGER, Role.HTT_OFFICER, Role.VLO)
    assert window.arrests_menu.menuAction().isVisible() == reads_arrests
    assert bool(window.counts.text()) == reads_arrests  # counts need read access to arrests
    a = window.commands
    for always in (a.lock_now, a.log_out, a.change_password, a.quit):
        assert always.isVisible() and always.isEnabled()


def test_a_manager_reads_but_cannot_add_or_import(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.MANAGER)
    a = window.commands
    assert not a.new_arrest.isVisible() and not a.new_arrest.isEnabled()
    assert not a.import_custody.isVisible() and not a.import_custody.isEnabled()
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    assert not page.new_button.isVisible()
    assert page.can_copy  # a manager may export arrests
    assert page.body.currentWidget() is page.empty_register
    assert not page.empty_register.findChildren(QPushButton)  # no "Import…" or "New arrest…" offered
    window.new_arrest()  # even if called, nothing opens
    assert not [w for w in window.findChildren(ArrestDialog) if w.isVisible()]
    disposal = window.page_of(DisposalPage)
    assert isinstance(disposal, DisposalPage) and disposal.can_copy and disposal.can_export


def test_an_officer_may_add_and_import(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.HTT_OFFICER)
    a = window.commands
    assert a.new_arrest.isVisible() and a.new_arrest.isEnabled()
    assert a.import_custody.isVisible() and a.import_custody.isEnabled()
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage) and page.new_button.isVisible()


def test_a_vlo_reads_arrests_without_copy_or_changes(
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    window_as: Callable[[Role], MainWindow],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    arrest_id = officer.register.create_arrest(
        ArrestInput("WY/26/000321", date(2026, 1, 5), "BD", "", "", ""), [("O1", "MSA 2015 s.2")]
    )
    window = window_as(Role.VLO)
    page = show_page(window, ArrestsPage)
    assert isinstance(page, ArrestsPage)
    assert not page.can_copy and not window.commands.copy.isVisible()
    assert page.model.total == 1
    dialog = ArrestDialog(window.ctx or make_ctx(backend_for(Role.VLO)), arrest_id)
    track(dialog)
    dialog.show()
    wait_idle()
    assert dialog.detail is not None and dialog.windowTitle().endswith("(read only)")
    assert not dialog.ok_button.isVisible()
    assert dialog.custody_ref.isReadOnly() and not dialog.district.isEnabled()
    for button in (
        dialog.record_button,
        dialog.correct_button,
        dialog.withdraw_button,
        dialog.add_offence_button,
    ):
        assert not button.isVisible()
    assert dialog.record_disposal() is None and dialog.add_offence() is None


def test_a_manager_opens_an_arrest_read_only(
    backend_for: Callable[[Role], Backend],
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    track: Track,
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    arrest_id = officer.register.create_arrest(
        ArrestInput("WY/26/000322", date(2026, 1, 6), "KD", "", "", ""), [("O1", "MSA 2015 s.2")]
    )
    dialog = ArrestDialog(make_ctx(backend_for(Role.MANAGER)), arrest_id)
    track(dialog)
    dialog.show()
    wait_idle()
    assert not dialog.ok_button.isVisible() and not dialog.record_button.isVisible()
    assert dialog.custody_ref.text() == "WY/26/000322"


@pytest.mark.parametrize("role", [Role.HAVEN_HOUSE])
def test_a_role_without_pages_gets_a_friendly_landing(
    qtbot: QtBot,
    make_ctx: Callable[[Backend], AppContext],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    role: Role,
) -> None:
    """A build whose pages this role may not read (here: only the arrests pages) lands on a message."""
    window = MainWindow(
        open_settings(), [p for p in PAGES if p.needs[1] in (Entity.ARREST, Entity.DISPOSAL_REPORT)]
    )
    qtbot.addWidget(window)
    window.show()
    window.attach(make_ctx(backend_for(role)))
    wait_idle()
    assert window.stack.currentWidget() is window.landing
    assert window.landing.title.text() == "No pages for your role"
    assert f"({role_user(role)}, {role.label})" in window.landing.text.text()
    a = window.commands
    assert not a.copy.isVisible() and not a.export_csv.isVisible() and not a.find.isVisible()
    assert not a.refresh.isVisible()
    assert window.counts.text() == ""


def test_an_auditor_sees_only_the_audit_log(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.AUDITOR)
    assert _nav(window) == ["Audit log"]
    assert not window.commands.new_arrest.isVisible()
    assert not window.commands.find.isVisible()
    assert window.commands.export_csv.isVisible()
