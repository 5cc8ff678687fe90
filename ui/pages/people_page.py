"""The People page: everyone in the user's record scope, found by name, alias or reference.

A victim liaison officer sees the victims assigned to them, a Victim Navigator those they support, the
others the whole force (the service narrows the list in SQL). Opening a person shows their pathway.
A :class:`ListPage` on one row: the liaison officer filter sits beside the search.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity
from ui.context import AppContext
from ui.dialogs.merge_dialog import may_merge
from ui.dialogs.person_dialog import may_assign_vlo
from ui.models.columns import samples
from ui.models.people_model import COLUMNS, PeopleFilter, PeopleModel
from ui.pages.list_page import ListPage


class PeoplePage(ListPage):
    heading = "People"
    noun = ("person", "people")
    export_entity = Entity.PERSON  # Copy and Export CSV of the current filter (managers)
    search_hint = "Name, alias or reference"
    search_width = (240, 380)
    shows = frozenset(
        {Data.PERSON, Data.CONTACT, Data.REFERRAL, Data.HAVEN_STAY, Data.NAVIGATOR_CASE}
    )  # a referral or an admission may add a person; taking a case on widens a Navigator's list
    no_match_title = "Nobody matches these filters"
    no_match_text = (
        "Try part of a surname or an alias, or a reference such as P-000012; "
        "check the liaison officer chosen."
    )
    empty_name = "emptyPeople"
    filters_in_head = True
    has_pathway = False  # the page's own "Open pathway" opens the selected person
    table_padding = 28

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, PeopleModel(ctx.backend.people), parent)
        self.setObjectName("peoplePage")
        self.can_create = ctx.may(Action.CREATE, Entity.PERSON)
        self.can_assign = may_assign_vlo(ctx)  # only they are offered the liaison officer filter
        scope = ctx.backend.actor.role.value
        if scope == "vlo":
            self.count_label.setToolTip("The victims assigned to you")
        elif scope == "navigator":
            self.count_label.setToolTip("The people whose cases you support")
        self._build_filters()
        self.open_button = QPushButton("&Open pathway")
        self.open_button.setToolTip("Show the selected person's pathway (Enter)")
        self.open_button.setEnabled(False)
        self.new_button = QPushButton("Ne&w person\u2026")
        self.new_button.setToolTip("Add a person to the victim pathway")
        self.new_button.setVisible(self.can_create)
        self.duplicates_button = QPushButton("Possible d&uplicates\u2026")
        self.duplicates_button.setObjectName("duplicatesButton")
        self.duplicates_button.setToolTip(
            "Records that are likely one person (same date of birth, names alike): check and merge them"
        )
        self.duplicates_button.setVisible(may_merge(ctx))
        self.add_command(self.duplicates_button, gap=12)
        self.add_command(self.open_button, gap=6)
        self.add_command(self.new_button, gap=0)
        self.finish(
            "peopleTable", samples(COLUMNS), empty_title="No people yet", empty_text=self._empty_hint()
        )
        self.empty_list = self.empty_panel
        if self.can_create:
            self.empty_panel.add_button("New person\u2026", self.new_person, default=True)
        self.new_button.clicked.connect(self.new_person)
        self.open_button.clicked.connect(self.open_current)
        self.duplicates_button.clicked.connect(self.find_duplicates)
        self.state_changed.connect(lambda: self.open_button.setEnabled(self.has_selection()))
        self.open_button.setEnabled(self.has_selection())

    def _build_filters(self) -> None:
        self.vlo_filter = QComboBox()
        self.vlo_filter.setObjectName("vloFilter")
        self.vlo_filter.setAccessibleName("Liaison officer")
        self.vlo_filter.addItem("Any liaison officer", None)
        self.vlo_filter.addItem("No liaison officer yet", "")
        self.vlo_filter.setToolTip("Find the victims of one liaison officer, or those still without one")
        if self.can_assign:
            for _id, username, display in self.ctx.backend.people.vlo_choices():
                self.vlo_filter.addItem(f"{display} ({username})" if display else username, username)
        self.add_filter("", self.vlo_filter, gap=0, chars=18)
        self.vlo_filter.setVisible(self.can_assign)

    def _empty_hint(self) -> str:
        role = self.ctx.backend.actor.role.value
        if self.can_create:
            return "Add a person with New person\u2026 (Alt+W); people also arrive with NRM referrals."
        if role == "vlo":
            return "Victims appear here once an HTT officer assigns them to you as their liaison officer."
        if role == "navigator":
            return "People appear here once you are recorded as supporting their case."
        return "People appear here once the HTT records them."

    # ----- what the filters mean ---------------------------------------------------------------
    def current_query(self) -> PeopleFilter:
        return PeopleFilter(self.search.text().strip(), self.vlo_filter.currentData())

    def default_query(self) -> PeopleFilter:
        return PeopleFilter()

    def reset_filters(self) -> None:
        self.vlo_filter.setCurrentIndex(0)

    # ----- commands ----------------------------------------------------------------------------
    def open_row(self, row: Any) -> None:
        from ui.dialogs.pathway_view import PathwayView

        PathwayView.start(self.ctx, row.id, self)

    def new_person(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.person_dialog import PersonDialog

        dialog = PersonDialog.start(self.ctx, None, self)
        dialog.saved.connect(self._created)

    def _created(self, person_id: int) -> None:
        self.refresh(select=person_id)

    def find_duplicates(self) -> None:
        """Find likely duplicates on the worker, then show them in the merge dialog."""
        if not may_merge(self.ctx):
            return
        people = self.ctx.backend.people
        self.duplicates_button.setEnabled(False)

        def found(pairs: list[Any]) -> None:
            self.duplicates_button.setEnabled(True)
            from ui.dialogs.merge_dialog import MergeDialog

            dialog = MergeDialog(self.ctx, self, pairs=pairs)
            dialog.merged.connect(lambda keep_id: self.refresh(select=keep_id))
            dialog.show()
            self.merge_dialog = dialog

        def failed(exc: BaseException) -> None:
            from ui import error_report

            self.duplicates_button.setEnabled(True)
            error_report.report(self, exc, "finding possible duplicates")

        self.ctx.tasks.run(lambda _job: people.duplicates(), done=found, failed=failed, owner=self)
