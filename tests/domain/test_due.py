"""What is due: one set of words for the Today page and the pathway."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain import due
from mshtdesk.domain.due import DueKind
from mshtdesk.domain.support import NotifiableDecision
from mshtdesk.domain.working_days import WorkingCalendar

TODAY = date(2024, 6, 10)  # a Monday


def test_how_near_or_late_in_words() -> None:
    assert due.due_words(date(2024, 6, 7), TODAY) == "overdue by 3 days"
    assert due.due_words(date(2024, 6, 9), TODAY) == "overdue by 1 day"
    assert due.due_words(TODAY, TODAY, overdue=True) == "overdue"
    assert due.due_words(TODAY, TODAY) == "due today"
    assert due.due_words(date(2024, 6, 11), TODAY) == "due tomorrow"
    assert due.due_words(date(2024, 6, 15), TODAY) == "in 5 days"


def test_an_item_is_late_only_when_it_can_be() -> None:
    assert due.rg_expected("NRM-1", date(2024, 6, 7), 12, TODAY).overdue
    assert not due.rg_expected("NRM-1", TODAY, 5, TODAY).overdue
    assert not due.reconsideration_window("NRM-1", date(2024, 6, 1)).overdue  # a window closes, never late
    assert not due.recovery_period_end("NRM-1", date(2024, 6, 1)).overdue
    first = due.first_contact(date(2024, 6, 3), TODAY)
    assert (first.kind, first.overdue, first.text) == (DueKind.VLO_CONTACT, True, due.FIRST_CONTACT_TEXT)
    assert due.next_contact(date(2024, 6, 14), date(2024, 5, 17), TODAY).text == (
        "Next contact with the victim due by 14/06/2024 (last contact 17/05/2024)"
    )


def test_decisions_of_one_day_on_one_arrest_are_one_notification_oldest_first() -> None:
    rows = [
        (7, 70, "HT/7", date(2024, 6, 7), "BAIL"),
        (7, 70, "HT/7", date(2024, 6, 7), "CHARGE"),
        (7, 71, "HT/8", date(2024, 6, 3), "NFA"),
        (8, 70, "HT/7", date(2024, 6, 7), "CHARGE"),
    ]
    owed = due.owed_notifications(rows, WorkingCalendar())
    assert [(o.person_id, o.custody_ref, o.decisions) for o in owed] == [
        (7, "HT/8", (NotifiableDecision.NFA,)),
        (7, "HT/7", (NotifiableDecision.CHARGE, NotifiableDecision.BAIL)),
        (8, "HT/7", (NotifiableDecision.CHARGE,)),
    ]
    assert owed[0].due == date(2024, 6, 4)  # 1 working day (enhanced rights)
    item = owed[1].item(TODAY)
    assert (item.kind, item.due, item.overdue) == (DueKind.DECISION_NOTIFICATION, date(2024, 6, 10), False)
    assert item.text == "Tell the victim of the charge, bail decision of 07/06/2024 on arrest HT/7"
