"""Render every page, dialog and empty state to PNG files, for review and for the user guide.

Run offscreen: ``QT_QPA_PLATFORM=offscreen python -m tools.screenshots [out-dir] [--set SET]`` (default
``shots/``). ``--set`` renders the same pictures at the system's normal text size (``normal``, the
default), at 200% text (``200``), in a dark palette (``dark``), in a Windows-like high-contrast palette
(``high-contrast``), or all four (``all``, each set in a folder of its own under the out-dir), the way the
app itself follows the system (``ui/theme.py``).
Everything is made-up demonstration data in encrypted throwaway databases in a temporary folder, with
the demo accounts; no profile is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

SIZE = (1280, 800)
SEED_EXPORT = Path(__file__).resolve().parent.parent / "tests" / "data" / "seed_000_custody_export.csv"
BAD_CSV = (
    "arrest_ref,arrest_date,district,detainee_ref,offence_ref,offence,disposal,disposal_date\n"
    "WY/22/000001,2022-01-05,BD,N1000001,O1,Modern Slavery Act 2015 s.2,Charge,2022-02-01\n"
    "WY/22/000002,31/02/2022,BD,N1000002,O1,MSA s.1,NFA,2022-03-01\n"
    "WY/22/000003,2022-01-07,Leeds North,N1000003,O1,MSA s.4,RUI,2022-01-07\n"
    "WY/22/000004,2022-01-08,KD,N1000004,O1,MSA s.2,Cautioned,2022-01-09\n"
    "WY/22/000005,2022-01-09,WD,N1000005,O1,MSA s.2,Bail,2022-01-01\n"
    "WY/22/000001,2022-01-06,BD,N1000001,O2,MSA s.1,,\n"
)


SETS = ("normal", "200", "dark", "high-contrast")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tools.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default="shots", help="folder for the PNG files (default shots/)")
    parser.add_argument(
        "--set",
        dest="sets",
        choices=[*SETS, "all"],
        default="normal",
        help="text size or palette to render in; all: every set, each in a folder of its own",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    out = Path(args.out).resolve()
    sets = SETS if args.sets == "all" else (args.sets,)
    work = Path(tempfile.mkdtemp(prefix="mshtdesk-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["MSHTDESK_CONFIG_DIR"] = str(work / "config")
    os.environ["MSHTDESK_DATA_DIR"] = str(work / "data")
    try:
        for name in sets:
            folder = out / name if args.sets == "all" else out
            folder.mkdir(parents=True, exist_ok=True)
            (work / name).mkdir()
            status = _render_all(folder, work / name, name)
            if status:
                return status
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


_PLATFORM: dict[str, object] = {}  # the platform's own font and palette, before any set changed them


def use_set(app: QApplication, name: str) -> None:
    """Give the application the text size or palette of set ``name``, and the style that follows it."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QFont, QPalette

    from ui import palette, theme
    from ui.app import apply_style
    from ui.widgets import reflow

    if not _PLATFORM:
        _PLATFORM.update(font=app.font(), palette=app.palette())
    font = QFont(_PLATFORM["font"])  # type: ignore[call-overload]
    if name == "200":
        font.setPointSizeF(font.pointSizeF() * 2)
    app.setFont(font)
    if name in palette.SYSTEM_THEMES:
        app.setPalette(palette.system_theme(name))
    else:
        app.setPalette(QPalette(_PLATFORM["palette"]))  # type: ignore[call-overload]
    apply_style(app)
    theme.install(app, apply_style)
    reflow.SCREEN_OVERRIDE = QSize(*SIZE)  # dialogs fit the laptop screen the shots are made for


