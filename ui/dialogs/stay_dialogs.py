"""Haven House admissions and discharges.

Admitting offers only free beds; when none is free the dialog says so at once, plainly, and admits
nobody (the service refuses too, and a partial unique index stops two workstations filling one bed).
A stay may be anonymous: many people arrive not yet ready to give a name. Discharge asks where the person
went, which the COM summary reports. Times are London wall-clock times.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import DischargeDestination, HavenServiceGiven, ReceptionDecision
from mshtdesk.services.haven import BedRow, StayDetail, StayInput, StayRow, beds_free, full_house
from ui import palette
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.dialogs.navigator_dialog import person_combo
from ui.dialogs.record_form import RecordForm
from ui.widgets.choices import FlagGrid, enum_combo, enum_data, select_data
from ui.widgets.field_error import hint_label
from ui.widgets.moments import MomentEdit, london_text
from ui.widgets.tab_order import set_tab_order


def bed_caption(bed: BedRow) -> str:
    return f"{bed.label} ({bed.room})" if bed.room else bed.label


def full_message(beds: list[BedRow]) -> str:
    return (
        full_house(len(beds))
        if beds
        else "No beds are configured yet. An administrator sets them up under Administration \u203a "
        "Haven House beds."
    )


class StayDialog(RecordForm):
    """Admit someone (``stay_id`` None), or view and correct an admission."""

    record_name = "stay"

    @classmethod
    def start(
        cls, ctx: AppContext, stay_id: int | None, parent: QWidget | None, *, person_id: int | None = None
    ) -> StayDialog:
        dialog = cls(ctx, stay_id, parent, person_id=person_id)
        dialog.open()
        return dialog

    def __init__(
        self,
        ctx: AppContext,
        stay_id: int | None,
        parent: QWidget | None = None,
        *,
        person_id: int | None = None,
    ) -> None:
        new = stay_id is None
        super().__init__(
            ctx,
            "Admit to Haven House" if new else "Haven House stay",
            parent,
            ok_text="Admit" if new else "Save",
        )
        self.setObjectName("stayDialog")
        self.stay_id = stay_id
        self.may_update = ctx.may(Action.CREATE if new else Action.UPDATE, Entity.HAVEN_STAY)
        self.beds = ctx.backend.haven.beds()
        self.free = [b for b in self.beds if b.stay_id is None]
        self._build(new, person_id)
        self.resize(700, self.sizeHint().height())
        if new:
            if not self.free:
                self.full.show_error(full_message(self.beds))
                self.full.setStyleSheet(f"color: {palette.ALERT_HEX}; font-weight: bold;")
                self.ok_button.setEnabled(False)
            self.mark_clean()
        else:
            haven = ctx.backend.haven
            assert stay_id is not None
            self.open_record(lambda: haven.get(stay_id), "opening a Haven House stay")
        if not self.may_update:
            self.make_read_only(self._inputs())

    def _build(self, new: bool, person_id: int | None) -> None:
        self._build_layout(new, person_id)
        self._connect(new)
        self.bed.setFocus()

    def _connect(self, new: bool) -> None:
        """Wire the fields built by :meth:`_build_layout`: the person row follows "anonymous"."""
        self.anonymous.toggled.connect(lambda on: self.form.setRowVisible(self.person_row, not on))
        if not new:
            self.discharge_button.clicked.connect(self.discharge)

    def _build_layout(self, new: bool, person_id: int | None) -> None:
        self.bed = QComboBox()
        self.bed.setPlaceholderText("No bed is free" if new and not self.free else "Choose a bed")
        for b in self.free if new else self.beds:
            self.bed.addItem(bed_caption(b), b.id)
        self.bed.setCurrentIndex(0 if self.bed.count() else -1)
        self.add_field(
            "bed_id",
            "&Bed:",
            self.bed,
            hint=hint_label(beds_free(len(self.free), len(self.beds))) if new else None,
        )
        self.full = self._errors["bed_id"]  # a full house is said first, where the bed is chosen
        self.admitted_at = MomentEdit()
        self.admitted_at.set_latest(self.admitted_at.value())
        self.add_field("admitted_at", "A&dmitted at:", self.admitted_at)
        self.anonymous = QCheckBox("Anonymous (no name recorded)")
        self.anonymous.setChecked(person_id is None)
        self.person = person_combo(self.ctx)
        self.person.setAccessibleName("Person")  # its row's caption is on the checkbox above it
        if person_id is not None:
            select_data(self.person, person_id)
        self.add_field("anonymous", "Person:", self.anonymous)
        self.person_row = self.add_field("person", "", self.person)
        self.form.setRowVisible(self.person_row, not self.anonymous.isChecked())
        self.district = QComboBox()
        self.district.addItem("Not recorded", "")
        for d in self.ctx.reference.districts:
            if d.active:
                self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.add_field("referring_district", "Referring dis&trict:", self.district)
        self.operation = QLineEdit()
        self.operation.setPlaceholderText("Optional, e.g. Op Kestrel")
        self.add_field("operation", "O&peration:", self.operation)
        party = self._party_row()
        self.add_field(("adults", "children"), "Part&y:", party)
        self.reception = enum_combo(ReceptionDecision)
        select_data(self.reception, ReceptionDecision.UNDECIDED)
        self.add_field("nrm_decision_at_reception", "N&RM at reception:", self.reception)
        self.services = FlagGrid(list(HavenServiceGiven), columns=2)
        self.add_field("services", "&Services given:", self.services)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.add_field("notes", "N&otes:", self.notes)
        self.status = QLabel("")
        self.status.setObjectName("stayStatus")
        if not new:
            self.discharge_button = QPushButton("D&ischarge\u2026")
            self.discharge_button.setAutoDefault(False)
            self.discharge_button.setVisible(False)
            status_row = QWidget()
            row = QHBoxLayout(status_row)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.status)
            row.addSpacing(12)
            row.addWidget(self.discharge_button)
            row.addStretch(1)
            self.add_field("discharged_at", "Status:", status_row)
        set_tab_order(self._inputs())

    def _party_row(self) -> QWidget:
        """The party: so many adults and so many children, on one line."""
        self.adults = QSpinBox()
        self.adults.setRange(0, 20)
        self.adults.setValue(1)
        self.children_count = QSpinBox()
        self.children_count.setRange(0, 20)
        party = QWidget()
        row = QHBoxLayout(party)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.adults)
        adults_label = QLabel("adults and")
        adults_label.setBuddy(self.adults)
        row.addWidget(adults_label)
        row.addWidget(self.children_count)
        children_label = QLabel("children")
        children_label.setBuddy(self.children_count)
        row.addWidget(children_label)
        row.addStretch(1)
        return party

    def _inputs(self) -> list[QWidget]:
        """Every field, in tab order (also what a read-only form locks)."""
        return [
            self.bed,
            self.admitted_at,
            self.anonymous,
            self.person,
            self.district,
            self.operation,
            self.adults,
            self.children_count,
            self.reception,
            *self.services.boxes.values(),
            self.notes,
        ]

    def current_input(self) -> StayInput:
        person_id = None
        if not self.anonymous.isChecked() and self.person.currentIndex() >= 0:
            person_id = self.person.currentData()
        return StayInput(
            bed_id=self.bed.currentData() if self.bed.currentIndex() >= 0 else -1,
            admitted_at=self.admitted_at.value(),
            person_id=person_id,
            referring_district=self.district.currentData() or "",
            operation=self.operation.text().strip(),
            adults=self.adults.value(),
            children=self.children_count.value(),
            services=self.services.value(),
            nrm_decision_at_reception=enum_data(self.reception, ReceptionDecision)
            or ReceptionDecision.UNDECIDED,
            notes=self.notes.toPlainText().strip(),
        )

    def fill(self, detail: StayDetail) -> None:
        d, r = detail.data, detail.row
        self.setWindowTitle(
            f"Haven House stay \u2014 {r.person_name}" + (" (read only)" if self.read_only else "")
        )
        select_data(self.bed, d.bed_id)
        self.admitted_at.set_latest(max(self.admitted_at.value(), d.admitted_at))
        self.admitted_at.set_value(d.admitted_at)
        self.anonymous.setChecked(d.person_id is None)
        if d.person_id is not None:
            select_data(self.person, d.person_id)
            if self.person.currentIndex() < 0:  # not among those listed: still show who it is
                self.person.addItem(f"{r.person_name} ({r.person_ref})", d.person_id)
                self.person.setCurrentIndex(self.person.count() - 1)
        index = self.district.findData(d.referring_district)
        self.district.setCurrentIndex(max(index, 0))
        self.operation.setText(d.operation)
        self.adults.setValue(d.adults)
        self.children_count.setValue(d.children)
        select_data(self.reception, d.nrm_decision_at_reception)
        self.services.set_value(d.services)
        self.notes.setPlainText(d.notes)
        if r.discharged_at is None:
            self.status.setText(f"In the house since {london_text(r.admitted_at)}")
            self.discharge_button.setVisible(self.ctx.may(Action.UPDATE, Entity.HAVEN_STAY))
        else:
            where = r.discharge_destination.label if r.discharge_destination else "destination not recorded"
            self.status.setText(f"Discharged {london_text(r.discharged_at)} \u2014 {where}")
            self.discharge_button.setVisible(False)

    def discharge(self) -> DischargeDialog | None:
        """Discharge this stay (what was typed above must be saved first)."""
        if self.detail is None or self.detail.row.discharged_at is not None:
            return None
        if self.is_dirty():
            self.general_error.show_error("Save your changes first, then discharge.")
            return None
        dialog = DischargeDialog(self.ctx, self.detail.row, self)
        dialog.discharged.connect(lambda _id: self._reopen())
        dialog.open()
        return dialog

    def _reopen(self) -> None:
        assert self.stay_id is not None
        haven, stay_id = self.ctx.backend.haven, self.stay_id
        self.open_record(lambda: haven.get(stay_id), "opening a Haven House stay")

    def submit(self) -> None:
        if self.read_only:
            self.accept()
            return
        data = self.current_input()
        if not self.anonymous.isChecked() and data.person_id is None:
            self.show_errors({"person": "Choose the person, or tick Anonymous."})
            return
        if data.bed_id < 0:
            self.show_errors({"bed_id": full_message(self.beds) if not self.free else "Choose a bed."})
            return
        haven = self.ctx.backend.haven
        if self.stay_id is None:
            self.save(lambda: haven.admit(data), self.saved_record, context="admitting to Haven House")
            return
        self.save_changes(
            lambda stay_id, version: haven.update(stay_id, version, data), context="saving a stay"
        )


class DischargeDialog(FormDialog):
    """When the person left and where they went (required)."""

    discharged = Signal(int)

    def __init__(self, ctx: AppContext, stay: StayRow, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"Discharge \u2014 {stay.person_name}", parent, ok_text="Discharge")
        self.setObjectName("dischargeDialog")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.stay = stay
        who = QLabel(f"<b>{stay.person_name}</b>, {stay.bed}, in since {london_text(stay.admitted_at)}")
        self.add_field("stay", "Stay:", who)
        self.discharged_at = MomentEdit()
        self.discharged_at.set_earliest(stay.admitted_at)
        self.discharged_at.set_latest(self.discharged_at.value())
        self.add_field("discharged_at", "&Left at:", self.discharged_at)
        self.destination = enum_combo(DischargeDestination, placeholder="Choose where the person went")
        self.destination.setMaxVisibleItems(len(DischargeDestination))
        self.add_field("discharge_destination", "&Destination:", self.destination)
        set_tab_order([self.discharged_at, self.destination])
        self.setMinimumWidth(560)
        self.destination.setFocus()

    def submit(self) -> None:
        destination = enum_data(self.destination, DischargeDestination)
        if destination is None:
            self.show_errors({"discharge_destination": "Choose where the person went on leaving."})
            return
        when = self.discharged_at.value()
        haven, stay = self.ctx.backend.haven, self.stay
        self.save(
            lambda: haven.discharge(stay.id, stay.version, when, destination),
            self._done,
            context="discharging from Haven House",
        )

    def on_conflict(self, exc: object) -> None:
        self.general_error.show_error(str(exc))

    def _done(self, _version: int) -> None:
        self.discharged.emit(self.stay.id)
        self.accept()
