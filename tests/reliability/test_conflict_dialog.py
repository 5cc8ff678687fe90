"""The two-writers flow in the arrest dialog: both versions shown, the user's mix saved, nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from mshtdesk.services.backend import Backend
from mshtdesk.services.register import ArrestInput
from tests.ui.helpers import Track, find_visible, is_closed
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.conflict_dialog import ConflictDialog, FieldVersions, Outcome

ARRESTED = date.today() - timedelta(days=30)
SHOTS = Path(__file__).resolve().parents[2] / "shots"


def test_the_user_keeps_their_notes_and_the_others_operation(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    base = ArrestInput("WY/26/000777", ARRESTED, "BD", "N1", "Op Heron", "first notes")
    aid = backend.register.create_arrest(base, [("O1", "MSA s.2")])
    dialog = ArrestDialog(ctx, aid)
    track(dialog)
    dialog.open()
    wait_idle()
    backend.register.update_arrest(aid, 1, replace(base, operation="Op Kestrel"))  # someone else, first
    dialog.notes.setPlainText("my notes: interpreter booked")
    dialog.operation.setText("Op Tarn")
    dialog.submit()
    wait_idle()
    found = find_visible("conflictDialog")
    assert len(found) == 1
    conflict = found[0]
    assert isinstance(conflict, ConflictDialog)
    differing = {f.name for f in conflict.fields if f.differs}
    assert differing == {"operation", "notes"}
    SHOTS.mkdir(exist_ok=True)
    conflict.grab().save(str(SHOTS / "conflict_dialog.png"))
    conflict.choose("operation", mine=False)  # theirs for the operation, mine for the notes
    conflict.save_button.click()
    wait_idle()
    assert is_closed(dialog)
    stored = backend.register.get(aid, consult=False)
    assert (stored.operation, stored.notes, stored.version) == (
        "Op Kestrel",
        "my notes: interpreter booked",
        3,
    )


def test_back_to_editing_keeps_the_typing(qtbot: QtBot, track: Track) -> None:
    fields = [FieldVersions("a", "A", "mine", "theirs"), FieldVersions("b", "B", "same", "same")]
    dialog = ConflictDialog("Person P00001", fields)
    track(dialog)
    outcomes: list[Outcome] = []
    dialog.decided.connect(outcomes.append)
    dialog.open()
    assert dialog.choices() == {"a": "mine", "b": "same"}
    dialog.choose("a", mine=False)
    assert dialog.choices() == {"a": "theirs", "b": "same"} and dialog.theirs_chosen() == {"a"}
    dialog.cancel_button.click()
    assert outcomes == [Outcome.CANCELLED]
