"""Haven House: who is in the house now (bed, since when, for how long), the beds, and the history.

The bed strip above the table shows each bed free or taken, with occupancy over the last 30 days (bed
nights used against available). Staff admit and discharge; readers (managers, HTT officers) see the
same page without the commands. Anonymous stays read "Anonymous".
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QVBoxLayout, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import london_date
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.support import Occupancy, ReceptionDecision, describe_length
from mshtdesk.services.haven import BedRow, StayFilter, StayRow
from ui import palette
from ui.context import AppContext
from ui.dialogs.stay_dialogs import DischargeDialog, StayDialog, bed_caption, full_message
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.pages.list_page import ListPage
from ui.tasks import Job
from ui.widgets.flow_layout import FlowLayout
from ui.widgets.moments import london_text
from ui.wording import plural

OCCUPANCY_DAYS = 30
_CHIP = "QLabel {{ background: {}; color: {}; border: 1px solid {}; border-radius: 3px; }}"


def chip_style(free: bool) -> str:
    """A bed chip's style, read when drawn: the palette's variant follows the system's light or dark."""
    if free:
        return _CHIP.format(palette.FREE_BACKGROUND_HEX, palette.FREE_INK_HEX, palette.FREE_LINE_HEX)
    return _CHIP.format(palette.TAKEN_BACKGROUND_HEX, palette.TAKEN_INK_HEX, palette.TAKEN_LINE_HEX)


SHORT_RECEPTION = {
    ReceptionDecision.CONSENTED: "Consented",
    ReceptionDecision.DECLINED_DTN: "Declined (DtN)",
    ReceptionDecision.CHILD_REFERRED: "Child referred",
    ReceptionDecision.UNDECIDED: "Undecided",
}


def party(r: StayRow) -> str:
    parts = [plural(r.adults, "adult")] if r.adults else []
    if r.children:
        parts.append(plural(r.children, "child", "children"))
    return ", ".join(parts)


COLUMNS: tuple[ColumnSpec[StayRow], ...] = (
    ColumnSpec(
        "Person",
        lambda r: r.person_name,
        "Kowalczyk, Agnieszka",
        muted=lambda r: r.person_id is None,
        cell_tip=lambda r: r.person_ref,
    ),
    ColumnSpec("Bed", lambda r: r.bed, "Bed 00 (Room 0)"),
    ColumnSpec(
        "Admitted", lambda r: london_text(r.admitted_at), "00/00/0000 00:00", raw=lambda r: r.admitted_at
    ),
    ColumnSpec(
        "Length of stay",
        lambda r: describe_length(r.length_of_stay),
        "00 days 00 h",
        raw=lambda r: r.length_of_stay,
        tip="To discharge, or to now while the person is in the house",
    ),
    ColumnSpec(
        "Bed nights", lambda r: str(r.bed_nights), "Bed nights", raw=lambda r: r.bed_nights, right=True
    ),
    ColumnSpec("Party", party, "1 adult, 1 child"),
    ColumnSpec("District", lambda r: r.referring_district, "District", tip="Referring district"),
    ColumnSpec(
        "NRM at reception",
        lambda r: SHORT_RECEPTION[r.nrm_decision_at_reception],
        "NRM at reception",
        cell_tip=lambda r: r.nrm_decision_at_reception.label,
    ),
    ColumnSpec(
        "Discharged",
        lambda r: london_text(r.discharged_at) if r.discharged_at else "in the house",
        "00/00/0000 00:00",
        raw=lambda r: r.discharged_at,
        muted=lambda r: r.discharged_at is None,
    ),
    ColumnSpec(
        "Destination",
        lambda r: r.discharge_destination.label if r.discharge_destination else "",
        "Returned to previous situation",
    ),
    ColumnSpec("Operation", lambda r: r.operation, cell_tip=lambda r: r.operation),
)


DISCHARGED = next(i for i, c in enumerate(COLUMNS) if c.header == "Discharged")
DESTINATION = DISCHARGED + 1


