"""The Review queue (managers): the people whose records are past review under the retention rules,
each to keep (a reason and the next review date) or erase (a reason, confirmed).

A record comes up when every kind of record about the person is past its own rule (default: six years
after its last activity, common police practice rather than law; an administrator changes the rules).
Rows come from ``RetentionService.due`` in SQL, a page at a time, on the worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.record_retention import DEFAULT_WORDING
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.services.retention import DueRecord
from ui.context import AppContext
from ui.dialogs.review_dialog import ReviewDialog
from ui.models.columns import ColumnSpec
from ui.models.paged_model import PagedModel
from ui.pages.list_page import ListPage

COLUMNS: tuple[ColumnSpec[DueRecord], ...] = (
    ColumnSpec("Ref", lambda r: r.person_ref, "P-000000", tip="The person's reference in MSHT Desk"),
    ColumnSpec("Person", lambda r: r.name, "Kowalczyk-Nowak, Anna-Maria"),
    ColumnSpec(
        "Last activity",
        lambda r: uk(r.last_activity) if r.last_activity else "none recorded",
        "Last activity",
        raw=lambda r: r.last_activity,
        muted=lambda r: r.last_activity is None,
    ),
    ColumnSpec(
        "On", lambda r: r.last_kind, "Linked arrests and disposals", tip="The kind of record last touched"
    ),
    ColumnSpec(
        "Review due since",
        lambda r: uk(r.review_date) if r.review_date else "no date",
        "Review due since",
        raw=lambda r: r.review_date,
        tip="The last activity plus the rule's years, or the next review date set when it was last kept",
    ),
)


@dataclass(frozen=True)
class QueueQuery:
    """The queue has no filter: every record past review today."""


class ReviewPage(ListPage):
    heading = "Review queue"
    noun = ("record past review", "records past review")
    can_find = False
    shows = frozenset(
        {Data.RETENTION, Data.PERSON, Data.REFERRAL, Data.NAVIGATOR_CASE, Data.HAVEN_STAY, Data.CONTACT}
    )
    empty_name = "emptyReview"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        service = ctx.backend.retention
        model: PagedModel[QueueQuery] = PagedModel(
            COLUMNS,
            lambda _q, _at_most: service.count_due(),
            lambda _q, _key, _desc, offset, limit: service.due(offset=offset, limit=limit),
            QueueQuery(),
        )
        super().__init__(ctx, model, parent)
        self.setObjectName("reviewPage")
        self.can_erase = ctx.may(Action.ERASE, Entity.PERSON)
        self.can_keep = ctx.may(Action.APPEND, Entity.RETENTION_REVIEW)
        self.keep_button = QPushButton("&Keep\u2026")
        self.keep_button.setToolTip("Keep the selected record until a next review date, with a reason")
        self.keep_button.setVisible(self.can_keep)
        self.erase_button = QPushButton("&Erase\u2026")
        self.erase_button.setObjectName("eraseButton")
        self.erase_button.setToolTip("Erase the selected person's personal data for good; the counts stay")
        self.erase_button.setVisible(self.can_erase)
        self.add_command(self.keep_button, gap=12)
        self.add_command(self.erase_button)
        self.rule_note = QLabel(
            "A record comes up here when every kind of record about the person is past its rule. "
            + DEFAULT_WORDING
        )
        self.rule_note.setObjectName("footnote")
        self.rule_note.setWordWrap(True)
        self.above_table.addWidget(self.rule_note)
        samples = {i: c.sample for i, c in enumerate(COLUMNS) if c.sample}
        self.finish(
            "reviewTable",
            samples,
            empty_title="No records are past review",
            empty_text=(
                "A person's record comes up here once every kind of record about them is past its "
                "retention rule (by default six years after the last activity). Nothing to decide today."
            ),
        )
        self.clear_button.hide()  # no filters to clear: every record past review is listed
        self.keep_button.clicked.connect(lambda _c=False: self.decide(erase=False))
        self.erase_button.clicked.connect(lambda _c=False: self.decide(erase=True))
        self.state_changed.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.has_selection()
        self.keep_button.setEnabled(chosen)
        self.erase_button.setEnabled(chosen)

    def current_query(self) -> QueueQuery:
        return QueueQuery()

    def default_query(self) -> QueueQuery:
        return QueueQuery()

    def open_row(self, row: Any) -> None:
        self.open_pathway(row.id)

    def decide(self, *, erase: bool) -> ReviewDialog | None:
        row = self.selected_row()
        if row is None or not (self.can_erase if erase else self.can_keep):
            return None
        dialog = ReviewDialog(self.ctx, row, erase=erase, parent=self)
        dialog.open()
        return dialog
