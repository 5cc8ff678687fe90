"""The two kinds of failure: expected ones (shown as they are) and bugs (logged, then a short apology).

Expected failures are the ``MshtError`` family, plus environmental ones the database driver reports as
generic exceptions (a full disk, a read-only or locked file, a damaged file), which
``mshtdesk.errors.environmental`` turns into their own messages. A bug is logged with its exception type
and stack only, never its message: messages from the database layer can quote the values of a row, and
the register holds personal data. Every change is one transaction, so a failed action saved nothing;
the apology says so.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from mshtdesk.errors import environmental

log = logging.getLogger("ui")

APOLOGY = (
    "Sorry, something went wrong inside MSHT Desk and that action was not completed: a change it was "
    "making was not saved (changes are saved whole or not at all). The details, without any personal "
    "data, have been written to the application log; please tell the system owner."
)


def log_bug(exc: BaseException, context: str) -> None:
    """Log a bug without its message (which may quote personal data)."""
    stack = "".join(traceback.format_tb(exc.__traceback__))
    log.error("Unexpected %s while %s\n%s", type(exc).__qualname__, context, stack)


def describe(exc: BaseException) -> str:
    """What to tell the user about ``exc``: its own words if expected, an apology otherwise."""
    found = environmental(exc)
    return str(found) if found is not None else APOLOGY


_unparented: set[QMessageBox] = set()  # boxes with no parent window must be kept alive while shown


def show_message(
    parent: QWidget | None, title: str, text: str, *, critical: bool = False, closing: QWidget | None = None
) -> QMessageBox:
    """A window-modal message that does not block the caller (so tests and workers keep running).

    Without a parent it sits on the active window, unless that is ``closing`` (a window about to close
    because of this message): a child of it would vanish with it, unread.
    """
    icon = QMessageBox.Icon.Critical if critical else QMessageBox.Icon.Warning
    if parent is None:
        active = QApplication.activeWindow()
        parent = None if active is None or active is closing else active
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorMessage")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if parent is None:
        _unparented.add(box)
        box.finished.connect(lambda _r: _unparented.discard(box))
    box.open()
    return box


def report(parent: QWidget | None, exc: BaseException, context: str) -> QMessageBox:
    """Show ``exc`` to the user; log it first if it is a bug."""
    found = environmental(exc)
    if found is not None:
        return show_message(parent, "MSHT Desk", str(found))
    log_bug(exc, context)
    return show_message(parent, "MSHT Desk", APOLOGY, critical=True)
