"""Fixtures for the Qt tests: offscreen, one database per test, one worker per test, no stray threads.

The root conftest already isolates the profile (data, config and log folders) and gives ``backend`` (an
HTT officer) and ``backend_for(role)`` over a per-test copy of an encrypted template database that has
one demo user per role. Here: the worker (shut down and checked after every test), a context for pages
and dialogs, demo and seed data, windows per role, and a guard that fails a test on a logged UI bug or
on a Qt warning.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from ui.app import AppController
from ui.context import AppContext, ReferenceData
from ui.main_window import MainWindow
from ui.pages import PAGES
from ui.settings import open_settings
from ui.tasks import TaskRunner

HERE = Path(__file__).resolve().parent
# The offscreen platform cannot size to hints, raise a window, or grab the keyboard for an open menu.
OFFSCREEN_NOTICES = r"This plugin does not support (propagateSizeHints|raise\(\)|grabbing the keyboard)"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Qt warnings fail the UI tests (the offscreen plugin's notices of what it cannot do excepted)."""
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICES))


@pytest.fixture(autouse=True)
def _no_ui_bugs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A bug the UI caught and logged (an apology shown) still fails the test that caused it."""
    caplog.set_level(logging.WARNING, logger="ui")
    yield
    bugs = [r for r in caplog.get_records("call") if r.name.startswith("ui") and r.levelno >= logging.ERROR]
    assert not bugs, "UI logged a bug: " + "; ".join(r.getMessage().splitlines()[0] for r in bugs)


@pytest.fixture(autouse=True)
def _no_theme_left() -> Iterator[None]:
    """A test that started the app as a whole (``create_application``) leaves no theme follower behind
    in the shared application: it would re-apply the style sheet and reflow the next tests' dialogs."""
    yield
    from PySide6.QtWidgets import QApplication

    from ui import theme

    app = QApplication.instance()
    if isinstance(app, QApplication):
        theme.uninstall(app)


@pytest.fixture
def tasks(qapp: object) -> Iterator[TaskRunner]:
    """The background worker; shut down after the test, and its thread must then be gone."""
    runner = TaskRunner(progress_delay_ms=200)
    yield runner
    runner.shutdown()
    assert not runner.is_running(), "the worker thread is still running after shut-down"


@pytest.fixture
def wait_idle(qtbot: QtBot, tasks: TaskRunner) -> Callable[..., None]:
    """Wait until every queued job has delivered its result on the GUI thread."""

    def wait(timeout_ms: int = 10_000) -> None:
        qtbot.waitUntil(tasks.is_idle, timeout=timeout_ms)

    return wait


@pytest.fixture
def track(qapp: object) -> Iterator[Callable[[QWidget], None]]:
    """Close a dialog after the test if it is still open; unlike ``qtbot.addWidget``, this copes with
    dialogs that delete themselves on close (``WA_DeleteOnClose``)."""
    widgets: list[QWidget] = []
    yield widgets.append
    for w in widgets:
        if shiboken6.isValid(w):
            if isinstance(w, QDialog):
                w.done(0)  # not reject(): no "discard changes?" question at teardown
            else:
                w.close()


@pytest.fixture
def make_ctx(tasks: TaskRunner) -> Callable[[Backend], AppContext]:
    def make(backend: Backend) -> AppContext:
        return AppContext(backend, tasks, ReferenceData.load(backend), open_settings())

    return make


@pytest.fixture
def ctx(backend: Backend, make_ctx: Callable[[Backend], AppContext]) -> AppContext:
    """A context over an empty register."""
    return make_ctx(backend)


@pytest.fixture
def demo_backend(backend: Backend) -> Backend:
    """130 made-up arrests (the demo's default), for lists and dialogs."""
    fill_demo(backend.db)
    return backend


@pytest.fixture
def demo_ctx(demo_backend: Backend, make_ctx: Callable[[Backend], AppContext]) -> AppContext:
    return make_ctx(demo_backend)


@pytest.fixture
def window_for(
    qtbot: QtBot, make_ctx: Callable[[Backend], AppContext], wait_idle: Callable[..., None]
) -> Callable[[Backend], MainWindow]:
    """A shown main window attached to ``backend``, its first background jobs finished."""

    def make(backend: Backend) -> MainWindow:
        window = MainWindow(open_settings(), PAGES)
        qtbot.addWidget(window)
        window.show()
        window.attach(make_ctx(backend))
        wait_idle()
        return window

    return make


@pytest.fixture
def window_as(
    window_for: Callable[[Backend], MainWindow], backend_for: Callable[[Role], Backend]
) -> Callable[[Role], MainWindow]:
    """A main window for the demo user of ``role``."""

    def make(role: Role) -> MainWindow:
        return window_for(backend_for(role))

    return make


@pytest.fixture
def start(qtbot: QtBot) -> Iterator[Callable[[str], AppController]]:
    """The app as at start-up over a database file, its login dialog showing; shut down afterwards."""
    made: list[AppController] = []

    def make(db: str) -> AppController:
        controller = AppController(open_settings(), db=db, demo=False)
        qtbot.addWidget(controller.window)
        made.append(controller)
        controller.window.show()
        controller.open()
        qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(), timeout=30_000)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
        assert not controller.tasks.is_running()
