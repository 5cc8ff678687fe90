"""What the main window may ask of a page; the defaults mean "this page does not do that"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from mshtdesk.domain.changes import Changes, Data
from ui.context import AppContext


class Page(QWidget):
    """A page is a controller with its layout; it gets the services through its constructor."""

    state_changed = Signal()  # selection or contents changed: the window re-checks which actions apply

    title = ""
    can_copy = False
    can_export = False
    can_find = False
    can_open = False
    shows: frozenset[Data] = frozenset()  # the kinds of data on the page: a change to one refreshes it

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ctx.tasks.changed.connect(self._changes_arrived)

    def stop_listening(self) -> None:
        """At log-out: the task runner outlives the session, so a page on its way out hears no more."""
        self.ctx.tasks.changed.disconnect(self._changes_arrived)

    def _changes_arrived(self, changes: Changes) -> None:
        if changes.touches(self.shows):
            self.on_changes(changes)

    def on_changes(self, changes: Changes) -> None:
        """Something the page shows changed (``ctx.tasks.changed``): by default, :meth:`refresh`, which
        keeps the selection and the scroll position."""
        self.refresh()

    def activate(self) -> None:
        """Called when the page is shown (refresh here what went stale while hidden)."""

    def refresh(self) -> None:
        """Read the database again (View > Refresh)."""

    def copy(self) -> None:
        """Copy the selection or the table to the clipboard."""

    def export_csv(self) -> None:
        """Ask for a file name and export."""

    def focus_filter(self) -> None:
        """Put the keyboard focus in the page's filter."""

    def open_current(self) -> None:
        """Open the selected record."""

    def has_selection(self) -> bool:
        return False

    def first_control(self) -> QWidget | None:
        """Where the keyboard lands when the page is chosen with Ctrl+digit: by default the first control
        that Tab reaches on the page (a list page: its search; Today: its list)."""
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                self.isAncestorOf(widget)
                and widget.isVisibleTo(self)
                and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            ):
                return widget
            widget = widget.nextInFocusChain()
        return None
