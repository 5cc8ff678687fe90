"""Victims' dated engagement with investigations: milestones on a person's link to an arrest or an
operation (``domain/engagement.py``), recorded for every victim, Navigator or not.

An HTT officer records them for anyone, a liaison officer for the victims assigned to them, a Navigator
for the people they support (the roles matrix, ``Entity.ENGAGEMENT``). A milestone is never edited or
deleted: one entered in error is withdrawn by whoever recorded it, with a reason, and stays on record so
a figure as at a past date can be reproduced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import london_date
from mshtdesk.domain.engagement import REASON_LIMIT, Milestone, date_problem, reason_problem
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.services.support_scope import require_person
from mshtdesk.store.database import Database
from mshtdesk.store.queries import engagement as q

NOT_YOURS = "Only the person who recorded a milestone may withdraw it; ask them, or your supervisor."
ALREADY_WITHDRAWN = "That milestone has already been withdrawn."
LINK_ROLES = {
    "potential_victim": "Potential victim",
    "confirmed_victim": "Confirmed victim",
    "witness": "Witness",
}


@dataclass(frozen=True)
class EngagementLink:
    """One of a person's links, to choose where a milestone goes: "Potential victim in arrest LD/…"."""

    id: int
    label: str


@dataclass(frozen=True)
class MilestoneSaved:
    id: int
    person_id: int
    milestone: Milestone
    milestone_date: date


def link_label(role: str, custody_ref: str | None, operation: str) -> str:
    where = f"arrest {custody_ref}" if custody_ref else f"operation {operation}"
    extra = f" (operation {operation})" if custody_ref and operation else ""
    return f"{LINK_ROLES.get(role, role)} in {where}{extra}"


class EngagementService:
    def __init__(self, db: Database, actor: Actor, *, now: datetime | None = None) -> None:
        self._db = db
        self._actor = actor
        self._now = now

    @property
    def now(self) -> datetime:
        return self._now or datetime.now(UTC)

    def links(self, person_id: int) -> list[EngagementLink]:
        """The person's links to arrests and operations, for the form's choice (in the user's scope)."""
        self._actor.require(Action.READ, Entity.ENGAGEMENT)
        with self._db.engine.connect() as conn:
            require_person(conn, self._actor, Action.READ, Entity.ENGAGEMENT, person_id)
            return [
                EngagementLink(c.id, link_label(c.role, c.custody_ref, c.operation))
                for c in q.person_links(conn, person_id)
            ]

    @writes(Data.ENGAGEMENT, ids=lambda saved: saved.id)
    def record(
        self, person_id: int, link_id: int, milestone: Milestone | str, milestone_date: date, reason: str = ""
    ) -> MilestoneSaved:
        """Record a dated milestone on one of the person's links (a disengagement with its reason)."""
        self._actor.require(Action.CREATE, Entity.ENGAGEMENT)
        code = milestone if isinstance(milestone, Milestone) else Milestone.parse(milestone)
        if code is None:
            raise ValidationError(
                {"milestone": "Choose a milestone: " + ", ".join(m.value for m in Milestone) + "."}
            )
        why = reason.strip()
        problems: dict[str, str] = {}
        if (p := reason_problem(code, why)) is not None:
            problems["reason"] = p
        elif why:
            problems.update(text_problems({"reason": why}, multiline=("reason",)))
        if (p := date_problem(milestone_date, london_date(self.now))) is not None:
            problems["milestone_date"] = p
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            require_person(conn, self._actor, Action.CREATE, Entity.ENGAGEMENT, person_id)
            if q.link_person(conn, link_id) != person_id:  # another person's link, or none
                raise NotFoundError("That link to an arrest or operation is not this person's.")
            milestone_id = q.insert_milestone(
                conn,
                {
                    "link_id": link_id,
                    "milestone": code.value,
                    "milestone_date": milestone_date,
                    "reason": why[:REASON_LIMIT],
                    "recorded_at": self.now,
                    "recorded_by": self._actor.user_id,
                    "withdraw_reason": "",
                },
            )
            record(
                conn,
                self._actor,
                AuditAction.COLLECT,
                Entity.ENGAGEMENT,
                milestone_id,
                fields=("milestone", "milestone_date", *(("reason",) if why else ())),
            )
        return MilestoneSaved(milestone_id, person_id, code, milestone_date)

    @writes(Data.ENGAGEMENT, ids=lambda saved: saved.id)
    def record_by_refs(
        self,
        person_ref: str,
        milestone: Milestone | str,
        milestone_date: date,
        *,
        custody_ref: str | None = None,
        reason: str = "",
    ) -> MilestoneSaved:
        """The command line's way in: the person by reference, their link by the arrest's custody
        reference (needed only when they have more than one link)."""
        self._actor.require(Action.CREATE, Entity.ENGAGEMENT)
        ref = person_ref.strip().upper()
        with self._db.engine.connect() as conn:
            person_id = q.person_id_by_ref(conn, ref)
            if person_id is None:
                raise NotFoundError(f"There is no person {ref or '(no reference given)'} in the register.")
            # the scope first: nothing of a person outside it is told, not even their links
            require_person(conn, self._actor, Action.CREATE, Entity.ENGAGEMENT, person_id)
            found = q.link_by_refs(conn, ref, custody_ref.strip() if custody_ref else None)
        if not found:
            where = f" to arrest {custody_ref}" if custody_ref else ""
            raise NotFoundError(f"No link of {person_ref}{where} was found.")
        if len(found) > 1:
            raise ValidationError(
                {"arrest": f"{person_ref} has {len(found)} links; name the arrest with --arrest CUSTODY_REF."}
            )
        link_id, _person = found[0]
        return self.record(person_id, link_id, milestone, milestone_date, reason)

    @writes(Data.ENGAGEMENT, arg="milestone_id")
    def withdraw(self, milestone_id: int, reason: str) -> None:
        """Withdraw a milestone entered in error (the user's own), with the reason: it stays on record,
        struck through on the pathway, and leaves every figure as at a date after the withdrawal."""
        self._actor.require(Action.APPEND, Entity.ENGAGEMENT)
        why = required_reason(
            reason,
            missing="Give the reason the milestone is withdrawn; it is kept with it.",
            limit=REASON_LIMIT,
        )
        with self._db.engine.begin() as conn:
            found = q.stored_milestone(conn, milestone_id)
            if found is None:
                raise NotFoundError("That milestone is no longer on record.")
            require_person(conn, self._actor, Action.APPEND, Entity.ENGAGEMENT, found.person_id)
            if found.recorded_by != self._actor.user_id:
                raise PermissionDeniedError(NOT_YOURS)
            if not q.withdraw_milestone(conn, milestone_id, self.now, self._actor.user_id, why):
                raise ValidationError({"milestone": ALREADY_WITHDRAWN})
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.ENGAGEMENT,
                milestone_id,
                # the reason stays on the row, where erasure can blank it; the log is kept for good
                fields=("withdrawn", "withdraw_reason"),
            )
