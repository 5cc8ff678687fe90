"""Capped list counts (a list says "10,000+" instead of counting a million rows) and the overdue filter
read from the contact index, against a plain-Python reading of the same rows; on both engines
(tests/both_engines.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
from mshtdesk.domain.clocks import london_date
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.contacts import ContactFilter
from mshtdesk.services.haven import StayFilter
from mshtdesk.services.navigator import NavigatorFilter
from mshtdesk.services.register import ArrestQuery
from mshtdesk.store.database import Database
from mshtdesk.store.tables import VLO_CONTACT
from tests.both_engines import database, db_address

__all__ = ["database", "db_address"]


@pytest.fixture
def filled(database: Database) -> Database:
    """The demo made as if four months ago, so many victims' next contacts are overdue today whatever
    the date (made up to today, how many are overdue varies with the day the test runs: once only two)."""
    day = date.today() - timedelta(days=120)
    fill_demo(database, today=day)
    fill_pathway(database, seed=1, volume=volume_for_arrests(130, 395 / 365.25), today=day)
    return database


def test_each_list_counts_no_further_than_asked(
    filled: Database, backend_for: Callable[[Role], Backend]
) -> None:
    manager, haven = backend_for(Role.MANAGER), backend_for(Role.HAVEN_HOUSE)
    counts: dict[str, Callable[[int | None], int]] = {
        "arrests": lambda m: manager.register.count(ArrestQuery(), m),
        "arrests filtered": lambda m: manager.register.count(ArrestQuery(text="/"), m),
        "people": lambda m: manager.people.count(at_most=m),
        "referrals": lambda m: manager.nrm.count(None, m),
        "cases": lambda m: manager.navigator.count(NavigatorFilter(), m),
        "stays": lambda m: haven.haven.count(StayFilter(in_house=False), m),
        "contacts": lambda m: manager.contacts.count(ContactFilter(), m),
        "overdue": lambda m: manager.contacts.count(ContactFilter(overdue=True), m),
    }
    for name, count in counts.items():
        exact = count(None)
        assert exact > 3, name  # the demo has enough of each for the cap to bite
        assert count(3) == 3, name
        assert count(exact) == exact == count(exact + 1) == count(10_000), name


def _reference_overdue(db: Database, today: object) -> set[int]:
    """Each person's latest contact in force (latest by time, then id), when its next contact is due
    before ``today``: read from every row in Python."""
    with db.engine.connect() as conn:
        rows = conn.execute(
            select(
                VLO_CONTACT.c.id,
                VLO_CONTACT.c.person_id,
                VLO_CONTACT.c.contact_at,
                VLO_CONTACT.c.is_void,
                VLO_CONTACT.c.supersedes_id,
                VLO_CONTACT.c.next_contact_due,
            )
        ).all()
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    latest: dict[int, tuple[datetime, int, object]] = {}
    for r in rows:
        if r.is_void or r.id in superseded:
            continue
        key = (r.contact_at, r.id, r.next_contact_due)
        if r.person_id not in latest or key[:2] > latest[r.person_id][:2]:
            latest[r.person_id] = key
    return {cid for _at, cid, due in latest.values() if due is not None and due < today}


def test_the_overdue_filter_is_each_persons_latest_contact_in_force(
    filled: Database, backend_for: Callable[[Role], Backend]
) -> None:
    """Also after the latest contact of some overdue victims is withdrawn (the one before becomes the
    latest) or corrected to a later due date (they leave the filter)."""
    manager, vlo = backend_for(Role.MANAGER), backend_for(Role.VLO)
    contacts = manager.contacts
    today = london_date(contacts.now)

    def listed() -> set[int]:
        return {c.id for c in contacts.list(ContactFilter(overdue=True), limit=10_000)}

    before = listed()
    assert before == _reference_overdue(filled, today) and len(before) > 4
    withdrawn = sorted(c.id for c in vlo.contacts.list(ContactFilter(overdue=True), limit=10_000))[:3]
    assert len(withdrawn) == 3 and set(withdrawn) <= before
    for contact_id in withdrawn:
        vlo.contacts.withdraw(contact_id, "logged against the wrong victim")
    after = listed()
    assert not after & set(withdrawn)
    assert after == _reference_overdue(filled, today) != before
