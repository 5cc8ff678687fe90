"""The background worker: results on the GUI thread, a late progress dialog that can cancel, clean stop."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.roles import Role
from mshtdesk.errors import CancelledError, ValidationError
from mshtdesk.services.backend import Backend
from tests.ui.helpers import close_message_boxes, find_visible, visible_message_boxes
from ui.tasks import Job, TaskRunner


def test_job_runs_on_the_worker_and_answers_on_the_gui_thread(
    tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    seen: dict[str, object] = {}

    def work(_job: Job) -> int:
        seen["worker"] = threading.current_thread()
        return 42

    def done(value: int) -> None:
        seen["value"] = value
        seen["callback"] = threading.current_thread()

    tasks.run(work, done=done)
    wait_idle()
    assert seen["value"] == 42
    assert seen["callback"] is threading.main_thread()
    assert seen["worker"] is not threading.main_thread()


def test_jobs_run_one_at_a_time_in_order(tasks: TaskRunner, wait_idle: Callable[..., None]) -> None:
    order: list[int] = []
    for i in range(5):
        tasks.run(lambda _job, i=i: (time.sleep(0.01), i)[1], done=order.append)
    wait_idle()
    assert order == [0, 1, 2, 3, 4]


def test_an_expected_failure_reaches_the_failed_callback(
    tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    failures: list[BaseException] = []

    def work(_job: Job) -> None:
        raise ValidationError({"custody_ref": "Enter the custody reference."})

    tasks.run(work, done=lambda _r: pytest.fail("must not succeed"), failed=failures.append)
    wait_idle()
    assert isinstance(failures[0], ValidationError)
    assert failures[0].fields == {"custody_ref": "Enter the custody reference."}


def test_a_bug_without_a_handler_is_logged_without_its_message_and_apologised_for(
    tasks: TaskRunner, wait_idle: Callable[..., None], caplog: pytest.LogCaptureFixture
) -> None:
    secret = "WY/21/" + "339".zfill(6)  # a message that could be personal data (not in the source line)

    def work(_job: Job) -> None:
        raise KeyError(secret)

    tasks.run(work, context="testing")
    wait_idle()
    records = [r for r in caplog.records if r.name == "ui"]
    assert len(records) == 1
    assert "KeyError" in records[0].getMessage()
    assert "WY/21/000339" not in records[0].getMessage()
    boxes = visible_message_boxes()
    assert boxes and "Sorry" in boxes[0].text()
    close_message_boxes()
    caplog.clear()  # the bug was intended: don't let the guard fail this test


def test_no_progress_dialog_for_a_quick_job(
    qtbot: QtBot, tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    tasks.run(lambda job: job.progress("Reading", 1, 1), progress="Importing")
    wait_idle()
    qtbot.wait(300)  # longer than the runner's 200 ms delay
    assert not find_visible("taskProgress")


def test_a_slow_job_shows_progress_and_cancel_stops_it(
    qtbot: QtBot, tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    failures: list[BaseException] = []

    def work(job: Job) -> None:
        for i in range(500):
            if job.cancelled():
                raise CancelledError()
            job.progress("Writing events", i, 500)
            time.sleep(0.01)

    tasks.run(work, failed=failures.append, progress="Importing export.csv", parent=parent)
    qtbot.waitUntil(lambda: bool(find_visible("taskProgress")), timeout=3000)
    dialog = find_visible("taskProgress")[0]
    assert isinstance(dialog, QProgressDialog)
    qtbot.waitUntil(lambda: dialog.value() > 0, timeout=3000)
    assert "Writing events" in dialog.labelText()
    assert dialog.maximum() == 500
    cancel = dialog.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    wait_idle(timeout_ms=2000)
    assert isinstance(failures[0], CancelledError)
    assert not find_visible("taskProgress")


def test_a_job_that_cannot_be_cancelled_shows_progress_without_a_cancel_button(
    qtbot: QtBot, tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    """A rekey cannot stop half-way: a Cancel button it ignored would mislead."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    release = threading.Event()
    tasks.run(lambda _job: release.wait(5), progress="Changing the key", parent=parent, cancellable=False)
    qtbot.waitUntil(lambda: bool(find_visible("taskProgress")), timeout=3000)
    dialog = find_visible("taskProgress")[0]
    assert dialog.findChild(QPushButton) is None
    release.set()
    wait_idle()
    assert not find_visible("taskProgress")


def test_a_result_for_a_deleted_owner_is_dropped(
    qtbot: QtBot, tasks: TaskRunner, wait_idle: Callable[..., None]
) -> None:
    owner = QObject()
    release = threading.Event()
    got: list[object] = []
    tasks.run(lambda _job: release.wait(5), done=got.append, owner=owner)
    owner.deleteLater()
    qtbot.wait(20)
    release.set()
    wait_idle()
    assert got == []


def test_shutdown_cancels_the_running_job_and_stops_the_thread(qapp: object) -> None:
    runner = TaskRunner()
    started = threading.Event()

    def work(job: Job) -> None:
        started.set()
        while not job.cancelled():
            time.sleep(0.01)

    runner.run(work)
    assert started.wait(5)
    runner.shutdown()
    assert not runner.is_running()
    with pytest.raises(RuntimeError):
        runner.run(lambda _job: None)


def test_progress_is_throttled(tasks: TaskRunner, wait_idle: Callable[..., None]) -> None:
    emitted: list[int] = []
    job = Job(99, lambda _j: None, lambda _id, _phase, done, _total: emitted.append(done))
    for i in range(10_000):
        job.progress("Reading", i, 10_000)
    job.progress("Reading", 10_000, 10_000)
    assert emitted[0] == 0 and emitted[-1] == 10_000
    assert len(emitted) < 100


def test_bug_log_is_at_error_level(caplog: pytest.LogCaptureFixture) -> None:
    from ui.error_report import log_bug

    detail = "secret " + "detail"
    try:
        raise ValueError(detail)
    except ValueError as exc:
        log_bug(exc, "testing")
    (record,) = [r for r in caplog.records if r.name == "ui"]
    assert record.levelno == logging.ERROR
    assert "secret detail" not in record.getMessage()
    assert "test_bug_log_is_at_error_level" in record.getMessage()  # the stack is kept
    caplog.clear()


def test_what_a_job_wrote_is_emitted_once_after_its_answer_even_when_it_failed_later(
    tasks: TaskRunner, wait_idle: Callable[..., None], backend_for: Callable[[Role], Backend]
) -> None:
    """The one place the UI learns of changes: the Changes carried by the services a job called."""
    admin = backend_for(Role.ADMINISTRATOR)
    order: list[object] = []
    tasks.changed.connect(order.append)

    def save_then_fail(_job: Job) -> None:
        admin.calendar.add(date(2030, 12, 27), label="Training day")  # commits
        raise ValidationError({"label": "a later step refused"})

    def read(_job: Job) -> int:
        return len(admin.calendar.list())

    tasks.run(save_then_fail, failed=lambda e: order.append(type(e).__name__))
    tasks.run(read, done=lambda _n: order.append("read"))
    wait_idle()
    assert order == ["ValidationError", Changes.of(Data.CALENDAR), "read"]  # a read announces nothing
    tasks.publish(Changes.everything())
    assert order[-1] == Changes.everything()
