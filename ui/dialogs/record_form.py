"""A form over one victim-pathway record (referral, Navigator case, stay): opened on the worker, shown
read-only to a role that may only read it, and never closed over unsaved typing without asking.

Subclasses implement :meth:`RecordForm.current_input` (what the form holds, comparable) and
:meth:`RecordForm.fill`; they call :meth:`RecordForm.open_record` with the service's ``get``,
:meth:`RecordForm.mark_clean` after filling, and :meth:`RecordForm.save_changes` /
:meth:`RecordForm.saved_record` to save (the task runner tells the open views what changed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QWidget

from mshtdesk.errors import MshtError, NotFoundError, PermissionDeniedError
from ui import error_report
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.choices import set_read_only


class RecordForm(FormDialog):
    record_name = "record"  # "referral": for the discard question and messages
    saved = Signal(int)  # the record's id, once added or saved

    def __init__(
        self, ctx: AppContext, title: str, parent: QWidget | None = None, *, ok_text: str = "Save"
    ) -> None:
        super().__init__(ctx, title, parent, ok_text=ok_text)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._baseline: Any = None
        self.read_only = False
        self.detail: Any = None
        self._get: Callable[[], Any] | None = None
        self._get_context = ""
        self.saved_id: int | None = None

    # ----- what the form holds (subclasses) -----------------------------------------------------
    def current_input(self) -> Any:
        raise NotImplementedError

    def fill(self, detail: Any) -> None:
        """Show ``detail`` in the fields."""

    def mark_clean(self) -> None:
        """What the form holds now is what is saved (or the untouched defaults of a new record)."""
        self._baseline = self._safe_input()

    def _safe_input(self) -> Any:
        try:
            return self.current_input()
        except (ValueError, TypeError):
            return None

    def is_dirty(self) -> bool:
        return bool(self._safe_input() != self._baseline)

    # ----- opening -----------------------------------------------------------------------------
    def open_record(self, get: Callable[[], Any], context: str) -> None:
        """Read the record on the worker; the fields stay disabled until it arrives."""
        self._get = get
        self._get_context = context
        self.setEnabled(False)
        self.ctx.tasks.run(
            lambda _job: get(), done=self._loaded, failed=self._load_failed, owner=self, context=context
        )

    def _loaded(self, detail: Any) -> None:
        self.setEnabled(True)
        self.detail = detail
        self.fill(detail)
        self.mark_clean()

    def _load_failed(self, exc: BaseException) -> None:
        self.setEnabled(True)
        if isinstance(exc, NotFoundError | PermissionDeniedError):
            self.hide()  # first, so the message does not take this closing dialog as its window
            error_report.show_message(self.parentWidget(), "MSHT Desk", str(exc))
            self.done(0)
        elif isinstance(exc, MshtError):
            self.general_error.show_error(str(exc))
        else:
            error_report.log_bug(exc, f"opening a {self.record_name}")
            self.general_error.show_error(error_report.APOLOGY)

    # ----- saving ------------------------------------------------------------------------------
    def save_changes(self, update: Callable[[int, int], object], context: str) -> None:
        """Save the opened record with ``update(id, version)`` on the worker; unchanged, just close."""
        if self.detail is None:
            return
        if not self.is_dirty():
            self.accept()
            return
        record_id, version = self.detail.id, self.detail.version
        self.save(
            lambda: update(record_id, version),
            lambda _v: self.saved_record(record_id),
            context=context,
        )

    def saved_record(self, record_id: int) -> None:
        """Added or saved: tell the caller and every open view, then close."""
        self.saved_id = record_id
        self.mark_clean()
        self.saved.emit(record_id)
        self.accept()

    # ----- read-only ---------------------------------------------------------------------------
    def make_read_only(self, widgets: Iterable[QWidget], note: str = "") -> None:
        """The role may only read: fields locked, no Save, Close is the default."""
        self.read_only = True
        set_read_only(widgets)
        self.ok_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setDefault(True)
        title = self.windowTitle()
        if "(read only)" not in title:
            self.setWindowTitle(f"{title} (read only)")
        if note:
            self.general_error.setStyleSheet("")
            self.general_error.show_error(note)

    # ----- closing -----------------------------------------------------------------------------
    def reject(self) -> None:
        """Esc or Cancel: ask before throwing away what was typed."""
        if self.busy:
            return
        if self.read_only or self._discard_confirmed or not self.is_dirty():
            super().reject()
            return
        self.confirm_discard(f"What you typed in this {self.record_name} has not been saved.")

    def on_conflict(self, exc: MshtError) -> None:
        """Someone saved first: say so, then show their version (what was typed is not kept)."""
        error_report.show_message(self, f"{self.record_name.capitalize()} not saved", str(exc))
        if isinstance(exc, NotFoundError):
            self.done(0)
        elif self._get is not None:
            self.open_record(self._get, self._get_context)
