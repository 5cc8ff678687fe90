"""The one place background work runs: a single worker thread, so database work is serialised.

A job is a plain callable ``fn(job)`` run on the worker; it must never touch a widget. Its result or
exception comes back on the GUI thread through the ``done``/``failed`` callbacks. A job started with a
``progress`` label gets a progress dialog, but only if it is still running after ``progress_delay_ms``
(quick jobs never flash a dialog); Cancel sets a flag that the job reads through ``job.cancelled()``,
which is what the services' ``cancel=`` parameters expect.

It is also the one place the UI learns what changed: every job runs inside ``collect_changes()``, so the
``Changes`` carried by each ``@writes`` service method it called come back with its result (on failure
too: a write that committed before a later step failed still changed data), and :attr:`TaskRunner.changed`
emits their union on the GUI thread, after ``done``/``failed``. Pages and open views listen to that one
signal and refresh if they show one of the kinds. Writes made on the GUI thread outside a job (logging
in as another user) go through :meth:`TaskRunner.publish`.

On a team server each job runs through ``mshtdesk.services.reconnect.guarded``: a job cut off by a lost
connection before it sent a COMMIT runs again once the server answers, and :attr:`TaskRunner.connection`
tells the window (its status bar) that the connection was lost and is back.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from mshtdesk.domain.changes import NOTHING, Changes
from mshtdesk.errors import CancelledError, MshtError, environmental
from mshtdesk.services.changes import collect_changes
from mshtdesk.services.reconnect import guarded
from ui import error_report

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the GUI thread


class Job:
    """Handed to the job function: report progress, and ask whether the user cancelled."""

    def __init__(
        self, job_id: int, fn: Callable[[Job], Any], emit: Callable[[int, str, int, int], None]
    ) -> None:
        self.id = job_id
        self.fn = fn
        self._emit = emit
        self._cancel = threading.Event()
        self._last = 0.0

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, phase: str, done: int, total: int) -> None:
        """Throttled, so a tight loop reporting every row cannot flood the GUI thread."""
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self._emit(self.id, phase, done, total)


class _Worker(QThread):
    """Runs queued jobs one after another. Its signals are queued to the GUI thread by Qt."""

    job_started = Signal(int)
    job_finished = Signal(int, bool, object, object)  # id, succeeded, result or exception, Changes
    job_progress = Signal(int, str, int, int)
    connection = Signal(bool)  # a team server's connection lost (False) or back (True) under a job

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("mshtdesk-worker")
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()

    def put(self, job: Job | None) -> None:
        self._queue.put(job)

    def run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancelled():  # cancelled while queued: never started, so nothing was done
                self.job_finished.emit(job.id, False, CancelledError(), NOTHING)
                continue
            self.job_started.emit(job.id)
            with collect_changes() as collected:
                try:
                    # On a team server, work cut off by a lost connection is retried when that is safe.
                    result, ok = (
                        guarded(partial(job.fn, job), on_state=self.connection.emit, cancelled=job.cancelled),
                        True,
                    )
                except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
                    result, ok = _expected(exc), False
            self.job_finished.emit(job.id, ok, result, collected.changes)


@dataclass
class _Pending:
    job: Job
    done: Callable[[Any], None] | None
    failed: Callable[[BaseException], None] | None
    owner: QObject | None
    label: str | None
    parent: QWidget | None
    context: str
    cancellable: bool = True
    started: bool = False
    dialog: QProgressDialog | None = None
    timer: QTimer | None = None
    last: tuple[str, int, int] | None = field(default=None)
    on_progress: Callable[[str, int, int], None] | None = None


class TaskRunner(QObject):
    """Submit work with :meth:`run`; call :meth:`shutdown` before the application object goes away."""

    idle = Signal()  # emitted when the last pending job has delivered its result
    changed = Signal(object)  # Changes: what a job's writes changed (never emitted empty)
    connection = Signal(bool)  # a team server's connection lost under a job (False), or back (True)

    def __init__(self, parent: QObject | None = None, *, progress_delay_ms: int = 500) -> None:
        super().__init__(parent)
        self._delay = progress_delay_ms
        self._pending: dict[int, _Pending] = {}
        self._next_id = 1
        self._worker = _Worker()
        self._worker.job_started.connect(self._on_started, Qt.ConnectionType.QueuedConnection)
        self._worker.job_finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._worker.job_progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._worker.connection.connect(self.connection, Qt.ConnectionType.QueuedConnection)
        self._worker.start()
        self._closed = False
        self.elsewhere = False  # true while ``changed`` carries another user's change (``publish``)

    # ----- submitting ------------------------------------------------------------------------------
    def run(
        self,
        fn: Callable[[Job], Any],
        *,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        owner: QObject | None = None,
        progress: str | None = None,
        parent: QWidget | None = None,
        context: str = "working in the background",
        cancellable: bool = True,
        on_progress: Callable[[str, int, int], None] | None = None,
    ) -> Job:
        """Queue ``fn``; ``done``/``failed`` run on the GUI thread unless ``owner`` was deleted meanwhile.

        Without ``failed``, an expected error is shown in a message and a bug is logged with an apology.
        ``progress`` is the text of the progress dialog (none without it); ``context`` names the work in
        the log if it fails unexpectedly. ``cancellable=False``: the dialog has no Cancel button, for a
        job that never reads ``job.cancelled()`` (a Cancel it ignored would mislead). ``on_progress``
        hears the job's progress on the GUI thread, for a window that shows it in its own way.
        """
        if self._closed:
            raise RuntimeError("the task runner has been shut down")
        job = Job(self._next_id, fn, self._worker.job_progress.emit)
        self._next_id += 1
        self._pending[job.id] = _Pending(
            job, done, failed, owner, progress, parent or _as_widget(owner), context, cancellable
        )
        self._pending[job.id].on_progress = on_progress
        self._worker.put(job)
        return job

    def is_idle(self) -> bool:
        return not self._pending

    def is_running(self) -> bool:
        """Whether the worker thread is alive (tests check it is not after shut-down)."""
        return self._worker.isRunning()

    # ----- results (GUI thread) ----------------------------------------------------------------
    def _on_started(self, job_id: int) -> None:
        p = self._pending.get(job_id)
        if p is None:
            return
        p.started = True
        if p.label is not None:
            p.timer = QTimer(self)
            p.timer.setSingleShot(True)
            p.timer.timeout.connect(lambda: self._show_dialog(job_id))
            p.timer.start(self._delay)

    def _show_dialog(self, job_id: int) -> None:
        p = self._pending.get(job_id)
        if p is None or p.dialog is not None:
            return
        parent = p.parent if p.parent is not None and shiboken6.isValid(p.parent) else None
        dlg = QProgressDialog(p.label or "", "Cancel", 0, 0, parent)
        dlg.setObjectName("taskProgress")
        dlg.setWindowTitle("MSHT Desk")
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        dlg.setMinimumWidth(420)
        dlg.canceled.connect(lambda: self._cancel(job_id))
        if not p.cancellable:
            dlg.setCancelButton(None)  # Qt accepts None: no button
        p.dialog = dlg
        if p.last is not None:
            self._apply_progress(p)
        dlg.show()

    def _cancel(self, job_id: int) -> None:
        p = self._pending.get(job_id)
        if p is None:
            return
        p.job.cancel()
        if p.dialog is not None:
            p.dialog.setLabelText("Cancelling\u2026")
            p.dialog.setCancelButton(None)  # Qt accepts None: no button

    def _on_progress(self, job_id: int, phase: str, done: int, total: int) -> None:
        p = self._pending.get(job_id)
        if p is None:
            return
        p.last = (phase, done, total)
        if p.on_progress is not None and (p.owner is None or shiboken6.isValid(p.owner)):
            p.on_progress(phase, done, total)
        if p.dialog is not None and not p.job.cancelled():
            self._apply_progress(p)

    @staticmethod
    def _apply_progress(p: _Pending) -> None:
        assert p.dialog is not None and p.last is not None
        phase, done, total = p.last
        p.dialog.setLabelText(f"{p.label}\n{phase}\u2026" if phase else (p.label or ""))
        p.dialog.setMaximum(max(total, 0))
        p.dialog.setValue(max(0, min(done, total)))

    def publish(self, changes: Changes, *, elsewhere: bool = False) -> None:
        """Tell the pages about a change made on the GUI thread (logging in as another user), or, with
        ``elsewhere``, by another user of a team server: a page then re-reads without moving the
        selection to the record named (that is for the user's own save)."""
        if changes:
            self.elsewhere = elsewhere
            try:
                self.changed.emit(changes)
            finally:
                self.elsewhere = False

    def _on_finished(self, job_id: int, ok: bool, result: object, changes: Changes) -> None:
        p = self._pending.pop(job_id, None)
        if p is None:
            return
        self._close_progress(p)
        try:
            self._deliver(p, ok, result)
        finally:
            self.publish(changes)  # after done/failed: a dialog closed by its done is not refreshed
            if not self._pending:
                self.idle.emit()

    def _deliver(self, p: _Pending, ok: bool, result: object) -> None:
        if p.owner is not None and not shiboken6.isValid(p.owner):
            return  # the page or dialog that asked has gone; nobody wants the answer
        if ok:
            if p.done is not None:
                p.done(result)
            return
        assert isinstance(result, BaseException)
        if p.failed is not None:
            p.failed(result)
        else:
            parent = p.parent if p.parent is not None and shiboken6.isValid(p.parent) else None
            error_report.report(parent, result, p.context)

    @staticmethod
    def _close_progress(p: _Pending) -> None:
        if p.timer is not None:
            p.timer.stop()
            p.timer.deleteLater()
            p.timer = None
        if p.dialog is not None:
            p.dialog.hide()
            p.dialog.deleteLater()
            p.dialog = None

    # ----- shut-down ---------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Cancel what can be cancelled, let the running job finish, and stop the thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        for p in self._pending.values():
            p.job.cancel()
            self._close_progress(p)
        self._worker.put(None)
        self._worker.wait()
        self._pending.clear()


def _expected(exc: BaseException) -> BaseException:
    """A full disk, a read-only, locked or damaged file comes back as the expected error it is (with
    its own message), so every ``failed`` handler shows it instead of apologising for a bug."""
    if isinstance(exc, MshtError) or not isinstance(exc, Exception):
        return exc
    found = environmental(exc)
    if found is None:
        return exc
    found.__cause__ = exc
    return found


def _as_widget(obj: QObject | None) -> QWidget | None:
    return obj if isinstance(obj, QWidget) else None
