"""Export for subject access (DPA 2018 s.45) from the person form: ask why, then where, then write on
the worker through the same service method as ``mshtdesk people export``.

The reason goes to the audit log with the disclosure; the file chooser's type picks PDF or JSON. The
service refuses the database's own files and its backups, and writes the file whole or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog, QWidget

from mshtdesk.errors import MshtError
from mshtdesk.services.subject_access import AccessFormat, SubjectAccessExport
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog

EXPORT_DIR_KEY = "export/last_dir"  # shared with the other exports: the folder last used
BUTTON_TEXT = "Export for subject access\u2026"
PDF_FILTER, JSON_FILTER = "PDF files (*.pdf)", "JSON files (*.json)"
WARNING = (
    "The file is not encrypted: keep it on an encrypted drive. Check the section 45(4) restrictions "
    "before it is released."
)


class SubjectAccessFlow:
    """One export at a time for one form: ``status`` hears of success, ``error`` of a refusal."""

    def __init__(
        self, ctx: AppContext, parent: QWidget, status: Callable[[str], None], error: Callable[[str], None]
    ) -> None:
        self.ctx = ctx
        self.parent = parent
        self.status = status
        self.error = error
        self.running = False

    def start(self, person_ref: str) -> ReasonDialog:
        dialog = ReasonDialog(
            self.parent,
            title="Export for subject access",
            what=f"Everything held about {person_ref} (the record, referrals and decisions, support, stays, "
            "contacts, links to arrests, and who consulted the record) will be saved to a file for a "
            "subject access request under section 45 of the Data Protection Act 2018.",
            ok_text="Choose file\u2026",
            warning=WARNING,
        )
        dialog.reason_given.connect(
            lambda reason: QTimer.singleShot(0, lambda: self.choose_file(person_ref, reason))
        )
        dialog.open()
        return dialog

    def choose_file(self, person_ref: str, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        path, chosen = QFileDialog.getSaveFileName(
            self.parent,
            "Export for subject access",
            str(Path(folder) / f"subject-access-{person_ref}.pdf"),
            f"{PDF_FILTER};;{JSON_FILTER}",
        )
        if not path:
            return
        self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
        json_wanted = chosen == JSON_FILTER or path.lower().endswith(".json")
        self.export_to(person_ref, path, AccessFormat.JSON if json_wanted else AccessFormat.PDF, reason)

    def export_to(self, person_ref: str, path: str, fmt: AccessFormat, reason: str) -> None:
        """On the worker: the service checks the path, reads and records the disclosure, then writes."""
        if self.running:
            return
        self.running = True
        service = self.ctx.backend.subject_access
        self.status("Exporting\u2026")
        self.ctx.tasks.run(
            lambda _job: service.export(person_ref, fmt, reason, path, replace=True),  # the chooser asked
            done=self._done,
            failed=self._failed,
            owner=self.parent,
            context="exporting for subject access",
        )

    def _done(self, result: SubjectAccessExport) -> None:
        self.running = False
        self.status(
            f"Saved {result.path.name} ({result.format.value.upper()}, OFFICIAL-SENSITIVE); the disclosure "
            "is recorded in the audit log."
        )

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        self.status("")
        if isinstance(exc, MshtError):
            self.error(str(exc))
        else:
            error_report.report(self.parent, exc, "exporting for subject access")
