"""VLO contacts: only with assigned victims; decision notifications timed against the working calendar;
the next contact due from the VLO's date or the setting; an opt-out of updates respected and recorded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import ContactMethod, ContactPurpose, NotifiableDecision
from mshtdesk.errors import PermissionDeniedError, ValidationError
from mshtdesk.services.audit import AuditQuery
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import INTERVAL_SETTING, ContactFilter, ContactInput, describe_saved
from mshtdesk.services.people import PersonInput
from mshtdesk.store.tables import CALENDAR_DAY, SETTING

Backends = Callable[[Role], Backend]
LONDON = ZoneInfo("Europe/London")


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=LONDON)


def victims(backend_for: Backends, *, opted_out: bool = False) -> tuple[int, int]:
    officer = backend_for(Role.HTT_OFFICER)
    mine = officer.people.create(
        PersonInput(surname="Dragan", forenames="Elena", opted_out_of_updates=opted_out)
    )
    other = officer.people.create(PersonInput(surname="Tran", forenames="Minh"))
    officer.people.assign_vlo(mine, "vlo")
    return mine, other


def welfare(person_id: int, when: datetime, **kw: object) -> ContactInput:
    return ContactInput(person_id, when, ContactMethod.PHONE, ContactPurpose.WELFARE, **kw)  # type: ignore[arg-type]


def notification(person_id: int, when: datetime, decided: date, **kw: object) -> ContactInput:
    return ContactInput(
        person_id,
        when,
        ContactMethod.IN_PERSON,
        ContactPurpose.DECISION_NOTIFICATION,
        decision_notified=NotifiableDecision.CHARGE,
        decision_date=decided,
        **kw,  # type: ignore[arg-type]
    )


def test_a_vlo_logs_contacts_only_with_assigned_victims(backend_for: Backends) -> None:
    mine, other = victims(backend_for)
    vlo = backend_for(Role.VLO)
    saved = vlo.contacts.add(welfare(mine, at(2024, 5, 1)))
    assert saved.next_contact_due == date(2024, 5, 29)  # 28 days, the default
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned"):
        vlo.contacts.add(welfare(other, at(2024, 5, 1)))
    with pytest.raises(PermissionDeniedError, match="not one you have been assigned"):
        vlo.contacts.list(ContactFilter(person_id=other))
    for role in (Role.HTT_OFFICER, Role.MANAGER, Role.NAVIGATOR, Role.HAVEN_HOUSE):
        with pytest.raises(PermissionDeniedError):
            backend_for(role).contacts.add(welfare(mine, at(2024, 5, 1)))
    # the manager reads every contact; the Navigator none
    assert [r.id for r in backend_for(Role.MANAGER).contacts.list()] == [saved.id]
    with pytest.raises(PermissionDeniedError):
        backend_for(Role.NAVIGATOR).contacts.list()


def test_the_list_is_scoped_and_filtered_in_sql(backend_for: Backends) -> None:
    mine, other = victims(backend_for)
    vlo = backend_for(Role.VLO)
    first = vlo.contacts.add(welfare(mine, at(2024, 5, 1))).id
    second = vlo.contacts.add(
        ContactInput(mine, at(2024, 5, 3), ContactMethod.VIDEO, ContactPurpose.INVESTIGATION_UPDATE)
    ).id
    officer = backend_for(Role.HTT_OFFICER)
    officer.people.assign_vlo(mine, None)
    officer.people.assign_vlo(other, "vlo")
    # after a reassignment, the contacts follow the victim, not the officer who logged them
    assert vlo.contacts.list() == []
    officer.people.assign_vlo(mine, "vlo")
    rows = vlo.contacts.list(ContactFilter(person_id=mine))
    assert [(r.id, r.vlo, r.person_name, r.method) for r in rows] == [
        (second, "vlo", "Dragan, Elena", ContactMethod.VIDEO),
        (first, "vlo", "Dragan, Elena", ContactMethod.PHONE),
    ]
    assert vlo.contacts.count(ContactFilter(purpose=ContactPurpose.WELFARE)) == 1
    assert vlo.contacts.count(ContactFilter(mine=True)) == 2
    manager = backend_for(Role.MANAGER).contacts
    assert manager.count(ContactFilter(vlo="vlo")) == 2 and manager.count(ContactFilter(vlo="officer")) == 0
    assert [r.id for r in vlo.contacts.list(limit=1, offset=1)] == [first]
    audit = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(mine)))
    assert [(r.action, r.fields) for r in audit if r.action == "consult"] == [("consult", "vlo_contacts")]
    audit = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="vlo_contact"))
    assert sorted(int(r.record_id) for r in audit) == [first, second]  # one collection each


@pytest.mark.parametrize(
    ("decided", "contact", "enhanced", "due", "on_time"),
    [
        # a Friday decision: enhanced rights -> the next working day, Monday
        (date(2024, 5, 3), at(2024, 5, 6, 17), True, date(2024, 5, 7), True),
        # Friday before the May bank holiday (6/5/2024): due Tuesday; Tuesday evening is still on time
        (date(2024, 5, 3), at(2024, 5, 7, 23), True, date(2024, 5, 7), True),
        (date(2024, 5, 3), at(2024, 5, 8, 9), True, date(2024, 5, 7), False),
        # without enhanced rights: 5 working days
        (date(2024, 5, 3), at(2024, 5, 10, 9), False, date(2024, 5, 13), True),
        # Christmas: a decision on 22/12/2023 (Friday) -> 27/12 after two bank holidays
        (date(2023, 12, 22), at(2023, 12, 27, 9), True, date(2023, 12, 27), True),
    ],
)
def test_decision_notification_due_and_on_time(
    backend_for: Backends, decided: date, contact: datetime, enhanced: bool, due: date, on_time: bool
) -> None:
    mine, _ = victims(backend_for)
    vlo = backend_for(Role.VLO)
    saved = vlo.contacts.add(notification(mine, contact, decided, enhanced_rights=enhanced))
    assert (saved.notification_due, saved.notified_on_time) == (due, on_time)
    row = vlo.contacts.list(ContactFilter(person_id=mine))[0]
    assert (row.notification_due, row.notified_on_time, row.decision_notified) == (
        due,
        on_time,
        NotifiableDecision.CHARGE,
    )
    assert ("on time" if on_time else "late") in describe_saved(saved)


def test_the_administrators_extra_day_off_counts(backend_for: Backends) -> None:
    mine, _ = victims(backend_for)
    vlo = backend_for(Role.VLO)
    with vlo.db.engine.begin() as conn:
        conn.execute(insert(CALENDAR_DAY).values(day=date(2024, 5, 7), working=False, label="Force closure"))
    saved = vlo.contacts.add(notification(mine, at(2024, 5, 8), date(2024, 5, 3)))
    assert (saved.notification_due, saved.notified_on_time) == (date(2024, 5, 8), True)


def test_the_next_contact_is_the_vlos_date_else_the_setting(backend_for: Backends) -> None:
    mine, _ = victims(backend_for)
    vlo = backend_for(Role.VLO)
    assert vlo.contacts.add(
        welfare(mine, at(2024, 5, 1), next_contact_due=date(2024, 5, 8))
    ).next_contact_due == (date(2024, 5, 8))
    with vlo.db.engine.begin() as conn:
        conn.execute(insert(SETTING).values(key=INTERVAL_SETTING, value="14"))
    assert vlo.contacts.interval_days() == 14
    assert vlo.contacts.add(welfare(mine, at(2024, 5, 1))).next_contact_due == date(2024, 5, 15)
    # a contact at 00:30 BST on 2 May counts from 2 May, the London day
    late = datetime(2024, 5, 1, 23, 30, tzinfo=UTC)
    assert vlo.contacts.add(welfare(mine, late)).next_contact_due == date(2024, 5, 16)


def test_validation(backend_for: Backends) -> None:
    mine, _ = victims(backend_for)
    vlo = backend_for(Role.VLO)
    with pytest.raises(ValidationError) as info:
        vlo.contacts.add(
            ContactInput(mine, at(2024, 5, 1), ContactMethod.PHONE, ContactPurpose.DECISION_NOTIFICATION)
        )
    assert set(info.value.fields) == {"decision_notified", "decision_date"}
    with pytest.raises(ValidationError, match="before it was made"):
        vlo.contacts.add(notification(mine, at(2024, 5, 1), date(2024, 5, 2)))
    with pytest.raises(ValidationError, match="Only a decision notification names a decision"):
        vlo.contacts.add(welfare(mine, at(2024, 5, 1), decision_date=date(2024, 5, 1)))
    with pytest.raises(ValidationError, match="due after this one"):
        vlo.contacts.add(welfare(mine, at(2024, 5, 1), next_contact_due=date(2024, 5, 1)))
    with pytest.raises(ValidationError, match="before it happens"):
        vlo.contacts.add(welfare(mine, datetime.now(UTC) + timedelta(hours=1)))
    with pytest.raises(ValidationError, match="time zone"):
        vlo.contacts.add(welfare(mine, datetime(2024, 5, 1, 10)))
    assert vlo.contacts.count() == 0


def test_an_opt_out_of_updates_is_respected_and_recorded(backend_for: Backends) -> None:
    mine, _ = victims(backend_for, opted_out=True)
    vlo = backend_for(Role.VLO)
    with pytest.raises(ValidationError, match="opted out of updates") as info:
        vlo.contacts.add(notification(mine, at(2024, 5, 7), date(2024, 5, 3)))
    assert set(info.value.fields) == {"purpose"}
    with pytest.raises(ValidationError, match="Welfare and safeguarding contacts can still be logged"):
        vlo.contacts.add(
            ContactInput(mine, at(2024, 5, 7), ContactMethod.PHONE, ContactPurpose.INVESTIGATION_UPDATE)
        )
    vlo.contacts.add(welfare(mine, at(2024, 5, 7)))
    vlo.contacts.add(
        ContactInput(
            mine,
            at(2024, 5, 8),
            ContactMethod.IN_PERSON,
            ContactPurpose.SAFEGUARDING,
            safeguarding_concern=True,
        )
    )
    assert [r.purpose for r in vlo.contacts.list()] == [ContactPurpose.SAFEGUARDING, ContactPurpose.WELFARE]
    audit = backend_for(Role.AUDITOR).audit.list(AuditQuery(entity="person", record_id=str(mine)))
    withheld = [r.reason for r in audit if r.fields == "opted_out_of_updates"]
    assert withheld == [
        "Investigation update withheld: the victim opted out of updates",
        "Decision notification withheld: the victim opted out of updates",
    ]


def test_a_closing_contact_sets_no_next_contact_unless_the_vlo_does(backend_for: Backends) -> None:
    mine, _ = victims(backend_for)
    vlo = backend_for(Role.VLO)
    closing = ContactInput(mine, at(2024, 5, 1), ContactMethod.PHONE, ContactPurpose.CLOSURE)
    saved = vlo.contacts.add(closing)
    assert saved.next_contact_due is None
    assert describe_saved(saved) == "Contact logged; no further contact is due."
    assert vlo.contacts.list()[0].next_contact_due is None
    later = ContactInput(
        mine, at(2024, 5, 2), ContactMethod.PHONE, ContactPurpose.CLOSURE, next_contact_due=date(2024, 11, 1)
    )
    assert vlo.contacts.add(later).next_contact_due == date(2024, 11, 1)


def test_the_overdue_filter_keeps_each_victims_latest_contact_whose_next_date_has_passed(
    backend_for: Backends,
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    late, _ = victims(backend_for)
    on_time = officer.people.create(PersonInput(surname="Popa", forenames="Ana"))
    officer.people.assign_vlo(on_time, "vlo")
    vlo = backend_for(Role.VLO)
    today = date.today()
    old = datetime.now(LONDON) - timedelta(days=60)
    vlo.contacts.add(welfare(late, old, next_contact_due=today - timedelta(days=40)))
    newest_late = vlo.contacts.add(
        welfare(late, old + timedelta(days=10), next_contact_due=today - timedelta(days=3))
    )
    vlo.contacts.add(welfare(on_time, old, next_contact_due=today - timedelta(days=30)))
    vlo.contacts.add(welfare(on_time, datetime.now(LONDON), next_contact_due=today + timedelta(days=7)))
    overdue = vlo.contacts.list(ContactFilter(overdue=True))
    # only the latest contact counts: the earlier overdue dates were superseded by later contacts
    assert [(r.person_id, r.id) for r in overdue] == [(late, newest_late.id)]
    assert vlo.contacts.count(ContactFilter(overdue=True)) == 1
    assert vlo.contacts.count() == 4


def test_the_overdue_filter_pages_and_combines_with_the_other_filters_as_the_full_list_says(
    backend_for: Backends,
) -> None:
    """The overdue filter chooses its page from ``latest_contact``; whatever the filters and the page,
    it must list exactly what the full list says: each victim's latest contact, when overdue, that
    matches the other filters, latest first."""
    officer = backend_for(Role.HTT_OFFICER)
    people = [officer.people.create(PersonInput(surname=f"Victim{i}", forenames="Test")) for i in range(6)]
    for pid in people:
        officer.people.assign_vlo(pid, "vlo")
    vlo = backend_for(Role.VLO)
    today = date.today()
    start = datetime.now(LONDON) - timedelta(days=90)
    purposes = (ContactPurpose.WELFARE, ContactPurpose.SAFEGUARDING)
    for i, pid in enumerate(people):
        for k in range(i % 3 + 1):
            # each person's latest contact at the same time as another's: the page breaks ties by id
            when = start + timedelta(days=10 * (k - i % 3) + i // 2)
            due = today + timedelta(days=5) if (i, k) == (4, 1) else today - timedelta(days=30 - k - i)
            vlo.contacts.add(
                ContactInput(pid, when, ContactMethod.PHONE, purposes[(i + k) % 2], next_contact_due=due)
            )
    officer.people.assign_vlo(people[5], None)  # their contacts stay, out of the VLO's sight
    manager = backend_for(Role.MANAGER).contacts
    every = manager.list(limit=1000)
    latest: dict[int, int] = {}
    for r in every:  # latest first: each person's first row is their latest contact
        latest.setdefault(r.person_id, r.id)
    for f in (
        ContactFilter(overdue=True),
        ContactFilter(overdue=True, purpose=ContactPurpose.WELFARE),
        ContactFilter(overdue=True, purpose=ContactPurpose.SAFEGUARDING, vlo="vlo"),
        ContactFilter(overdue=True, vlo="officer"),
        ContactFilter(overdue=True, person_id=people[2]),
    ):
        expected = [
            r.id
            for r in every
            if latest[r.person_id] == r.id
            and r.next_contact_due is not None
            and r.next_contact_due < today
            and (f.purpose is None or r.purpose is f.purpose)
            and (not f.vlo or r.vlo == f.vlo)
            and (f.person_id is None or r.person_id == f.person_id)
        ]
        assert [r.id for r in manager.list(f)] == expected, f
        assert manager.count(f) == len(expected), f
        paged = [r.id for offset in range(0, 8, 2) for r in manager.list(f, offset=offset, limit=2)]
        assert paged == expected, f
    assert len(manager.list(ContactFilter(overdue=True))) == 5  # person 4's latest is not overdue
    # the VLO sees the overdue contacts of their own victims only, and no longer person 5's
    assert {r.person_id for r in vlo.contacts.list(ContactFilter(overdue=True))} == set(people[:4])
