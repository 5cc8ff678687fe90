"""Copy and Export CSV of a list page's current filter: a reason asked first, one disclose event per
record, every row of the filter (not only those scrolled into view), cells guarded against spreadsheet
formulas, and nothing offered to a role without the export right."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from mshtdesk.domain.roles import Role
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.people import PersonInput
from tests.ui.helpers import find_visible, show_page
from tests.ui.test_people_page import add_people
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.pages.nrm_page import NrmPage
from ui.pages.people_page import PeoplePage

HOSTILE = '=HYPERLINK("http://evil","click")'


def _reason_dialog(qtbot: QtBot) -> ReasonDialog:
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    return dialog


def test_copy_and_export_the_filtered_people(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    add_people(officer, 230)  # more than a page of the list: all are copied, not the rows on screen
    hostile = officer.people.create(PersonInput(surname=HOSTILE, forenames="Ana"))
    manager = backend_for(Role.MANAGER)
    window = window_for(manager)
    page = show_page(window, PeoplePage)
    wait_idle()
    assert page.model.total == 231 and page.model.rowCount() < 231
    assert window.commands.copy.isEnabled() and window.commands.export_csv.isEnabled()

    QGuiApplication.clipboard().setText("before")
    window.commands.copy.trigger()
    dialog = _reason_dialog(qtbot)
    assert "231 people (the whole list)" in dialog.what.text()
    dialog.text.setPlainText("Case conference with the local authority")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "before", timeout=10_000)
    lines = list(csv.reader(io.StringIO(QGuiApplication.clipboard().text()), delimiter="\t"))
    assert lines[0] == [c.header for c in page.model.columns]
    assert len(lines) == 1 + 231
    assert any(("'" + HOSTILE) in row for row in lines)  # shown as text, never run
    auditor = backend_for(Role.AUDITOR)
    events = auditor.audit.list(AuditQuery(action="disclose"))
    assert len(events) == 231
    assert {(e.entity, e.reason) for e in events} == {("person", "Case conference with the local authority")}
    assert str(hostile) in {str(e.record_id) for e in events}

    # Filtered: only what the filter shows is exported.
    page.search.setText(HOSTILE[:10])
    page.apply_filters()
    wait_idle()
    assert page.model.total == 1
    out = tmp_path / "people.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: (str(out), "CSV files (*.csv)"))
    window.commands.export_csv.trigger()
    dialog = _reason_dialog(qtbot)
    assert "1 person (the current filter)" in dialog.what.text()
    dialog.text.setPlainText("Subject's solicitor")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.exists, timeout=10_000)
    wait_idle()
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == [c.header for c in page.model.columns] and len(rows) == 2
    assert ("'" + HOSTILE) in rows[1]
    assert len(auditor.audit.list(AuditQuery(action="disclose"))) == 232


def test_no_copy_or_export_without_the_right(
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    add_people(officer, 3)
    window = window_for(officer)  # an officer may export people, not NRM referrals
    people = show_page(window, PeoplePage)
    wait_idle()
    assert people.can_export and window.commands.export_csv.isEnabled()
    nrm = show_page(window, NrmPage)
    wait_idle()
    assert not nrm.can_copy and not nrm.can_export
    assert not window.commands.export_csv.isEnabled() and not window.commands.copy.isEnabled()
    with pytest.raises(Exception, match="(?i)not allow|permission|may not"):
        officer.list_disclosure.disclose(nrm.export_entity, [1], "csv", "curious")  # type: ignore[arg-type]


def test_every_other_list_exports_its_filter_guarded_and_disclosed(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend_for: Callable[[Role], Backend],
    wait_idle: Callable[..., None],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NRM referrals, Navigator cases, Haven House stays, contacts and arrests: Export CSV asks why,
    writes every row of the filter with a formula-like cell shown as text, and records one disclose
    event per record."""
    from datetime import UTC, date, datetime, timedelta

    from mshtdesk.domain.nrm import AgeAtReferral, Route
    from mshtdesk.domain.support import ContactMethod, ContactPurpose
    from mshtdesk.services.contacts import ContactInput
    from mshtdesk.services.haven import StayInput
    from mshtdesk.services.navigator import NavigatorCaseInput
    from mshtdesk.services.nrm import ReferralInput
    from mshtdesk.services.people import LinkRole
    from mshtdesk.services.register import ArrestInput
    from ui.pages.arrests_page import ArrestsPage
    from ui.pages.contacts_page import ContactsPage
    from ui.pages.haven_page import HavenPage
    from ui.pages.navigator_page import NavigatorPage

    officer = backend_for(Role.HTT_OFFICER)
    arrest = officer.register.create_arrest(
        ArrestInput("HT/77", date(2024, 5, 1), "LD", operation=HOSTILE), [("O1", "MSA s.2")]
    )
    pid = officer.people.create(
        PersonInput(surname=HOSTILE, forenames="Ana"), link=(LinkRole.POTENTIAL_VICTIM, arrest, "")
    )
    officer.people.assign_vlo(pid, "vlo")
    officer.people.add_supporter(pid, "navigator")
    backend_for(Role.NAVIGATOR).navigator.create(pid, NavigatorCaseInput(referral_date=date(2024, 5, 3)))
    officer.nrm.create(
        ReferralInput(
            Route.NRM,
            AgeAtReferral.ADULT,
            date(2024, 5, 2),
            person_id=pid,
            consents=True,
            crime_ref="13/77/24",
        )
    )
    bed = backend_for(Role.ADMINISTRATOR).haven.add_bed("Bed A")
    now = datetime.now(UTC)
    backend_for(Role.HAVEN_HOUSE).haven.admit(StayInput(bed, now - timedelta(days=1), person_id=pid))
    backend_for(Role.VLO).contacts.add(
        ContactInput(
            pid, now - timedelta(hours=3), ContactMethod.PHONE, ContactPurpose.WELFARE, summary=HOSTILE
        )
    )
    window = window_for(backend_for(Role.MANAGER))
    auditor = backend_for(Role.AUDITOR)
    for n, cls in enumerate((NrmPage, NavigatorPage, HavenPage, ContactsPage, ArrestsPage)):
        page = show_page(window, cls)
        wait_idle()
        assert page.model.total == 1 and page.can_export and window.commands.export_csv.isEnabled(), cls
        out = tmp_path / f"list-{n}.csv"
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *_a, out=out: (str(out), "CSV files (*.csv)")
        )
        window.commands.export_csv.trigger()
        dialog = _reason_dialog(qtbot)
        dialog.text.setPlainText(f"Strategic board {n}")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(out.exists, timeout=10_000)
        wait_idle()
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert rows[0] == [c.header for c in page.model.columns] and len(rows) == 2, cls
        cells = rows[1]
        guarded = any(c.startswith("'" + HOSTILE) for c in cells)
        assert guarded and not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
        (event,) = auditor.audit.list(AuditQuery(action="disclose", entity=page.export_entity.value))
        assert (event.reason, event.fields) == (f"Strategic board {n}", "csv"), cls

    # Copy on the Arrests page with no row selected: the whole filter, not nothing.
    page = window.current_page()
    assert isinstance(page, ArrestsPage) and not page.selected_rows()
    QGuiApplication.clipboard().setText("before")
    window.commands.copy.trigger()
    dialog = _reason_dialog(qtbot)
    assert "1 arrest (the whole list)" in dialog.what.text()
    dialog.text.setPlainText("Copied for the case file")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QGuiApplication.clipboard().text() != "before", timeout=10_000)
    lines = list(csv.reader(io.StringIO(QGuiApplication.clipboard().text()), delimiter="\t"))
    assert len(lines) == 2 and any(c.startswith("'" + HOSTILE) for c in lines[1])
    events = auditor.audit.list(AuditQuery(action="disclose", entity="arrest"))
    assert sorted(e.fields for e in events) == ["copy", "csv"]
