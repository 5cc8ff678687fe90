"""The pathway of one person: what is due next, then every link, stay, referral, decision, Navigator
milestone and contact, newest first.

It opens as a window of its own over the page it came from (the Today page, the People page), so a
liaison officer can keep a victim's pathway beside the list. Logging a contact is one shortcut away
(Ctrl+Shift+N, or Alt+C): the contact form opens with the keyboard in it and Enter saves; the timeline
and the due items then show the new contact. One view per person: opening it again brings it forward.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mshtdesk.domain.changes import Changes, Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.due import due_words
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import MshtError, NotFoundError
from mshtdesk.services.contacts import ContactFilter, ContactRow, ContactSaved, describe_saved
from mshtdesk.services.pathway import DueItem, Pathway, TimelineKind
from ui import error_report, palette
from ui.context import AppContext
from ui.dialogs.pathway_print import PathwayPrintFlow
from ui.dialogs.person_dialog import may_assign_vlo
from ui.dialogs.reason_dialog import ReasonDialog
from ui.models.timeline_model import HEADERS, TimelineColumn, TimelineModel
from ui.widgets.record_table import record_table
from ui.widgets.state_panel import StatePanel
from ui.widgets.tab_order import set_tab_order

if TYPE_CHECKING:
    from ui.dialogs.contact_dialog import ContactDialog
    from ui.dialogs.person_dialog import PersonDialog

ADD_CONTACT_KEY = "Ctrl+Shift+N"
#: Changes that may alter a pathway (anything about people and their support).
PATHWAY_SHOWS = frozenset(
    {
        Data.PERSON,
        Data.CONTACT,
        Data.REFERRAL,
        Data.DECISION,
        Data.NAVIGATOR_CASE,
        Data.HAVEN_STAY,
        Data.ARREST,
        Data.DISPOSAL,  # disposals: decision notifications owed
        Data.RANKING,
        Data.CALENDAR,  # working days move RG and notification deadlines
        Data.ENGAGEMENT,
    }
)


def due_status(item: DueItem, today: date) -> str:
    """ "overdue by 3 days", "due today", "in 2 days": the words the Today page uses too."""
    return due_words(item.due, today, overdue=item.overdue)


class DueList(QWidget):
    """What is due next for this person, soonest first; overdue items in red."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dueList")
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(4, 2, 4, 2)
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        self.items: list[DueItem] = []
        self.lines: list[tuple[QLabel, ...]] = []

    def set_items(self, items: list[DueItem], today: date) -> None:
        while self.grid.count():
            child = self.grid.takeAt(0)
            widget = child.widget() if child is not None else None
            if widget is not None:
                widget.deleteLater()
        self.items = list(items)
        self.lines = []
        if not items:
            none = QLabel("Nothing due for this person.")
            none.setObjectName("footnote")
            self.grid.addWidget(none, 0, 0, 1, 3)
            self.lines.append((none,))
            return
        for row, item in enumerate(items):
            status = due_status(item, today)
            cells = (
                QLabel(uk(item.due)),
                QLabel(item.kind.label),
                QLabel(status),
                QLabel(item.text),
            )
            cells[3].setWordWrap(True)
            cells[3].setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            if item.overdue:
                for c in cells[:3]:
                    c.setStyleSheet(f"color: {palette.ALERT_HEX}; font-weight: 600;")
            # Date, what and status on one line, the explanation under them across the width: at 200%
            # text a fourth column left the explanation a word wide and cut off.
            for col, c in enumerate(cells[:3]):
                self.grid.addWidget(c, 2 * row, col, Qt.AlignmentFlag.AlignTop)
            self.grid.addWidget(cells[3], 2 * row + 1, 1, 1, 2, Qt.AlignmentFlag.AlignTop)
            for c in cells:
                c.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.lines.append(cells)
        self.grid.setColumnStretch(2, 1)

    def texts(self) -> list[str]:
        """Each line as read aloud (tests, accessibility)."""
        return [" | ".join(c.text() for c in line) for line in self.lines]