def _render_all(out: Path, work: Path, set_name: str = "normal") -> int:
    from PySide6.QtWidgets import QApplication, QDialog, QWidget

    from mshtdesk.demo.database import create_demo_database
    from mshtdesk.demo.users import DEMO_USERS
    from mshtdesk.domain.roles import Role
    from mshtdesk.services.backend import Backend
    from mshtdesk.services.register import ArrestInput
    from ui.app import Session, create_application, open_session
    from ui.context import AppContext, ReferenceData
    from ui.dialogs.arrest_dialog import ArrestDialog
    from ui.dialogs.disposal_dialogs import (
        AddOffenceDialog,
        CorrectEventDialog,
        RecordDisposalDialog,
        WithdrawEventDialog,
    )
    from ui.dialogs.import_dialog import ImportDialog
    from ui.dialogs.login_dialog import LoginDialog, Mode
    from ui.dialogs.outcome_dialogs import CourtOutcomeDialog, WithdrawOutcomeDialog
    from ui.dialogs.password_dialog import ChangePasswordDialog
    from ui.dialogs.reason_dialog import ReasonDialog
    from ui.dialogs.user_dialogs import AddUserDialog
    from ui.main_window import MainWindow
    from ui.pages import PAGES
    from ui.pages.arrests_page import ArrestsPage
    from ui.pages.audit_page import UNENCRYPTED_WARNING, AuditPage
    from ui.pages.disposal_page import DisposalPage
    from ui.pages.users_page import UsersPage
    from ui.settings import open_settings
    from ui.tasks import Job, TaskRunner

    app = create_application()
    use_set(app, set_name)
    tasks = TaskRunner()
    written: list[str] = []

    def settle(timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents()
            if tasks.is_idle():
                break
            time.sleep(0.01)
        for _ in range(5):
            app.processEvents()
            time.sleep(0.01)

    def shot(widget: QWidget, name: str, size: tuple[int, int] | None = None) -> None:
        if size is not None:
            widget.resize(*size)
        widget.show()
        settle()
        path = out / f"{name}.png"
        widget.grab().save(str(path))
        written.append(path.name)

    def context(backend: Backend) -> AppContext:
        return AppContext(backend, tasks, ReferenceData.load(backend), open_settings())

    def window_for(backend: Backend) -> MainWindow:
        window = MainWindow(open_settings(), PAGES)
        window.attach(context(backend))
        return window

    def go(window: MainWindow, cls: type) -> QWidget:
        """Show the window's page of ``cls`` (sessions land on Today, so pages are found by class)."""
        page = window.page_of(cls)
        assert page is not None
        window.go_to(window.pages.index(page))
        settle()  # a page re-reads its rows on the worker when shown
        return page

    def close(*widgets: QWidget) -> None:
        """Dialogs with ``done`` (no "discard?" question, no Quit signal from the login dialog)."""
        for w in widgets:
            if isinstance(w, QDialog):
                w.done(0)
            else:
                w.close()
            w.deleteLater()
        settle()

    users = {u.role: u for u in DEMO_USERS}
    demo_db, _ = create_demo_database(str(work / "demo.db"))
    demo = Backend.as_user(demo_db, users[Role.HTT_OFFICER].username)
    as_role = {role: Backend.as_user(demo_db, u.username) for role, u in users.items()}

    def officer_database(name: str) -> Backend:
        """A small encrypted database with an administrator and one officer, as the officer."""
        admin = users[Role.ADMINISTRATOR]
        first = Backend.create(str(work / name), admin.username, admin.password)
        officer = users[Role.HTT_OFFICER]
        first.users.add_user(officer.username, "Demo HTT officer", Role.HTT_OFFICER, officer.password)
        return Backend.as_user(first.db, officer.username)

    empty = officer_database("empty.db")
    seeded = officer_database("seed.db")
    seeded.import_file(str(SEED_EXPORT))

    try:
        # Start-up states.
        w = MainWindow(open_settings(), PAGES)
        shot(w, "01-opening", SIZE)
        w.show_open_failed(
            "The database at C:\\Users\\me\\MSHTDesk\\mshtdesk.db was written by a newer version of "
            "MSHT Desk (schema 0007); install the current version to open it."
        )
        shot(w, "02-open-failed", SIZE)
        close(w)

        # Arrests page.
        w = window_for(demo)
        page = go(w, ArrestsPage)
        shot(w, "03-arrests", SIZE)
        assert isinstance(page, ArrestsPage)
        page.district.setCurrentIndex(page.district.findData("BD"))
        page.search.setText("Op")
        page.apply_filters()
        settle()  # the rows are read on the worker
        page.table.selectRow(1)
        shot(w, "04-arrests-filtered", SIZE)
        page.search.setText("no such reference")
        page.apply_filters()
        shot(w, "05-arrests-no-match", SIZE)
        page.clear_filters()

        # Search everything (Ctrl+K): a name typed without its diacritics finds every spelling.
        from ui.dialogs.search_dialog import SearchDialog

        assert w.ctx is not None
        search = SearchDialog.start(w.ctx, w)
        shot(search, "05b-search-start")
        search.search.setText("ana")
        search.run_search()
        settle()
        shot(search, "05c-search-results")
        search.search.setText("qqzzxx")
        search.run_search()
        settle()
        shot(search, "05d-search-no-match")
        close(search)

        # New arrest dialog, blank and after a failed save.
        ctx = w.ctx
        assert ctx is not None
        d = ArrestDialog(ctx, None, w)
        shot(d, "06-new-arrest")
        d.offences_editor.add_row()
        d.submit()
        settle()
        shot(d, "07-new-arrest-errors")
        close(d)

        # An arrest with a history: corrected, withdrawn and current events.
        reg = demo.register
        today = reg.today
        arrest_id = reg.create_arrest(
            ArrestInput("WY/24/990001", date(today.year - 1, 6, 3), "LD", "N1009999", "Op Kestrel", "Joint"),
            [("O1", "Modern Slavery Act 2015 s.2"), ("O2", "Controlling prostitution for gain")],
        )
        detail = reg.get(arrest_id)
        o1, o2 = detail.offences
        first = reg.append_event(o1.id, "RUI", date(today.year - 1, 6, 3), "")
        reg.correct_event(first, "BAIL", date(today.year - 1, 6, 3), "Custody record showed pre-charge bail")
        reg.append_event(o1.id, "CHARGE", date(today.year - 1, 11, 20), "Leeds Crown Court")
        wrong = reg.append_event(o2.id, "NFA", date(today.year - 1, 6, 4), "")
        reg.retract_event(wrong, "Entered against the wrong offence")
        reg.append_event(o2.id, "RUI", date(today.year - 1, 6, 4), "")
        d = ArrestDialog(ctx, arrest_id, w)
        settle()
        shot(d, "08-arrest-history")
        detail = reg.get(arrest_id)
        o1, o2 = detail.offences
        live = next(e for e in o1.events if not (e.superseded or e.is_void) and e.disposal_code == "CHARGE")
        for dialog, name in (
            (RecordDisposalDialog(ctx, detail, o2.id, d), "09-record-disposal"),
            (CorrectEventDialog(ctx, detail, o1, live, d), "10-correct-event"),
            (WithdrawEventDialog(ctx, detail, o1, live, d), "11-withdraw-event"),
            (AddOffenceDialog(ctx, detail, d), "12-add-offence"),
        ):
            shot(dialog, name)
            if name == "10-correct-event":
                dialog.submit()  # no reason given: the error shows beside the field
                settle()
                shot(dialog, "10b-correct-event-errors")
            close(dialog)
        close(d)

        # The court outcome of the charged offence: recorded, then the dialogs that correct and withdraw it.
        record = CourtOutcomeDialog(ctx, detail, o1, None, None)
        shot(record, "11b-record-court-outcome")
        close(record)
        demo.outcomes.record_outcome(
            o1.id, "convicted", date(today.year, 1, 15), sentence_months=30, custodial=True, note="Leeds CC"
        )
        d = ArrestDialog(ctx, arrest_id, w)
        settle()
        shot(d, "11c-arrest-court-outcome")
        current = next(r for r in demo.outcomes.history(arrest_id) if r.in_force)
        for dialog, name in (
            (CourtOutcomeDialog(ctx, detail, o1, current, d), "11d-correct-court-outcome"),
            (WithdrawOutcomeDialog(ctx, detail, o1, current, d), "11e-withdraw-court-outcome"),
        ):
            shot(dialog, name)
            close(dialog)
        close(d)

        # A duplicate arrest withdrawn: the dialog's reason, then struck through in the register.
        duplicate = reg.create_arrest(
            ArrestInput("WY/24/990002", date(today.year - 1, 6, 3), "LD", "N1009999", "Op Kestrel"),
            [("O1", "Modern Slavery Act 2015 s.2")],
        )
        d = ArrestDialog(ctx, duplicate, w)
        settle()
        withdraw = d.withdraw_arrest()
        assert withdraw is not None
        withdraw.reason.setPlainText("Duplicate of WY/24/990001: the same custody record keyed twice")
        shot(withdraw, "12b-withdraw-arrest")
        withdraw.submit()
        settle()
        d.reload()  # a dialog never shown ignores change notices: read it again for the picture
        settle()
        shot(d, "12c-arrest-withdrawn")
        close(d)
        page.search.setText("WY/24/99000")
        page.apply_filters()
        settle()
        shot(w, "12d-register-withdrawn", SIZE)
        page.clear_filters()

        # Import dialog: success and rejection.
        imp = ImportDialog(ctx, w)
        shot(imp, "13-import-empty")
        imp.start_import(str(SEED_EXPORT), dry_run=True)
        settle()
        shot(imp, "14-import-checked")
        close(imp)
        bad = work / "bad_export.csv"
        bad.write_text(BAD_CSV, encoding="utf-8")
        imp = ImportDialog(ctx, w)
        imp.start_import(str(bad))
        settle()
        shot(imp, "15-import-rejected")
        close(imp)
        close(w)

        # The disposal table: the published seed table, and an empty period.
        w = window_for(seeded)
        page2 = go(w, DisposalPage)
        assert isinstance(page2, DisposalPage)
        page2.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
        page2.compute()
        shot(w, "16-disposal-table", SIZE)
        page2.set_period(date(2015, 4, 1), date(2016, 3, 31), date(2016, 5, 1))
        page2.compute()
        shot(w, "17-disposal-empty", SIZE)
        close(w)

        # An empty register.
        w = window_for(empty)
        go(w, ArrestsPage)
        shot(w, "18-arrests-empty", SIZE)
        close(w)

        # The progress dialog of a slow job.
        w = window_for(demo)
        shot(w, "19-before-progress", SIZE)

        def slow(job: object) -> None:
            for i in range(30):
                job.progress("Writing events", i, 30)  # type: ignore[attr-defined]
                time.sleep(0.05)

        tasks.run(slow, progress="Importing custody_export_2024-06.csv", parent=w)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.01)
        tops = QApplication.topLevelWidgets()
        dialogs = [x for x in tops if x.objectName() == "taskProgress" and x.isVisible()]
        if dialogs:
            dialogs[0].grab().save(str(out / "20-progress.png"))
            written.append("20-progress.png")
        settle()
        close(w)

        # Logging in: the dialog over the waiting window, a wrong password, the demo's accounts.
        demo_path = str(work / "demo.db")

        def sign_in(user: str, password: str, job: Job) -> Session:
            return open_session(demo_path, user, password, job.cancelled)

        def no_create(*_args: object) -> Session:
            raise RuntimeError("not in the screenshots")

        w = MainWindow(open_settings(), PAGES)
        w.show_waiting("Log in to continue", "MSHT Desk shows the register once you have logged in.")
        shot(w, "21-login-behind", SIZE)
        login = LoginDialog(
            tasks, location=demo_path, sign_in=sign_in, create=no_create, offer_server=True, parent=w
        )
        shot(login, "21-login")
        from mshtdesk.services.team import team_address
        from ui.dialogs.server_dialog import ServerDialog

        server = ServerDialog(
            lambda host, database, port, user: team_address(host, database, port=port, user=user),
            parent=login,
        )
        server.host.setText("htt-db.westyorks.police.uk")
        server.user.setText("j.smith")
        shot(server, "21-connect-team-server")
        server.host.setText("htt db")
        server.database.clear()
        server.submit()
        shot(server, "21-connect-team-server-errors")
        close(server)
        login.username.setText("officer")
        login.password.setText("not-my-password")
        login.submit()
        settle()
        shot(login, "22-login-wrong-password")
        close(login)
        login = LoginDialog(
            tasks, location=demo_path, sign_in=sign_in, create=no_create, demo_users=DEMO_USERS, parent=w
        )
        login.demo_table.selectRow(2)
        login.fill_from(login.demo_model.index(2, 0))
        shot(login, "23-login-demo")
        close(login)
        first_admin = LoginDialog(
            tasks,
            location=str(work / "new" / "mshtdesk.db"),
            sign_in=sign_in,
            create=no_create,
            mode=Mode.CREATE,
            parent=w,
        )
        shot(first_admin, "24-first-administrator")
        first_admin.new_username.setText("j.smith")
        first_admin.display_name.setText("Jo Smith")
        first_admin.show_create_errors(
            {"password": "That password is too common or too simple; choose a longer phrase."}
        )
        shot(first_admin, "24b-first-administrator-errors")
        close(first_admin, w)

        # The lock screen, and a wrong password on it.
        w = window_for(demo)
        go(w, ArrestsPage)
        settle()
        w.lock_screen("officer", idle=True)
        shot(w, "25-locked", SIZE)
        w.lock_panel.show_error("Wrong password.")
        shot(w, "25b-locked-wrong-password", SIZE)
        w.lock_panel.show_error(
            "This account is locked after 5 failed logins; try again after 14:25, or ask an administrator.",
            final=True,
        )
        shot(w, "25c-locked-out", SIZE)
        close(w)

        # The audit log: a search, then the chain verified.
        w = window_for(as_role[Role.AUDITOR])
        audit_page = w.page_of(AuditPage)
        assert isinstance(audit_page, AuditPage)
        shot(w, "26-audit-start", SIZE)
        audit_page.search()
        settle()
        shot(w, "26b-audit-results", SIZE)
        audit_page.verify()
        settle()
        shot(w, "27-audit-verified", SIZE)
        reason = ReasonDialog(
            audit_page,
            title="Export audit events",
            what="The events matching the last search will be saved as a CSV file "
            "(all of them, not only the latest shown).",
            ok_text="Choose file\u2026",
            warning=UNENCRYPTED_WARNING,
        )
        shot(reason, "30b-reason-export-warning")
        close(reason, w)

        # Users, and adding one.
        w = window_for(as_role[Role.ADMINISTRATOR])
        users_page = w.page_of(UsersPage)
        assert isinstance(users_page, UsersPage)
        w.go_to(w.pages.index(users_page))
        settle()
        users_page.select("vlo")
        shot(w, "28-users", SIZE)
        add = AddUserDialog(w.ctx or context(as_role[Role.ADMINISTRATOR]), w)
        add.username.setText("d.patel")
        add.display_name.setText("DC Dev Patel")
        add.role.setCurrentIndex(add.role.findData(Role.VLO.value))
        add.password.setText("short")
        add.confirm.setText("short")
        shot(add, "29-add-user")
        add.submit()
        settle()
        shot(add, "29b-add-user-errors")
        close(add)
        pw = ChangePasswordDialog(w.ctx or context(as_role[Role.ADMINISTRATOR]), w)
        shot(pw, "32-change-password")
        close(pw, w)

        # The reason asked before a disclosure (Copy on the disposal table).
        w = window_for(seeded)
        page3 = go(w, DisposalPage)
        assert isinstance(page3, DisposalPage)
        page3.set_period(date(2021, 4, 1), date(2022, 4, 30), date(2022, 5, 24))
        page3.compute()
        settle()
        page3.copy()
        reasons = [x for x in QApplication.topLevelWidgets() if isinstance(x, ReasonDialog) and x.isVisible()]
        if reasons:
            reasons[0].text.setPlainText("Quarterly figures for the MSHT strategic board")
            shot(reasons[0], "30-reason-copy")
            close(reasons[0])
        close(w)

        # A Victim Navigator's window: their own pages only.
        w = window_for(as_role[Role.NAVIGATOR])
        shot(w, "31-landing-navigator", SIZE)
        close(w)

        # Today, People, a pathway, the person and contact forms.
        from tools.screenshots_today import render_today_people

        render_today_people(as_role, empty, shot, close, settle, window_for, SIZE)

        # The Reports page as a manager sees it: the public COM summary for the last half-year, previewed.
        from ui.pages.reports_page import ReportsPage

        w = window_for(as_role[Role.MANAGER])
        reports = go(w, ReportsPage)
        assert isinstance(reports, ReportsPage)
        today = date.today()
        half_start = date(today.year, 4, 1) if today.month >= 10 else date(today.year - 1, 10, 1)
        half_end = date(today.year, 9, 30) if today.month >= 10 else date(today.year, 3, 31)
        reports.set_request(half_start, half_end, today)
        reports.public.setChecked(True)
        reports.build()
        settle(60)
        shot(w, "80-reports-com-public", SIZE)
        close(w)

        # The Review queue as a manager sees it: empty today (the demo's records are recent), and as it
        # will be once the default six years have passed with no activity.
        from mshtdesk.domain.record_retention import DEFAULT_YEARS, add_years
        from mshtdesk.services.retention import RetentionService
        from ui.pages.review_page import ReviewPage

        w = window_for(as_role[Role.MANAGER])
        go(w, ReviewPage)
        shot(w, "85-review-queue-empty", SIZE)
        close(w)
        later = Backend.as_user(demo_db, users[Role.MANAGER].username)
        later.retention = RetentionService(
            demo_db, later.actor, today=add_years(date.today(), DEFAULT_YEARS + 1)
        )
        w = window_for(later)
        go(w, ReviewPage)
        shot(w, "86-review-queue", SIZE)
        close(w)

        # Victim pathway lists and forms (NRM, Navigator, Haven House, contacts, administration).
        from tools.screenshots_pathway import render_demo_pathway, render_empty_pathway, render_pathway

        render_demo_pathway(as_role, shot, close, window_for)
        render_empty_pathway(empty, shot, close, window_for)
        render_pathway(work, shot, close, settle, window_for, context)
    finally:
        tasks.shutdown()
        for b in (demo, empty, seeded):
            b.close()  # the demo's other roles share the demo's database, closed with it
    print("\n".join(written))  # file names only: the shots hold made-up data, but stdout stays clean
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
