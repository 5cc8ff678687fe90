"""Print pathway… in the pathway view (issue 16 item 6): Ctrl+P asks why, then where, and the PDF is
written on the worker, a disclosure recorded with the reason; a role that may not print sees no button
and Ctrl+P does nothing; the database as the target is refused in words and nothing is disclosed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from tests.ui.helpers import Track, close_message_boxes, find_visible, visible_message_boxes
from tests.ui.test_pathway_view import victim
from ui.context import AppContext
from ui.dialogs.pathway_view import PathwayView
from ui.dialogs.reason_dialog import ReasonDialog

Backends = Callable[[Role], Backend]
SHOTS = os.environ.get("MSHTDESK_SHOTS", "")  # a folder to save the screenshots in, when looking at them


def _open(
    qtbot: QtBot, track: Track, ctx: AppContext, person_id: int, wait_idle: Callable[..., None]
) -> PathwayView:
    view = PathwayView.start(ctx, person_id, None)
    track(view)
    wait_idle()
    assert view.pathway is not None
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    return view


def _reason_dialog(qtbot: QtBot) -> ReasonDialog:
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    return dialog


def _disclosed(backend_for: Backends, person_id: int) -> list[object]:
    auditor = backend_for(Role.AUDITOR)
    return list(auditor.audit.list(AuditQuery(entity="person", record_id=str(person_id), action="disclose")))


def test_ctrl_p_prints_the_pathway_after_asking_why_and_where(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person_id = victim(backend_for)
    view = _open(qtbot, track, make_ctx(backend_for(Role.MANAGER)), person_id, wait_idle)
    assert view.print_button.isVisible() and view.print_button.isEnabled()
    assert view.print_button.text().replace("&", "") == "Print pathway\u2026"
    if SHOTS:
        view.grab().save(str(Path(SHOTS) / "pathway_view_print.png"))
    out = tmp_path / "pathway.pdf"
    asked: list[str] = []

    def save_as(_parent: object, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(out), "PDF files (*.pdf)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    dialog = _reason_dialog(qtbot)
    assert "pathway of P-" in dialog.what.text() and dialog.warning.isVisible()
    if SHOTS:
        dialog.grab().save(str(Path(SHOTS) / "pathway_print_reason.png"))
    assert not dialog.ok_button.isEnabled()  # no reason yet
    dialog.text.setPlainText("Case conference with the local authority")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=15_000)
    wait_idle()
    assert asked and asked[0].endswith(".pdf")
    qtbot.waitUntil(lambda: view.notice.isVisible(), timeout=5000)
    assert "Saved pathway.pdf" in view.notice.text() and "audit log" in view.notice.text()
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "Nowak, Ewa" in text and "First meeting at the reception centre." in text
    (event,) = _disclosed(backend_for, person_id)
    assert event.reason == "Case conference with the local authority"  # type: ignore[attr-defined]
    assert event.fields.startswith("pathway_print,pdf,sha256:")  # type: ignore[attr-defined]


def test_the_database_as_the_target_is_refused_and_nothing_is_disclosed(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    person_id = victim(backend_for)
    view = _open(qtbot, track, make_ctx(backend_for(Role.HTT_OFFICER)), person_id, wait_idle)
    if SHOTS:
        view.grab().save(str(Path(SHOTS) / "pathway_view_print_officer.png"))
    before = db_path.read_bytes()[:4096]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(db_path), "PDF files (*.pdf)"))
    view.print_button.click()
    dialog = _reason_dialog(qtbot)
    dialog.text.setPlainText("Case file")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(visible_message_boxes()), timeout=15_000)
    message = visible_message_boxes()[0].text()
    assert "database" in message.lower(), message
    close_message_boxes()
    wait_idle()
    assert db_path.read_bytes()[:4096] == before
    assert not _disclosed(backend_for, person_id)
    assert not view.printing.running  # a second try is possible


@pytest.mark.parametrize("role", [Role.VLO, Role.NAVIGATOR])
def test_a_role_that_may_not_print_sees_no_button_and_ctrl_p_does_nothing(
    role: Role,
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    person_id = victim(backend_for)  # the demo VLO's own victim
    if role is Role.NAVIGATOR:
        backend_for(Role.HTT_OFFICER).people.add_supporter(person_id, "navigator")
    view = _open(qtbot, track, make_ctx(backend_for(role)), person_id, wait_idle)
    assert not view.print_button.isVisible() and not view.print_action.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(100)
    assert not find_visible("reasonDialog") and view.print_pathway() is None
