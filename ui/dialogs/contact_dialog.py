"""Log a victim liaison officer's contact with a victim, from their pathway.

Made for speed: it opens at "now", by phone, for welfare (an initial contact if there has been none),
with the person's interpreter language filled in and the next contact due at the team's interval, and
Enter saves. A decision notification asks which decision and when it was made, and says at once
whether telling the victim now is on time (1 working day under the Victims' Code enhanced rights, else
5). A victim who opted out of updates is not sent investigation updates or decision notifications:
the form says so at the top, and refuses those two purposes beside the field.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDateTime, QSize, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from mshtdesk.domain.clocks import (
    DEFAULT_VLO_CONTACT_INTERVAL_DAYS,
    LONDON,
    decision_notification_due,
    is_on_time,
    london_date,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.domain.working_days import ENGLAND_AND_WALES, WorkingCalendar
from mshtdesk.services.contacts import ContactInput, ContactRow, ContactSaved
from mshtdesk.services.pathway import Pathway, TimelineKind
from ui import palette
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.dates import DateEdit, OptionalDateEdit, to_qdate
from ui.widgets.field_error import hint_label
from ui.widgets.tab_order import set_tab_order

DATE_TIME_FORMAT = "dd/MM/yyyy HH:mm"
OPTED_OUT_REFUSAL = (
    "This person opted out of updates: log welfare, safeguarding or other contacts, "
    "not investigation updates or decision notifications."
)


def london_qdatetime(moment: datetime) -> QDateTime:
    """The London wall-clock time of ``moment``, to the minute (the edit shows and returns wall-clock
    values; ``contact_moment`` puts the London zone back)."""
    local = moment.astimezone(LONDON)
    return QDateTime(to_qdate(local.date()), QTime(local.hour, local.minute))


class ContactDialog(FormDialog):
    saved = Signal(object)  # ContactSaved

    @classmethod
    def start(cls, ctx: AppContext, pathway: Pathway, parent: QWidget | None) -> ContactDialog:
        dialog = cls(ctx, pathway, parent)
        dialog.open()
        dialog.purpose.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return dialog

    @classmethod
    def start_correction(
        cls, ctx: AppContext, pathway: Pathway, contact: ContactRow, parent: QWidget | None
    ) -> ContactDialog:
        """The VLO's own contact, filled in, to correct: saving appends the corrected contact with the
        reason, and the old one leaves every list and figure."""
        dialog = cls(ctx, pathway, parent, corrects=contact)
        dialog.open()
        dialog.reason.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return dialog

    def __init__(
        self,
        ctx: AppContext,
        pathway: Pathway,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
        corrects: ContactRow | None = None,
    ) -> None:
        title = f"{'Correct contact' if corrects else 'Contact'} with {pathway.person_name}"
        ok = "Save correction" if corrects else "Save contact"
        super().__init__(ctx, title, parent, ok_text=ok)
        self.setObjectName("contactDialog")
        self.corrects = corrects
        self.pathway = pathway
        self.opted_out = pathway.opted_out_of_updates
        self.interval_days = DEFAULT_VLO_CONTACT_INTERVAL_DAYS
        self.calendar: WorkingCalendar = ENGLAND_AND_WALES
        self.result_saved: ContactSaved | None = None
        self._next_due_edited = False
        self._build(now or datetime.now(LONDON))
        if corrects is not None:
            self._fill(corrects)
        self.resize(self.sizeHint())
        self._load_defaults()

    # ----- layout ------------------------------------------------------------------------------
    def _build(self, now: datetime) -> None:
        self._build_layout(now)
        self._connect()
        self._set_next_due_default()
        self._purpose_changed()

    def _build_layout(self, now: datetime) -> None:
        who = QLabel(f"<b>{_escape(self.pathway.person_name)}</b> ({self.pathway.person_ref})")
        who.setTextFormat(Qt.TextFormat.RichText)
        self.form.addRow(QLabel("Person:"), who)
        self.opted_out_banner = QLabel(
            "Opted out of updates. Do not give investigation updates or decision notifications; "
            "welfare and safeguarding contacts go on."
        )
        self.opted_out_banner.setObjectName("warningBox")
        self.opted_out_banner.setWordWrap(True)
        self.opted_out_banner.setVisible(self.opted_out)
        if self.opted_out:
            self.form.addRow(self.opted_out_banner)

        self.contact_at = QDateTimeEdit(london_qdatetime(now))
        self.contact_at.setDisplayFormat(DATE_TIME_FORMAT)
        self.contact_at.setCalendarPopup(True)
        self.contact_at.setMaximumDateTime(london_qdatetime(now + timedelta(hours=1)))
        self.contact_at.setMinimumWidth(160)
        self.method = QComboBox()
        for m in ContactMethod:
            self.method.addItem(m.label, m)
        self.method.setCurrentIndex(self.method.findData(ContactMethod.PHONE))
        self.purpose = QComboBox()
        for p in ContactPurpose:
            self.purpose.addItem(p.label, p)
        had_contact = any(e.kind == TimelineKind.CONTACT for e in self.pathway.entries)
        default = ContactPurpose.WELFARE if had_contact else ContactPurpose.INITIAL
        self.purpose.setCurrentIndex(self.purpose.findData(default))
        for combo in (self.method, self.purpose):
            combo.setMinimumContentsLength(22)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.interpreter = QLineEdit(self.pathway.interpreter_language)
        self.interpreter.setPlaceholderText("None: the contact was in a language they speak")
        self.interpreter.setMaxLength(80)

        decision_row = self._build_decision_row(now)

        self.safeguarding = QCheckBox("A safeguarding concern was raised")
        self.summary = QPlainTextEdit()
        self.summary.setTabChangesFocus(True)
        self.summary.setPlaceholderText("What was said and done (facts)")
        self.summary.setMinimumHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.next_due = OptionalDateEdit("No further contact planned")
        self.next_due.setMinimumWidth(150)
        self.next_due_hint = hint_label("")

        self.add_field("contact_at", "&When:", self.contact_at)
        self.add_field("method", "&Method:", self.method)
        self.add_field("purpose", "&Purpose:", self.purpose)
        self.add_field("interpreter_language", "&Interpreter:", self.interpreter)
        self.decision_caption = self.add_field(
            ("decision_notified", "decision_date", "enhanced_rights"),
            "Decisio&n notified:",
            decision_row,
            hint=self._on_time_box(),
        )
        self.add_field("safeguarding_concern", "Safeguarding:", self.safeguarding)
        self.add_field("summary", "Summar&y:", self.summary)
        self.add_field("next_contact_due", "Ne&xt contact due:", self.next_due, hint=self.next_due_hint)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("correctionReason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("Why the contact is corrected; kept with the correction")
        self.reason.setMaximumHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        if self.corrects is not None:
            self.add_field("reason", "&Reason:", self.reason)
        self.decision_row = decision_row
        set_tab_order(
            [
                self.contact_at,
                self.method,
                self.purpose,
                self.interpreter,
                self.decision,
                self.decision_date,
                self.enhanced,
                self.safeguarding,
                self.summary,
                self.next_due,
            ]
        )

    def _build_decision_row(self, now: datetime) -> QWidget:
        """A decision notification: which decision, when made, enhanced rights (the verdict is a hint)."""
        self.decision = QComboBox()
        self.decision.setPlaceholderText("Choose the decision")
        for d in NotifiableDecision:
            self.decision.addItem(d.label, d)
        self.decision.setCurrentIndex(-1)
        self.decision_date = DateEdit(london_date(now))
        self.decision_date.setMaximumDate(to_qdate(london_date(now)))
        self.enhanced = QCheckBox("Enhanced rights (1 working day)")
        self.enhanced.setChecked(True)
        self.enhanced.setToolTip(
            "Victims' Code: victims of the most serious crime, including all MSHT victims by default, are "
            "told within 1 working day; others within 5"
        )
        self.on_time = QLabel("")
        self.on_time.setObjectName("onTime")
        decision_row = QWidget()
        row = QHBoxLayout(decision_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.decision, 2)
        date_label = QLabel("ma&de on")
        date_label.setBuddy(self.decision_date)
        row.addWidget(date_label)
        row.addWidget(self.decision_date)
        row.addWidget(self.enhanced)
        row.addStretch(1)
        return decision_row

    def _fill(self, c: ContactRow) -> None:
        """The contact as logged, to be corrected."""
        self.contact_at.setDateTime(london_qdatetime(c.contact_at))
        self.method.setCurrentIndex(self.method.findData(c.method))
        self.purpose.setCurrentIndex(self.purpose.findData(c.purpose))
        self.interpreter.setText(c.interpreter_language)
        if c.decision_notified is not None:
            self.decision.setCurrentIndex(self.decision.findData(c.decision_notified))
        if c.decision_date is not None:
            self.decision_date.setDate(to_qdate(c.decision_date))
        self.safeguarding.setChecked(c.safeguarding_concern)
        self.summary.setPlainText(c.summary)
        self.next_due.set_value(c.next_contact_due)
        self._next_due_edited = True  # keep the date the VLO set, unless they change it

    def _connect(self) -> None:
        """Wire the fields built by :meth:`_build_layout` to the hints and defaults that follow them."""
        self.purpose.currentIndexChanged.connect(lambda _i: self._purpose_changed())
        self.contact_at.dateTimeChanged.connect(lambda _d: self._contact_time_changed())
        self.decision_date.dateChanged.connect(lambda _d: self._update_on_time())
        self.decision.currentIndexChanged.connect(lambda _i: self._update_on_time())
        self.enhanced.toggled.connect(lambda _b: self._update_on_time())
        self.next_due.value_changed.connect(self._next_due_changed)
        # "Give the reason" goes as soon as one is typed, not at the next save
        self.reason.textChanged.connect(
            lambda: self.clear_error("reason") if self.reason.toPlainText().strip() else None
        )

    def _on_time_box(self) -> QLabel:
        self.on_time_hint = hint_label("")
        return self.on_time_hint

    def sizeHint(self) -> QSize:
        return QSize(780, super().sizeHint().height())

    # ----- defaults ----------------------------------------------------------------------------
    def _load_defaults(self) -> None:
        """The team's contact interval and the working calendar, read once on the worker."""
        contacts = self.ctx.backend.contacts
        calendar_service = self.ctx.backend.calendar

        def read(_job: object) -> tuple[int, WorkingCalendar]:
            return contacts.interval_days(), calendar_service.calendar()

        self.ctx.tasks.run(read, done=self._defaults_loaded, owner=self, context="preparing a contact")

    def _defaults_loaded(self, result: tuple[int, WorkingCalendar]) -> None:
        self.interval_days, self.calendar = result
        if not self._next_due_edited:
            self._set_next_due_default()
        self._update_on_time()

    def contact_moment(self) -> datetime:
        """The contact's date and time as typed, in London (aware, as the service expects)."""
        t = self.contact_at.time()
        return datetime.combine(self.contact_day(), time(t.hour(), t.minute()), tzinfo=LONDON)

    def contact_day(self) -> date:
        q = self.contact_at.date()
        return date(q.year(), q.month(), q.day())

    def default_next_due(self) -> date:
        return self.contact_day() + timedelta(days=self.interval_days)

    def _set_next_due_default(self) -> None:
        self.next_due.blockSignals(True)
        self.next_due.set_value(self.default_next_due())
        self.next_due.blockSignals(False)
        self.next_due_hint.setText(
            f"Default: {self.interval_days} days after this contact (the team's setting)."
        )

    def _next_due_changed(self) -> None:
        self._next_due_edited = self.next_due.value() != self.default_next_due()

    def _contact_time_changed(self) -> None:
        if not self._next_due_edited:
            self._set_next_due_default()
        self._update_on_time()

    # ----- purpose and decision ----------------------------------------------------------------
    def current_purpose(self) -> ContactPurpose:
        return ContactPurpose(self.purpose.currentData())

    def _purpose_changed(self) -> None:
        purpose = self.current_purpose()
        notifying = purpose == ContactPurpose.DECISION_NOTIFICATION
        self.form.setRowVisible(self.decision_caption, notifying)
        refused = self.opted_out and purpose.is_update
        if refused:
            self.show_errors({"purpose": OPTED_OUT_REFUSAL})
            self.purpose.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self._errors["purpose"].clear()
        self.ok_button.setEnabled(not refused and not self.busy)
        self._update_on_time()

    def notification_due(self) -> date:
        return decision_notification_due(
            self.decision_date.value(), self.calendar, enhanced=self.enhanced.isChecked()
        )

    def _update_on_time(self) -> None:
        if self.current_purpose() != ContactPurpose.DECISION_NOTIFICATION:
            self.on_time_hint.setText("")
            return
        due = self.notification_due()
        if is_on_time(self.contact_day(), due):
            self.on_time_hint.setText(f"Due by {uk(due)}: telling them at this contact is on time.")
            self.on_time_hint.setStyleSheet(f"color: {palette.GOOD_HEX};")
        else:
            self.on_time_hint.setText(f"Due by {uk(due)}: this notification is late.")
            self.on_time_hint.setStyleSheet(f"color: {palette.ALERT_HEX}; font-weight: 600;")

    # ----- saving ------------------------------------------------------------------------------
    def current_input(self) -> ContactInput:
        purpose = self.current_purpose()
        notifying = purpose == ContactPurpose.DECISION_NOTIFICATION
        decision = self.decision.currentData() if notifying else None
        return ContactInput(
            person_id=self.pathway.person_id,
            contact_at=self.contact_moment(),
            method=ContactMethod(self.method.currentData()),
            purpose=purpose,
            interpreter_language=self.interpreter.text().strip(),
            decision_notified=NotifiableDecision(decision) if decision is not None else None,
            decision_date=self.decision_date.value() if notifying else None,
            enhanced_rights=self.enhanced.isChecked(),
            safeguarding_concern=self.safeguarding.isChecked(),
            summary=self.summary.toPlainText().strip(),
            next_contact_due=self.next_due.value() if self._next_due_edited else None,
        )

    def _local_problems(self) -> dict[str, str]:
        purpose = self.current_purpose()
        if self.opted_out and purpose.is_update:
            return {"purpose": OPTED_OUT_REFUSAL}
        if purpose == ContactPurpose.DECISION_NOTIFICATION and self.decision.currentIndex() < 0:
            return {"decision_notified": "Choose the decision you told them of."}
        next_due = self.next_due.value()
        if next_due is not None and next_due <= self.contact_day():
            return {"next_contact_due": "The next contact is due after this one."}
        return {}

    def submit(self) -> None:
        problems = self._local_problems()
        if problems:
            self.show_errors(problems)
            return
        data = self.current_input()
        contacts = self.ctx.backend.contacts
        if self.corrects is not None:
            contact_id, reason = self.corrects.id, self.reason.toPlainText()
            if not reason.strip():
                self.show_errors({"reason": "Give the reason; it is kept with the correction."})
                return
            self.save(
                lambda: contacts.correct(contact_id, data, reason),
                self._saved,
                context="correcting a contact",
            )
            return
        self.save(lambda: contacts.add(data), self._saved, context="logging a contact")

    def _saved(self, saved: ContactSaved) -> None:
        self.result_saved = saved
        self.saved.emit(saved)
        self.accept()

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        if not busy and self.opted_out and self.current_purpose().is_update:
            self.ok_button.setEnabled(False)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
