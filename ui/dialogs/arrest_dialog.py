"""Add an arrest, or view and amend one with its offences and disposal histories.

The arrest's own details are saved with the version they were read at, so a save that would overwrite
someone else's change is refused (the dialog then says so and reloads). Offences and disposal events are
added through their own small dialogs and take effect at once; events are never edited in place.
A role that may only read arrests (a manager, a VLO) gets the same view, read-only, without the commands
the services would refuse.
"""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import ConflictError, MshtError, NotFoundError
from mshtdesk.services.outcomes import OutcomeRow
from mshtdesk.services.register import ArrestDetail, ArrestInput, OffenceRow
from ui import error_report, palette
from ui.context import AppContext
from ui.dialogs.conflict_dialog import ConflictDialog, FieldVersions, Outcome
from ui.dialogs.disposal_dialogs import (
    AddOffenceDialog,
    CorrectArrestDialog,
    CorrectEventDialog,
    CorrectOffenceDialog,
    RecordDisposalDialog,
    WithdrawArrestDialog,
    WithdrawEventDialog,
    WithdrawOffenceDialog,
    next_offence_ref,
)
from ui.dialogs.form import FormDialog
from ui.dialogs.outcome_dialogs import CourtOutcomeDialog, WithdrawOutcomeDialog, outcome_caption
from ui.models.history_model import HistoryColumn, HistoryModel
from ui.widgets.dates import DateEdit, to_qdate
from ui.widgets.field_error import FieldError
from ui.widgets.offence_combo import OffenceCombo
from ui.widgets.tab_order import set_tab_order


class OffencesEditor(QWidget):
    """The offences of a new arrest: reference and offence per row; at least one row."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(8)
        ref_head, off_head = QLabel("Ref"), QLabel("Offence")
        self.grid.addWidget(ref_head, 0, 0)
        self.grid.addWidget(off_head, 0, 1)
        self.rows: list[tuple[QLineEdit, OffenceCombo, QPushButton]] = []
        self.add_button = QPushButton("Add another offence")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.grid)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.add_button.clicked.connect(lambda: self.add_row().setFocus())
        self.add_row()

    def add_row(self) -> OffenceCombo:
        ref = QLineEdit(next_offence_ref(r.text() for r, _, _ in self.rows))
        ref.setAccessibleName("Offence reference")
        ref.setFixedWidth(80)
        combo = OffenceCombo(self._ctx.reference.offence_types)
        combo.setAccessibleName("Offence")
        remove = QPushButton("Remove")
        remove.setAccessibleName("Remove this offence")
        n = len(self.rows) + 1
        self.grid.addWidget(ref, n, 0)
        self.grid.addWidget(combo, n, 1)
        self.grid.addWidget(remove, n, 2)
        self.grid.setColumnStretch(1, 1)
        entry = (ref, combo, remove)
        self.rows.append(entry)
        remove.clicked.connect(lambda: self.remove_row(entry))
        self._update_remove()
        self._fix_tab_order()
        return combo

    def remove_row(self, entry: tuple[QLineEdit, OffenceCombo, QPushButton]) -> None:
        if len(self.rows) <= 1:
            return
        self.rows.remove(entry)
        for w in entry:
            self.grid.removeWidget(w)
            w.deleteLater()
        self._update_remove()
        self._fix_tab_order()

    def _update_remove(self) -> None:
        for _, _, remove in self.rows:
            remove.setEnabled(len(self.rows) > 1)

    def _fix_tab_order(self) -> None:
        chain: list[QWidget] = [*(w for entry in self.rows for w in entry), self.add_button]
        set_tab_order(chain)

    def first_field(self) -> QWidget:
        return self.rows[0][1]

    def offences(self) -> list[tuple[str, str]]:
        return [(ref.text().strip(), combo.text()) for ref, combo, _ in self.rows]


SHOWS = (Data.ARREST, Data.DISPOSAL, Data.RANKING)  # the arrest, its offences, disposals and court outcomes
ARREST_FIELDS = (
    ("custody_ref", "Custody ref"),
    ("arrest_date", "Arrest date"),
    ("district", "District"),
    ("detainee_ref", "Detainee ref"),
    ("operation", "Operation"),
    ("notes", "Notes"),
)


def _arrest_text(value: object) -> str:
    return uk(value) if isinstance(value, date) else str(value or "").strip()


def arrest_versions(mine: ArrestInput, theirs: ArrestDetail) -> list[FieldVersions]:
    return [
        FieldVersions(name, label, _arrest_text(getattr(mine, name)), _arrest_text(getattr(theirs, name)))
        for name, label in ARREST_FIELDS
    ]


def merge_arrest(mine: ArrestInput, theirs: ArrestDetail, take_theirs: set[str]) -> ArrestInput:
    """The user's input with the fields they chose from the saved version."""
    values = {name: getattr(theirs if name in take_theirs else mine, name) for name, _ in ARREST_FIELDS}
    return ArrestInput(**values)


