"""Date fields shown the British way, with an optional "no date" state for filters."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Signal
from PySide6.QtWidgets import QDateEdit, QWidget

DISPLAY_FORMAT = "dd/MM/yyyy"
_NONE = QDate(1900, 1, 1)  # the sentinel for "no date": shown as the special value text


def to_qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def from_qdate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class DateEdit(QDateEdit):
    """A required date: DD/MM/YYYY, a calendar pop-up, and plain ``date`` values in and out."""

    def __init__(self, value: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        self.setDate(to_qdate(value or date.today()))

    def value(self) -> date:
        return from_qdate(self.date())

    def set_value(self, value: date) -> None:
        self.setDate(to_qdate(value))


class OptionalDateEdit(QDateEdit):
    """A date that may be left empty (shown as ``empty_text``); the calendar opens at today when empty."""

    value_changed = Signal()

    def __init__(self, empty_text: str = "Any date", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        self.setMinimumDate(_NONE)
        self.setSpecialValueText(empty_text)
        self.setDate(_NONE)
        self.calendarWidget().installEventFilter(self)
        self.dateChanged.connect(lambda _d: self.value_changed.emit())

    def value(self) -> date | None:
        d = self.date()
        return None if d == _NONE else from_qdate(d)

    def set_value(self, value: date | None) -> None:
        self.setDate(_NONE if value is None else to_qdate(value))

    def clear_value(self) -> None:
        self.setDate(_NONE)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: A002 - Qt's name
        """Tab leaves an empty date: Qt's date edit would move between the sections of "Any date", which
        has none, and hold the keyboard there for ever (a keyboard trap)."""
        if self.value() is None:
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.value() is None:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


def fit_filter_width(edit: QDateEdit) -> None:
    """Wide enough for a whole date and the calendar arrow at the field's own text size (a width in
    pixels would cut the date off at a large system text size)."""
    metrics = edit.fontMetrics()
    edit.setMinimumWidth(metrics.horizontalAdvance("00/00/00000") + 3 * metrics.height())
