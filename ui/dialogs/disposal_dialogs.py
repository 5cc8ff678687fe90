"""Small dialogs that append to an arrest: an offence, a disposal, a correction, a withdrawal.

Disposal events are never edited in place. "Correct…" records a new event that supersedes the old one
and "Withdraw…" records a void event; both ask for a reason, and the original stays on record.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QWidget

from mshtdesk.domain.dates import uk
from mshtdesk.services.register import ArrestDetail, EventRow, OffenceRow
from ui.context import AppContext
from ui.dialogs.form import FormDialog
from ui.widgets.dates import DateEdit, to_qdate
from ui.widgets.offence_combo import OffenceCombo


def offence_caption(off: OffenceRow) -> str:
    text = off.offence_text if off.type_code == "OTHER_MS" and off.offence_text else off.type_title
    return f"{off.offence_ref} \u2014 {text}"


def event_caption(off: OffenceRow, e: EventRow) -> str:
    return f"{e.disposal_label} on {uk(e.event_date)}, offence {off.offence_ref}"


class _ArrestChild(FormDialog):
    """A dialog about one arrest: announces the change after saving, so every view refreshes."""

    def __init__(
        self, ctx: AppContext, detail: ArrestDetail, title: str, parent: QWidget | None, ok: str
    ) -> None:
        super().__init__(ctx, title, parent, ok_text=ok)
        self.detail = detail
        self.setMinimumWidth(560)

    def _saved(self, _result: object) -> None:
        self.accept()

    def _disposal_combo(self, selected: str | None = None) -> QComboBox:
        combo = QComboBox()
        combo.setPlaceholderText("Choose a disposal")
        for t in self.ctx.reference.disposal_types:  # rank order, highest first
            combo.addItem(t.label, t.code)
        combo.setCurrentIndex(combo.findData(selected) if selected else -1)
        return combo

    def _date(self, value: date | None = None) -> DateEdit:
        edit = DateEdit()
        edit.setMinimumDate(to_qdate(self.detail.arrest_date))
        edit.setMaximumDate(to_qdate(self.ctx.backend.register.today))
        if value is not None:
            edit.set_value(value)
        return edit

    def _reason(self, placeholder: str) -> QPlainTextEdit:
        """A three-line reason box; Tab leaves it, as in every other field of the form."""
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setPlaceholderText(placeholder)
        box.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        return box

    def _intro(self, text: str) -> None:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setContentsMargins(0, 0, 0, 6)
        self.form.addRow(label)


class RecordDisposalDialog(_ArrestChild):
    def __init__(
        self, ctx: AppContext, detail: ArrestDetail, offence_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, detail, f"Record disposal \u2014 {detail.custody_ref}", parent, "Record")
        self.offence = QComboBox()
        for off in detail.offences:
            self.offence.addItem(f"{offence_caption(off)}  (now: {off.disposal_label})", off.id)
        if offence_id is not None:
            self.offence.setCurrentIndex(max(0, self.offence.findData(offence_id)))
        self.disposal = self._disposal_combo()
        self.event_date = self._date()
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: court, reference or other detail")
        self.add_field("offence_id", "&Offence:", self.offence)
        self.add_field("disposal", "&Disposal:", self.disposal)
        self.add_field("event_date", "D&ate:", self.event_date)
        self.add_field("note", "&Note:", self.note)
        self.disposal.setFocus()

    def submit(self) -> None:
        offence_id = self.offence.currentData()
        code = self.disposal.currentData() or ""
        on, note = self.event_date.value(), self.note.text()
        register = self.ctx.backend.register
        self.save(
            lambda: register.append_event(offence_id, code, on, note),
            self._saved,
            context="recording a disposal",
        )


class CorrectEventDialog(_ArrestChild):
    def __init__(
        self,
        ctx: AppContext,
        detail: ArrestDetail,
        offence: OffenceRow,
        event: EventRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx, detail, f"Correct disposal \u2014 {detail.custody_ref}", parent, "Record correction"
        )
        self.target_event = event
        self._intro(
            f"Correcting <b>{event_caption(offence, event)}</b>. The original stays on record, marked "
            "\u201ccorrected\u201d, and the correction carries your reason."
        )
        self.disposal = self._disposal_combo(event.disposal_code)
        self.event_date = self._date(event.event_date)
        self.reason = self._reason("Required: why the recorded disposal or date was wrong")
        self.add_field("disposal", "&Disposal:", self.disposal)
        self.add_field("event_date", "D&ate:", self.event_date)
        self.add_field(("reason", "event"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        code = self.disposal.currentData() or ""
        on, reason = self.event_date.value(), self.reason.toPlainText()
        register, event_id = self.ctx.backend.register, self.target_event.id
        self.save(
            lambda: register.correct_event(event_id, code, on, reason),
            self._saved,
            context="correcting a disposal",
        )


class WithdrawEventDialog(_ArrestChild):
    def __init__(
        self,
        ctx: AppContext,
        detail: ArrestDetail,
        offence: OffenceRow,
        event: EventRow,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(
            ctx, detail, f"Withdraw disposal \u2014 {detail.custody_ref}", parent, "Withdraw event"
        )
        self.target_event = event
        self._intro(
            f"Withdrawing <b>{event_caption(offence, event)}</b>, recorded in error. It stays on record, "
            "marked \u201cwithdrawn\u201d, and no longer counts towards the offence\u2019s disposal."
        )
        self.reason = self._reason("Required: why this event should not have been recorded")
        self.add_field(("reason", "event"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        reason = self.reason.toPlainText()
        register, event_id = self.ctx.backend.register, self.target_event.id
        self.save(
            lambda: register.retract_event(event_id, reason), self._saved, context="withdrawing a disposal"
        )


class AddOffenceDialog(_ArrestChild):
    def __init__(self, ctx: AppContext, detail: ArrestDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, detail, f"Add offence \u2014 {detail.custody_ref}", parent, "Add offence")
        self.offence_ref = QLineEdit(next_offence_ref(o.offence_ref for o in detail.offences))
        self.offence_ref.setMaximumWidth(140)
        self.offence = OffenceCombo(ctx.reference.offence_types)
        self.add_field("offence_ref", "Offence &ref:", self.offence_ref)
        self.add_field("offence", "&Offence:", self.offence)
        self.offence.setFocus()

    def submit(self) -> None:
        ref, text = self.offence_ref.text(), self.offence.text()
        register, arrest_id = self.ctx.backend.register, self.detail.id
        self.save(
            lambda: register.add_offence(arrest_id, ref, text), self._saved, context="adding an offence"
        )


def next_offence_ref(existing: Iterable[str]) -> str:
    """The next free "O<n>" reference, as custody systems number offences."""
    taken = {r.strip().upper() for r in existing}
    n = 1
    while f"O{n}" in taken:
        n += 1
    return f"O{n}"


class WithdrawArrestDialog(_ArrestChild):
    """Withdraw the whole arrest (entered in error, or a duplicate): it leaves every table from now."""

    def __init__(self, ctx: AppContext, detail: ArrestDetail, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, detail, f"Withdraw arrest \u2014 {detail.custody_ref}", parent, "Withdraw arrest"
        )
        self._intro(
            f"Withdrawing arrest <b>{detail.custody_ref}</b> of {uk(detail.arrest_date)}, entered in error "
            "or a duplicate. From now on it leaves every table and report; it stays on record, struck "
            "through, with your name and reason."
        )
        self.reason = self._reason("Required: e.g. duplicate of WY/22/001234, keyed twice")
        self.add_field(("reason", "correction"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        reason = self.reason.toPlainText()
        corrections, arrest_id = self.ctx.backend.corrections, self.detail.id
        self.save(
            lambda: corrections.withdraw_arrest(arrest_id, reason),
            self._saved,
            context="withdrawing an arrest",
        )


class CorrectArrestDialog(_ArrestChild):
    """Correct the arrest's district and/or date; the first values stay on record."""

    def __init__(self, ctx: AppContext, detail: ArrestDetail, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, detail, f"Correct arrest \u2014 {detail.custody_ref}", parent, "Record correction"
        )
        self._intro(
            f"Correcting where or when arrest <b>{detail.custody_ref}</b> was made. Tables use the "
            "corrected values from now on; the values first recorded stay on record."
        )
        self.district = QComboBox()
        for d in ctx.reference.districts:
            if d.active:
                self.district.addItem(f"{d.code} \u2013 {d.name}", d.code)
        self.district.setCurrentIndex(max(0, self.district.findData(detail.district)))
        self.event_date = DateEdit()
        self.event_date.setMaximumDate(to_qdate(ctx.backend.corrections.today))
        self.event_date.set_value(detail.arrest_date)
        self.reason = self._reason("Required: why the recorded district or date was wrong")
        self.add_field("district", "Dis&trict:", self.district)
        self.add_field("arrest_date", "Arrest &date:", self.event_date)
        self.add_field(("reason", "correction"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        code = self.district.currentData()
        district = code if code != self.detail.district else None
        on = self.event_date.value()
        day = on if on != self.detail.arrest_date else None
        reason = self.reason.toPlainText()
        corrections, arrest_id = self.ctx.backend.corrections, self.detail.id
        self.save(
            lambda: corrections.correct_arrest(arrest_id, district=district, arrest_date=day, reason=reason),
            self._saved,
            context="correcting an arrest",
        )


class WithdrawOffenceDialog(_ArrestChild):
    """Withdraw one offence entered in error: its disposals no longer count towards the arrest's."""

    def __init__(
        self, ctx: AppContext, detail: ArrestDetail, offence: OffenceRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx, detail, f"Withdraw offence \u2014 {detail.custody_ref}", parent, "Withdraw offence"
        )
        self.target_offence = offence
        self._intro(
            f"Withdrawing offence <b>{escape(offence_caption(offence))}</b>, entered in error. Its "
            "disposals no longer count towards the arrest\u2019s; it stays on record, struck through, with "
            "your name and reason."
        )
        self.reason = self._reason("Required: e.g. the same offence keyed twice as O1 and O2")
        self.add_field(("reason", "correction"), "&Reason:", self.reason)
        self.reason.setFocus()

    def submit(self) -> None:
        reason = self.reason.toPlainText()
        corrections, offence_id = self.ctx.backend.corrections, self.target_offence.id
        self.save(
            lambda: corrections.withdraw_offence(offence_id, reason),
            self._saved,
            context="withdrawing an offence",
        )


class CorrectOffenceDialog(_ArrestChild):
    """Correct what an offence was; the wording first recorded stays on record."""

    def __init__(
        self, ctx: AppContext, detail: ArrestDetail, offence: OffenceRow, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx, detail, f"Correct offence \u2014 {detail.custody_ref}", parent, "Record correction"
        )
        self.target_offence = offence
        self._intro(
            f"Correcting offence <b>{escape(offence_caption(offence))}</b>. Tables use the corrected "
            "offence from now on; what was first recorded stays on record."
        )
        self.offence = OffenceCombo(ctx.reference.offence_types)
        self.offence.setEditText(offence.offence_text or offence.type_title)
        self.reason = self._reason("Required: why the recorded offence was wrong")
        self.add_field("offence", "&Offence:", self.offence)
        self.add_field(("reason", "correction"), "&Reason:", self.reason)
        self.offence.setFocus()

    def submit(self) -> None:
        text, reason = self.offence.text(), self.reason.toPlainText()
        corrections, offence_id = self.ctx.backend.corrections, self.target_offence.id
        self.save(
            lambda: corrections.correct_offence(offence_id, text, reason),
            self._saved,
            context="correcting an offence",
        )
