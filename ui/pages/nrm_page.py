"""NRM referrals and Duty to Notify reports in the user's scope, with the Reasonable Grounds clock.

Filtered and sorted in SQL (``NrmService.list``): text, route, age at referral, status ("RG overdue"
included) and submission dates. "RG expected" is the 5th working day after submission on the database's
calendar; "Waiting" counts calendar days since submission while a decision is still awaited (the
domain brief: show waiting time, never invent a CG deadline).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.nrm import AgeAtReferral, Route
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.nrm import ReferralQuery, ReferralRow, ReferralStatus
from ui.context import AppContext
from ui.dialogs.referral_dialog import ReferralDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.pages.list_page import ListPage
from ui.widgets.choices import enum_data
from ui.widgets.dates import OptionalDateEdit

AWAITING = (ReferralStatus.AWAITING_RG, ReferralStatus.RG_OVERDUE, ReferralStatus.AWAITING_CG)
SHORT_AGE = {
    AgeAtReferral.ADULT: "Adult",
    AgeAtReferral.CHILD: "Child",
    AgeAtReferral.DISPUTED: "Disputed",
    AgeAtReferral.UNKNOWN: "Unknown",
}


def rg_expected(r: ReferralRow) -> str:
    """The date, and the word "overdue" while the decision is late: not said by the red alone."""
    if r.rg_expected is None:
        return "\u2013"
    return uk(r.rg_expected) + (" (overdue)" if r.status is ReferralStatus.RG_OVERDUE else "")


def _name(r: ReferralRow) -> str:
    name = ", ".join(p for p in (r.surname, r.forenames) if p)
    return name or "Anonymous"


def columns(today: date) -> tuple[ColumnSpec[ReferralRow], ...]:
    def waiting(r: ReferralRow) -> int | None:
        return (today - r.submitted_date).days if r.status in AWAITING else None

    return (
        ColumnSpec("Reference", lambda r: r.referral_ref, "NRM-000000", sort_key="referral_ref"),
        ColumnSpec(
            "Person",
            _name,
            "Kowalczyk-Nowak, Anna",
            sort_key="person",
            muted=lambda r: not (r.surname or r.forenames),
            cell_tip=lambda r: r.person_ref,
        ),
        ColumnSpec(
            "Route",
            lambda r: "NRM" if r.route is Route.NRM else "DtN",
            "Route",
            sort_key="route",
            cell_tip=lambda r: r.route.label,
        ),
        ColumnSpec(
            "Age",
            lambda r: SHORT_AGE[r.age_at_referral],
            "Disputed",
            sort_key="age_at_referral",
            tip="Age at referral",
        ),
        ColumnSpec(
            "Submitted",
            lambda r: uk(r.submitted_date),
            "00/00/0000",
            sort_key="submitted_date",
            raw=lambda r: r.submitted_date,
        ),
        ColumnSpec(
            "RG expected",
            rg_expected,
            "00/00/0000 (overdue)",
            sort_key="submitted_date",
            raw=lambda r: r.rg_expected,
            tip="Reasonable Grounds decision expected by the 5th working day after submission",
            alert=lambda r: r.status is ReferralStatus.RG_OVERDUE,
            muted=lambda r: r.rg_expected is None,
        ),
        ColumnSpec(
            "Waiting",
            lambda r: "" if (w := waiting(r)) is None else f"{w:,} d",
            "Waiting",
            raw=waiting,
            right=True,
            tip="Days waiting: calendar days since submission, while an RG or CG decision is awaited",
        ),
        ColumnSpec(
            "Status",
            lambda r: "No decision" if r.status is ReferralStatus.DUTY_TO_NOTIFY else r.status.label,
            "Awaiting RG",
            sort_key="status",
            alert=lambda r: r.status is ReferralStatus.RG_OVERDUE,
        ),
        ColumnSpec(
            "Last decision",
            lambda r: r.last_decision,
            "Positive RG 00/00/0000",
            cell_tip=lambda r: r.last_decision,
        ),
        ColumnSpec(
            "Exploitation",
            lambda r: r.exploitation_label,
            sort_key="exploitation",
            cell_tip=lambda r: r.exploitation_label,
        ),
    )


class NrmPage(ListPage):
    heading = "NRM referrals"
    noun = ("referral", "referrals")
    export_entity = Entity.NRM_REFERRAL  # Copy and Export CSV of the current filter (managers)
    search_hint = "Reference, name, person or crime ref"
    shows = frozenset({Data.REFERRAL, Data.DECISION, Data.PERSON, Data.CALENDAR})  # calendar: RG dates

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        nrm = ctx.backend.nrm
        cols = columns(nrm.today)
        model: PagedModel[ReferralQuery] = PagedModel(
            cols,
            nrm.count,
            lambda q, key, desc, offset, limit: nrm.list(
                q, sort=key or "submitted_date", descending=desc, offset=offset, limit=limit
            ),
            ReferralQuery(),
            sort_column=4,
            descending=True,
        )
        super().__init__(ctx, model, parent)
        self.setObjectName("nrmPage")
        self.can_create = ctx.may(Action.CREATE, Entity.NRM_REFERRAL)
        self.route = QComboBox()
        self.route.setObjectName("routeFilter")
        self.route.addItem("Any route", None)
        for r in Route:
            self.route.addItem(r.label, r)
        self.age = QComboBox()
        self.age.setObjectName("ageFilter")
        self.age.addItem("Any age", None)
        for a in AgeAtReferral:
            self.age.addItem(SHORT_AGE[a], a)
        self.status = QComboBox()
        self.status.setObjectName("statusFilter")
        self.status.addItem("Any status", None)
        for s in ReferralStatus:
            self.status.addItem(s.label, s)
        self.submitted_from = OptionalDateEdit("Any date")
        self.submitted_to = OptionalDateEdit("Any date")
        self.submitted_from.setToolTip("Submitted on or after this date")
        self.submitted_to.setToolTip("Submitted on or before this date")
        self.add_filter("&Route:", self.route, gap=0, chars=11)
        self.add_filter("A&ge:", self.age, gap=12, chars=8)
        self.add_filter("&Status:", self.status, gap=12, chars=12)
        self.add_filter("S&ubmitted:", self.submitted_from, gap=12)
        self.add_filter("&to", self.submitted_to, gap=0)
        self.new_button = QPushButton("New r&eferral\u2026")
        self.new_button.setToolTip("Record an NRM referral or a Duty to Notify (Alt+N)")
        self.new_button.setVisible(self.can_create)
        self.new_button.clicked.connect(self.new_referral)
        self.add_command(self.new_button)
        samples = {i: c.sample for i, c in enumerate(cols) if c.sample}
        if self.can_create:
            empty = (
                "No NRM referrals yet",
                "Record a referral or a Duty to Notify with New referral\u2026 (Alt+N). "
                "The Reasonable Grounds clock starts from the submission date.",
            )
        else:
            empty = (
                "No NRM referrals to show",
                "Referrals appear here once the HTT records them"
                + (" for the victims assigned to you." if ctx.backend.actor.role.value == "vlo" else "."),
            )
        self.finish(
            "nrmTable", samples, empty_title=empty[0], empty_text=empty[1], sort_column=4, descending=True
        )
        if self.can_create:
            self.empty_panel.add_button("New referral\u2026", self.new_referral, default=True)
        if ctx.backend.may_import("nrm"):
            self.empty_panel.add_button("Import NRM register\u2026", self.import_register)

    def current_query(self) -> ReferralQuery:
        return ReferralQuery(
            text=self.search.text().strip(),
            route=enum_data(self.route, Route),
            age_at_referral=enum_data(self.age, AgeAtReferral),
            status=enum_data(self.status, ReferralStatus),
            submitted_from=self.submitted_from.value(),
            submitted_to=self.submitted_to.value(),
        )

    def default_query(self) -> ReferralQuery:
        return ReferralQuery()

    def reset_filters(self) -> None:
        for combo in (self.route, self.age, self.status):
            combo.setCurrentIndex(0)
        self.submitted_from.clear_value()
        self.submitted_to.clear_value()

    def show_overdue(self) -> None:
        """The Today page's "RG overdue" link lands here."""
        self.status.setCurrentIndex(self.status.findData(ReferralStatus.RG_OVERDUE))

    def open_row(self, row: Any) -> None:
        ReferralDialog.start(self.ctx, row.id, self)

    def new_referral(self, person_id: int | None = None) -> ReferralDialog | None:
        if not self.can_create:
            return None
        dialog = ReferralDialog.start(self.ctx, None, self, person_id=person_id)
        dialog.saved.connect(self._show_saved)
        return dialog

    def import_register(self) -> None:
        """The import window, set to the NRM register: a team moving from its spreadsheet starts here."""
        if not self.ctx.backend.may_import("nrm"):
            return
        from ui.dialogs.import_dialog import ImportDialog

        ImportDialog.start(self.ctx, self, "nrm")

    def _show_saved(self, referral_id: int) -> None:
        self.refresh(select=referral_id)
