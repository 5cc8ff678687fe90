"""A Victim Navigator case: open one for a person, keep it up to date, close it with a reason.

The needs are ticked flags; engagement with the police (at the start, now, at charge) and the court
outcomes are yes / no / not known, because "not known yet" is not "no" and the headline measure
(engagement with police investigations) must not count unknowns as refusals. A role that may only read
cases (a manager, an HTT officer) sees the same form, read-only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import NavigatorCloseReason, NavigatorNeed
from mshtdesk.services.navigator import NavigatorCaseDetail, NavigatorCaseInput
from mshtdesk.services.people import PersonRow
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.dialogs.record_form import RecordForm
from ui.widgets.choices import FlagGrid, YesNo, enum_combo, enum_data
from ui.widgets.dates import DateEdit, OptionalDateEdit, to_qdate
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order

SEARCH_LIMIT = 50  # people added to the chooser per search: enough to pick from, never the whole register


def _person_label(surname: str, forenames: str, person_ref: str) -> str:
    name = ", ".join(x for x in (surname, forenames) if x)
    return f"{name} ({person_ref})" if name else person_ref


def person_combo(ctx: AppContext, limit: int = 500) -> QComboBox:
    """The people the user may see (their scope), searchable by typing; data: the person's id.

    It opens with the first ``limit`` people; typing (after a short pause) asks the service for the
    people matching the text (name, alias or reference, in SQL) and adds them, so anyone in scope can be
    found however large the register grows.
    """
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    edit = combo.lineEdit()
    assert edit is not None
    edit.setPlaceholderText("Type a name or reference")
    people = ctx.backend.people
    known: set[int] = set()

    def add(rows: list[PersonRow]) -> bool:
        added = False
        for p in rows:
            if p.id not in known:
                known.add(p.id)
                combo.addItem(_person_label(p.surname, p.forenames, p.person_ref), p.id)
                added = True
        return added

    add(people.list("", limit=limit))
    combo.setCurrentIndex(-1)
    completer = combo.completer()
    assert completer is not None  # an editable combo box has one
    completer.setFilterMode(completer.filterMode().MatchContains)
    completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)

    pause = QTimer(combo)
    pause.setSingleShot(True)
    pause.setInterval(250)

    def search() -> None:
        text = edit.text().strip()
        if len(text) < 2:
            return
        if add(people.list(text, limit=SEARCH_LIMIT)) and edit.hasFocus():
            completer.setCompletionPrefix(text)
            completer.complete()  # show the newly found people under what was typed

    pause.timeout.connect(search)
    edit.textEdited.connect(lambda _text: pause.start())
    return combo


class NavigatorCaseDialog(RecordForm):
    record_name = "Navigator case"

    @classmethod
    def start(
        cls,
        ctx: AppContext,
        case_id: int | None,
        parent: QWidget | None,
        *,
        person_id: int | None = None,
        person_name: str = "",
    ) -> NavigatorCaseDialog:
        """Open case ``case_id``, or a new case (for ``person_id`` when given: the pathway view)."""
        dialog = cls(ctx, case_id, parent, person_id=person_id, person_name=person_name)
        dialog.open()
        return dialog

    def __init__(
        self,
        ctx: AppContext,
        case_id: int | None,
        parent: QWidget | None = None,
        *,
        person_id: int | None = None,
        person_name: str = "",
    ) -> None:
        new = case_id is None
        super().__init__(
            ctx,
            "New Navigator case" if new else "Navigator case",
            parent,
            ok_text="Open case" if new else "Save",
        )
        self.setObjectName("navigatorCaseDialog")
        self.case_id = case_id
        self.person_id = person_id
        self.may_update = ctx.may(Action.CREATE if new else Action.UPDATE, Entity.NAVIGATOR_CASE)
        self._build(new)
        self.person_label.setText(f"<b>{person_name}</b>" if person_name else "")
        self.resize(760, self.sizeHint().height())
        if new:
            self.mark_clean()
        else:
            navigator = ctx.backend.navigator
            assert case_id is not None
            self.open_record(lambda: navigator.get(case_id), "opening a Navigator case")
        if not self.may_update:
            self.make_read_only(self._inputs())

    # ----- layout ------------------------------------------------------------------------------
    def _build(self, new: bool) -> None:
        self._build_layout(new)
        self.close_button.clicked.connect(self.close_case)  # the only wiring: fields are read on save
        (self.person or self.referral_date).setFocus()

    def _build_layout(self, new: bool) -> None:
        self._build_person(new)
        engagement, outcomes = self._build_fields()
        self.add_field("referral_date", "&Referred on:", self.referral_date)
        self.add_field("referral_source", "Referral &source:", self.referral_source)
        self.add_field("consent", "Consent:", self.consent)
        self.add_field("support_plan_opened", "Support &plan opened:", self.support_plan)
        self.add_field("needs", "Nee&ds:", self.needs)
        self.add_field(
            ("engaged_at_start", "engaged_now", "engaged_at_charge"),
            "&Engaged with police:",
            engagement,
            hint=hint_label(
                "Co-operating with the police investigation; \u201cnot known\u201d is not \u201cno\u201d."
            ),
        )
        self.add_field("statement_date", "S&tatement / ABE:", self.statement_date)
        self.add_field(("attended_court", "gave_evidence", "repatriated"), "Outcomes:", outcomes)
        self.add_field("notes", "N&otes:", self.notes)
        self.status = QLabel("")
        self.status.setObjectName("caseStatus")
        self.close_button = QPushButton("Close case\u2026")
        self.close_button.setToolTip("Record that support ended, with the date and the reason")
        self.close_button.setAutoDefault(False)
        self.close_button.setVisible(False)
        if not new:
            status_row = self._row(("", self.status), ("", self.close_button))
            self.add_field(("closed_date", "closed_reason"), "Status:", status_row)
        chain = self._inputs()
        if not new:
            chain.append(self.close_button)
        set_tab_order(chain)

    def _build_person(self, new: bool) -> None:
        """The person: chosen among those the user may see for a new case, else named."""
        self.person_label = QLabel("")
        self.person_label.setObjectName("personName")
        self.person: QComboBox | None = None
        if new and self.person_id is None:
            self.person = person_combo(self.ctx)
            self.person.setMinimumWidth(320)
            self.add_field(
                "person",
                "&Person:",
                self.person,
                hint=hint_label(
                    "The people you may see. A person appears here once they are assigned to you; "
                    "opening the case makes you their Navigator."
                ),
            )
        else:
            self.add_field("person", "Person:", self.person_label)

    def _build_fields(self) -> tuple[QWidget, QWidget]:
        """The case's fields, and the engagement and outcome rows that group some of them."""
        today = self.ctx.backend.navigator.today
        self.referral_date = DateEdit(today)
        self.referral_date.setMaximumDate(to_qdate(today))
        self.referral_source = QLineEdit()
        self.referral_source.setPlaceholderText("e.g. HTT officer, Haven House, Salvation Army")
        self.consent = QCheckBox("The person consents to support from the Navigator")
        self.support_plan = OptionalDateEdit("Not yet")
        self.support_plan.setMaximumDate(to_qdate(today))
        self.needs = FlagGrid(list(NavigatorNeed), columns=4)
        self.engaged_at_start = YesNo()
        self.engaged_now = YesNo()
        self.engaged_at_charge = YesNo("Not known / no charge yet")
        engagement = self._row(
            ("At start:", self.engaged_at_start),
            ("Now:", self.engaged_now),
            ("At charge:", self.engaged_at_charge),
        )
        self.statement_date = OptionalDateEdit("None yet")
        self.statement_date.setMaximumDate(to_qdate(today))
        self.attended_court = YesNo()
        self.gave_evidence = YesNo()
        self.repatriated = YesNo()
        outcomes = self._row(
            ("Attended court:", self.attended_court),
            ("Gave evidence:", self.gave_evidence),
            ("Repatriated:", self.repatriated),
        )
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        return engagement, outcomes

    @staticmethod
    def _row(*pairs: tuple[str, QWidget]) -> QWidget:
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        col = 0
        for text, widget in pairs:
            if text:
                label = QLabel(text)
                label.setBuddy(widget)
                grid.addWidget(label, 0, col)
                col += 1
            grid.addWidget(widget, 0, col)
            grid.setColumnMinimumWidth(col, 0)
            col += 1
            grid.setColumnMinimumWidth(col, 14)
            col += 1
        grid.setColumnStretch(col, 1)
        return box

    def _inputs(self) -> list[QWidget]:
        """Every field, in tab order (also what a read-only form locks)."""
        widgets: list[QWidget] = [w for w in (self.person,) if w is not None]
        return widgets + [
            self.referral_date,
            self.referral_source,
            self.consent,
            self.support_plan,
            *self.needs.boxes.values(),
            self.engaged_at_start,
            self.engaged_now,
            self.engaged_at_charge,
            self.statement_date,
            self.attended_court,
            self.gave_evidence,
            self.repatriated,
            self.notes,
        ]

    # ----- the record ----------------------------------------------------------------------------
    def current_input(self) -> NavigatorCaseInput:
        return NavigatorCaseInput(
            referral_date=self.referral_date.value(),
            referral_source=self.referral_source.text().strip(),
            consent=self.consent.isChecked(),
            support_plan_opened=self.support_plan.value(),
            needs=self.needs.value(),
            engaged_at_start=self.engaged_at_start.value(),
            engaged_now=self.engaged_now.value(),
            engaged_at_charge=self.engaged_at_charge.value(),
            statement_date=self.statement_date.value(),
            attended_court=self.attended_court.value(),
            gave_evidence=self.gave_evidence.value(),
            repatriated=self.repatriated.value(),
            notes=self.notes.toPlainText(),
        )

    def fill(self, detail: NavigatorCaseDetail) -> None:
        d = detail.data
        self.setWindowTitle(
            f"Navigator case \u2014 {detail.person_name}" + (" (read only)" if self.read_only else "")
        )
        self.person_label.setText(f"<b>{detail.person_name}</b> ({detail.person_ref})")
        self.referral_date.set_value(d.referral_date)
        self.referral_source.setText(d.referral_source)
        self.consent.setChecked(d.consent)
        self.support_plan.set_value(d.support_plan_opened)
        self.needs.set_value(d.needs)
        for box, value in (
            (self.engaged_at_start, d.engaged_at_start),
            (self.engaged_now, d.engaged_now),
            (self.engaged_at_charge, d.engaged_at_charge),
            (self.attended_court, d.attended_court),
            (self.gave_evidence, d.gave_evidence),
            (self.repatriated, d.repatriated),
        ):
            box.set_value(value)
        self.statement_date.set_value(d.statement_date)
        self.notes.setPlainText(d.notes)
        navigator = f"Navigator: {detail.navigator}" if detail.navigator else "No Navigator recorded"
        if detail.closed_date is not None:
            reason = detail.closed_reason.label if detail.closed_reason else ""
            self.status.setText(f"Closed on {uk(detail.closed_date)}: {reason} \u00b7 {navigator}")
            self.close_button.setVisible(False)
        else:
            self.status.setText(f"Open \u00b7 {navigator}")
            self.close_button.setVisible(self.may_update)

    def submit(self) -> None:
        if self.read_only:
            self.accept()
            return
        service = self.ctx.backend.navigator
        data = self.current_input()
        if self.case_id is None:
            person_id = self.person_id
            if self.person is not None:
                person_id = self.person.currentData() if self.person.currentIndex() >= 0 else None
                if person_id is None or self.person.currentText() != self.person.itemText(
                    self.person.currentIndex()
                ):
                    self.show_errors({"person": "Choose the person from the list."})
                    return
            assert person_id is not None
            self.save(
                lambda: service.create(person_id, data),
                self.saved_record,
                context="opening a Navigator case",
            )
            return
        self.save_changes(
            lambda case_id, version: service.update(case_id, version, data),
            context="saving a Navigator case",
        )

    # ----- closing the case ------------------------------------------------------------------------
    def close_case(self) -> CloseCaseDialog | None:
        if self.detail is None or self.read_only:
            return None
        if self.is_dirty():
            self.general_error.show_error("Save your changes first, then close the case.")
            return None
        dialog = CloseCaseDialog(self.ctx, self.detail, self)
        dialog.closed.connect(self._case_closed)
        dialog.open()
        return dialog

    def _case_closed(self) -> None:
        assert self.case_id is not None
        case_id = self.case_id
        navigator = self.ctx.backend.navigator
        self.open_record(lambda: navigator.get(case_id), "opening a Navigator case")


