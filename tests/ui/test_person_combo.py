"""The person chooser of the referral, case and stay forms finds anyone in scope by typing, beyond the
people it opens with, and never anyone outside the user's scope."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.conftest import USERS
from ui.context import AppContext
from ui.dialogs.navigator_dialog import person_combo


def test_typing_finds_people_beyond_the_first_page_within_scope(
    qtbot: QtBot, backend_for: Callable[[Role], Backend], make_ctx: Callable[[Backend], AppContext]
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    ids = [officer.people.create(PersonInput(surname=f"Surname{i:02d}", forenames="Ana")) for i in range(8)]
    officer.people.assign_vlo(ids[1], USERS[Role.VLO].username)
    combo = person_combo(make_ctx(officer), limit=3)
    qtbot.addWidget(combo)
    combo.show()
    assert combo.count() == 3 and combo.findData(ids[7]) < 0
    edit = combo.lineEdit()
    assert edit is not None
    edit.setFocus()
    qtbot.keyClicks(edit, "surname07")
    qtbot.waitUntil(lambda: combo.findData(ids[7]) >= 0, timeout=5000)
    assert combo.itemText(combo.findData(ids[7])) == f"Surname07, Ana (P-{ids[7]:06d})"
    assert combo.count() == 4  # only the match was added, once

    # a VLO's chooser offers their own victim, and a search never reaches anyone else
    vlo_combo = person_combo(make_ctx(backend_for(Role.VLO)), limit=3)
    qtbot.addWidget(vlo_combo)
    vlo_combo.show()
    assert [vlo_combo.itemData(i) for i in range(vlo_combo.count())] == [ids[1]]
    vlo_edit = vlo_combo.lineEdit()
    assert vlo_edit is not None
    qtbot.keyClicks(vlo_edit, "surname0")
    qtbot.wait(600)  # past the pause: the search ran and found nothing new
    assert [vlo_combo.itemData(i) for i in range(vlo_combo.count())] == [ids[1]]
