"""People in the victim pathway, seen through each role's record scope.

A victim liaison officer sees only the people assigned to them, a Victim Navigator only those they
support; the narrowing happens in SQL for lists and in ``Actor.require`` for single records, so a
record outside someone's scope is never read for them. Every opening is a recorded consultation.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.names import NamedPerson, likely_same_person
from mshtdesk.domain.nrm import (
    AgeAtExploitation,
    AgeAtReferral,
    ReferralFacts,
    Route,
    age_against_referral,
)
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.text import add_text_problems, text_problems
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services import person_merge as merging
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.services.support_scope import person_scope, record_scope, refuse_erased, refuse_merged
from mshtdesk.store.database import Database
from mshtdesk.store.queries import people as q
from mshtdesk.store.queries.merges import person_id_of
from mshtdesk.store.queries.nrm import referral_ages
from mshtdesk.store.queries.register import arrest_exists
from mshtdesk.store.queries.users import active_staff, active_user
from mshtdesk.store.tables import utcnow


class LinkRole(StrEnum):
    POTENTIAL_VICTIM = "potential_victim"
    CONFIRMED_VICTIM = "confirmed_victim"
    WITNESS = "witness"


GENDERS = ("female", "male", "other", "unknown")
LIMITS = {
    "surname": 120,
    "forenames": 120,
    "aliases": 400,
    "nationality": 80,
    "second_nationality": 80,
    "first_language": 80,
    "interpreter_language": 80,
    "contact_details": 1000,
    "facts": 4000,
    "assessments": 4000,
}


#: Fields that may hold several lines (and tabs); every other text field is one line.
MULTILINE = ("contact_details", "facts", "assessments")


@dataclass(frozen=True)
class PersonInput:
    surname: str = ""
    forenames: str = ""
    aliases: str = ""
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: str = "unknown"
    nationality: str = ""
    second_nationality: str = ""
    first_language: str = ""
    interpreter_language: str = ""
    contact_details: str = ""
    facts: str = ""
    assessments: str = ""
    opted_out_of_updates: bool = False
    review_due: date | None = None


@dataclass(frozen=True)
class PersonRow:
    id: int
    person_ref: str
    surname: str
    forenames: str
    date_of_birth: date | None
    nationality: str
    vlo: str  # the assigned VLO's user name, or ""


@dataclass(frozen=True)
class PersonName:
    """A person as a list of possible duplicates shows them: reference and names, nothing more."""

    id: int
    person_ref: str
    surname: str
    forenames: str


@dataclass(frozen=True)
class DuplicatePair:
    """Two records that are likely one person, for someone to check (merging is a separate step)."""

    first: PersonName  # the older record
    second: PersonName
    basis: str  # "same date of birth" or "same estimated age, no date of birth"
    similarity: float  # how alike the folded names are, 0.85 to 1


_BASIS = {"date_of_birth": "same date of birth", "estimated_age": "same estimated age, no date of birth"}


@dataclass(frozen=True)
class PersonDetail:
    id: int
    person_ref: str
    data: PersonInput
    vlo_user_id: int | None
    version: int


INPUT_FIELDS = tuple(f.name for f in fields(PersonInput))


def person_problems(data: PersonInput, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            problems[name] = f"At most {limit} characters."
    if data.gender not in GENDERS:
        problems["gender"] = "Choose female, male, other or unknown."
    if data.date_of_birth is not None and data.date_of_birth > today:
        problems["date_of_birth"] = "A date of birth cannot be in the future."
    if data.estimated_age is not None and not 0 <= data.estimated_age <= 120:
        problems["estimated_age"] = "An estimated age is between 0 and 120."
    return add_text_problems(problems, vars(data), multiline=MULTILINE)


class PeopleService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today or date.today()

    # ----- scope ---------------------------------------------------------------------------------
    def _require(self, conn: Connection, action: Action, person_id: int) -> None:
        try:
            self._actor.require(action, Entity.PERSON, record_scope(conn, person_id))
        except PermissionDeniedError:
            raise PermissionDeniedError(
                "This person's record is not one you have been assigned or support; ask your supervisor."
            ) from None
        if action is Action.UPDATE:  # a merged record is changed through the one it went into
            refuse_merged(conn, person_id)
            refuse_erased(conn, person_id)

    # ----- reading -------------------------------------------------------------------------------
    def count(self, text: str = "", *, vlo: str | None = None, at_most: int | None = None) -> int:
        """How many people ``list`` would give over all its pages (for a paged table's total; no more
        than ``at_most``)."""
        self._actor.require(Action.READ, Entity.PERSON)
        with self._db.engine.connect() as conn:
            return q.count_people(conn, person_scope(self._actor, Entity.PERSON), text, vlo, at_most)

    def vlo_choices(self) -> list[tuple[int, str, str]]:
        """Active victim liaison officers (id, user name, display name), for assigning one to a victim.

        Only a role that may update any person (not just those assigned to it) gets the list."""
        return self._staff_choices(Role.VLO, "assign liaison officers")

    def navigator_choices(self) -> list[tuple[int, str, str]]:
        """Active Victim Navigators (id, user name, display name), for referring a victim to one."""
        return self._staff_choices(Role.NAVIGATOR, "refer victims to a Victim Navigator")

    def _staff_choices(self, role: Role, what: str) -> list[tuple[int, str, str]]:
        self._actor.require_everywhere(Action.UPDATE, Entity.PERSON, what)
        with self._db.engine.connect() as conn:
            return [(s.id, s.username, s.display_name) for s in active_staff(conn, role.value)]

    def duplicates(self) -> list[DuplicatePair]:
        """Likely duplicate people among those the user may see: the same date of birth (or none, and the
        same estimated age), names alike once diacritics, script and case are folded, and no nationality
        or gender recorded on both that differs (``domain.names``). Most alike first.

        A consultation of every person listed (and one event for the search itself), since it shows
        their names side by side; nothing is changed.
        """
        self._actor.require(Action.READ, Entity.PERSON)
        scope = person_scope(self._actor, Entity.PERSON)
        pairs: list[DuplicatePair] = []
        with self._db.engine.begin() as conn:
            for c in q.duplicate_candidates(conn, scope):
                one, two = c.first, c.second
                score = likely_same_person(
                    NamedPerson(one.surname, one.forenames, one.nationality, one.gender),
                    NamedPerson(two.surname, two.forenames, two.nationality, two.gender),
                )
                if score is not None:
                    pairs.append(
                        DuplicatePair(
                            PersonName(one.id, one.person_ref, one.surname, one.forenames),
                            PersonName(two.id, two.person_ref, two.surname, two.forenames),
                            _BASIS[c.basis],
                            score,
                        )
                    )
            record(
                conn, self._actor, AuditAction.CONSULT, Entity.PERSON, "duplicates", fields=("duplicates",)
            )
            for person_id in sorted({p.id for pair in pairs for p in (pair.first, pair.second)}):
                record(
                    conn, self._actor, AuditAction.CONSULT, Entity.PERSON, person_id, fields=("duplicates",)
                )
        pairs.sort(key=lambda p: (-p.similarity, p.first.person_ref, p.second.person_ref))
        return pairs

    def listing(self, text: str = "") -> list[PersonRow]:
        """Every person in scope whose names, aliases or reference hold ``text`` (the command line's
        list): unlike a page scrolled on screen, the whole list leaves the app at once, so it is recorded
        as one consultation (never the search text: it may be a name)."""
        self._actor.require(Action.READ, Entity.PERSON)
        scope = person_scope(self._actor, Entity.PERSON)
        with self._db.engine.begin() as conn:
            rows = q.page_people(conn, scope, text, None, offset=0, limit=None)
            record(
                conn,
                self._actor,
                AuditAction.CONSULT,
                Entity.PERSON,
                "list",
                fields=("list", "search" if text.strip() else "all", f"{len(rows)} people"),
            )
        return [PersonRow(**r._asdict()) for r in rows]

    def list(
        self, text: str = "", *, vlo: str | None = None, offset: int = 0, limit: int = 200
    ) -> list[PersonRow]:
        self._actor.require(Action.READ, Entity.PERSON)
        scope = person_scope(self._actor, Entity.PERSON)
        with self._db.engine.connect() as conn:
            rows = q.page_people(conn, scope, text, vlo, offset=offset, limit=limit)
        return [PersonRow(**r._asdict()) for r in rows]

    def get(self, person_id: int) -> PersonDetail:
        """Open one person's record: checked against the user's scope, recorded as a consultation."""
        with self._db.engine.begin() as conn:
            self._require(conn, Action.READ, person_id)
            row = q.person_record(conn, person_id, INPUT_FIELDS)
            record(conn, self._actor, AuditAction.CONSULT, Entity.PERSON, person_id)
        return PersonDetail(
            id=row.id,
            person_ref=row.person_ref,
            data=PersonInput(**row.values),
            vlo_user_id=row.vlo_user_id,
            version=row.version,
        )

    def find_id(self, person_ref: str) -> int | None:
        """The id of the person with this reference, if the user may see them (a merged record too, so
        that merging it again is refused in words, not as unknown)."""
        self._actor.require(Action.READ, Entity.PERSON)
        with self._db.engine.connect() as conn:
            found = person_id_of(conn, person_ref.strip().upper())
            if found is None or not self._actor.may(Action.READ, Entity.PERSON, record_scope(conn, found)):
                return None
        return found

    # ----- merging two records of one person ----------------------------------------------------
    MERGE_WHO = "merge two people's records; ask an HTT officer or a manager"

    def merge_preview(self, keep_id: int, other_id: int) -> merging.MergePreview:
        """The two people side by side with what each holds, for the merge dialog (a consultation of
        both: their names are shown)."""
        self._actor.require_everywhere(Action.MERGE, Entity.PERSON, self.MERGE_WHO)
        merging.same_person(keep_id, other_id)
        with self._db.engine.begin() as conn:
            keep, other = merging.state(conn, keep_id), merging.state(conn, other_id)
            for person_id in (keep_id, other_id):
                self._require(conn, Action.MERGE, person_id)
            merging.check_pair(keep, other)
            preview = merging.MergePreview(merging.side(conn, keep_id), merging.side(conn, other_id))
            for person_id in (keep_id, other_id):
                record(conn, self._actor, AuditAction.CONSULT, Entity.PERSON, person_id, fields=("merge",))
        return preview

    @writes(
        Data.PERSON,
        Data.REFERRAL,
        Data.DECISION,
        Data.HAVEN_STAY,
        Data.CONTACT,
        Data.NAVIGATOR_CASE,
        Data.ARREST,
    )
    def merge(
        self,
        keep_id: int,
        other_id: int,
        reason: str,
        *,
        keep_version: int | None = None,
        other_version: int | None = None,
    ) -> merging.MergeDone:
        """Make two records of one person one: every referral, stay, contact, Navigator case and
        supporter, VLO assignment and link to an arrest or operation of ``other_id`` moves to
        ``keep_id``, in one transaction; the other record stays, marked merged (hidden from lists, its
        scope the kept person's). The audit event (a combination) names every row id moved, so
        ``unmerge`` can put them back. ``*_version``: as the dialog read them (a change since refuses)."""
        self._actor.require_everywhere(Action.MERGE, Entity.PERSON, self.MERGE_WHO)
        why = required_reason(
            reason, missing="Give the reason for merging these two records.", limit=merging.REASON_LIMIT
        )
        merging.same_person(keep_id, other_id)
        with self._db.engine.begin() as conn:
            keep, other = merging.state(conn, keep_id), merging.state(conn, other_id)
            for person_id in (keep_id, other_id):
                self._require(conn, Action.MERGE, person_id)
            return merging.merge(conn, self._actor, keep, other, why, (keep_version, other_version))

    @writes(
        Data.PERSON,
        Data.REFERRAL,
        Data.DECISION,
        Data.HAVEN_STAY,
        Data.CONTACT,
        Data.NAVIGATOR_CASE,
        Data.ARREST,
    )
    def unmerge(self, audit_event_id: int, reason: str) -> merging.MergeDone:
        """Undo the merge that audit event ``audit_event_id`` records: exactly the rows it names go back
        to the other person (with any correction since made of a contact among them), who is listed
        again. Refused if already undone, or if the kept person has since been merged into a third."""
        self._actor.require_everywhere(Action.MERGE, Entity.PERSON, self.MERGE_WHO)
        why = required_reason(
            reason, missing="Give the reason for undoing this merge.", limit=merging.REASON_LIMIT
        )
        with self._db.engine.begin() as conn:
            keep_id, other_id, moved = merging.recorded_merge(conn, audit_event_id)
            keep, other = merging.state(conn, keep_id), merging.state(conn, other_id)
            for person_id in (keep_id, other_id):
                self._require(conn, Action.MERGE, person_id)
            return merging.unmerge(conn, self._actor, audit_event_id, keep, other, moved, why)

    # ----- writing -------------------------------------------------------------------------------
    @writes(Data.PERSON, ids=returned)
    def create(self, data: PersonInput, *, link: tuple[LinkRole, int | None, str] | None = None) -> int:
        """Add a person, optionally linked at once to an arrest or operation with their role in it."""
        self._actor.require(Action.CREATE, Entity.PERSON)
        problems = person_problems(data, self._today)
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            person_id = insert_person(conn, self._actor, data, "")
            if link is not None:
                self._link(conn, person_id, *link)
        return person_id

    @writes(Data.PERSON, arg="person_id")
    def update(self, person_id: int, version: int, data: PersonInput) -> int:
        """Save changed details (names of changed fields go to the audit log, never values)."""
        problems = person_problems(data, self._today)
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            self._require(conn, Action.UPDATE, person_id)
            before = q.person_values(conn, person_id, INPUT_FIELDS)
            values = {f: getattr(data, f) for f in INPUT_FIELDS}
            if (before["date_of_birth"], before["estimated_age"]) != (data.date_of_birth, data.estimated_age):
                self._check_age_against_referrals(conn, person_id, data)
            if not q.update_person(
                conn, person_id, version, {**values, "version": version + 1, "updated_at": utcnow()}
            ):
                raise ConflictError(
                    "Someone else saved this person's record after you opened it; your changes were not "
                    "saved. Reopen the record to see their version."
                )
            changed = [f for f in INPUT_FIELDS if before[f] != values[f]]
            record(conn, self._actor, AuditAction.ALTER, Entity.PERSON, person_id, fields=changed)
        return version + 1

    def _check_age_against_referrals(self, conn: Connection, person_id: int, data: PersonInput) -> None:
        """A new date of birth or estimated age must agree with the person's referrals (the age rule of
        ``domain.nrm``): one that makes an adult referral or a Duty to Notify a child's is refused, and
        the referral is corrected first (which changes a published figure, so it is done on purpose, by
        someone who may update referrals). Checked only when the age changes, so an old record that
        breaks the rule does not block an unrelated edit."""
        problems = []
        for r in referral_ages(conn, [person_id]):
            facts = ReferralFacts(
                route=Route(r.route),
                age_at_referral=AgeAtReferral(r.age_at_referral),
                age_at_exploitation=AgeAtExploitation(r.age_at_exploitation),
                date_of_birth=data.date_of_birth,
                estimated_age=data.estimated_age,
                referred_on=r.submitted_date,
            )
            found = age_against_referral(r.referral_ref, facts)
            if found is not None:
                problems.append(found + ".")
        if problems:
            who = (
                "Correct the referral first"
                if self._actor.may(Action.UPDATE, Entity.NRM_REFERRAL)
                else "Ask an HTT officer to correct the referral first"
            )
            problems.append(f"{who}, or check the {'date of birth' if data.date_of_birth else 'age'}.")
            field = "date_of_birth" if data.date_of_birth is not None else "estimated_age"
            raise ValidationError({field: " ".join(problems)})

    @writes(Data.PERSON, arg="person_id")
    def assign_vlo(self, person_id: int, vlo_username: str | None) -> None:
        """Give a victim their liaison officer (or none): it decides whose list the person is on, so it is
        a change of scope, for a role that may update every person (never a VLO for their own victims)."""
        self._actor.require_everywhere(
            Action.UPDATE, Entity.PERSON, "assign a victim's liaison officer; ask an HTT officer"
        )
        with self._db.engine.begin() as conn:
            self._require(conn, Action.UPDATE, person_id)
            vlo_id = None
            if vlo_username:
                found = active_user(conn, vlo_username)
                if found is None or found.role != Role.VLO.value:
                    raise ValidationError({"vlo": f"{vlo_username} is not an active victim liaison officer."})
                vlo_id = found.id
            q.set_vlo(conn, person_id, vlo_id, utcnow())
            record(conn, self._actor, AuditAction.ALTER, Entity.PERSON, person_id, fields=("vlo",))

    @writes(Data.PERSON, arg="person_id")
    def add_supporter(self, person_id: int, navigator_username: str) -> None:
        """A Victim Navigator starts supporting this person (their "supported" scope): a change of scope,
        for a role that may update every person."""
        self._actor.require_everywhere(
            Action.UPDATE, Entity.PERSON, "refer a person to a Victim Navigator; ask an HTT officer"
        )
        with self._db.engine.begin() as conn:
            self._require(conn, Action.UPDATE, person_id)
            found = active_user(conn, navigator_username)
            if found is None or found.role != Role.NAVIGATOR.value:
                raise ValidationError(
                    {"navigator": f"{navigator_username} is not an active Victim Navigator."}
                )
            if not q.is_supported_by(conn, person_id, found.id):
                q.add_support(conn, person_id, found.id)
            record(conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("navigator",))

    def supporters(self, person_id: int) -> builtins.list[tuple[int, str, str]]:
        """The Victim Navigators now supporting this person (id, user name, display name), for ending a
        referral: a role that may refer may see who was referred."""
        self._actor.require_everywhere(
            Action.UPDATE, Entity.PERSON, "end a Navigator referral; ask an HTT officer"
        )
        with self._db.engine.connect() as conn:
            self._require(conn, Action.UPDATE, person_id)
            return [(s.user_id, s.username, s.display_name) for s in q.supporters(conn, person_id)]

    @writes(Data.PERSON, Data.NAVIGATOR_CASE, arg="person_id")
    def end_support(self, person_id: int, navigator_username: str, reason: str) -> None:
        """End a Navigator referral: the Navigator no longer supports this person, so the person leaves
        their scope (their case stays, for the figures, but they can no longer open it). Audited with the
        reason; a change of scope, so only a role that may update every person."""
        self._actor.require_everywhere(
            Action.UPDATE, Entity.PERSON, "end a Navigator referral; ask an HTT officer"
        )
        why = required_reason(  # the audit log keeps 1,000 characters, with the Navigator named
            reason, missing="Give the reason the referral ends; it is kept in the audit log.", limit=800
        )
        with self._db.engine.begin() as conn:
            self._require(conn, Action.UPDATE, person_id)
            found = next((s for s in q.supporters(conn, person_id) if s.username == navigator_username), None)
            if found is None or not q.end_support(conn, person_id, found.user_id):
                raise ValidationError(
                    {"navigator": f"{navigator_username} is not a Victim Navigator supporting this person."}
                )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.PERSON,
                person_id,
                fields=("navigator",),
                reason=f"Navigator referral to {navigator_username} ended: {why}",
            )

    @writes(Data.PERSON, arg="person_id")  # a link is part of the person (the register shows none)
    def link(self, person_id: int, role: LinkRole, arrest_id: int | None = None, operation: str = "") -> int:
        """Link a person to an arrest or an operation, with their role in it (a combination of records)."""
        with self._db.engine.begin() as conn:
            self._require(conn, Action.UPDATE, person_id)
            return self._link(conn, person_id, role, arrest_id, operation)

    def _link(
        self, conn: Connection, person_id: int, role: LinkRole, arrest_id: int | None, operation: str
    ) -> int:
        if arrest_id is None and not operation.strip():
            raise ValidationError({"link": "Link the person to an arrest or name the operation."})
        if arrest_id is not None:
            self._actor.require(Action.READ, Entity.ARREST)  # combining records needs sight of both
        if problems := text_problems({"operation": operation}):
            raise ValidationError(problems)
        if arrest_id is not None and not arrest_exists(conn, arrest_id):
            raise NotFoundError("That arrest is no longer in the register.")
        link_id = q.insert_link(
            conn,
            {
                "person_id": person_id,
                "arrest_id": arrest_id,
                "operation": operation.strip()[:120],
                "role": LinkRole(role).value,
                "created_at": utcnow(),
            },
        )
        record(conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("link", "role"))
        return link_id


def insert_person(conn: Connection, actor: Actor, data: PersonInput, person_ref: str) -> int:
    """Add a person inside the caller's transaction (``person_ref`` empty: ``P-000123`` is given);
    recorded as a collection. The caller has checked ``data`` and the right to create people."""
    now = utcnow()
    values: dict[str, Any] = {f: getattr(data, f) for f in INPUT_FIELDS}
    values.update(person_ref=person_ref, version=1, created_at=now, updated_at=now, vlo_user_id=None)
    person_id = q.insert_person(conn, values)
    if not person_ref:
        q.set_person_ref(conn, person_id, f"P-{person_id:06d}")
    filled = [f for f in INPUT_FIELDS if getattr(data, f) not in ("", None, False, "unknown")]
    record(conn, actor, AuditAction.COLLECT, Entity.PERSON, person_id, fields=filled)
    return person_id
