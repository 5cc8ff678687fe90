"""Victim Navigator cases in the user's scope: a Navigator sees the people they support, managers and
HTT officers every case (read-only). Open cases first by default; "New case…" takes a person on."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.navigator import CaseStatus, NavigatorCaseRow, NavigatorFilter
from ui.context import AppContext
from ui.dialogs.navigator_dialog import NavigatorCaseDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.pages.list_page import ListPage
from ui.widgets.choices import enum_data


def yes_no(value: bool | None) -> str:
    return "not known" if value is None else ("Yes" if value else "No")


COLUMNS: tuple[ColumnSpec[NavigatorCaseRow], ...] = (
    ColumnSpec("Person", lambda r: r.person_name, "Kowalczyk-Nowak, Anna", cell_tip=lambda r: r.person_ref),
    ColumnSpec("Referred", lambda r: uk(r.referral_date), "00/00/0000", raw=lambda r: r.referral_date),
    ColumnSpec(
        "Support plan",
        lambda r: uk(r.support_plan_opened) if r.support_plan_opened else "not yet",
        "Support plan",
        raw=lambda r: r.support_plan_opened,
        muted=lambda r: r.support_plan_opened is None,
        tip="The date the support plan was opened",
    ),
    ColumnSpec(
        "Engaged now",
        lambda r: yes_no(r.engaged_now),
        "Engaged now",
        muted=lambda r: r.engaged_now is None,
        tip="Engaged with the police investigation now",
    ),
    ColumnSpec(
        "Needs", lambda r: r.needs, "Accommodation, Health, Mental health", cell_tip=lambda r: r.needs
    ),
    ColumnSpec("Navigator", lambda r: r.navigator or "none", "navigator", muted=lambda r: not r.navigator),
    ColumnSpec(
        "Closed",
        lambda r: f"{uk(r.closed_date)} \u2013 {r.closed_reason}" if r.closed_date else "open",
        raw=lambda r: r.closed_date,
        muted=lambda r: r.closed_date is None,
    ),
)


class NavigatorPage(ListPage):
    heading = "Victim Navigator"
    noun = ("case", "cases")
    export_entity = Entity.NAVIGATOR_CASE  # Copy and Export CSV of the current filter (managers)
    search_hint = "Name or person reference"
    shows = frozenset({Data.NAVIGATOR_CASE, Data.PERSON})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        service = ctx.backend.navigator
        model: PagedModel[NavigatorFilter] = PagedModel(
            COLUMNS,
            service.count,
            lambda q, _key, _desc, offset, limit: service.list(q, offset=offset, limit=limit),
            NavigatorFilter(),
        )
        super().__init__(ctx, model, parent)
        self.setObjectName("navigatorPage")
        self.can_create = ctx.may(Action.CREATE, Entity.NAVIGATOR_CASE)
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        for text, value in (
            ("Open cases", CaseStatus.OPEN),
            ("Closed cases", CaseStatus.CLOSED),
            ("All cases", CaseStatus.ALL),
        ):
            self.status.addItem(text, value)
        self.add_filter("&Show:", self.status, chars=12)
        self.new_button = QPushButton("&New case\u2026")
        self.new_button.setToolTip("Open a Navigator case for a person you will support (Alt+N)")
        self.new_button.setVisible(self.can_create)
        self.new_button.clicked.connect(self.new_case)
        self.add_command(self.new_button)
        samples = {i: c.sample for i, c in enumerate(COLUMNS) if c.sample}
        if self.can_create:
            empty = (
                "No open cases",
                "Open a case with New case\u2026 once a person has been assigned to you for support.",
            )
        else:
            empty = ("No open Navigator cases", "Cases appear here once a Victim Navigator opens them.")
        self.finish("navigatorTable", samples, empty_title=empty[0], empty_text=empty[1])
        if self.can_create:
            self.empty_panel.add_button("New case\u2026", self.new_case, default=True)
        self.wider_button = self.empty_panel.add_button(
            "Show all cases", lambda: self.status.setCurrentIndex(self.status.findData(CaseStatus.ALL))
        )
        self.wider_button.setVisible(self._unfiltered_total > 0)
        self._show_columns()

    def current_query(self) -> NavigatorFilter:
        return NavigatorFilter(
            text=self.search.text().strip(), status=enum_data(self.status, CaseStatus) or CaseStatus.OPEN
        )

    def default_query(self) -> NavigatorFilter:
        return NavigatorFilter()

    def apply_filters(self) -> None:
        super().apply_filters()
        self._show_columns()

    def _show_columns(self) -> None:
        """Open cases have no closing date: that column only where closed cases are listed."""
        self.table.setColumnHidden(len(COLUMNS) - 1, self.current_query().status is CaseStatus.OPEN)

    def total_query(self) -> NavigatorFilter:
        return NavigatorFilter(status=CaseStatus.ALL)

    def reset_filters(self) -> None:
        self.status.setCurrentIndex(0)

    def open_row(self, row: Any) -> None:
        NavigatorCaseDialog.start(self.ctx, row.id, self)

    def new_case(self, person_id: int | None = None) -> NavigatorCaseDialog | None:
        if not self.can_create:
            return None
        dialog = NavigatorCaseDialog.start(self.ctx, None, self, person_id=person_id)
        dialog.saved.connect(self._show_saved)
        return dialog

    def _show_saved(self, case_id: int) -> None:
        self.refresh(select=case_id)
