"""A date and time field in London time (what staff read on the wall clock), handing out aware values."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QDateTimeEdit, QWidget

from mshtdesk.domain.clocks import LONDON

DISPLAY_FORMAT = "dd/MM/yyyy HH:mm"


def london_text(moment: datetime) -> str:
    """ "05/03/2024 21:40", in London time."""
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def _to_qt(moment: datetime) -> QDateTime:
    local = moment.astimezone(LONDON)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


class MomentEdit(QDateTimeEdit):
    def __init__(self, value: datetime | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat(DISPLAY_FORMAT)
        self.setCalendarPopup(True)
        self.set_value(value or datetime.now(LONDON))

    def value(self) -> datetime:
        d, t = self.date(), self.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=LONDON)

    def set_value(self, moment: datetime) -> None:
        self.setDateTime(_to_qt(moment))

    def set_earliest(self, moment: datetime) -> None:
        self.setMinimumDateTime(_to_qt(moment))

    def set_latest(self, moment: datetime) -> None:
        self.setMaximumDateTime(_to_qt(moment))
