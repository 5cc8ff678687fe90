"""Today's items come in one total order on every engine: one person's two items of one kind and day
(two referrals submitted the same day, both awaiting their RG decision) are ordered by their text, not
by whatever order a query's plan returned their rows in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy import update

from mshtdesk.domain.nrm import AgeAtReferral, Route
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.services.nrm import ReferralInput
from mshtdesk.services.people import PersonInput
from mshtdesk.services.today import TodayService
from mshtdesk.store.database import Database
from mshtdesk.store.tables import NRM_REFERRAL

Backends = Callable[[Role], Backend]
SUBMITTED = date(2024, 5, 20)


def test_one_persons_items_alike_but_for_their_text_come_in_text_order(
    backend_for: Backends, database: Database
) -> None:
    officer = backend_for(Role.HTT_OFFICER)
    person = officer.people.create(PersonInput(surname="Popa", forenames="Ana"))
    made = [
        officer.nrm.create(ReferralInput(Route.NRM, AgeAtReferral.ADULT, SUBMITTED, person_id=person,
                                         consents=True, crime_ref="13/9/24"))
        for _ in range(3)
    ]  # fmt: skip
    # References against the ids' order: the rows come back in id order, the page must not.
    with database.engine.begin() as conn:
        for ref, referral in zip(("NRM-Z", "NRM-M", "NRM-A"), made, strict=True):
            conn.execute(update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == referral).values(referral_ref=ref))
    manager = backend_for(Role.MANAGER)
    items = TodayService(database, manager.actor, now=datetime(2024, 6, 10, 12, tzinfo=UTC)).items()
    rg = [i for i in items if i.person_id == person and i.kind.value == items[0].kind.value]
    assert len(rg) == 3 and len({(i.due, i.overdue) for i in rg}) == 1
    assert [i.record_id for i in rg] == list(reversed(made))
    assert [i.text for i in rg] == sorted(i.text for i in rg)
