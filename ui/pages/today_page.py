"""The Today page, where a user lands after logging in: what is overdue or due this week for them, and
who is in Haven House now and for how long.

The items come from the Today service, within the user's scope and role (a liaison officer sees their
victims' contacts and notifications; a Navigator no NRM items; Haven House staff the house). They are
grouped, overdue first and in red; Enter or a double-click opens the person's pathway, where the
overdue contact can be logged at once. Read on the worker whenever the page is shown or data changes.
"""

from __future__ import annotations

import re
from datetime import datetime

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes
from mshtdesk.domain.clocks import LONDON
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.errors import MshtError
from mshtdesk.services.today import HORIZON_DAYS, TodayItem
from ui import error_report, palette
from ui.context import AppContext
from ui.dialogs.pathway_view import PATHWAY_SHOWS, PathwayView
from ui.models.today_model import Group, TodayColumn, TodayModel
from ui.pages.base import Page
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order


class TodayPage(Page):
    shows = PATHWAY_SHOWS
    can_open = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.setObjectName("todayPage")
        self.model = TodayModel(self)
        self._loading = False
        self._again = False
        self.loaded_once = False
        self._focus_when_loaded = False  # the list gets the keyboard once it is read (see activate)
        self._build_layout()
        self._connect()
        self.reload()

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do."""
        self.tree.activated.connect(self._open_index)
        self.tree.selectionModel().selectionChanged.connect(lambda *_: self._selection_changed())
        self.open_button.clicked.connect(self.open_current)

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        title = QLabel("Today")
        title.setObjectName("pageTitle")
        self.date_label = QLabel("")
        self.date_label.setObjectName("resultCount")
        self.summary = QLabel("")
        self.summary.setObjectName("todaySummary")
        self.summary.setWordWrap(True)  # wraps at a large text size rather than widen the window
        self.open_button = QPushButton("&Open pathway")
        self.open_button.setToolTip("Show the selected person's pathway (Enter)")
        self.open_button.setEnabled(False)
        head = QHBoxLayout()
        head.setSpacing(6)
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.date_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.summary)
        head.addSpacing(12)
        head.addWidget(self.open_button)

        self.tree = QTreeView()
        self.tree.setObjectName("todayTree")
        self.tree.setAccessibleName("Due items")
        self.tree.setModel(self.model)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(14)
        self.tree.setItemsExpandable(False)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setStyleSheet("QTreeView::item { padding: 3px 2px; }")
        header = self.tree.header()
        header.setStretchLastSection(True)
        bold = self.font()
        bold.setBold(True)  # overdue rows are bold: size the columns for them
        fm = QFontMetrics(bold)
        widths = {
            TodayColumn.DUE: fm.horizontalAdvance("00/00/0000 (overdue by 000 days)") + 40,
            TodayColumn.PERSON: fm.horizontalAdvance("Diaconescu, Suzana (P-000000)") + 28,
            TodayColumn.WHAT: fm.horizontalAdvance("Reasonable Grounds decision expected") + 28,
        }
        for col, width in widths.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)

        self.nothing_due = StatePanel("Nothing due", self._nothing_due_hint())
        self.nothing_due.setObjectName("nothingDue")
        self.loading_panel = StatePanel("Reading what is due\u2026", "", busy=True)
        self.failed_panel = StatePanel("What is due could not be read", "")
        self.failed_panel.add_button("Try again", self.reload, default=True)
        self.body = QStackedWidget()
        for w in (self.loading_panel, self.tree, self.nothing_due, self.failed_panel):
            self.body.addWidget(w)

        logs_contacts = self.ctx.may(Action.CREATE, Entity.VLO_CONTACT)
        self.footnote = QLabel(
            "Enter opens the person's pathway"
            + (", where a contact is logged with Ctrl+Shift+N." if logs_contacts else ".")
        )
        self.footnote.setObjectName("footnote")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.footnote)
        set_tab_order([self.tree, self.open_button])

    def _nothing_due_hint(self) -> str:
        """What an empty Today means for this role, and where to look instead."""
        role = self.ctx.backend.actor.role
        soon = f"Nothing is overdue or due in the next {HORIZON_DAYS} days"
        if role is Role.VLO:
            return (
                f"{soon} for your victims. Each contact you log sets when the next one is due; "
                "your victims are on the People page."
            )
        if role is Role.NAVIGATOR:
            return "The cases you support are on the Navigator page, and their people on the People page."
        if role is Role.HAVEN_HOUSE:
            return "Nobody is in Haven House now. Admissions are recorded on the Haven House page."
        return (
            f"{soon}. Items appear here as NRM referrals, decisions and contacts are recorded; "
            "find a person on the People page."
        )

    # ----- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._again = True
            return
        self._loading = True
        if not self.loaded_once:
            self.body.setCurrentWidget(self.loading_panel)
        today_service = self.ctx.backend.today
        self.ctx.tasks.run(
            lambda _job: today_service.items(),
            done=self._loaded,
            failed=self._failed,
            owner=self,
            context="reading the Today page",
        )

    def refresh(self) -> None:
        self.reload()

    def _loaded(self, items: list[TodayItem]) -> None:
        self._loading = False
        self.loaded_once = True
        keep = self.selected_item()
        now = datetime.now(LONDON)
        today = now.date()
        self.date_label.setText(f"{today:%A} {today.day} {today:%B %Y}")
        self.model.set_items(items, today, now)
        for row in range(self.model.rowCount()):
            self.tree.setFirstColumnSpanned(row, QModelIndex(), True)
        self.tree.expandAll()
        overdue = self.model.count(Group.OVERDUE)
        week = self.model.count(Group.THIS_WEEK)
        haven = self.model.count(Group.HAVEN_HOUSE)
        parts = []
        if overdue:
            parts.append(f"<span style='color:{palette.ALERT_HEX}; font-weight:600'>{overdue} overdue</span>")
        if week:
            parts.append(f"{week} due this week")
        if haven:
            parts.append(f"{haven} in Haven House")
        self.summary.setText(" \u00b7 ".join(parts))
        # One line while it fits in 280 px (the usual "9 overdue · 13 due this week" does at normal text
        # size); a large text size wraps it instead of widening the window (a word-wrapped label would
        # otherwise break even a short summary).
        plain = " \u00b7 ".join(re.sub("<[^>]+>", "", p) for p in parts)
        wide = QFontMetrics(self.summary.font()).horizontalAdvance(plain) + 8
        self.summary.setMinimumWidth(min(wide, 280))
        empty = overdue + week + haven == 0
        self.open_button.setVisible(not empty)
        self.footnote.setVisible(not empty)
        if empty:
            self.body.setCurrentWidget(self.nothing_due)
        else:
            self.body.setCurrentWidget(self.tree)
            self._restore(keep)
            if self._focus_when_loaded and self.isVisible():
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_when_loaded = False
        self._selection_changed()
        if self._again:
            self._again = False
            self.reload()

    def _failed(self, exc: BaseException) -> None:
        self._loading = False
        self._again = False
        if not isinstance(exc, MshtError):
            error_report.log_bug(exc, "reading the Today page")
        self.failed_panel.set_message("What is due could not be read", error_report.describe(exc))
        self.body.setCurrentWidget(self.failed_panel)

    def on_changes(self, _changes: Changes) -> None:
        self.reload()

    def _restore(self, keep: TodayItem | None) -> None:
        """Keep the selection on the same item after a reload; else the first item."""
        target = QModelIndex()
        first = QModelIndex()
        for g in range(self.model.rowCount()):
            group = self.model.index(g, 0)
            for r in range(self.model.rowCount(group)):
                index = self.model.index(r, 0, group)
                item = self.model.item_at(index)
                if not first.isValid():
                    first = index
                if keep is not None and item is not None and _same(item, keep):
                    target = index
        target = target if target.isValid() else first
        if target.isValid():
            self.tree.selectionModel().setCurrentIndex(
                target,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    # ----- selection and commands --------------------------------------------------------------
    def selected_item(self) -> TodayItem | None:
        return self.model.item_at(self.tree.currentIndex())

    def _selection_changed(self) -> None:
        item = self.selected_item()
        self.open_button.setEnabled(item is not None and item.person_id is not None)
        self.state_changed.emit()

    def has_selection(self) -> bool:
        return self.body.currentWidget() is self.tree and self.selected_item() is not None

    def activate(self) -> None:
        if self.loaded_once:
            self.reload()
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        self._focus_when_loaded = not self.tree.isVisible()  # at log-in the list is still being read
        self.state_changed.emit()

    def open_current(self) -> None:
        self._open_index(self.tree.currentIndex())

    def _open_index(self, index: QModelIndex) -> PathwayView | None:
        item = self.model.item_at(index)
        if item is None or item.person_id is None:
            return None  # a group heading, or an anonymous Haven House stay
        return PathwayView.start(self.ctx, item.person_id, self)


def _same(a: TodayItem, b: TodayItem) -> bool:
    return (a.kind, a.person_id, a.record_id) == (b.kind, b.person_id, b.record_id)