def in_force(d: ArrestDetail) -> tuple[date, str]:
    """The arrest's date and district with its corrections applied (oldest first): what tables count."""
    arrest_date, district = d.arrest_date, d.district
    for c in d.corrections:
        if c.kind == "date" and c.arrest_date is not None:
            arrest_date = c.arrest_date
        elif c.kind == "district" and c.district:
            district = c.district
    return arrest_date, district


class ArrestDialog(FormDialog):
    saved = Signal(int)  # the arrest's id, after it was added or its details saved

    @classmethod
    def start(cls, ctx: AppContext, arrest_id: int | None, parent: QWidget | None) -> ArrestDialog:
        dialog = cls(ctx, arrest_id, parent)
        dialog.open()
        return dialog

    def __init__(self, ctx: AppContext, arrest_id: int | None, parent: QWidget | None = None) -> None:
        new = arrest_id is None
        super().__init__(
            ctx, "New arrest" if new else "Arrest", parent, ok_text="Add arrest" if new else "Save"
        )
        self.setObjectName("arrestDialog")
        self.arrest_id = arrest_id
        self.may_update = new or ctx.may(Action.UPDATE, Entity.ARREST)
        self.may_append = ctx.may(Action.APPEND, Entity.ARREST)
        self.detail: ArrestDetail | None = None
        self.outcomes: list[OutcomeRow] = []  # the court outcomes of its offences, every row
        self.saved_id: int | None = None
        self._build_fields()
        if new:
            self._build_offences_editor()
            self.resize(780, self.sizeHint().height())
        else:
            self._build_history()
            self.resize(980, 720)
            close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
            close.setText("Close")  # offences and events added here are saved already
            if not self.may_update:
                self.ok_button.hide()
                close.setDefault(True)
                for edit in (self.custody_ref, self.detainee_ref, self.operation):
                    edit.setReadOnly(True)
                self.notes.setReadOnly(True)
                self.arrest_date.setReadOnly(True)

            # counted in published tables: changed only by a correction with a reason, never in place
            self.arrest_date.setReadOnly(True)
            for field in (self.district, self.arrest_date):
                field.setToolTip("Use Correct arrest\u2026 to change it, with a reason")
            self._set_loading(True)
            ctx.tasks.changed.connect(self._on_changes)
            self.reload()
        self.custody_ref.setFocus()

    # ----- layout ------------------------------------------------------------------------------
    def _build_fields(self) -> None:
        self.custody_ref = QLineEdit()
        self.custody_ref.setPlaceholderText("As on the custody record, e.g. WY/22/001234")
        self.arrest_date = DateEdit()
        self.arrest_date.setMaximumDate(to_qdate(self.ctx.backend.register.today))
        self.district = QComboBox()
        self.district.setPlaceholderText("Choose the district")
        self.district.setMinimumWidth(240)
        for d in self.ctx.reference.districts:
            if d.active:
                self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.district.setCurrentIndex(-1)
        self.detainee_ref = QLineEdit()
        self.detainee_ref.setPlaceholderText("Optional: the detainee's custody or PNC reference")
        self.operation = QLineEdit()
        self.operation.setPlaceholderText("Optional: e.g. Op Kestrel")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.add_field("custody_ref", "&Custody ref:", self.custody_ref)
        self.add_field("arrest_date", "Arrest &date:", self.arrest_date)
        self.add_field("district", "Dis&trict:", self.district)
        self.add_field("detainee_ref", "D&etainee ref:", self.detainee_ref)
        self.add_field("operation", "O&peration:", self.operation)
        self.add_field("notes", "&Notes:", self.notes)
        chain: list[QWidget] = [
            self.custody_ref,
            self.arrest_date,
            self.district,
            self.detainee_ref,
            self.operation,
            self.notes,
        ]
        set_tab_order(chain)

    def _build_offences_editor(self) -> None:
        self.offences_editor = OffencesEditor(self.ctx)
        self.offences_error = FieldError(self.offences_editor)
        box = QGroupBox("Offences (at least one)")
        layout = QVBoxLayout(box)
        layout.addWidget(self.offences_editor)
        layout.addWidget(self.offences_error)
        self.body.addWidget(box)
        self.body.addStretch(1)
        self.add_error_target(
            ("offences", "offence_ref", "offence"), self.offences_error, self.offences_editor
        )
        QWidget.setTabOrder(self.notes, self.offences_editor.rows[0][0])

    def _build_history(self) -> None:
        self.current = QLabel("")
        self.current.setObjectName("currentDisposal")
        self.current.setToolTip("The highest-ranked current disposal of the arrest's offences, as at today")
        current_caption = QLabel("Current disposal:")
        current_caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.form.addRow(current_caption, self.current)

        self.history = HistoryModel(self)
        self.tree = QTreeView()
        self.tree.setObjectName("historyTree")
        self.tree.setAccessibleName("Offences and disposal history")
        self.tree.setModel(self.history)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        self.tree.setRootIsDecorated(True)
        self.tree.setItemsExpandable(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.tree.header()
        header.setStretchLastSection(False)
        fm = self.fontMetrics()
        widths = {
            HistoryColumn.DATE: fm.horizontalAdvance("00/00/0000") + 64,
            HistoryColumn.DISPOSAL: fm.horizontalAdvance("Withdraws Released under investigation") + 24,
            HistoryColumn.SOURCE: fm.horizontalAdvance("Demo data") + 28,
            HistoryColumn.STATUS: fm.horizontalAdvance("withdrawal") + 28,
        }
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        header.setSectionResizeMode(HistoryColumn.NOTE, QHeaderView.ResizeMode.Stretch)
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())

        self.withdraw_arrest_button = QPushButton("Withdraw arrest\u2026")
        self.withdraw_arrest_button.setToolTip(
            "Withdraw this arrest, entered in error or a duplicate: it leaves every table (a reason is "
            "required)"
        )
        self.correct_arrest_button = QPushButton("Correct arrest\u2026")
        self.correct_arrest_button.setToolTip(
            "Correct the arrest's district or date; the first values stay on record (a reason is required)"
        )
        self.withdrawn_note = QLabel("")
        self.withdrawn_note.setObjectName("withdrawnNote")
        self.withdrawn_note.setWordWrap(True)
        self.withdrawn_note.setStyleSheet(f"color: {palette.MUTED_HEX};")
        self.withdrawn_note.hide()
        self.body.addWidget(self.withdrawn_note)
        self.correct_offence_button = QPushButton("Correct o&ffence\u2026")
        self.correct_offence_button.setToolTip(
            "Correct what the selected offence was; the first wording stays on record (a reason is required)"
        )
        self.withdraw_offence_button = QPushButton("W&ithdraw offence\u2026")
        self.withdraw_offence_button.setToolTip(
            "Withdraw the selected offence, entered in error: its disposals no longer count (a reason is "
            "required)"
        )
        arrest_level = (
            self.correct_offence_button,
            self.withdraw_offence_button,
            self.withdraw_arrest_button,
            self.correct_arrest_button,
        )
        for b in arrest_level:
            b.setAutoDefault(False)
            b.setVisible(self.may_update)
        self.withdraw_arrest_button.clicked.connect(self.withdraw_arrest)
        self.correct_arrest_button.clicked.connect(self.correct_arrest)
        self.correct_offence_button.clicked.connect(self.correct_offence)
        self.withdraw_offence_button.clicked.connect(self.withdraw_offence)
        arrest_buttons = QHBoxLayout()
        arrest_buttons.addStretch(1)
        arrest_buttons.addWidget(self.correct_offence_button)
        arrest_buttons.addWidget(self.withdraw_offence_button)
        arrest_buttons.addSpacing(12)
        arrest_buttons.addWidget(self.correct_arrest_button)
        arrest_buttons.addWidget(self.withdraw_arrest_button)
        self.body.addLayout(arrest_buttons)

        self.add_offence_button = QPushButton("Add offence\u2026")
        self.record_button = QPushButton("Record disposal\u2026")
        self.correct_button = QPushButton("Correct\u2026")
        self.withdraw_button = QPushButton("Withdraw\u2026")
        self.record_button.setToolTip("Add a dated disposal to the selected offence")
        self.correct_button.setToolTip(
            "Replace the selected disposal event with a corrected one (a reason is required)"
        )
        self.withdraw_button.setToolTip(
            "Mark the selected disposal event as recorded in error (a reason is required)"
        )
        self.outcome_button = QPushButton("Court o&utcome\u2026")
        self.outcome_button.setToolTip(
            "Record the selected offence's outcome at court and the sentence, or correct the one recorded "
            "(a reason is required for a correction)"
        )
        self.withdraw_outcome_button = QPushButton("Withdraw outcome\u2026")
        self.withdraw_outcome_button.setToolTip(
            "Mark the selected offence's court outcome as recorded in error (a reason is required)"
        )
        for b in (
            self.add_offence_button,
            self.record_button,
            self.correct_button,
            self.withdraw_button,
            self.outcome_button,
            self.withdraw_outcome_button,
        ):
            b.setAutoDefault(False)
        self.outcome_button.setVisible(self.may_append or self.may_update)
        self.withdraw_outcome_button.setVisible(self.may_update)
        self.outcome_button.clicked.connect(self.court_outcome)
        self.withdraw_outcome_button.clicked.connect(self.withdraw_outcome)
        self.outcome_note = QLabel("")
        self.outcome_note.setObjectName("courtOutcome")
        self.outcome_note.setWordWrap(True)
        self.add_offence_button.setVisible(self.may_append)
        self.record_button.setVisible(self.may_append)
        self.correct_button.setVisible(self.may_update)
        self.withdraw_button.setVisible(self.may_update)
        self.add_offence_button.clicked.connect(self.add_offence)
        self.record_button.clicked.connect(self.record_disposal)
        self.correct_button.clicked.connect(self.correct_event)
        self.withdraw_button.clicked.connect(self.withdraw_event)

        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.correct_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.outcome_button)
        buttons.addWidget(self.withdraw_outcome_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_offence_button)
        self.history_note = QLabel(
            "Disposal events are never changed or deleted: a correction or withdrawal is added with its "
            "reason, and the original stays on record, struck through."
        )
        self.history_note.setObjectName("footnote")
        self.history_note.setWordWrap(True)
        box = QGroupBox("Offences and disposal history")
        layout = QVBoxLayout(box)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.outcome_note)
        layout.addLayout(buttons)
        layout.addWidget(self.history_note)
        self.body.addWidget(box, 1)
        chain: list[QWidget] = [
            self.notes,
            self.tree,
            self.record_button,
            self.correct_button,
            self.withdraw_button,
            self.outcome_button,
            self.withdraw_outcome_button,
            self.add_offence_button,
        ]
        set_tab_order(chain)

    # ----- reading -----------------------------------------------------------------------------
    def _set_loading(self, loading: bool) -> None:
        for w in (
            self.custody_ref,
            self.arrest_date,
            self.district,
            self.detainee_ref,
            self.operation,
            self.notes,
        ):
            w.setEnabled(not loading)
        # a combo box has no read-only mode; a saved arrest's district changes only by correction
        self.district.setEnabled(not loading and self.may_update and self.arrest_id is None)
        self.ok_button.setEnabled(not loading and not self.busy)
        if self.arrest_id is not None:
            self.tree.setEnabled(not loading)
            if loading:
                for b in (
                    self.add_offence_button,
                    self.record_button,
                    self.correct_button,
                    self.withdraw_button,
                    self.outcome_button,
                    self.withdraw_outcome_button,
                ):
                    b.setEnabled(False)

    def reload(self, *, overwrite: bool = True) -> None:
        """Read the arrest again; ``overwrite=False`` keeps what the user has typed in the details."""
        arrest_id = self.arrest_id
        assert arrest_id is not None
        register = self.ctx.backend.register
        first = self.detail is None  # opening is a consultation; refreshing what is open is not
        self.ctx.tasks.run(
            lambda _job: register.get(arrest_id, consult=first),
            done=lambda detail: self._loaded(detail, overwrite),
            failed=self._load_failed,
            owner=self,
            context="opening an arrest",
        )

    def _loaded(self, detail: ArrestDetail, overwrite: bool) -> None:
        keep_typing = not overwrite and self.detail is not None and self.is_dirty()
        selected = self._selected_key()
        self.detail = detail
        read_only = "" if self.may_update or self.may_append else " (read only)"
        self.setWindowTitle(f"Arrest {detail.custody_ref}{read_only}")
        if not keep_typing:
            self._fill(detail)
        self.current.setText(f"<b>{detail.disposal_label}</b>")
        fixes = [c.summary for c in detail.corrections]
        self.withdrawn_note.setText("<br>".join(escape(f) for f in fixes))
        self.withdrawn_note.setToolTip(detail.withdrawn)
        self.withdrawn_note.setVisible(bool(fixes))
        self.history.set_detail(detail)
        for row in range(self.history.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        self._restore_selection(selected)
        self._set_loading(False)
        self._update_buttons()
        outcomes, arrest_id = self.ctx.backend.outcomes, detail.id
        self.ctx.tasks.run(
            lambda _job: outcomes.history(arrest_id),
            done=self._outcomes_loaded,
            failed=self._load_failed,
            owner=self,
            context="reading court outcomes",
        )

    def _outcomes_loaded(self, rows: list[OutcomeRow]) -> None:
        self.outcomes = rows
        self._update_buttons()

    def _load_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NotFoundError):
            error_report.show_message(self.parentWidget(), "MSHT Desk", str(exc))
            self.reject()
        elif isinstance(exc, MshtError):
            self.general_error.show_error(str(exc))
        else:
            error_report.log_bug(exc, "opening an arrest")
            self.general_error.show_error(error_report.APOLOGY)

    def _fill(self, d: ArrestDetail) -> None:
        self.custody_ref.setText(d.custody_ref)
        arrest_date, district = in_force(d)
        self.arrest_date.set_value(arrest_date)
        index = self.district.findData(district)
        if index < 0:  # a retired district: still show it
            self.district.addItem(district, district)
            index = self.district.count() - 1
        self.district.setCurrentIndex(index)
        self.detainee_ref.setText(d.detainee_ref)
        self.operation.setText(d.operation)
        self.notes.setPlainText(d.notes)

    def _on_changes(self, changes: Changes) -> None:
        if not self.isVisible() or self.busy or self.arrest_id is None:
            return  # closing, or our own save is in flight
        if any(changes.touches_record(kind, self.arrest_id) for kind in SHOWS):
            self.reload(overwrite=False)  # what the user typed stays

    # ----- the details -------------------------------------------------------------------------
    def current_input(self) -> ArrestInput:
        arrest_date: date | None = self.arrest_date.value()
        return ArrestInput(
            custody_ref=self.custody_ref.text(),
            arrest_date=arrest_date,
            district=self.district.currentData() or "",
            detainee_ref=self.detainee_ref.text(),
            operation=self.operation.text(),
            notes=self.notes.toPlainText(),
        )

    def is_dirty(self) -> bool:
        d = self.detail
        if d is None:
            return self.arrest_id is None
        saved = ArrestInput(d.custody_ref, *in_force(d), d.detainee_ref, d.operation, d.notes)
        now = self.current_input()
        return (
            now.custody_ref.strip(),
            now.arrest_date,
            now.district,
            now.detainee_ref.strip(),
            now.operation.strip(),
            now.notes,
        ) != (
            saved.custody_ref,
            saved.arrest_date,
            saved.district,
            saved.detainee_ref,
            saved.operation,
            saved.notes,
        )

    def submit(self) -> None:
        if not self.may_update:
            self.accept()
            return
        register = self.ctx.backend.register
        data = self.current_input()
        if self.arrest_id is None:
            offences = self.offences_editor.offences()
            self.save(
                lambda: register.create_arrest(data, offences), self._created, context="adding an arrest"
            )
            return
        detail = self.detail
        if detail is None:
            return
        if not self.is_dirty():
            self.accept()
            return
        arrest_id, version = detail.id, detail.version
        self.save(
            lambda: register.update_arrest(arrest_id, version, data),
            self._updated,
            context="saving an arrest",
        )

    def _created(self, arrest_id: int) -> None:
        self.saved_id = arrest_id
        self.saved.emit(arrest_id)
        self.accept()

    def _updated(self, _version: int) -> None:
        assert self.arrest_id is not None
        self.saved_id = self.arrest_id
        self.saved.emit(self.arrest_id)
        self.accept()

    def has_unsaved_input(self) -> bool:
        if self.arrest_id is not None:
            return self.detail is not None and self.is_dirty()
        typed = [
            self.custody_ref.text(),
            self.detainee_ref.text(),
            self.operation.text(),
            self.notes.toPlainText(),
        ]
        typed += [text for _, text in self.offences_editor.offences()]
        return any(t.strip() for t in typed)

    def reject(self) -> None:
        """Esc or Cancel: ask before throwing away what was typed (events already recorded are kept)."""
        if self.busy:
            return  # a save is in flight: its result (and the change it announces) must not be lost
        if self._discard_confirmed or not self.has_unsaved_input():
            super().reject()
            return
        self.confirm_discard("The arrest details you typed have not been saved.")

    def on_conflict(self, exc: MshtError) -> None:
        """Someone saved first: show both versions and let the user choose; if it was deleted, say so."""
        if (
            isinstance(exc, ConflictError)
            and isinstance(exc.mine, ArrestInput)
            and isinstance(exc.theirs, ArrestDetail)
        ):
            self.general_error.show_error(str(exc))
            self.resolve_conflict(exc.mine, exc.theirs)
            return
        error_report.show_message(self, "Arrest not saved", str(exc))
        if isinstance(exc, NotFoundError):
            self.reject()
        elif self.arrest_id is not None:
            self.reload(overwrite=True)

    def resolve_conflict(self, mine: ArrestInput, theirs: ArrestDetail) -> ConflictDialog:
        """Both versions side by side; the chosen mix is saved against the version just read."""
        fields = arrest_versions(mine, theirs)
        dialog = ConflictDialog(f"Arrest {theirs.custody_ref}", fields, self)

        def decided(outcome: Outcome) -> None:
            if outcome is Outcome.CANCELLED:
                return  # back to the form, typing intact; saving again shows the choice again
            self.general_error.clear()
            if outcome is Outcome.KEEP_THEIRS:
                self._loaded(theirs, True)
                return
            merged = merge_arrest(mine, theirs, dialog.theirs_chosen())
            register, arrest_id, version = self.ctx.backend.register, theirs.id, theirs.version
            self.save(
                lambda: register.update_arrest(arrest_id, version, merged),
                self._updated,
                context="saving an arrest after a conflict",
            )

        dialog.decided.connect(decided)
        dialog.open()
        return dialog

    # ----- offences and events -----------------------------------------------------------------
    def _selected_key(self) -> tuple[str, int] | None:
        if self.arrest_id is None:
            return None
        index = self.tree.currentIndex()
        event = self.history.event_at(index)
        if event is not None:
            return ("event", event.id)
        offence = self.history.offence_at(index)
        return ("offence", offence.id) if offence is not None else None

    def _restore_selection(self, key: tuple[str, int] | None) -> None:
        target = QModelIndex()
        if key is not None:
            kind, wanted = key
            for row in range(self.history.rowCount()):
                top = self.history.index(row, 0)
                if kind == "offence" and self.history.offence_at(top).id == wanted:  # type: ignore[union-attr]
                    target = top
                for child in range(self.history.rowCount(top)):
                    index = self.history.index(child, 0, top)
                    event = self.history.event_at(index)
                    if kind == "event" and event is not None and event.id == wanted:
                        target = index
        if not target.isValid() and self.history.rowCount():
            target = self.history.index(0, 0)
        if target.isValid():
            self.tree.selectionModel().setCurrentIndex(
                target,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def select_event(self, event_id: int) -> bool:
        """Make ``event_id`` the current row (used by keyboard users' tests and after reloads)."""
        self._restore_selection(("event", event_id))
        event = self.history.event_at(self.tree.currentIndex())
        return event is not None and event.id == event_id

    def _update_buttons(self) -> None:
        if self.arrest_id is None:
            return
        loaded = self.detail is not None
        event = self.history.event_at(self.tree.currentIndex())
        live = event is not None and self.history.is_live(event)
        standing = loaded and not (self.detail and self.detail.withdrawn)
        self.add_offence_button.setEnabled(standing)
        self.record_button.setEnabled(standing and bool(self.detail and self.detail.offences))
        self.correct_button.setEnabled(standing and live)
        self.withdraw_button.setEnabled(standing and live)
        self.withdraw_arrest_button.setEnabled(standing)
        self.correct_arrest_button.setEnabled(standing)
        offence = self.history.offence_at(self.tree.currentIndex())
        offence_standing = standing and offence is not None and not offence.withdrawn
        self.correct_offence_button.setEnabled(offence_standing)
        self.withdraw_offence_button.setEnabled(offence_standing)
        current = self.outcome_in_force(offence.id) if offence is not None else None
        may_outcome = self.may_update if current is not None else self.may_append
        self.outcome_button.setEnabled(offence_standing and may_outcome)
        self.withdraw_outcome_button.setEnabled(offence_standing and current is not None and self.may_update)
        if offence is None:
            self.outcome_note.setText("Court outcome: select an offence to see or record its outcome.")
        elif current is None:
            self.outcome_note.setText(
                f"Court outcome of offence {escape(offence.offence_ref)}: none recorded."
            )
        else:
            said = escape(outcome_caption(current))
            self.outcome_note.setText(
                f"Court outcome of offence {escape(offence.offence_ref)}: <b>{said}</b>"
            )
        if loaded and not standing:
            self.ok_button.setEnabled(False)  # a withdrawn arrest's details are no longer edited

    def outcome_in_force(self, offence_id: int) -> OutcomeRow | None:
        live = [o for o in self.outcomes if o.offence_id == offence_id and o.in_force]
        return max(live, key=lambda o: (o.outcome_date, o.id)) if live else None

    def court_outcome(self) -> CourtOutcomeDialog | None:
        """Record the selected offence's court outcome, or correct the one in force."""
        offence = self.history.offence_at(self.tree.currentIndex())
        if self.detail is None or self.detail.withdrawn or offence is None or offence.withdrawn:
            return None
        current = self.outcome_in_force(offence.id)
        if not (self.may_update if current is not None else self.may_append):
            return None
        dialog = CourtOutcomeDialog(self.ctx, self.detail, offence, current, self)
        dialog.open()
        return dialog

    def withdraw_outcome(self) -> WithdrawOutcomeDialog | None:
        offence = self._offence_in_force()
        current = self.outcome_in_force(offence.id) if offence is not None else None
        if offence is None or current is None or self.detail is None:
            return None
        dialog = WithdrawOutcomeDialog(self.ctx, self.detail, offence, current, self)
        dialog.open()
        return dialog

    def withdraw_arrest(self) -> WithdrawArrestDialog | None:
        if self.detail is None or not self.may_update or self.detail.withdrawn:
            return None
        dialog = WithdrawArrestDialog(self.ctx, self.detail, self)
        dialog.open()
        return dialog

    def correct_arrest(self) -> CorrectArrestDialog | None:
        if self.detail is None or not self.may_update or self.detail.withdrawn:
            return None
        dialog = CorrectArrestDialog(self.ctx, self.detail, self)
        dialog.open()
        return dialog

    def _offence_in_force(self) -> OffenceRow | None:
        """The selected offence (or the selected event's), if it may still be corrected or withdrawn."""
        if self.detail is None or not self.may_update or self.detail.withdrawn:
            return None
        offence = self.history.offence_at(self.tree.currentIndex())
        return None if offence is None or offence.withdrawn else offence

    def correct_offence(self) -> CorrectOffenceDialog | None:
        offence = self._offence_in_force()
        if offence is None or self.detail is None:
            return None
        dialog = CorrectOffenceDialog(self.ctx, self.detail, offence, self)
        dialog.open()
        return dialog

    def withdraw_offence(self) -> WithdrawOffenceDialog | None:
        offence = self._offence_in_force()
        if offence is None or self.detail is None:
            return None
        dialog = WithdrawOffenceDialog(self.ctx, self.detail, offence, self)
        dialog.open()
        return dialog

    def add_offence(self) -> AddOffenceDialog | None:
        if self.detail is None or not self.may_append:
            return None
        dialog = AddOffenceDialog(self.ctx, self.detail, self)
        dialog.open()
        return dialog

    def record_disposal(self) -> RecordDisposalDialog | None:
        if self.detail is None or not self.may_append:
            return None
        offence = self.history.offence_at(self.tree.currentIndex())
        dialog = RecordDisposalDialog(self.ctx, self.detail, offence.id if offence else None, self)
        dialog.open()
        return dialog

    def correct_event(self) -> CorrectEventDialog | None:
        dialog = self._open_on_live_event(CorrectEventDialog)
        return dialog if isinstance(dialog, CorrectEventDialog) else None

    def withdraw_event(self) -> WithdrawEventDialog | None:
        dialog = self._open_on_live_event(WithdrawEventDialog)
        return dialog if isinstance(dialog, WithdrawEventDialog) else None

    def _open_on_live_event(
        self, kind: type[CorrectEventDialog] | type[WithdrawEventDialog]
    ) -> CorrectEventDialog | WithdrawEventDialog | None:
        """Correcting and withdrawing both act on the selected event, only while it is still in force."""
        index = self.tree.currentIndex()
        event, offence = self.history.event_at(index), self.history.offence_at(index)
        if not self.may_update or self.detail is None or event is None or offence is None:
            return None
        if not self.history.is_live(event):
            return None
        dialog = kind(self.ctx, self.detail, offence, event, self)
        dialog.open()
        return dialog
