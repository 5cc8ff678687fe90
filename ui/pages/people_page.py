"""The People page: everyone in the user's record scope, found by name, alias or reference.

A victim liaison officer sees the victims assigned to them, a Victim Navigator those they support, the
others the whole force (the service narrows the list in SQL). Opening a person shows their pathway.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity
from ui.context import AppContext
from ui.dialogs.person_dialog import may_assign_vlo
from ui.models.people_model import HEADERS, PeopleModel, PersonColumn
from ui.pages.base import Page
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order
from ui.wording import plural

TEXT_DELAY_MS = 250
#: Changes after which the list may be stale.


class PeoplePage(Page):
    shows = frozenset(
        {Data.PERSON, Data.CONTACT, Data.REFERRAL, Data.HAVEN_STAY, Data.NAVIGATOR_CASE}
    )  # a referral or an admission may add a person; taking a case on widens a Navigator's list
    can_find = True
    can_open = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("peoplePage")
        self.can_create = ctx.may(Action.CREATE, Entity.PERSON)
        self.can_assign = may_assign_vlo(ctx)  # only they are offered the liaison officer filter
        self.model = PeopleModel(ctx.backend.people, self)
        self._unfiltered_total = 0
        self._build()
        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DELAY_MS)
        self._text_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._text_timer.start())
        self.search.returnPressed.connect(self.apply_filters)
        self.vlo_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.clear_button.clicked.connect(self.clear_filters)
        self.new_button.clicked.connect(self.new_person)
        self.open_button.clicked.connect(self.open_current)
        self.table.activated.connect(self._open_index)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.reload()

    # ----- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("People")
        title.setObjectName("pageTitle")
        self.count_label = QLabel("")
        self.count_label.setObjectName("resultCount")
        scope = self.ctx.backend.actor.role.value
        if scope == "vlo":
            self.count_label.setToolTip("The victims assigned to you")
        elif scope == "navigator":
            self.count_label.setToolTip("The people whose cases you support")
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Name, alias or reference")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(240)
        self.search.setMaximumWidth(380)
        find_label = QLabel("Fi&nd:")
        find_label.setBuddy(self.search)
        self.vlo_filter = QComboBox()
        self.vlo_filter.setObjectName("vloFilter")
        self.vlo_filter.setAccessibleName("Liaison officer")
        self.vlo_filter.addItem("Any liaison officer", None)
        self.vlo_filter.addItem("No liaison officer yet", "")
        self.vlo_filter.setToolTip("Find the victims of one liaison officer, or those still without one")
        if self.can_assign:
            for _id, username, display in self.ctx.backend.people.vlo_choices():
                self.vlo_filter.addItem(f"{display} ({username})" if display else username, username)
        self.vlo_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.vlo_filter.setMinimumContentsLength(18)
        self.vlo_filter.setVisible(self.can_assign)
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setEnabled(False)
        self.open_button = QPushButton("&Open pathway")
        self.open_button.setToolTip("Show the selected person's pathway (Enter)")
        self.open_button.setEnabled(False)
        self.new_button = QPushButton("Ne&w person\u2026")
        self.new_button.setToolTip("Add a person to the victim pathway")
        self.new_button.setVisible(self.can_create)

        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.count_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(find_label)
        head.addWidget(self.search, 2)
        head.addWidget(self.vlo_filter)
        head.addWidget(self.clear_button)
        head.addSpacing(12)
        head.addWidget(self.open_button)
        head.addWidget(self.new_button)

        samples = {
            PersonColumn.REF: "P-000000",
            PersonColumn.SURNAME: "Kowalczykowska",
            PersonColumn.FORENAMES: "Anna-Maria Elena",
            PersonColumn.DATE_OF_BIRTH: "not recorded",
            PersonColumn.NATIONALITY: "Congolese (DRC)",
            PersonColumn.VLO: "Liaison officer",
        }
        self.table = record_table("peopleTable", "People", self.model, samples, HEADERS, padding=28)

        role = self.ctx.backend.actor.role.value
        if self.can_create:
            hint = "Add a person with New person\u2026 (Alt+W); people also arrive with NRM referrals."
        elif role == "vlo":
            hint = "Victims appear here once an HTT officer assigns them to you as their liaison officer."
        elif role == "navigator":
            hint = "People appear here once you are recorded as supporting their case."
        else:
            hint = "People appear here once the HTT records them."
        self.empty_list = StatePanel("No people yet", hint)
        self.empty_list.setObjectName("emptyPeople")
        if self.can_create:
            self.empty_list.add_button("New person\u2026", self.new_person, default=True)
        self.no_match = StatePanel(
            "Nobody matches these filters",
            "Try part of a surname or an alias, or a reference such as P-000012; "
            "check the liaison officer chosen.",
        )
        self.no_match.setObjectName("noMatch")
        self.no_match.add_button("Clear filters", self.clear_filters, default=True)
        self.body = QStackedWidget()
        for w in (self.table, self.empty_list, self.no_match):
            self.body.addWidget(w)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        set_tab_order(
            [self.search, self.vlo_filter, self.clear_button, self.table, self.open_button, self.new_button]
        )

    # ----- filtering and reading ---------------------------------------------------------------
    def filters_active(self) -> bool:
        return bool(self.search.text().strip()) or self.vlo_filter.currentData() is not None

    def apply_filters(self) -> None:
        self._text_timer.stop()
        self.model.set_filter(self.search.text(), self.vlo_filter.currentData())
        self._update_state()

    def clear_filters(self) -> None:
        for w in (self.search, self.vlo_filter):
            w.blockSignals(True)
        self.search.clear()
        self.vlo_filter.setCurrentIndex(0)
        for w in (self.search, self.vlo_filter):
            w.blockSignals(False)
        self.apply_filters()

    def reload(self) -> None:
        self._unfiltered_total = self.ctx.backend.people.count()
        wanted = (self.search.text().strip(), self.vlo_filter.currentData())
        if wanted != (self.model.text, self.model.vlo):
            self.model.set_filter(*wanted)
        else:
            self.model.reload()
        self._update_state()

    def refresh(self) -> None:
        keep = self.selected_id()
        self._unfiltered_total = self.ctx.backend.people.count()
        self.model.refresh()
        self._update_state()
        if keep is not None:
            self.select_id(keep)

    def _update_state(self) -> None:
        shown, total = self.model.total, self._unfiltered_total
        active = self.filters_active()
        if total == 0 and not active:
            self.count_label.setText("")
            self.body.setCurrentWidget(self.empty_list)
        elif shown == 0:
            self.count_label.setText(f"0 of {plural(total, 'person', 'people')}")
            self.body.setCurrentWidget(self.no_match)
        else:
            self.count_label.setText(
                f"{shown:,} of {plural(total, 'person', 'people')}"
                if active
                else plural(total, "person", "people")
            )
            self.body.setCurrentWidget(self.table)
        self.clear_button.setEnabled(active)
        self._selection_changed()

    # ----- selection and commands --------------------------------------------------------------
    def _selection_changed(self) -> None:
        self.open_button.setEnabled(self.has_selection())
        self.state_changed.emit()

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def select_id(self, person_id: int) -> bool:
        row = self.model.row_of_id(person_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        return row >= 0

    def has_selection(self) -> bool:
        return self.body.currentWidget() is self.table and self.table.selectionModel().hasSelection()

    def activate(self) -> None:
        self.state_changed.emit()

    def focus_filter(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def open_current(self) -> None:
        index = self.table.currentIndex()
        rows = self.table.selectionModel().selectedRows()
        if rows:
            index = rows[0]
        if index.isValid():
            self._open_index(index)

    def _open_index(self, index: QModelIndex) -> None:
        from ui.pages.pathway_view import PathwayView

        PathwayView.start(self.ctx, self.model.row_at(index.row()).id, self)

    def new_person(self) -> None:
        if not self.can_create:
            return
        from ui.dialogs.person_dialog import PersonDialog

        dialog = PersonDialog.start(self.ctx, None, self)
        dialog.saved.connect(self._created)

    def _created(self, person_id: int) -> None:
        self.refresh()
        self.select_id(person_id)
