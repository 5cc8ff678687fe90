"""The person form's "Export for subject access…" button: shown to the roles that may answer a request,
asks why and where, writes the file through the same service as the command line, and says so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from mshtdesk.services.subject_access import AccessFormat
from tests.ui.helpers import Track, find_visible
from ui.context import AppContext
from ui.dialogs.person_dialog import PersonDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.dialogs.subject_access import JSON_FILTER, PDF_FILTER

Backends = Callable[[Role], Backend]


def _person(backend_for: Backends) -> int:
    officer = backend_for(Role.HTT_OFFICER)
    pid = officer.people.create(PersonInput(surname="Nowak", forenames="Ewa", facts="Met at the station"))
    officer.people.assign_vlo(pid, "vlo")
    return pid


def _open(
    role: Role,
    pid: int | None,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    track: Track,
    wait_idle: Callable[..., None],
) -> PersonDialog:
    dialog = PersonDialog.start(make_ctx(backend_for(role)), pid, None)
    track(dialog)
    wait_idle()
    return dialog


@pytest.mark.parametrize(("role", "fmt"), [(Role.HTT_OFFICER, JSON_FILTER), (Role.MANAGER, PDF_FILTER)])
def test_the_button_asks_why_and_where_then_writes_and_records(
    role: Role,
    fmt: str,
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pid = _person(backend_for)
    dialog = _open(role, pid, backend_for, make_ctx, track, wait_idle)
    button = dialog.export_button
    assert button.isVisible() and button.isEnabled() and button.text() == "Export for subject access\u2026"
    out = tmp_path / ("sar.json" if fmt == JSON_FILTER else "sar.pdf")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), fmt))
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    reason = find_visible("reasonDialog")[0]
    assert isinstance(reason, ReasonDialog) and "not encrypted" in reason.warning.text()
    assert "P-" in reason.what.text() and "section 45" in reason.what.text()
    qtbot.keyClicks(reason.text, "SAR/2024/17 from the victim's solicitor")
    qtbot.mouseClick(reason.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    wait_idle()
    assert dialog.export_note.isVisible() and out.name in dialog.export_note.text()
    data = out.read_bytes()
    if fmt == JSON_FILTER:
        doc = json.loads(data)
        assert doc["marking"] == "OFFICIAL-SENSITIVE" and doc["sections"]["person"]["surname"] == "Nowak"
    else:
        assert data.startswith(b"%PDF")
    events = backend_for(Role.AUDITOR).audit.list(
        AuditQuery(entity="person", record_id=str(pid), action="disclose")
    )
    assert [e.reason for e in events] == ["SAR/2024/17 from the victim's solicitor"]


def test_a_refused_path_is_shown_on_the_form_and_nothing_is_recorded(
    qtbot: QtBot,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
    db_path: Path,
) -> None:
    pid = _person(backend_for)
    dialog = _open(Role.HTT_OFFICER, pid, backend_for, make_ctx, track, wait_idle)
    assert dialog.detail is not None
    dialog.subject_access.export_to(dialog.detail.person_ref, str(db_path), AccessFormat.JSON, "SAR")
    wait_idle()
    assert "would destroy it" in dialog.general_error.text()
    assert not dialog.export_note.isVisible()
    assert not backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", action="disclose"))


@pytest.mark.parametrize("role", [Role.VLO, Role.NAVIGATOR, Role.HAVEN_HOUSE])
def test_roles_that_may_not_answer_a_request_see_no_button(
    role: Role,
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    pid = _person(backend_for)
    if role is Role.NAVIGATOR:
        backend_for(Role.HTT_OFFICER).people.add_supporter(pid, "navigator")
    dialog = _open(role, pid, backend_for, make_ctx, track, wait_idle)
    assert dialog.detail is not None  # the record opened: the button is hidden, not the person
    assert not dialog.export_button.isVisible()


def test_a_new_person_has_no_button(
    track: Track,
    backend_for: Backends,
    make_ctx: Callable[[Backend], AppContext],
    wait_idle: Callable[..., None],
) -> None:
    dialog = _open(Role.HTT_OFFICER, None, backend_for, make_ctx, track, wait_idle)
    assert not dialog.export_button.isVisible()
