"""Navigator cases: a Navigator sees only the people they support, taking a case on adds them as a
supporter, edits are versioned, closing needs a date and a reason; every opening is audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import NavigatorCloseReason, NavigatorNeed
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.navigator import CaseStatus, NavigatorCaseInput, NavigatorFilter
from mshtdesk.services.people import PersonInput
from mshtdesk.services.users import UserService
from mshtdesk.store.database import Database

Backends = Callable[[Role], Backend]
CASE = NavigatorCaseInput(
    referral_date=date(2024, 3, 4),
    referral_source="Haven House",
    consent=True,
    needs=frozenset({NavigatorNeed.HEALTH, NavigatorNeed.ACCOMMODATION}),
    engaged_at_start=True,
)


def people(officer: Backend, *, refer: bool = True) -> tuple[int, int]:
    """Two people; the first referred to the demo Navigator (unless ``refer`` is false), the second not."""
    a = officer.people.create(PersonInput(surname="Kowalczyk", forenames="Marta"))
    b = officer.people.create(PersonInput(surname="Berisha", forenames="Ilir"))
    if refer:
        officer.people.add_supporter(a, "navigator")
    return a, b


def test_a_navigator_takes_a_case_on_and_then_sees_only_their_people(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    a, b = people(officer, refer=False)
    nav = backend_for(Role.NAVIGATOR)
    assert nav.navigator.list() == [] and nav.navigator.count() == 0
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned or support"):
        nav.people.get(a)
    # need to know: a Navigator cannot reach a record by opening a case for it
    with pytest.raises(PermissionDeniedError, match="not been referred to you"):
        nav.navigator.create(a, CASE)
    officer.people.add_supporter(a, "navigator")  # the police refer the victim
    assert nav.people.get(a).data.surname == "Kowalczyk"
    case_id = nav.navigator.create(a, CASE)
    rows = nav.navigator.list()
    assert [(r.id, r.person_name, r.navigator, r.needs) for r in rows] == [
        (case_id, "Kowalczyk, Marta", "navigator", "Accommodation, Health")
    ]
    with pytest.raises(PermissionDeniedError):
        nav.people.get(b)
    # an HTT officer and a manager read every case; a VLO has no access to Navigator cases
    assert backend_for(Role.MANAGER).navigator.count() == 1
    assert backend_for(Role.HTT_OFFICER).navigator.get(case_id).data == CASE
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.VLO).navigator.list()
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.HTT_OFFICER).navigator.create(b, CASE)


def test_a_navigator_cannot_open_a_case_of_someone_they_do_not_support(
    backend_for: Backends, database: Database
) -> None:
    admin = backend_for(Role.ADMINISTRATOR)
    UserService(database, admin.actor).add_user(
        "nav2", "Second Navigator", Role.NAVIGATOR, "quartz-lily-furnace"
    )
    a, _ = people(backend_for(Role.HTT_OFFICER))
    case_id = backend_for(Role.NAVIGATOR).navigator.create(a, CASE)
    other = Backend.as_user(database, "nav2")
    assert other.navigator.list() == []
    with pytest.raises(PermissionDeniedError, match="assigned or support"):
        other.navigator.get(case_id)
    with pytest.raises(PermissionDeniedError):
        other.navigator.update(case_id, 1, CASE)
    with pytest.raises(PermissionDeniedError):
        other.navigator.close(case_id, 1, date(2024, 5, 1), NavigatorCloseReason.SUPPORT_COMPLETE)


def test_one_open_case_per_person_and_validation(backend_for: Backends) -> None:
    a, _ = people(backend_for(Role.HTT_OFFICER))
    nav = backend_for(Role.NAVIGATOR)
    with pytest.raises(ValidationError) as info:
        nav.navigator.create(
            a,
            NavigatorCaseInput(
                referral_date=date(2999, 1, 1),
                support_plan_opened=date(2000, 1, 1),
                referral_source="x" * 121,
            ),
        )
    assert set(info.value.fields) == {"referral_date", "support_plan_opened", "referral_source"}
    with pytest.raises(NotFoundError):
        nav.navigator.create(999_999, CASE)
    nav.navigator.create(a, CASE)
    with pytest.raises(ValidationError, match="already has an open Navigator case"):
        nav.navigator.create(a, CASE)


def test_update_is_versioned_and_audited_by_field_name(backend_for: Backends) -> None:
    a, _ = people(backend_for(Role.HTT_OFFICER))
    nav = backend_for(Role.NAVIGATOR)
    case_id = nav.navigator.create(a, CASE)
    detail = nav.navigator.get(case_id)
    changed = NavigatorCaseInput(
        **{**detail.data.__dict__, "engaged_now": True, "support_plan_opened": date(2024, 3, 6)}
    )
    assert nav.navigator.update(case_id, detail.version, changed) == detail.version + 1
    with pytest.raises(ConflictError, match="Someone else saved"):
        nav.navigator.update(case_id, detail.version, CASE)
    assert nav.navigator.get(case_id).data == changed
    rows = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="navigator_case", record_id=str(case_id)))
    got = [(r.action, r.fields) for r in reversed(rows)]
    assert got[0] == ("collect", "referral_date,referral_source,consent,needs,engaged_at_start")
    assert ("alter", "support_plan_opened,engaged_now") in got
    assert [a for a, _ in got].count("consult") == 2
    person_rows = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(a)))
    assert [(r.action, r.fields) for r in person_rows if r.action == "combine"] == [("combine", "navigator")]


def test_close_with_a_date_and_reason(backend_for: Backends) -> None:
    a, _ = people(backend_for(Role.HTT_OFFICER))
    nav = backend_for(Role.NAVIGATOR)
    case_id = nav.navigator.create(a, CASE)
    with pytest.raises(ValidationError, match="before its referral"):
        nav.navigator.close(case_id, 1, date(2024, 3, 1), NavigatorCloseReason.SUPPORT_COMPLETE)
    with pytest.raises(ValidationError, match="Say why"):
        nav.navigator.close(case_id, 1, date(2024, 6, 1), NavigatorCloseReason.OTHER)
    with pytest.raises(ValidationError, match="future"):
        nav.navigator.close(case_id, 1, date(2999, 6, 1), NavigatorCloseReason.DISENGAGED)
    version = nav.navigator.close(case_id, 1, date(2024, 6, 1), NavigatorCloseReason.OTHER, "Moved to Wales")
    detail = nav.navigator.get(case_id)
    assert (detail.closed_date, detail.closed_reason, detail.version) == (
        date(2024, 6, 1),
        NavigatorCloseReason.OTHER,
        version,
    )
    assert detail.data.notes.endswith("Closed 01/06/2024: Moved to Wales")
    with pytest.raises(ValidationError, match="already closed"):
        nav.navigator.close(case_id, version, date(2024, 6, 2), NavigatorCloseReason.DISENGAGED)
    assert nav.navigator.list() == []  # the default filter shows open cases
    closed = nav.navigator.list(NavigatorFilter(status=CaseStatus.CLOSED))
    assert [(r.closed_date, r.closed_reason) for r in closed] == [(date(2024, 6, 1), "Other")]
    # a new case may open once the old one is closed
    nav.navigator.create(a, NavigatorCaseInput(referral_date=date(2024, 7, 1)))
    assert nav.navigator.count(NavigatorFilter(status=CaseStatus.ALL)) == 2


def test_list_pages_and_filters_in_sql(backend_for: Backends) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    nav = backend_for(Role.NAVIGATOR)
    ids = []
    for i in range(7):
        pid = officer.people.create(PersonInput(surname=f"Person{i}", forenames="Test_%"))
        officer.people.add_supporter(pid, "navigator")
        ids.append(nav.navigator.create(pid, NavigatorCaseInput(referral_date=date(2024, 1, 1 + i))))
    first = nav.navigator.list(limit=3)
    second = nav.navigator.list(offset=3, limit=3)
    assert [r.id for r in first + second] == list(reversed(ids))[:6]  # newest referral first
    assert nav.navigator.count(NavigatorFilter(text="person3")) == 1
    assert nav.navigator.count(NavigatorFilter(text="_%")) == 7  # wildcards are matched literally
    assert nav.navigator.count(NavigatorFilter(text="x%")) == 0
