"""The administrator's calendar overrides: who may change them, what they refuse, and the audit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.calendar import CalendarOverride

Backends = Callable[[Role], Backend]


def test_an_administrator_adds_and_removes_days(backend_for: Backends) -> None:
    admin = backend_for(Role.ADMINISTRATOR).calendar
    admin.add(date(2024, 5, 8), label="Force closure day")
    admin.add(date(2024, 12, 26), working=True, label="Boxing Day worked")
    assert admin.list() == [
        CalendarOverride(date(2024, 5, 8), False, "Force closure day"),
        CalendarOverride(date(2024, 12, 26), True, "Boxing Day worked"),
    ]
    cal = admin.calendar()
    assert not cal.is_working_day(date(2024, 5, 8)) and cal.is_working_day(date(2024, 12, 26))
    # every role that reads reference data sees the list the clocks use
    assert len(backend_for(Role.VLO).calendar.list()) == 2
    admin.remove(date(2024, 5, 8))
    assert [o.day for o in admin.list()] == [date(2024, 12, 26)]
    with pytest.raises(NotFoundError):
        admin.remove(date(2024, 5, 8))
    log = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="reference"))
    assert sorted(e.record_id for e in log) == [
        "calendar:2024-05-08",
        "calendar:2024-05-08",
        "calendar:2024-12-26",
    ]
    assert all(e.action == "administer" for e in log)


@pytest.mark.parametrize(
    ("day", "working", "message"),
    [
        (date(2024, 5, 11), True, "weekend"),  # a Saturday cannot be made working
        (date(2024, 5, 7), True, "already a working day"),
        (date(2024, 5, 6), False, "already a non-working day"),  # Early May bank holiday
        (date(2024, 5, 11), False, "already a non-working day"),
    ],
)
def test_pointless_or_impossible_changes_are_refused(
    backend_for: Backends, day: date, working: bool, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        backend_for(Role.ADMINISTRATOR).calendar.add(day, working=working)


def test_a_day_is_listed_once_and_labels_are_bounded(backend_for: Backends) -> None:
    admin = backend_for(Role.ADMINISTRATOR).calendar
    admin.add(date(2024, 5, 8))
    with pytest.raises(ValidationError, match="already on the list"):
        admin.add(date(2024, 5, 8))
    with pytest.raises(ValidationError, match="120"):
        admin.add(date(2024, 5, 9), label="x" * 121)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.HTT_OFFICER, Role.VLO, Role.AUDITOR])
def test_only_administrators_change_the_calendar(backend_for: Backends, role: Role) -> None:
    with pytest.raises(PermissionDeniedError):
        backend_for(role).calendar.add(date(2024, 5, 8))
    backend_for(Role.ADMINISTRATOR).calendar.add(date(2024, 5, 8))
    with pytest.raises(PermissionDeniedError):
        backend_for(role).calendar.remove(date(2024, 5, 8))
