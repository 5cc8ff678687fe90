"""Issue 10, item 5: control characters (NUL, ESC, BEL) and bidirectional overrides are refused in every
import cell and form field, named by line and column (or field); untrusted text never reaches a terminal
unescaped; and a copied row cannot carry a live formula in any cell, even one hidden behind a tab."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from mshtdesk.domain.disposal_table import DisposalTable, TableRow
from mshtdesk.domain.nrm import AgeAtReferral, Route
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import NavigatorNeed
from mshtdesk.errors import ImportRejectedError, RowError, ValidationError
from mshtdesk.imports.custody import COLUMNS
from mshtdesk.imports.nrm import COLUMNS as NRM_COLUMNS
from mshtdesk.reports.csv_safety import FORMULA_STARTS, to_tsv
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactInput, ContactMethod, ContactPurpose
from mshtdesk.services.haven import StayInput
from mshtdesk.services.navigator import NavigatorCaseInput
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput
from mshtdesk.services.register import ArrestInput
from mshtdesk.store.tables import ARREST, AUDIT, DISTRICT, EVENT, IMPORT_BATCH, NRM_REFERRAL, OFFENCE, PERSON
from tests import both_engines
from tests.cli.test_cli import as_role, mshtdesk
from tests.conftest import SEED_EXPORT
from tests.ui.helpers import Track, find_visible, show_page
from ui.context import AppContext
from ui.dialogs.arrest_dialog import ArrestDialog
from ui.dialogs.reason_dialog import ReasonDialog
from ui.main_window import MainWindow
from ui.models.disposal_table_model import table_tsv
from ui.models.row_errors_model import RowErrorsModel
from ui.pages.arrests_page import ArrestsPage

HOSTILE = {"NUL": "\x00", "ESC": "\x1b", "BEL": "\x07", "RLO": "\u202e", "LRI": "\u2066", "CSI": "\x9b"}
CUSTODY_GOOD = ["A1", "2022-01-10", "BD", "N1", "O1", "MSA s.2", "RUI", "2022-01-10"]
NRM_GOOD = [
    "D-1",
    "D1",
    "Lungu",
    "Ana",
    "",
    "female",
    "ROU",
    "NRM",
    "2023-03-01",
    "adult",
    "adult",
    "Sexual;Labour",
    "UK",
    "13/1/23",
    "",
    "",
    "",
    "",
    "",
]
TABLES = (ARREST, OFFENCE, EVENT, IMPORT_BATCH, PERSON, NRM_REFERRAL)

database, db_address = both_engines.database, both_engines.db_address  # every test on both engines


def counts(b: Backend) -> tuple[int, ...]:
    with b.db.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES)


def csv_bytes(header: list[str] | tuple[str, ...], *rows: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue().encode("utf-8")


def rejected(importer: Callable[[bytes, str], object], data: bytes) -> list[tuple[int, str]]:
    with pytest.raises(ImportRejectedError) as info:
        importer(data, "hostile.csv")
    return [(e.line, e.column) for e in info.value.errors]


def spliced(value: str, ch: str) -> str:
    """``ch`` inside the value, where stripping the cell cannot remove it."""
    return value[:1] + ch + value[1:] if value else "x" + ch


# ----- imports ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", HOSTILE)
def test_custody_import_refuses_a_control_in_any_column_by_line_and_column(
    backend: Backend, name: str
) -> None:
    before = counts(backend)
    for i, column in enumerate(COLUMNS):
        row = list(CUSTODY_GOOD)
        row[i] = spliced(row[i], HOSTILE[name])
        assert rejected(backend.import_custody, csv_bytes(COLUMNS, CUSTODY_GOOD, row)) == [(3, column)]
    assert counts(backend) == before


@pytest.mark.parametrize("name", HOSTILE)
def test_nrm_import_refuses_a_control_in_any_column_by_line_and_column(backend: Backend, name: str) -> None:
    before = counts(backend)
    for i, column in enumerate(NRM_COLUMNS):
        row = list(NRM_GOOD)
        row[i] = spliced(row[i], HOSTILE[name])
        assert rejected(backend.import_nrm, csv_bytes(NRM_COLUMNS, row)) == [(2, column)]
    assert counts(backend) == before


def test_line_breaks_and_tabs_only_in_cells_that_hold_text(backend: Backend) -> None:
    row = list(CUSTODY_GOOD)
    row[2] = "B\nD"  # a district is one line
    assert rejected(backend.import_custody, csv_bytes(COLUMNS, row)) == [(2, "district")]
    row = list(CUSTODY_GOOD)
    row[0] = "A\t1"
    with pytest.raises(ImportRejectedError) as info:
        backend.import_custody(csv_bytes(COLUMNS, row), "tab.csv")
    assert info.value.errors == [
        RowError(
            2,
            "arrest_ref",
            "holds a tab (U+0009) at character 2; remove it from the cell and import the file again",
        )
    ]
    row = list(CUSTODY_GOOD)
    row[5] = "MSA s.2\twith\na wrapped line"  # offence wording may wrap
    assert backend.import_custody(csv_bytes(COLUMNS, row), "ok.csv").offences_added == 1


def test_the_message_never_quotes_the_control(backend: Backend) -> None:
    row = list(CUSTODY_GOOD)
    row[2] = "\x1b]0;pwned\x07BD"
    with pytest.raises(ImportRejectedError) as info:
        backend.import_custody(csv_bytes(COLUMNS, row), "x.csv")
    (error,) = info.value.errors
    assert "ESC (U+001B) at character 1" in error.reason
    assert "\x1b" not in str(info.value) + str(error) and "\x07" not in str(error)


# ----- forms (the services the app and the CLI share) ---------------------------------------------------
def test_arrest_form_fields(backend: Backend) -> None:
    on = date.today() - timedelta(days=3)
    with pytest.raises(ValidationError) as info:
        backend.register.create_arrest(
            ArrestInput("WY\x1b123", on, "BD", "N\x001", "Op\u202eX"), [("O1", "MSA")]
        )
    assert set(info.value.fields) == {"custody_ref", "detainee_ref", "operation"}
    assert info.value.fields["custody_ref"].startswith(
        "Remove the control character ESC (U+001B) at character 3"
    )
    with pytest.raises(ValidationError) as info:
        backend.register.create_arrest(
            ArrestInput("WY1", on, "BD", notes="bell\x07"), [("O\t1", "MSA\u2066")]
        )
    assert set(info.value.fields) == {"notes", "offence_ref", "offence"}
    arrest_id = backend.register.create_arrest(
        ArrestInput("WY2", on, "BD", notes="first line\nsecond\tline"), [("O1", "MSA s.2")]
    )
    detail = backend.register.get(arrest_id, consult=False)
    assert detail.notes == "first line\nsecond\tline"  # notes hold several lines
    offence_id = detail.offences[0].id
    with pytest.raises(ValidationError, match="note"):
        backend.register.append_event(offence_id, "RUI", on, note="\x1b[2J")
    with pytest.raises(ValidationError) as info:
        backend.register.disclose([arrest_id], "case\x00conference")
    assert set(info.value.fields) == {"reason"}


def test_person_and_referral_form_fields(backend: Backend) -> None:
    with pytest.raises(ValidationError) as info:
        backend.people.create(PersonInput(surname="Lungu\u202e", forenames="A\tna", facts="ok\nfine"))
    assert set(info.value.fields) == {"surname", "forenames"}
    person_id = backend.people.create(PersonInput(surname="Lungu", facts="seen twice\nin May"))
    data = ReferralInput(
        Route.NRM,
        AgeAtReferral.ADULT,
        date(2023, 3, 1),
        person_id=person_id,
        consents=True,
        crime_ref="13\x00/1",
    )
    with pytest.raises(ValidationError) as info:
        backend.nrm.create(data)
    assert set(info.value.fields) == {"crime_ref"}


def test_navigator_haven_and_contact_form_fields(backend_for: Callable[[Role], Backend]) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person_id = officer.people.create(PersonInput(surname="Dragan"))
    officer.people.add_supporter(person_id, "navigator")
    officer.people.assign_vlo(person_id, "vlo")
    case = NavigatorCaseInput(
        referral_date=date.today() - timedelta(days=5),
        referral_source="Haven\x1b House",
        needs=frozenset({NavigatorNeed.HEALTH}),
        notes="fine\nlines\x07",
    )
    with pytest.raises(ValidationError) as info:
        backend_for(Role.NAVIGATOR).navigator.create(person_id, case)
    assert set(info.value.fields) == {"referral_source", "notes"}

    bed = backend_for(Role.ADMINISTRATOR).haven.add_bed("Bed A")
    with pytest.raises(ValidationError, match="label"):
        backend_for(Role.ADMINISTRATOR).haven.add_bed("Bed\u202eB")
    stay = StayInput(bed_id=bed, admitted_at=datetime.now(UTC) - timedelta(hours=1), operation="Op\x9bX")
    with pytest.raises(ValidationError) as info:
        backend_for(Role.HAVEN_HOUSE).haven.admit(stay)
    assert set(info.value.fields) == {"operation"}

    contact = ContactInput(
        person_id,
        datetime.now(UTC) - timedelta(hours=1),
        ContactMethod.PHONE,
        ContactPurpose.WELFARE,
        interpreter_language="Romanian\x1b",
        summary="Called.\nAll well.",
    )
    with pytest.raises(ValidationError) as info:
        backend_for(Role.VLO).contacts.add(contact)
    assert set(info.value.fields) == {"interpreter_language"}


def test_the_arrest_form_shows_the_refusal_beside_the_field(
    qtbot: QtBot, track: Track, ctx: AppContext, backend: Backend, wait_idle: Callable[..., None]
) -> None:
    dialog = ArrestDialog.start(ctx, None, None)
    track(dialog)
    wait_idle()
    dialog.custody_ref.setText("WY/26/\x1b[2J1")
    dialog.offences_editor.rows[0][1].setEditText("Modern Slavery Act 2015 s.2")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    wait_idle()
    assert dialog.isVisible()  # not saved
    assert dialog.error_text("custody_ref").startswith(
        "Remove the control character ESC (U+001B) at character 7"
    )
    assert dialog._errors["custody_ref"].isVisible()
    assert backend.register.counts().arrests == 0


# ----- terminals ----------------------------------------------------------------------------------------
def test_the_cli_escapes_district_names_in_report_text(db_address: str, backend: Backend) -> None:
    with backend.db.engine.begin() as conn:
        # ESC and BEL within the column's eight characters (a server enforces the length; SQLite does not)
        conn.execute(update(DISTRICT).where(DISTRICT.c.code == "BD").values(code="B\x1b]0;\x07D"))
    r = mshtdesk("--db", db_address, "report", "disposals", "--reason", "COM")
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "B\\x1b]0;\\x07D" in r.stdout


def test_a_reason_with_a_control_is_refused_and_nothing_is_disclosed(
    db_address: str, backend: Backend
) -> None:
    with backend.db.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(AUDIT)).scalar_one()
    r = mshtdesk("--db", db_address, "report", "disposals", "--format", "csv", "--reason", "COM\x1b[2J")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("reason: Remove") and "\x1b" not in r.stderr
    with backend.db.engine.connect() as conn:  # nothing disclosed: no event beyond the login
        actions = conn.execute(select(AUDIT.c.action).where(AUDIT.c.id > before)).scalars().all()
    assert "disclose" not in actions


def test_the_reason_dialog_refuses_a_bidi_override_beside_the_box(qtbot: QtBot) -> None:
    dialog = ReasonDialog(None, title="Export", what="The disposal table")
    qtbot.addWidget(dialog)
    given: list[str] = []
    dialog.reason_given.connect(given.append)
    dialog.text.setPlainText("COM \u202eevil")
    dialog._accept()
    assert given == [] and not dialog.error.isHidden()
    assert "right-to-left" in dialog.error.text() or "direction" in dialog.error.text()
    dialog.text.setPlainText("COM board, requested by DI Shaw")
    dialog._accept()
    assert given == ["COM board, requested by DI Shaw"]


def test_display_names_and_calendar_labels_refuse_controls(
    backend_for: Callable[[Role], Backend],
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError) as refused:
        admin.users.add_user("newcomer", "PC \x1b[31mRed", Role.VLO, "a long enough passphrase")
    assert set(refused.value.fields) == {"display_name"}
    with pytest.raises(ValidationError) as refused:
        admin.calendar.add(date(2031, 1, 2), label="Training\x07day")
    assert set(refused.value.fields) == {"label"}


def test_the_cli_escapes_user_text_in_the_audit_list(db_address: str) -> None:
    # A user name is typed before anyone logs in: a failed login keeps it as typed, for the log.
    r = mshtdesk(
        "--db",
        db_address,
        "ranking",
        env={"MSHTDESK_USER": "ev\x1b[2Jil\u202e", "MSHTDESK_PASSWORD": "x" * 12},
    )
    assert r.returncode == 3
    r = mshtdesk("--db", db_address, "ranking")  # the next login writes the failure into the log
    assert r.returncode == 0, r.stderr
    r = mshtdesk("--db", db_address, "audit", "list", env=as_role(Role.AUDITOR))
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "\u202e" not in r.stdout
    assert "ev\\x1b[2Jil\\u202e" in r.stdout


def test_the_cli_escapes_file_names_in_messages(db_address: str, tmp_path: Path) -> None:
    named = tmp_path / "x\x1b[31mred.csv"
    named.write_bytes(SEED_EXPORT.read_bytes())
    r = mshtdesk("--db", db_address, "import", "arrests", str(named), "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "\x1b" not in r.stdout and "x\\x1b[31mred.csv has no problems" in r.stdout
    r = mshtdesk("--db", db_address, "import", "arrests", str(tmp_path / "gone\x07.csv"))
    assert r.returncode == 1 and "\x07" not in r.stderr and "gone\\x07.csv" in r.stderr


# ----- copies and exports -------------------------------------------------------------------------------
CELLS_TO_GUARD = ['N1\t=HYPERLINK("http://evil","click")', "-2+3", "=1+1", "x\n=cmd", '"q"\t@SUM(A1)']


def pasted(text: str) -> list[list[str]]:
    """How a spreadsheet reads pasted text: tab-separated, double quotes around a cell that needs them."""
    return list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))


def test_a_tsv_keeps_every_cell_whole_and_guarded() -> None:
    rows = [["Custody ref", "Detainee ref"], *[["A1", cell] for cell in CELLS_TO_GUARD], [1, -2]]
    back = pasted(to_tsv(rows))
    assert len(back) == len(rows) and all(len(r) == 2 for r in back)  # no cell split into two
    assert [r[1] for r in back[1:-1]] == [
        'N1\t=HYPERLINK("http://evil","click")',
        "'-2+3",
        "'=1+1",
        "x\n=cmd",
        '"q"\t@SUM(A1)',
    ]
    assert back[-1] == ["1", "-2"]  # numbers stay numbers


def test_copies_of_the_disposal_table_and_import_problems_are_guarded() -> None:
    table = DisposalTable(
        date(2022, 1, 1),
        date(2022, 12, 31),
        date(2023, 1, 1),
        ("=EVIL()", "Le\teds"),
        (TableRow("Charge", "CHARGE", 3, (1, 2)),),
        ("Charge",),
    )
    header = pasted(table_tsv(table))[0]
    assert header[-2:] == ["'=EVIL()", "Le\teds"]
    model = RowErrorsModel()
    model.set_errors([RowError(2, "offence", '=HYPERLINK("x")\tis odd')])
    assert pasted(model.as_tsv())[1] == ["2", "offence", '\'=HYPERLINK("x")\tis odd']


def test_a_copied_row_with_a_tab_and_a_formula_pastes_as_guarded_cells(
    qtbot: QtBot,
    window_for: Callable[[Backend], MainWindow],
    backend: Backend,
    wait_idle: Callable[..., None],
) -> None:
    """Data stored before this release may hold a tab: the copy must still give one guarded cell each."""
    arrest_id = backend.register.create_arrest(
        ArrestInput("WY/1", date.today() - timedelta(days=2), "BD"), [("O1", "MSA s.2")]
    )
    with backend.db.engine.begin() as conn:
        conn.execute(
            update(ARREST)
            .where(ARREST.c.id == arrest_id)
            .values(detainee_ref=CELLS_TO_GUARD[0], operation="-2+3")
        )
    window = window_for(backend)
    page = show_page(window, ArrestsPage)
    page.table.selectRow(0)
    window.commands.copy.trigger()
    qtbot.waitUntil(lambda: bool(find_visible("reasonDialog")), timeout=2000)
    dialog = find_visible("reasonDialog")[0]
    assert isinstance(dialog, ReasonDialog)
    dialog.text.setPlainText("Case conference")
    dialog.ok_button.click()
    wait_idle()
    header, row = pasted(QGuiApplication.clipboard().text())
    assert len(row) == len(header) == 7
    assert row[0] == "WY/1" and row[3] == CELLS_TO_GUARD[0] and row[4] == "'-2+3"
    assert not any(cell.startswith(FORMULA_STARTS) for cell in row)
