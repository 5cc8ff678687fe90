"""The Review queue (issue 12 item 7): a manager's page listing records past review, with Keep (reason and
next review date) and Erase (reason and a confirming tick); its empty state says why it is empty; other
roles do not get it. Real widgets on the offscreen platform over a real encrypted file; PNGs of the
list, the empty state and both dialogs are written for a person to look at."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from mshtdesk.domain.record_retention import ERASED_NAME, RecordKind
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.retention import RetentionService
from tests.services.test_retention import DUE
from tests.ui.helpers import idle, is_closed, show_page
from ui.context import AppContext
from ui.dialogs.retention_dialog import RetentionDialog
from ui.dialogs.review_dialog import ReviewDialog
from ui.main_window import MainWindow
from ui.models.paged_model import texts
from ui.pages.review_page import ReviewPage

Backends = Callable[[Role], Backend]
SHOTS = Path(os.environ.get("MSHTDESK_SHOTS", "/tmp/h12-shots"))


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    QApplication.processEvents()  # the layout catches up with the count and messages set just now
    widget.grab().save(str(SHOTS / f"{name}.png"))


def people(backend_for: Backends) -> list[int]:
    officer = backend_for(Role.HTT_OFFICER)
    return [
        officer.people.create(PersonInput(surname=s, forenames=f, facts="Found at the car wash"))
        for s, f in (("Nowak", "Ewa"), ("Kowalczyk-Nowak", "Anna-Maria"), ("Zielinska", "Marta"))
    ]


def manager_page(
    backend_for: Backends, make_ctx: Callable[[Backend], AppContext], qtbot: QtBot
) -> ReviewPage:
    manager = backend_for(Role.MANAGER)
    manager.retention = RetentionService(manager.db, manager.actor, today=DUE)  # six years on
    page = ReviewPage(make_ctx(manager))
    qtbot.addWidget(page)
    page.resize(1100, 520)
    page.show()
    idle(qtbot, page)
    return page


def test_the_queue_lists_records_past_review_and_keep_takes_one_off(
    qtbot: QtBot, backend_for: Backends, make_ctx: Callable[[Backend], AppContext]
) -> None:
    ids = people(backend_for)
    page = manager_page(backend_for, make_ctx, qtbot)
    assert page.count_label.text() == "3 records past review"
    assert texts(page.model, 1) == [
        "Nowak, Ewa",
        "Kowalczyk-Nowak, Anna-Maria",
        "Zielinska, Marta",
    ]
    assert not page.keep_button.isEnabled()
    page.select_id(ids[0])
    assert page.keep_button.isEnabled() and page.erase_button.isEnabled()
    shot(page, "review-queue")

    dialog = page.decide(erase=False)
    assert isinstance(dialog, ReviewDialog)
    assert not dialog.ok_button.isEnabled()  # no reason yet
    dialog.reason.setPlainText("Witness in a trial listed for next year")
    dialog.until.set_value(DUE + timedelta(days=200))
    shot(dialog, "review-keep")
    dialog.submit()
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=10_000)
    page.refresh()
    idle(qtbot, page)
    assert texts(page.model, 0) == [f"P-{i:06d}" for i in ids[1:]]


def test_erase_needs_a_reason_and_the_tick_and_shows_a_refusal_in_place(
    qtbot: QtBot, backend_for: Backends, make_ctx: Callable[[Backend], AppContext]
) -> None:
    ids = people(backend_for)
    page = manager_page(backend_for, make_ctx, qtbot)
    page.select_id(ids[0])
    dialog = page.decide(erase=True)
    assert isinstance(dialog, ReviewDialog)
    dialog.reason.setPlainText("Ewa asked for it")
    assert not dialog.ok_button.isEnabled()  # not confirmed yet
    dialog.confirm.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.reason_error.isVisible(), timeout=10_000)
    assert "name out of the reason" in dialog.reason_error.text() and not is_closed(dialog)
    dialog.reason.setPlainText("Erasure request ERA/2031/4, checked by the data protection officer")
    assert not dialog.reason_error.isVisible()  # the message was about the old text
    shot(dialog, "review-erase")
    dialog.submit()
    qtbot.waitUntil(lambda: is_closed(dialog), timeout=10_000)
    assert backend_for(Role.MANAGER).people.get(ids[0]).data.surname == ERASED_NAME
    page.refresh()
    idle(qtbot, page)
    assert texts(page.model, 0) == [f"P-{i:06d}" for i in ids[1:]]


def test_the_empty_queue_says_why(
    qtbot: QtBot, backend_for: Backends, make_ctx: Callable[[Backend], AppContext]
) -> None:
    page = manager_page(backend_for, make_ctx, qtbot)
    assert page.body.currentWidget() is page.empty_panel
    texts_shown = " ".join(w.text() for w in page.empty_panel.findChildren(type(page.rule_note)))
    assert "No records are past review" in texts_shown and "six years after the last activity" in texts_shown
    assert "not a period set by law" in page.rule_note.text()
    shot(page, "review-queue-empty")


def test_only_managers_get_the_page(window_as: Callable[[Role], MainWindow]) -> None:
    window = window_as(Role.MANAGER)
    page = show_page(window, ReviewPage)
    assert page.keep_button.isVisible() and page.erase_button.isVisible()
    for role in (Role.ADMINISTRATOR, Role.HTT_OFFICER, Role.VLO, Role.NAVIGATOR, Role.AUDITOR):
        assert window_as(role).page_of(ReviewPage) is None


def test_an_administrator_changes_a_rule_from_the_administration_menu(
    qtbot: QtBot, window_as: Callable[[Role], MainWindow], backend_for: Backends
) -> None:
    window = window_as(Role.ADMINISTRATOR)
    window.commands.retention_rules.trigger()
    dialog = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, RetentionDialog) and w.isVisible()
    )
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 6, timeout=10_000)
    dialog.kind.setCurrentIndex(dialog.kind.findData(RecordKind.STAY.value))
    assert dialog.years.value() == 6
    dialog.years.setValue(10)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.model.row_at(3).years == 10, timeout=10_000)
    assert {r.kind: r.years for r in backend_for(Role.MANAGER).retention.rules()}[RecordKind.STAY] == 10
    assert "not a period set by law" in " ".join(w.text() for w in dialog.findChildren(QLabel))
    shot(dialog, "retention-rules")
    dialog.done(0)
    manager = window_as(Role.MANAGER)
    manager.commands.retention_rules.trigger()  # the manager's menu hides it; the slot refuses too
    assert not any(isinstance(w, RetentionDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
