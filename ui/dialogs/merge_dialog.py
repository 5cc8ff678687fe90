"""Merge two records of one person: the two side by side with what will move, a reason, then Merge.

Reached from the People page ("Possible duplicates…": the pairs the service finds) or from a person's
form ("Merge with…": the other record named by its reference). The service moves every record of the
duplicate to the record kept, in one transaction, and the audit event it returns is what undoes it
(``mshtdesk people unmerge EVENT``). Every read and the merge run on the worker; the dialog keeps the
versions it showed, so a record changed meanwhile is refused rather than merged unseen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.roles import Action, Entity, may_everywhere
from mshtdesk.errors import MshtError, ValidationError
from mshtdesk.services.people import DuplicatePair
from mshtdesk.services.person_merge import LABELS, MergeDone, MergePreview, MergeSide, counted
from ui.context import AppContext
from ui.widgets.field_error import FieldError, hint_label

#: The rows of the side-by-side table: who the person is, then what they hold.
DETAILS = ("Reference", "Name", "Date of birth", "Nationality", "Gender", "Liaison officer")
HELD = ("nrm_referral", "haven_stay", "vlo_contact", "navigator_case", "person_support", "person_link")
TITLE = "Merge two records of one person"


def may_merge(ctx: AppContext) -> bool:
    """Whether the role may merge people (over the whole force: it moves every record of theirs)."""
    return may_everywhere(ctx.backend.actor.role, Action.MERGE, Entity.PERSON)


def _name(side: MergeSide) -> str:
    return ", ".join(p for p in (side.surname, side.forenames) if p) or "(no name kept)"


def _born(side: MergeSide) -> str:
    if side.date_of_birth is not None:
        return side.date_of_birth.strftime("%d/%m/%Y")
    return f"about {side.estimated_age}" if side.estimated_age is not None else "Not known"


def _details(side: MergeSide) -> list[str]:
    return [
        side.person_ref,
        _name(side),
        _born(side),
        side.nationality or "Not known",
        {"unknown": "Not known"}.get(side.gender, side.gender.capitalize()),
        side.vlo or "None",
    ]


def _pair_text(pair: DuplicatePair) -> str:
    def who(p: Any) -> str:
        return f"{p.person_ref} {', '.join(n for n in (p.surname, p.forenames) if n)}"

    return f"{who(pair.first)}  ~  {who(pair.second)}  ({pair.basis}; names {pair.similarity:.0%} alike)"


class MergeDialog(QDialog):
    merged = Signal(int)  # the kept person's id, once merged

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        pairs: list[DuplicatePair] | None = None,
        keep_id: int | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("mergeDialog")
        self.setWindowTitle(TITLE)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pairs = list(pairs or [])
        self.fixed_keep = keep_id
        self.preview: MergePreview | None = None
        self.done_result: MergeDone | None = None
        self._build()
        self._connect()
        if self.pairs:
            self._pair_chosen()

    # ----- layout --------------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        self.intro = QLabel(
            "Every NRM referral, Haven House stay, VLO contact, Navigator case and link to an arrest or "
            "operation of the second record moves to the record kept. The second record stays on record, "
            "marked merged and hidden from every list; the audit log keeps which records moved, so the "
            "merge can be undone."
        )
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        choose = QHBoxLayout()
        if self.fixed_keep is None:
            self.pair_label = QLabel("&Possible duplicate:")
            self.pair_combo = QComboBox()
            self.pair_combo.setObjectName("mergePairs")
            self.pair_combo.setAccessibleName("Possible duplicate")
            for pair in self.pairs:
                self.pair_combo.addItem(_pair_text(pair), pair)
            self.pair_label.setBuddy(self.pair_combo)
            choose.addWidget(self.pair_label)
            choose.addWidget(self.pair_combo, 1)
            self.ref_edit: QLineEdit | None = None
        else:
            label = QLabel("Merge &with (person reference):")
            self.ref_edit = QLineEdit()
            self.ref_edit.setObjectName("mergeOtherRef")
            self.ref_edit.setPlaceholderText("e.g. P-000123")
            self.ref_edit.setMaxLength(16)
            label.setBuddy(self.ref_edit)
            self.find_button = QPushButton("&Find")
            choose.addWidget(label)
            choose.addWidget(self.ref_edit, 1)
            choose.addWidget(self.find_button)
        self.swap_button = QPushButton("&Swap: keep the other")
        self.swap_button.setObjectName("mergeSwap")
        self.swap_button.setToolTip("Keep the second record and merge the first into it")
        self.swap_button.setEnabled(False)
        self.swap_button.setVisible(self.fixed_keep is None)  # from a form: that record is the one kept
        choose.addWidget(self.swap_button)
        layout.addLayout(choose)
        self.empty_hint = hint_label(
            "No likely duplicates among the people you may see. To merge two records anyway, open one "
            "and use Merge with\u2026 on its form."
        )
        self.empty_hint.setObjectName("mergeEmpty")
        self.empty_hint.setVisible(self.fixed_keep is None and not self.pairs)
        layout.addWidget(self.empty_hint)

        self.table = QTableWidget(len(DETAILS) + len(HELD), 2)
        self.table.setObjectName("mergeTable")
        self.table.setAccessibleName("The two records side by side")
        self.table.setVerticalHeaderLabels([*DETAILS, *(LABELS[k][0].upper() + LABELS[k][1:] for k in HELD)])
        self.table.setHorizontalHeaderLabels(["Kept", "Merged into it"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for row in range(self.table.rowCount()):  # until the two are read: a dash, at its full height
            for col in range(2):
                self.table.setItem(row, col, QTableWidgetItem("\u2014"))
        self._fit_table()
        layout.addWidget(self.table)
        self.note = QLabel("")
        self.note.setObjectName("mergeNote")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        self.reason_label = QLabel("&Reason for merging (kept in the audit log):")
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("mergeReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("e.g. Same person: passport seen, date of birth and photograph match")
        self.reason.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.reason_label.setBuddy(self.reason)
        self.reason_error = FieldError(self.reason)
        self.error = FieldError()
        self.error.setObjectName("mergeError")
        layout.addWidget(self.reason_label)
        layout.addWidget(self.reason)
        layout.addWidget(self.reason_error)
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.merge_button = self.buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("mergeButton")
        self.merge_button.setEnabled(False)
        layout.addWidget(self.buttons)
        self.resize(780, self.sizeHint().height())
        self._fit_height()

    def _connect(self) -> None:
        self.buttons.rejected.connect(self.reject)
        self.merge_button.clicked.connect(self.submit)
        self.swap_button.clicked.connect(self.swap)
        self.reason.textChanged.connect(self._reason_changed)
        if self.fixed_keep is None:
            self.pair_combo.currentIndexChanged.connect(self._pair_chosen)
        else:
            assert self.ref_edit is not None
            self.find_button.clicked.connect(self.find_other)
            self.ref_edit.returnPressed.connect(self.find_other)

    # ----- choosing the two ---------------------------------------------------------------------
    def _pair_chosen(self) -> None:
        pair = self.pair_combo.currentData()
        if isinstance(pair, DuplicatePair):
            self.load(pair.first.id, pair.second.id)

    def find_other(self) -> None:
        assert self.ref_edit is not None and self.fixed_keep is not None
        ref = self.ref_edit.text().strip().upper()
        if not ref:
            self.error.show_error("Type the other record's person reference, e.g. P-000123.")
            return
        people, keep = self.ctx.backend.people, self.fixed_keep

        def look(_job: Any) -> MergePreview:
            other = people.find_id(ref)
            if other is None:
                raise ValidationError({"other": f"No person {ref} is in your scope."})
            return people.merge_preview(keep, other)

        self._run_preview(look)

    def load(self, keep_id: int, other_id: int) -> None:
        people = self.ctx.backend.people
        self._run_preview(lambda _job: people.merge_preview(keep_id, other_id))

    def _run_preview(self, fn: Any) -> None:
        self.error.clear()
        self.merge_button.setEnabled(False)
        self.ctx.tasks.run(fn, done=self.show_preview, failed=self._failed, owner=self)

    def swap(self) -> None:
        if self.preview is not None:
            self.load(self.preview.other.id, self.preview.keep.id)

    def show_preview(self, preview: MergePreview) -> None:
        self.preview = preview
        for col, side in enumerate((preview.keep, preview.other)):
            values = [*_details(side), *(str(side.held.get(k, 0)) for k in HELD)]
            for row, text in enumerate(values):
                item = QTableWidgetItem(text)
                if row >= len(DETAILS):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        self.table.setHorizontalHeaderLabels(
            [f"Kept: {preview.keep.person_ref}", f"Merged into it: {preview.other.person_ref}"]
        )
        moving = [counted(k, preview.other.held[k]) for k in HELD if preview.other.held.get(k)]
        note = (
            f"{', '.join(moving)} will move from {preview.other.person_ref} to {preview.keep.person_ref}."
            if moving
            else f"{preview.other.person_ref} holds no records to move; it will be marked merged."
        )
        self.note.setText(" ".join(p for p in (note, preview.vlo_note) if p))
        self._fit_height()
        self.swap_button.setEnabled(self.fixed_keep is None)
        self._fit_table()
        self._reason_changed()

    def _fit_table(self) -> None:
        """As tall as its rows: no scrolling, no empty band under them."""
        self.table.resizeRowsToContents()
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(rows + self.table.horizontalHeader().sizeHint().height() + frame)
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for every row at the current width: the layout's own minimum undercounts the
        wrapped text, which let the table's last rows run under the note."""
        layout = self.layout()
        if layout is None:
            return
        width = max(self.width(), 1) - layout.contentsMargins().left() - layout.contentsMargins().right()
        heights = []
        for i in range(layout.count()):
            item = layout.itemAt(i)
            if item is None:
                continue
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hfw = item.heightForWidth(width) if item.hasHeightForWidth() else -1
            heights.append(max(hfw, item.sizeHint().height(), item.minimumSize().height()))
        margins = layout.contentsMargins()
        wanted = sum(heights) + layout.spacing() * (len(heights) - 1) + margins.top() + margins.bottom()
        self.setMinimumHeight(wanted)
        if self.height() < wanted:
            self.resize(self.width(), wanted)

    def _reason_changed(self) -> None:
        if self.reason.toPlainText().strip():
            self.reason_error.clear()  # typed: the old "give the reason" no longer applies
        self.merge_button.setEnabled(self.preview is not None and self.done_result is None)

    # ----- merging -------------------------------------------------------------------------------
    def submit(self) -> None:
        if self.preview is None or self.done_result is not None:
            return
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.reason_error.show_error("Give the reason for merging these two records.")
            self.reason.setFocus()
            return
        p, people = self.preview, self.ctx.backend.people
        self.merge_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda _job: people.merge(
                p.keep.id, p.other.id, reason, keep_version=p.keep.version, other_version=p.other.version
            ),
            done=self._merged,
            failed=self._failed,
            owner=self,
        )

    def _merged(self, done: MergeDone) -> None:
        self.done_result = done
        self.note.setText(
            f"{done.other_ref} merged into {done.keep_ref}: {done.summary()} moved. Audit event "
            f"{done.event_id} records it; to undo it: mshtdesk people unmerge {done.event_id} --reason TEXT."
        )
        self.merge_button.setEnabled(False)
        self.reason.setReadOnly(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Close")
        assert self.preview is not None
        self.merged.emit(self.preview.keep.id)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and "reason" in exc.fields:
            self.reason_error.show_error(exc.fields["reason"])
            self.reason.setFocus()
        elif isinstance(exc, ValidationError):
            self.error.show_error(" ".join(exc.fields.values()))
        elif isinstance(exc, MshtError):
            self.error.show_error(str(exc))
        else:
            from ui import error_report

            error_report.report(self, exc, "merging two people")
        self.merge_button.setEnabled(self.preview is not None and self.done_result is None)