class BedStrip(QWidget):
    """The totals and occupancy on one line; under it one small box per bed in use, free or taken,
    as many to a row as the width holds, so a large house or a large text size still fits the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("bedStrip")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.summary = QLabel("")
        self.summary.setObjectName("bedSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        # The chips wrap onto as many rows as the width needs (many beds, or a large text size).
        self.grid = FlowLayout(spacing=6, row_spacing=4)
        layout.addLayout(self.grid)
        self.boxes: list[QLabel] = []

    def show_beds(self, beds: list[BedRow], occupancy: str) -> None:
        for box in self.boxes:
            self.grid.removeWidget(box)
            box.hide()  # gone at once, not only when the event loop next deletes it
            box.deleteLater()
        self.boxes = []
        taken = sum(1 for b in beds if b.stay_id is not None)
        self.summary.setText(
            (
                f"<b>{taken} of {plural(len(beds), 'bed')} occupied</b>"
                if beds
                else "<b>No beds configured</b>"
            )
            + (f" \u00b7 {occupancy}" if occupancy else "")
        )
        for b in beds:
            free = b.stay_id is None
            box = QLabel(f"{b.label}: {'free' if free else 'taken'}")
            box.setToolTip(bed_caption(b))
            box.setObjectName("bedFree" if free else "bedTaken")
            box.setContentsMargins(6, 2, 6, 2)
            box.setStyleSheet(chip_style(free))
            self.grid.addWidget(box)
            self.boxes.append(box)


class HavenPage(ListPage):
    heading = "Haven House"
    noun = ("stay", "stays")
    export_entity = Entity.HAVEN_STAY  # Copy and Export CSV of the current filter (managers)
    search_hint = "Name, person reference or operation"
    shows = frozenset({Data.HAVEN_STAY, Data.HAVEN_BED, Data.PERSON})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        haven = ctx.backend.haven
        model: PagedModel[StayFilter] = PagedModel(
            COLUMNS,
            haven.count,
            lambda q, _key, _desc, offset, limit: haven.stays(q, offset=offset, limit=limit),
            StayFilter(),
        )
        super().__init__(ctx, model, parent)
        self.setObjectName("havenPage")
        self.can_admit = ctx.may(Action.CREATE, Entity.HAVEN_STAY)
        self.can_discharge = ctx.may(Action.UPDATE, Entity.HAVEN_STAY)
        self.show_filter = QComboBox()
        self.show_filter.setObjectName("showFilter")
        self.show_filter.addItem("In the house now", True)
        self.show_filter.addItem("All stays (history)", False)
        self.add_filter("&Show:", self.show_filter, gap=0, chars=17)
        self.admit_button = QPushButton("&Admit\u2026")
        self.admit_button.setToolTip("Admit someone to a free bed (Alt+A)")
        self.admit_button.setVisible(self.can_admit)
        self.admit_button.clicked.connect(self.admit)
        self.discharge_button = QPushButton("D&ischarge\u2026")
        self.discharge_button.setToolTip("Record that the selected person left, and where they went")
        self.discharge_button.setVisible(self.can_discharge)
        self.discharge_button.setEnabled(False)
        self.discharge_button.clicked.connect(self.discharge_selected)
        self.add_command(self.discharge_button)
        self.add_command(self.admit_button)
        self.beds = BedStrip()
        self.above_table.addWidget(self.beds)
        samples = {i: c.sample for i, c in enumerate(COLUMNS) if c.sample}
        self.finish(
            "havenTable",
            samples,
            empty_title="Nobody is in Haven House now",
            empty_text="Admit someone with Admit\u2026 (Alt+A); past stays are under Show \u203a All stays."
            if self.can_admit
            else "Past stays are under Show \u203a All stays.",
        )
        if self.can_admit:
            self.empty_panel.add_button("Admit\u2026", self.admit, default=True)
        self.wider_button = self.empty_panel.add_button(
            "Show all stays", lambda: self.show_filter.setCurrentIndex(1)
        )
        self.wider_button.setVisible(self._unfiltered_total > 0)
        self.state_changed.connect(self._update_buttons)
        self._show_columns()
        self.read_beds()

    # ----- the beds --------------------------------------------------------------------------------
    def read_beds(self) -> None:
        """Read the beds and the recent occupancy on the worker, like the list."""
        haven = self.ctx.backend.haven

        def read(_job: Job) -> tuple[list[BedRow], Occupancy]:
            today = london_date(haven.now)
            beds = haven.beds()
            return beds, haven.occupancy(today - timedelta(days=OCCUPANCY_DAYS), today - timedelta(days=1))

        self.ctx.tasks.run(read, done=lambda r: self._show_beds(*r), owner=self, context="reading the beds")

    def _show_beds(self, beds: list[BedRow], occ: Occupancy) -> None:
        text = ""
        if occ.rate is not None:
            text = (
                f"occupancy over the last {OCCUPANCY_DAYS} nights {occ.rate:.0%} "
                f"({occ.bed_nights_used} of {occ.bed_nights_available} bed nights)"
            )
        self.beds.show_beds(beds, text)
        self.free_beds = [b for b in beds if b.stay_id is None]
        self.all_beds = beds
        self.admit_button.setToolTip(
            "Admit someone to a free bed (Alt+A)" if self.free_beds else full_message(beds)
        )

    def refresh(self, select: int | None = None) -> None:
        super().refresh(select)
        self.read_beds()

    # ----- filters ---------------------------------------------------------------------------------
    def current_query(self) -> StayFilter:
        return StayFilter(in_house=bool(self.show_filter.currentData()), text=self.search.text().strip())

    def default_query(self) -> StayFilter:
        return StayFilter()

    def apply_filters(self) -> None:
        super().apply_filters()
        self._show_columns()

    def _show_columns(self) -> None:
        """Who is in now has no discharge yet: those columns only in the history."""
        in_house = bool(self.show_filter.currentData())
        for col in (DISCHARGED, DESTINATION):
            self.table.setColumnHidden(col, in_house)

    def total_query(self) -> StayFilter:
        return StayFilter(in_house=False)

    def reset_filters(self) -> None:
        self.show_filter.setCurrentIndex(0)

    def _update_buttons(self) -> None:
        row = self.selected_row()
        self.discharge_button.setEnabled(row is not None and row.discharged_at is None)

    # ----- commands --------------------------------------------------------------------------------
    def open_row(self, row: Any) -> None:
        StayDialog.start(self.ctx, row.id, self)

    def admit(self, person_id: int | None = None) -> StayDialog | None:
        if not self.can_admit:
            return None
        dialog = StayDialog.start(self.ctx, None, self, person_id=person_id)
        dialog.saved.connect(self._show_saved)
        return dialog

    def discharge_selected(self) -> DischargeDialog | None:
        row = self.selected_row()
        if row is None or row.discharged_at is not None or not self.can_discharge:
            return None
        dialog = DischargeDialog(self.ctx, row, self)
        dialog.open()
        return dialog

    def _show_saved(self, stay_id: int) -> None:
        self.refresh(select=stay_id)