class PathwayView(QDialog):
    contact_logged = Signal(object)  # ContactSaved, after the view has refreshed

    _open: ClassVar[dict[int, PathwayView]] = {}

    @classmethod
    def start(cls, ctx: AppContext, person_id: int, parent: QWidget | None) -> PathwayView:
        """Open the person's pathway, or bring forward the one already open."""
        view = cls._open.get(person_id)
        if view is not None and shiboken6.isValid(view) and view.isVisible():
            view.raise_()
            view.activateWindow()
            return view
        view = cls(ctx, person_id, parent)
        view.show()
        return view

    def __init__(self, ctx: AppContext, person_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pathwayView")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setWindowTitle("Pathway")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.ctx = ctx
        self.person_id = person_id
        self.pathway: Pathway | None = None
        self.today = date.today()
        self.may_add_contact = ctx.may(Action.CREATE, Entity.VLO_CONTACT)
        self.may_refer = ctx.may(Action.CREATE, Entity.NRM_REFERRAL)
        self.may_refer_to_navigator = may_assign_vlo(ctx)  # who may update anyone may refer anyone
        self.may_correct_contact = ctx.may(
            Action.APPEND, Entity.VLO_CONTACT
        )  # the service checks it is theirs
        self.may_record_engagement = ctx.may(Action.CREATE, Entity.ENGAGEMENT)
        self.may_withdraw_milestone = ctx.may(Action.APPEND, Entity.ENGAGEMENT)  # their own: the service
        self._loading = False
        self._reload_again = False
        self.printing = PathwayPrintFlow(ctx, self, self._show_notice)  # Print pathway… (Ctrl+P)
        self._build_layout()
        self._connect()
        PathwayView._open[person_id] = self
        self.finished.connect(lambda _result: self._forget())
        ctx.tasks.changed.connect(self._on_changes)
        self.resize(1120, 700)
        self.reload()

    def _forget(self) -> None:
        """Closed: the next opening of this person makes a new view (reading the pathway afresh)."""
        if PathwayView._open.get(self.person_id) is self:
            del PathwayView._open[self.person_id]

    # ----- layout ------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        self.name_label = QLabel("")
        self.name_label.setObjectName("pageTitle")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ref_label = QLabel("")
        self.ref_label.setObjectName("resultCount")
        self.vlo_label = QLabel("")
        self.vlo_label.setObjectName("resultCount")
        self.opted_out_label = QLabel(
            "Opted out of updates: no investigation updates or decision notifications"
        )
        self.opted_out_label.setObjectName("warningBox")
        self.opted_out_label.hide()

        self.add_contact_button = QPushButton("Add &contact\u2026")
        self.add_contact_button.setObjectName("addContactButton")
        self.add_contact_button.setToolTip(f"Log a contact with this person ({ADD_CONTACT_KEY})")
        self.add_contact_button.setVisible(self.may_add_contact)
        self.add_contact_button.setAutoDefault(False)
        self.details_button = QPushButton("&Details\u2026")
        self.details_button.setToolTip("The person's record: names, languages, contact details, notes")
        self.details_button.setAutoDefault(False)
        self.refer_button = QPushButton("New &referral\u2026")
        self.refer_button.setToolTip(
            "Refer this person to the NRM, or notify the Home Office (Duty to Notify)"
        )
        self.refer_button.setVisible(self.may_refer)
        self.refer_button.setAutoDefault(False)
        self.navigator_button = QPushButton("Refer to &Navigator\u2026")
        self.navigator_button.setToolTip(
            "Refer this person to a Victim Navigator: the Navigator can then see them and open a case"
        )
        self.navigator_button.setVisible(self.may_refer_to_navigator)
        self.navigator_button.setAutoDefault(False)
        self.end_navigator_button = QPushButton("&End Navigator referral\u2026")
        self.end_navigator_button.setObjectName("endNavigatorButton")
        self.end_navigator_button.setToolTip(
            "End a Victim Navigator's referral (with a reason): the person leaves that Navigator's scope"
        )
        self.end_navigator_button.setVisible(self.may_refer_to_navigator)
        self.end_navigator_button.setAutoDefault(False)
        self.correct_contact_button = QPushButton("C&orrect contact\u2026")
        self.correct_contact_button.setObjectName("correctContactButton")
        self.correct_contact_button.setToolTip(
            "Correct the selected contact (your own only): the corrected one replaces it, with your reason"
        )
        self.correct_contact_button.setEnabled(False)
        self.correct_contact_button.setAutoDefault(False)
        self.withdraw_contact_button = QPushButton("&Withdraw contact\u2026")
        self.withdraw_contact_button.setObjectName("withdrawContactButton")
        self.withdraw_contact_button.setToolTip(
            "Withdraw the selected contact, logged in error (your own only; a reason is kept with it)"
        )
        self.withdraw_contact_button.setEnabled(False)
        self.withdraw_contact_button.setAutoDefault(False)
        self.engagement_button = QPushButton("Record en&gagement\u2026")
        self.engagement_button.setObjectName("recordEngagementButton")
        self.engagement_button.setToolTip(
            "Record a dated milestone of this victim's engagement with an investigation (Alt+G)"
        )
        self.engagement_button.setVisible(self.may_record_engagement)
        self.engagement_button.setAutoDefault(False)
        self.withdraw_milestone_button = QPushButton("Withdraw mi&lestone\u2026")
        self.withdraw_milestone_button.setObjectName("withdrawMilestoneButton")
        self.withdraw_milestone_button.setToolTip(
            "Withdraw the selected engagement milestone, recorded in error (your own only; a reason is "
            "kept with it)"
        )
        self.withdraw_milestone_button.setEnabled(False)
        self.withdraw_milestone_button.setAutoDefault(False)
        self.add_contact_action = QAction("Add contact", self)
        self.add_contact_action.setShortcut(QKeySequence(ADD_CONTACT_KEY))
        self.add_contact_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.add_contact_action.setEnabled(self.may_add_contact)
        self.addAction(self.add_contact_action)
        self.print_button, self.print_action = self.printing.controls()

        head = QHBoxLayout()
        head.setSpacing(10)
        head.addWidget(self.name_label)
        head.addWidget(self.ref_label, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(self.details_button)
        head.addWidget(self.refer_button)
        head.addWidget(self.navigator_button)
        head.addWidget(self.end_navigator_button)
        head.addWidget(self.engagement_button)
        head.addWidget(self.add_contact_button)
        info = QHBoxLayout()
        info.setSpacing(12)
        info.addWidget(self.vlo_label)
        info.addWidget(self.opted_out_label)
        info.addStretch(1)

        self.notice = QLabel("")
        self.notice.setObjectName("savedNotice")
        self.notice.setStyleSheet(
            f"QLabel#savedNotice {{ background: {palette.GOOD_BACKGROUND_HEX};"
            f" border: 1px solid {palette.GOOD_LINE_HEX}; border-radius: 4px;"
            f" padding: 6px 10px; color: {palette.GOOD_HEX}; }}"
        )
        self.notice.setWordWrap(True)
        self.notice.hide()

        self.due = DueList()
        due_box = QGroupBox("Due next")
        due_box.setObjectName("dueBox")
        due_layout = QVBoxLayout(due_box)
        due_layout.addWidget(self.due)

        self.model = TimelineModel(self)
        samples = {
            TimelineColumn.WHEN: "00/00/0000 00:00",
            TimelineColumn.KIND: "Arrest / operation",
            TimelineColumn.TITLE: "Released under investigation on arrest LD/26/000110",
        }
        self.table = record_table("timelineTable", "Timeline, newest first", self.model, samples, HEADERS)
        self.empty_timeline = StatePanel(
            "Nothing recorded yet",
            "Links to arrests, engagement milestones, NRM referrals and decisions, Haven House stays, "
            "Navigator milestones and contacts appear here, newest first."
            + (f" Log a contact with {ADD_CONTACT_KEY}." if self.may_add_contact else ""),
        )
        self.empty_timeline.setObjectName("emptyTimeline")
        self.loading_panel = StatePanel("Opening the pathway\u2026", "", busy=True)
        self.failed_panel = StatePanel("The pathway could not be opened", "")
        self.failed_panel.add_button("Try again", self.reload, default=True)
        self.body = QStackedWidget()
        for w in (self.loading_panel, self.table, self.empty_timeline, self.failed_panel):
            self.body.addWidget(w)
        timeline_box = QGroupBox("Timeline (newest first)")
        timeline_layout = QVBoxLayout(timeline_box)
        timeline_layout.addWidget(self.body)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(head)
        layout.addLayout(info)
        layout.addWidget(self.notice)
        layout.addWidget(due_box)
        layout.addWidget(timeline_box, 1)
        self.buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.withdraw_milestone_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.withdraw_milestone_button.setVisible(self.may_withdraw_milestone)
        self.buttons.addButton(self.withdraw_contact_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.correct_contact_button, QDialogButtonBox.ButtonRole.ActionRole)
        for button in (self.correct_contact_button, self.withdraw_contact_button):
            button.setVisible(self.may_correct_contact)  # after adding: the box shows its buttons
        self.print_button.setVisible(self.printing.allowed)
        layout.addWidget(self.buttons)
        set_tab_order([self.table, self.add_contact_button, self.details_button, self.refer_button, close])

    def _connect(self) -> None:
        """Wire the widgets built by :meth:`_build_layout` to what they do."""
        self.add_contact_button.clicked.connect(self.add_contact)
        self.details_button.clicked.connect(self.open_details)
        self.refer_button.clicked.connect(self.new_referral)
        self.navigator_button.clicked.connect(self.refer_to_navigator)
        self.end_navigator_button.clicked.connect(self.end_navigator_referral)
        self.withdraw_contact_button.clicked.connect(self.withdraw_contact)
        self.correct_contact_button.clicked.connect(self.correct_contact)
        self.engagement_button.clicked.connect(self.record_engagement)
        self.withdraw_milestone_button.clicked.connect(self.withdraw_milestone)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._selection_changed())
        self.add_contact_action.triggered.connect(self.add_contact)
        self.print_button.clicked.connect(self.print_pathway)
        self.print_action.triggered.connect(self.print_pathway)
        self.buttons.rejected.connect(self.reject)
        self.table.activated.connect(lambda index: self.open_entry(index.row()))

    # ----- reading -----------------------------------------------------------------------------
    def reload(self) -> None:
        if self._loading:
            self._reload_again = True  # a change arrived while reading: read once more afterwards
            return
        self._loading = True
        if self.pathway is None:
            self.body.setCurrentWidget(self.loading_panel)
        pathway_service = self.ctx.backend.pathway
        person_id = self.person_id
        first = self.pathway is None  # opening is a consultation; refreshing what is open is not
        self.ctx.tasks.run(
            lambda _job: pathway_service.timeline(person_id, consult=first),
            done=self._loaded,
            failed=self._load_failed,
            owner=self,
            context="opening a pathway",
        )

    def _loaded(self, pathway: Pathway) -> None:
        self._loading = False
        self.pathway = pathway
        self.today = date.today()
        named = pathway.person_name != pathway.person_ref  # an anonymous Duty to Notify keeps no name
        name = pathway.person_name if named else "Name not recorded"
        self.setWindowTitle(f"Pathway \u2014 {name} ({pathway.person_ref})")
        self.name_label.setText(name)
        self.ref_label.setText(pathway.person_ref)
        facts = [f"Liaison officer: {pathway.vlo}" if pathway.vlo else "No liaison officer assigned"]
        if pathway.interpreter_language:
            facts.append(f"Interpreter: {pathway.interpreter_language}")
        self.vlo_label.setText("  \u00b7  ".join(facts))
        self.opted_out_label.setVisible(pathway.opted_out_of_updates)
        self.due.set_items(pathway.due, self.today)
        self.model.set_entries(pathway.entries)
        self.body.setCurrentWidget(self.table if pathway.entries else self.empty_timeline)
        if self._reload_again:
            self._reload_again = False
            self.reload()

    def _load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self._reload_again = False
        if isinstance(exc, NotFoundError) or (self.pathway is None and isinstance(exc, MshtError)):
            error_report.show_message(self.parentWidget(), "MSHT Desk", str(exc), closing=self)
            self.done(0)
            return
        if not isinstance(exc, MshtError):
            error_report.log_bug(exc, "opening a pathway")
        self.failed_panel.set_message("The pathway could not be opened", error_report.describe(exc))
        self.body.setCurrentWidget(self.failed_panel)

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches(PATHWAY_SHOWS) and self.isVisible():
            self.reload()

    # ----- commands ----------------------------------------------------------------------------
    def add_contact(self) -> ContactDialog | None:
        """Open the contact form for this person, the keyboard in it (None if the role may not log one)."""
        if not self.may_add_contact or self.pathway is None:
            return None
        from ui.dialogs.contact_dialog import ContactDialog

        dialog = ContactDialog.start(self.ctx, self.pathway, self)
        dialog.saved.connect(self._contact_saved)
        return dialog

    def _contact_saved(self, saved: ContactSaved) -> None:
        self.notice.setText(describe_saved(saved))
        self.notice.show()
        self.contact_logged.emit(saved)

    def new_referral(self) -> QDialog | None:
        """A referral for this person (the NRM form, with the person already chosen)."""
        if not self.may_refer or self.pathway is None:
            return None
        from ui.dialogs.referral_dialog import ReferralDialog

        return ReferralDialog.start(
            self.ctx, None, self, person_id=self.person_id, person_name=self.pathway.person_name
        )

    def refer_to_navigator(self) -> None:
        """Choose a Victim Navigator (listed on the worker), then refer this person to them."""
        if not self.may_refer_to_navigator:
            return
        people = self.ctx.backend.people
        self.ctx.tasks.run(
            lambda _job: people.navigator_choices(),
            done=self._choose_navigator,
            owner=self,
            context="listing Victim Navigators",
        )

    def _choose_navigator(self, navigators: list[tuple[int, str, str]]) -> None:
        if not navigators:
            error_report.show_message(
                self, "Refer to Navigator", "There is no active Victim Navigator user to refer to."
            )
            return
        labels = [f"{display} ({username})" if display else username for _i, username, display in navigators]
        label, ok = QInputDialog.getItem(self, "Refer to Navigator", "Victim &Navigator:", labels, 0, False)
        if not ok:
            return
        username = navigators[labels.index(label)][1]
        people, person_id = self.ctx.backend.people, self.person_id
        self.ctx.tasks.run(
            lambda _job: people.add_supporter(person_id, username),
            done=lambda _r: self._referred(label),
            owner=self,
            context="referring to a Victim Navigator",
        )

    def _referred(self, label: str) -> None:
        self.notice.setText(f"Referred to {label}. They can now see this person and open a case.")
        self.notice.show()

    def end_navigator_referral(self) -> None:
        """Choose one of the person's Navigators (listed on the worker), give the reason, end it."""
        if not self.may_refer_to_navigator:
            return
        people, person_id = self.ctx.backend.people, self.person_id
        self.ctx.tasks.run(
            lambda _job: people.supporters(person_id),
            done=self._choose_referral_to_end,
            owner=self,
            context="listing this person's Victim Navigators",
        )

    def _choose_referral_to_end(self, navigators: list[tuple[int, str, str]]) -> None:
        if not navigators:
            error_report.show_message(
                self, "End Navigator referral", "This person is not referred to any Victim Navigator."
            )
            return
        labels = [f"{display} ({username})" if display else username for _i, username, display in navigators]
        label, ok = (
            (labels[0], True)
            if len(labels) == 1
            else QInputDialog.getItem(self, "End Navigator referral", "Victim &Navigator:", labels, 0, False)
        )
        if not ok:
            return
        username = navigators[labels.index(label)][1]
        dialog = ReasonDialog(
            self,
            title="End Navigator referral",
            what=f"{label} will no longer support this person, nor see their record or case.",
            ok_text="End referral",
            prompt="Why does the referral end? It is kept in the audit log.",
        )
        people, person_id = self.ctx.backend.people, self.person_id
        dialog.reason_given.connect(
            lambda reason: self.ctx.tasks.run(
                lambda _job: people.end_support(person_id, username, reason),
                done=lambda _r: self._show_notice(f"The referral to {label} has ended."),
                owner=self,
                context="ending a Navigator referral",
            )
        )
        dialog.open()
        self.reason_dialog = dialog  # tests and screenshots reach it here

    def _show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.show()

    def _selected_contact(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        entry = self.model.entry_at(index.row())
        # a contact since corrected or withdrawn stays in view, struck through, but is done with
        return entry.record_id if entry.entity == "vlo_contact" and not entry.struck else None

    def _selected_milestone(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        entry = self.model.entry_at(index.row())
        return entry.record_id if entry.entity == "engagement_milestone" and not entry.struck else None

    def _selection_changed(self) -> None:
        selected = self._selected_contact() is not None
        self.withdraw_contact_button.setEnabled(selected)
        self.correct_contact_button.setEnabled(selected)
        self.withdraw_milestone_button.setEnabled(self._selected_milestone() is not None)

    def record_engagement(self) -> QDialog | None:
        """The engagement form for this person (None if the role may not record one)."""
        if not self.may_record_engagement or self.pathway is None:
            return None
        from ui.dialogs.engagement_dialog import EngagementDialog

        dialog = EngagementDialog.start(self.ctx, self.person_id, self.pathway.person_name, self)
        dialog.saved.connect(
            lambda saved: self._show_notice(
                f"Recorded: {saved.milestone.label.lower()} on {uk(saved.milestone_date)}."
            )
        )
        self.engagement_dialog = dialog  # tests and screenshots reach it here
        return dialog

    def withdraw_milestone(self) -> ReasonDialog | None:
        """Withdraw the selected milestone (the user's own, recorded in error), with a reason."""
        milestone_id = self._selected_milestone()
        if milestone_id is None or not self.may_withdraw_milestone:
            return None
        dialog = ReasonDialog(
            self,
            title="Withdraw milestone",
            what="The selected engagement milestone will no longer count, from today; it stays on record, "
            "struck through, with your reason.",
            ok_text="Withdraw milestone",
            prompt="Why is this milestone withdrawn? It is kept with it.",
        )
        engagement = self.ctx.backend.engagement
        dialog.reason_given.connect(
            lambda reason: self.ctx.tasks.run(
                lambda _job: engagement.withdraw(milestone_id, reason),
                done=lambda _r: self._show_notice("Milestone withdrawn."),
                owner=self,
                context="withdrawing an engagement milestone",
            )
        )
        dialog.open()
        return dialog

    def correct_contact(self) -> None:
        """Read the selected contact (on the worker), then open it filled in, to correct."""
        contact_id = self._selected_contact()
        if contact_id is None or not self.may_correct_contact or self.pathway is None:
            return
        contacts, person_id = self.ctx.backend.contacts, self.person_id
        self.ctx.tasks.run(
            lambda _job: next(
                (c for c in contacts.list(ContactFilter(person_id=person_id)) if c.id == contact_id), None
            ),
            done=self._open_correction,
            owner=self,
            context="reading a contact to correct",
        )

    def _open_correction(self, contact: ContactRow | None) -> None:
        if contact is None or self.pathway is None:
            return
        from ui.dialogs.contact_dialog import ContactDialog

        self.correction_dialog = ContactDialog.start_correction(self.ctx, self.pathway, contact, self)
        self.correction_dialog.saved.connect(lambda _s: self._show_notice("Contact corrected."))

    def withdraw_contact(self) -> ReasonDialog | None:
        """Withdraw the selected contact (the VLO's own, logged in error), with a reason."""
        contact_id = self._selected_contact()
        if contact_id is None or not self.may_correct_contact:
            return None
        dialog = ReasonDialog(
            self,
            title="Withdraw contact",
            what="The selected contact will leave the timeline, the clocks and the figures; it stays on "
            "record with your reason.",
            ok_text="Withdraw contact",
            prompt="Why is this contact withdrawn? It is kept with it.",
        )
        contacts = self.ctx.backend.contacts
        dialog.reason_given.connect(
            lambda reason: self.ctx.tasks.run(
                lambda _job: contacts.withdraw(contact_id, reason),
                done=lambda _r: self._show_notice("Contact withdrawn."),
                owner=self,
                context="withdrawing a contact",
            )
        )
        dialog.open()
        return dialog

    def open_entry(self, row: int) -> QDialog | None:
        """Enter on a referral opens it (with its decisions); other entries are read here."""
        entry = self.model.entry_at(row)
        if entry.kind == TimelineKind.REFERRAL and self.ctx.may(Action.READ, Entity.NRM_REFERRAL):
            from ui.dialogs.referral_dialog import ReferralDialog

            return ReferralDialog.start(self.ctx, entry.record_id, self)
        return None

    def print_pathway(self) -> ReasonDialog | None:
        """Ask why, then where; the PDF is written on the worker (Ctrl+P)."""
        if self.pathway is None:
            return None
        return self.printing.start(self.person_id, self.pathway.person_ref)

    def open_details(self) -> PersonDialog:
        from ui.dialogs.person_dialog import PersonDialog

        return PersonDialog.start(self.ctx, self.person_id, self)
