"""Print pathway… (Ctrl+P) in the pathway view: ask why, then where, then write the PDF on the worker
through the same service method as ``mshtdesk people pathway`` (with a progress dialog if it takes a
while).

The reason goes to the audit log with the disclosure; the service refuses the database's own files,
its key file and its backups, and writes the file whole or not at all. Only a role that may print sees
the command (managers and HTT officers; see ``mshtdesk/services/pathway_print.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from mshtdesk.errors import MshtError
from mshtdesk.services.pathway_print import PathwayPrinted
from ui import error_report
from ui.context import AppContext
from ui.dialogs.reason_dialog import ReasonDialog

EXPORT_DIR_KEY = "export/last_dir"  # shared with the other exports: the folder last used
PRINT_KEY = QKeySequence.StandardKey.Print  # Ctrl+P
BUTTON_TEXT = "&Print pathway\u2026"
PDF_FILTER = "PDF files (*.pdf)"
WARNING = "The file is not encrypted: keep it on an encrypted drive, and destroy printed copies securely."


class PathwayPrintFlow:
    """One print at a time for one pathway view: ``notice`` hears of success."""

    def __init__(self, ctx: AppContext, parent: QWidget, notice: Callable[[str], None]) -> None:
        self.ctx = ctx
        self.parent = parent
        self.notice = notice
        self.allowed = ctx.backend.pathway_print.may_print()
        self.running = False
        self.dialog: ReasonDialog | None = None  # tests and screenshots reach it here

    def controls(self) -> tuple[QPushButton, QAction]:
        """The button and its Ctrl+P action (shown and enabled only for a role that may print)."""
        button = QPushButton(BUTTON_TEXT)
        button.setObjectName("printPathwayButton")
        button.setToolTip("Print this person's pathway as a PDF, marked OFFICIAL-SENSITIVE (Ctrl+P)")
        button.setAutoDefault(False)
        button.setVisible(self.allowed)
        action = QAction("Print pathway", self.parent)
        action.setShortcut(QKeySequence(PRINT_KEY))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setEnabled(self.allowed)
        self.parent.addAction(action)
        return button, action

    def start(self, person_id: int, person_ref: str) -> ReasonDialog | None:
        if not self.allowed or self.running:
            return None
        dialog = ReasonDialog(
            self.parent,
            title="Print pathway",
            what=f"The pathway of {person_ref} (the person's details, NRM referrals and decisions, the "
            "Navigator case, Haven House stays, contacts and links to arrests) will be saved as a PDF "
            "to print.",
            ok_text="Choose file\u2026",
            warning=WARNING,
        )
        dialog.reason_given.connect(
            lambda reason: QTimer.singleShot(0, lambda: self.choose_file(person_id, person_ref, reason))
        )
        dialog.open()
        self.dialog = dialog
        return dialog

    def choose_file(self, person_id: int, person_ref: str, reason: str) -> None:
        folder = str(self.ctx.settings.value(EXPORT_DIR_KEY, "") or str(Path.home()))
        path, _ = QFileDialog.getSaveFileName(
            self.parent, "Print pathway", str(Path(folder) / f"pathway-{person_ref}.pdf"), PDF_FILTER
        )
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        self.ctx.settings.setValue(EXPORT_DIR_KEY, str(Path(path).parent))
        self.print_to(person_id, path, reason)

    def print_to(self, person_id: int, path: str, reason: str) -> None:
        """On the worker: the service checks the path, reads, records the disclosure, then writes."""
        if self.running:
            return
        self.running = True
        service = self.ctx.backend.pathway_print
        self.ctx.tasks.run(
            lambda job: service.print_pathway(
                person_id,
                reason,
                path,
                replace=True,
                progress=job.progress,  # the chooser asked
            ),
            done=self._done,
            failed=self._failed,
            owner=self.parent,
            progress="Printing the pathway\u2026",
            cancellable=False,
            context="printing a pathway",
        )

    def _done(self, result: PathwayPrinted) -> None:
        self.running = False
        pages = f"{result.pages} page{'s' if result.pages != 1 else ''}"
        self.notice(
            f"Saved {result.path.name} ({pages}, OFFICIAL-SENSITIVE) to print; the disclosure is recorded "
            "in the audit log."
        )

    def _failed(self, exc: BaseException) -> None:
        self.running = False
        if isinstance(exc, MshtError):
            error_report.show_message(self.parent, "Print pathway", str(exc))
        else:
            error_report.report(self.parent, exc, "printing a pathway")