class CloseCaseDialog(FormDialog):
    """When and why support ended; "Other" needs a note (kept, dated, in the case notes)."""

    closed = Signal()

    def __init__(self, ctx: AppContext, detail: NavigatorCaseDetail, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, f"Close Navigator case \u2014 {detail.person_name}", parent, ok_text="Close case"
        )
        self.setObjectName("closeCaseDialog")
        self.detail = detail
        today = ctx.backend.navigator.today
        self.closed_on = DateEdit(today)
        self.closed_on.setMinimumDate(to_qdate(detail.data.referral_date))
        self.closed_on.setMaximumDate(to_qdate(today))
        self.reason = enum_combo(NavigatorCloseReason, placeholder="Choose the reason")
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.add_field("closed_date", "Closed &on:", self.closed_on)
        self.add_field("closed_reason", "&Reason:", self.reason)
        self.add_field(
            "note",
            "&Note:",
            self.note,
            hint=hint_label("Required for \u201cOther\u201d; added to the case notes."),
        )
        self.setMinimumWidth(520)
        set_tab_order([self.closed_on, self.reason, self.note])
        self.reason.setFocus()

    def submit(self) -> None:
        reason = enum_data(self.reason, NavigatorCloseReason)
        if reason is None:
            self.show_errors({"closed_reason": "Choose why the case closed."})
            return
        closed_on: date = self.closed_on.value()
        note = self.note.toPlainText()
        if reason is NavigatorCloseReason.OTHER and not note.strip():  # said where the answer goes
            self.show_errors({"note": "Say why the case closed."})
            return
        service = self.ctx.backend.navigator
        case_id, version = self.detail.id, self.detail.version
        self.save(
            lambda: service.close(case_id, version, closed_on, reason, note),
            self._done,
            context="closing a Navigator case",
        )

    def _done(self, _version: int) -> None:
        self.closed.emit()
        self.accept()
