"""Restore, import, logging in as another user and a ranking change each refresh every page on screen.

Each case runs the real operation on the task runner's worker (or, for the login, the app's real
``start_session``); the ``Changes`` its services carry are what reaches the page. A spy around the page
class's own ``on_changes`` (which still runs: the page really reads again) records that it was asked to
refresh, and with what. A narrower change (a calendar day) does not refresh a page that does not show it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from tests.ui.helpers import show_page
from ui.app import AppController, Session
from ui.context import ReferenceData
from ui.main_window import MainWindow
from ui.pages import PAGES, PageSpec
from ui.pages.base import Page
from ui.settings import open_settings

CUSTODY_CSV = (
    b"arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    b"REFRESH-1,2024-05-10,BD,,O1,MSA s.2,RUI,2024-05-10\n"
)
ROLE_ORDER = (Role.HTT_OFFICER, Role.ADMINISTRATOR, Role.AUDITOR, Role.MANAGER, Role.VLO, Role.NAVIGATOR)


def _page_class(spec: PageSpec) -> type[Page]:
    cls = getattr(importlib.import_module(spec.module), spec.cls)
    assert issubclass(cls, Page)
    return cls


def _role_for(spec: PageSpec, backend_for: Callable[[Role], Backend]) -> Role:
    """A role that has this page (the first of a fixed order, so the test is repeatable)."""
    roles = (*ROLE_ORDER, *(r for r in Role if r not in ROLE_ORDER))
    found = next((r for r in roles if backend_for(r).actor.may(*spec.needs)), None)
    assert found is not None, f"no role sees {spec.title}"
    return found


@pytest.fixture
def refreshed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, Changes]]]:
    """(page class, changes) for every ``on_changes`` call of every page class, which still runs."""
    calls: list[tuple[str, Changes]] = []
    for spec in PAGES:
        cls = _page_class(spec)
        original = cls.on_changes

        def spy(self: Page, changes: Changes, original: Any = original) -> None:
            calls.append((type(self).__name__, changes))
            original(self, changes)

        monkeypatch.setattr(cls, "on_changes", spy)
    yield calls


def _shown(
    spec: PageSpec, backend_for: Callable[[Role], Backend], window_for: Callable[[Backend], MainWindow]
) -> tuple[MainWindow, Page]:
    window = window_for(backend_for(_role_for(spec, backend_for)))
    page = show_page(window, _page_class(spec))
    assert page.isVisible()
    return window, page


def _run(window: MainWindow, work: Callable[[], object], wait_idle: Callable[..., None]) -> None:
    assert window.ctx is not None
    failures: list[BaseException] = []
    window.ctx.tasks.run(lambda _job: work(), failed=failures.append)
    wait_idle(30_000)
    assert not failures, failures


def _assert_refreshed(
    page: Page, calls: list[tuple[str, Changes]], qtbot: QtBot, wait_idle: Callable[..., None]
) -> None:
    mine = [c for name, c in calls if name == type(page).__name__]
    assert mine, f"{type(page).__name__} was not refreshed"
    assert all(c.touches(page.shows) for c in mine)
    assert page.shows, "a page must say what it shows"
    # a page that re-reads after a short pause (the disposal table) finishes before the test ends
    qtbot.waitUntil(lambda: not any(t.isActive() and t.isSingleShot() for t in page.findChildren(QTimer)))
    wait_idle(30_000)


PARAMS = [pytest.param(spec, id=spec.cls) for spec in PAGES]


@pytest.mark.parametrize("spec", PARAMS)
def test_a_restore_refreshes_the_page_on_screen(
    spec: PageSpec,
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    refreshed: list[tuple[str, Changes]],
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    backup = admin.backups.create("before the test")
    window, page = _shown(spec, backend_for, window_for)
    refreshed.clear()
    _run(window, lambda: admin.backups.restore(backup.path), wait_idle)
    _assert_refreshed(page, refreshed, qtbot, wait_idle)


@pytest.mark.parametrize("spec", PARAMS)
def test_an_import_refreshes_the_page_on_screen(
    spec: PageSpec,
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    refreshed: list[tuple[str, Changes]],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    window, page = _shown(spec, backend_for, window_for)
    refreshed.clear()
    _run(window, lambda: officer.import_custody(CUSTODY_CSV, "refresh.csv"), wait_idle)
    _assert_refreshed(page, refreshed, qtbot, wait_idle)


@pytest.mark.parametrize("spec", PARAMS)
def test_a_ranking_change_refreshes_the_page_on_screen(
    spec: PageSpec,
    qtbot: QtBot,
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    refreshed: list[tuple[str, Changes]],
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    codes = [t.code for t in admin.reference.disposal_types()]
    codes[0], codes[1] = codes[1], codes[0]
    window, page = _shown(spec, backend_for, window_for)
    refreshed.clear()
    _run(window, lambda: admin.reference.set_ranking(codes), wait_idle)
    _assert_refreshed(page, refreshed, qtbot, wait_idle)


@pytest.mark.parametrize("spec", PARAMS)
def test_logging_in_as_another_user_refreshes_every_page(
    spec: PageSpec,
    qtbot: QtBot,
    db_path: Any,
    backend_for: Callable[[Role], Backend],
    refreshed: list[tuple[str, Changes]],
) -> None:
    backend = backend_for(_role_for(spec, backend_for))
    controller = AppController(open_settings(), db=str(db_path), demo=True)  # demo: no daily backup
    qtbot.addWidget(controller.window)
    controller.window.show()
    try:
        controller.start_session(Session(backend, ReferenceData.load(backend)))
        page = controller.window.page_of(_page_class(spec))
        assert page is not None
        assert (type(page).__name__, Changes.everything()) in refreshed
        qtbot.waitUntil(controller.tasks.is_idle, timeout=30_000)
    finally:
        controller.window.detach()
        controller.shutdown()


def test_a_change_to_what_a_page_does_not_show_leaves_it_alone(
    backend_for: Callable[[Role], Backend],
    window_for: Callable[[Backend], MainWindow],
    wait_idle: Callable[..., None],
    refreshed: list[tuple[str, Changes]],
) -> None:
    from ui.pages.arrests_page import ArrestsPage

    spec = next(s for s in PAGES if s.cls == "ArrestsPage")
    window, page = _shown(spec, backend_for, window_for)
    assert isinstance(page, ArrestsPage)
    refreshed.clear()
    admin = backend_for(Role.ADMINISTRATOR)
    _run(window, lambda: admin.calendar.add(date(2030, 12, 27), label="Training day"), wait_idle)
    assert [c for n, c in refreshed if n == "TodayPage"] == [Changes.of(Data.CALENDAR)]  # deadlines move
    assert not [n for n, _c in refreshed if n == "ArrestsPage"]


def test_a_refresh_keeps_the_selection_and_the_scroll_position(
    qtbot: QtBot,
    demo_ctx: Any,
    demo_backend: Backend,
    wait_idle: Callable[..., None],
    refreshed: list[tuple[str, Changes]],
) -> None:
    from ui.pages.arrests_page import ArrestsPage

    page = ArrestsPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1000, 500)
    page.show()
    wait_idle()  # the rows are read on the worker
    target = page.model.row_at(90)
    page.table.selectRow(90)
    page.table.scrollTo(page.model.index(90, 0))
    bar = page.table.verticalScrollBar()
    before = bar.value()
    assert before > 0
    other = demo_backend.register.get(page.model.row_at(3).id)
    register = demo_backend.register
    demo_ctx.tasks.run(lambda _job: register.append_event(other.offences[0].id, "NFA", date.today()))
    wait_idle()  # the write, then the refresh it caused (queued before the runner fell idle)
    assert [n for n, _c in refreshed if n == "ArrestsPage"] == ["ArrestsPage"]
    assert page.selected_ids() == [target.id]
    assert bar.value() == before
