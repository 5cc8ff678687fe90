"""The self-test's main-window step: the core's steps (``mshtdesk.selftest``) with the real window between.

The window is opened offscreen (unless ``QT_QPA_PLATFORM`` says otherwise) for the self-test's officer,
with every page of the role built and its first background jobs finished, then detached and closed. A bug
the UI logs while it does so (an apology a user would see) fails the step, as does any page left showing a
failure.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import TYPE_CHECKING

from mshtdesk.selftest import OFFICER, SelfTest, SelfTestError, run_self_test

if TYPE_CHECKING:
    from PySide6.QtCore import QMessageLogContext, QtMsgType

WINDOW_TIMEOUT_S = 60.0


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage().splitlines()[0])


def _quiet_offscreen(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's messages to stderr as usual, less the offscreen plugin's notice about size hints."""
    if "propagateSizeHints" not in message:
        sys.stderr.write(message + "\n")


def open_and_close_window(run: SelfTest) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from ui.app import create_application
    from ui.context import AppContext, ReferenceData
    from ui.main_window import MainWindow
    from ui.pages import PAGES
    from ui.settings import open_settings
    from ui.tasks import TaskRunner

    app = create_application()
    previous = qInstallMessageHandler(_quiet_offscreen)
    errors = _Errors()
    ui_log = logging.getLogger("ui")
    ui_log.addHandler(errors)
    backend = run.backend(OFFICER)
    tasks = TaskRunner()
    window = MainWindow(open_settings(), PAGES)
    try:
        window.show()
        window.attach(AppContext(backend, tasks, ReferenceData.load(backend), open_settings()))
        deadline = time.monotonic() + WINDOW_TIMEOUT_S
        while not tasks.is_idle() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.01)
        app.processEvents()
        if not tasks.is_idle():
            raise SelfTestError(f"the window's first jobs had not finished after {WINDOW_TIMEOUT_S:.0f} s")
        if not window.pages:
            raise SelfTestError("the main window has no pages for an HTT officer")
        if window.stack.currentWidget() is window.failure:
            raise SelfTestError("the main window shows a failure")
        window.detach()
    finally:
        tasks.shutdown()
        window.close()
        window.deleteLater()
        QApplication.processEvents()
        ui_log.removeHandler(errors)
        qInstallMessageHandler(previous)
    if errors.messages:
        raise SelfTestError("the UI logged a bug: " + "; ".join(errors.messages))


def run() -> int:
    """``mshtdesk --self-test``: every step, the main window included."""
    return run_self_test(window=open_and_close_window)
