"""Record a dated engagement milestone of a victim with one investigation (``domain/engagement.py``).

Opened from the pathway ("Record engagement…", Alt+G). The person's links to arrests and operations
are read on the worker when the form opens; a disengagement needs its reason. The COM summary's
"engaged at the charge decision, with a Navigator and without" is built from these milestones.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from mshtdesk.domain.engagement import Milestone
from mshtdesk.services.engagement import EngagementLink, MilestoneSaved
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.dates import DateEdit, to_qdate
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order

NO_LINKS = (
    "This person is not linked to an arrest or operation yet. Link them first (their record, "
    "Details\u2026), then record their engagement with that investigation."
)
MILESTONE_HINTS = {
    Milestone.ENGAGED_FIRST_ACCOUNT: "They gave a first account to the police.",
    Milestone.ENGAGED_AT_CHARGE: "Still engaged when the decision whether to charge was made: the COM "
    "summary's measure.",
    Milestone.ENGAGED_AT_COURT: "Engaged with the prosecution at court (attended, or gave evidence).",
    Milestone.DISENGAGED: "No longer engaged with the investigation: give the reason.",
}


class EngagementDialog(FormDialog):
    saved = Signal(object)  # MilestoneSaved

    @classmethod
    def start(
        cls, ctx: AppContext, person_id: int, person_name: str, parent: QWidget | None
    ) -> EngagementDialog:
        dialog = cls(ctx, person_id, person_name, parent)
        dialog.open()
        dialog.milestone.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return dialog

    def __init__(
        self, ctx: AppContext, person_id: int, person_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, f"Record engagement \u2014 {person_name}", parent, ok_text="Record milestone")
        self.setObjectName("engagementDialog")
        self.person_id = person_id
        self.links: list[EngagementLink] = []
        self.result_saved: MilestoneSaved | None = None
        self._build_layout()
        self._connect()
        self._milestone_changed()
        self.ok_button.setEnabled(False)  # until the links are read
        self.resize(max(self.sizeHint().width(), 640), self.sizeHint().height())
        self._load_links()

    def _build_layout(self) -> None:
        self.link = QComboBox()
        self.link.setObjectName("engagementLink")
        self.link.setPlaceholderText("Reading this person's links\u2026")
        self.link.setMinimumContentsLength(56)
        self.link.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.no_links = QLabel(NO_LINKS)
        self.no_links.setObjectName("warningBox")
        self.no_links.setWordWrap(True)
        self.no_links.hide()
        self.milestone = QComboBox()
        self.milestone.setObjectName("engagementMilestone")
        for m in Milestone:
            self.milestone.addItem(m.label, m.value)
        self.milestone.setCurrentIndex(self.milestone.findData(Milestone.ENGAGED_AT_CHARGE.value))
        self.milestone_hint = hint_label("")
        self.on = DateEdit()
        self.on.setObjectName("engagementDate")
        self.on.setMaximumDate(to_qdate(date.today()))
        self.on.setMinimumWidth(130)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("engagementReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("Why they disengaged (facts, no names of others)")
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.form.addRow(self.no_links)
        self.add_field(("link", "arrest"), "&Investigation:", self.link)
        self.add_field("milestone", "&Milestone:", self.milestone, hint=self.milestone_hint)
        self.add_field("milestone_date", "&Date:", self.on)
        self.reason_caption = self.add_field("reason", "&Reason:", self.reason)
        set_tab_order([self.link, self.milestone, self.on, self.reason])

    def _connect(self) -> None:
        self.milestone.currentIndexChanged.connect(lambda _i: self._milestone_changed())

    def current_milestone(self) -> Milestone:
        found = Milestone.parse(str(self.milestone.currentData() or ""))  # Qt hands the code back as str
        return found if found is not None else Milestone.ENGAGED_AT_CHARGE

    def _milestone_changed(self) -> None:
        m = self.current_milestone()
        self.milestone_hint.setText(MILESTONE_HINTS[m])
        required = m is Milestone.DISENGAGED
        self.reason_caption.setText("&Reason:" if required else "&Reason (optional):")
        self.reason.setAccessibleName("Reason" if required else "Reason (optional)")

    # ----- reading and saving -----------------------------------------------------------------------
    def _load_links(self) -> None:
        engagement, person_id = self.ctx.backend.engagement, self.person_id
        self.ctx.tasks.run(
            lambda _job: engagement.links(person_id),
            done=self._links_loaded,
            owner=self,
            context="reading a person's links to investigations",
        )

    def _links_loaded(self, links: list[EngagementLink]) -> None:
        self.links = list(links)
        self.link.clear()
        for lk in self.links:
            self.link.addItem(lk.label, lk.id)
        if self.links:
            self.link.setCurrentIndex(len(self.links) - 1)  # the latest link: usually the one meant
        self.link.setPlaceholderText("No investigation to choose")
        self.no_links.setVisible(not self.links)
        self.ok_button.setEnabled(bool(self.links))

    def submit(self) -> None:
        link_id = self.link.currentData()
        if not isinstance(link_id, int):
            self.show_errors({"link": "Choose the investigation the milestone is about."})
            return
        milestone, on, reason = self.current_milestone(), self.on.value(), self.reason.toPlainText()
        if milestone is Milestone.DISENGAGED and not reason.strip():
            self.show_errors({"reason": "Say why the victim disengaged; the reason is part of the record."})
            return
        engagement, person_id = self.ctx.backend.engagement, self.person_id
        self.save(
            lambda: engagement.record(person_id, link_id, milestone, on, reason),
            self._saved,
            context="recording an engagement milestone",
        )

    def _saved(self, saved: MilestoneSaved) -> None:
        self.result_saved = saved
        self.saved.emit(saved)
        self.accept()
