"""People in the victim pathway, seen through each role's record scope.

A victim liaison officer sees only the people assigned to them, a Victim Navigator only those they
support; the narrowing happens in SQL for lists and in ``Actor.require`` for single records, so a
record outside someone's scope is never read for them. Every opening is a recorded consultation.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, func, insert, or_, select, update

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.text import add_text_problems, text_problems
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.support_scope import person_condition, record_scope
from mshtdesk.store.database import Database
from mshtdesk.store.tables import ARREST, PERSON, PERSON_LINK, PERSON_SUPPORT, USER, utcnow


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

    # ----- reading -------------------------------------------------------------------------------
    def _filtered(self, stmt: Any, text: str, vlo: str | None = None) -> Any:
        """``stmt`` narrowed to the user's scope, to people whose names, aliases or ref hold ``text``, and
        to those assigned to the liaison officer ``vlo`` (a user name; "" for nobody; None for any)."""
        scope = person_condition(self._actor, Entity.PERSON, PERSON.c.id)
        if scope is not None:
            stmt = stmt.where(scope)
        if vlo == "":
            stmt = stmt.where(PERSON.c.vlo_user_id.is_(None))
        elif vlo is not None:
            stmt = stmt.where(
                PERSON.c.vlo_user_id.in_(select(USER.c.id).where(USER.c.username == vlo).scalar_subquery())
            )
        if text.strip():
            pattern = (
                "%"
                + text.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%"
            )
            stmt = stmt.where(
                or_(
                    *(
                        func.lower(c).like(pattern, escape="\\")
                        for c in (PERSON.c.surname, PERSON.c.forenames, PERSON.c.aliases, PERSON.c.person_ref)
                    )
                )
            )
        return stmt

    def count(self, text: str = "", *, vlo: str | None = None) -> int:
        """How many people ``list`` would give over all its pages (for a paged table's total)."""
        self._actor.require(Action.READ, Entity.PERSON)
        stmt = self._filtered(select(func.count()).select_from(PERSON), text, vlo)
        with self._db.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def vlo_choices(self) -> list[tuple[int, str, str]]:
        """Active victim liaison officers (id, user name, display name), for assigning one to a victim.

        Only a role that may update any person (not just those assigned to it) gets the list."""
        return self._staff_choices(Role.VLO, "assign liaison officers")

    def navigator_choices(self) -> list[tuple[int, str, str]]:
        """Active Victim Navigators (id, user name, display name), for referring a victim to one."""
        return self._staff_choices(Role.NAVIGATOR, "refer victims to a Victim Navigator")

    def _staff_choices(self, role: Role, what: str) -> list[tuple[int, str, str]]:
        self._actor.require_everywhere(Action.UPDATE, Entity.PERSON, what)
        stmt = (
            select(USER.c.id, USER.c.username, USER.c.display_name)
            .where(USER.c.role == role.value, USER.c.active)
            .order_by(USER.c.display_name, USER.c.username)
        )
        with self._db.engine.connect() as conn:
            return [(int(i), str(u), str(d)) for i, u, d in conn.execute(stmt)]

    def list(
        self, text: str = "", *, vlo: str | None = None, offset: int = 0, limit: int = 200
    ) -> list[PersonRow]:
        self._actor.require(Action.READ, Entity.PERSON)
        officer = USER.alias("vlo")
        stmt = select(
            PERSON.c.id,
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            PERSON.c.date_of_birth,
            PERSON.c.nationality,
            func.coalesce(officer.c.username, ""),
        ).select_from(PERSON.outerjoin(officer, officer.c.id == PERSON.c.vlo_user_id))
        stmt = self._filtered(stmt, text, vlo)
        stmt = stmt.order_by(PERSON.c.surname, PERSON.c.forenames, PERSON.c.id).offset(offset).limit(limit)
        with self._db.engine.connect() as conn:
            return [PersonRow(*r) for r in conn.execute(stmt)]

    def get(self, person_id: int) -> PersonDetail:
        """Open one person's record: checked against the user's scope, recorded as a consultation."""
        with self._db.engine.begin() as conn:
            self._require(conn, Action.READ, person_id)
            row = conn.execute(
                select(
                    PERSON.c.id,
                    PERSON.c.person_ref,
                    PERSON.c.vlo_user_id,
                    PERSON.c.version,
                    *(PERSON.c[f] for f in INPUT_FIELDS),
                ).where(PERSON.c.id == person_id)
            ).one()
            record(conn, self._actor, AuditAction.CONSULT, Entity.PERSON, person_id)
        return PersonDetail(row[0], row[1], PersonInput(*row[4:]), row[2], row[3])

    # ----- writing -------------------------------------------------------------------------------
    @writes(Data.PERSON, ids=returned)
    def create(self, data: PersonInput, *, link: tuple[LinkRole, int | None, str] | None = None) -> int:
        """Add a person, optionally linked at once to an arrest or operation with their role in it."""
        self._actor.require(Action.CREATE, Entity.PERSON)
        problems = person_problems(data, self._today)
        if problems:
            raise ValidationError(problems)
        now = utcnow()
        with self._db.engine.begin() as conn:
            values: dict[str, Any] = {f: getattr(data, f) for f in INPUT_FIELDS}
            values.update(person_ref="", version=1, created_at=now, updated_at=now, vlo_user_id=None)
            person_id = int(conn.execute(insert(PERSON).returning(PERSON.c.id), values).scalar_one())
            conn.execute(
                update(PERSON).where(PERSON.c.id == person_id).values(person_ref=f"P-{person_id:06d}")
            )
            filled = [f for f in INPUT_FIELDS if getattr(data, f) not in ("", None, False, "unknown")]
            record(conn, self._actor, AuditAction.COLLECT, Entity.PERSON, person_id, fields=filled)
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
            before = conn.execute(
                select(*(PERSON.c[f] for f in INPUT_FIELDS)).where(PERSON.c.id == person_id)
            ).one()
            values = {f: getattr(data, f) for f in INPUT_FIELDS}
            result = conn.execute(
                update(PERSON)
                .where(PERSON.c.id == person_id, PERSON.c.version == version)
                .values(**values, version=version + 1, updated_at=utcnow())
            )
            if result.rowcount != 1:
                raise ConflictError(
                    "Someone else saved this person's record after you opened it; your changes were not "
                    "saved. Reopen the record to see their version."
                )
            changed = [f for f, old in zip(INPUT_FIELDS, before, strict=True) if old != values[f]]
            record(conn, self._actor, AuditAction.ALTER, Entity.PERSON, person_id, fields=changed)
        return version + 1

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
                found = conn.execute(
                    select(USER.c.id, USER.c.role, USER.c.active).where(USER.c.username == vlo_username)
                ).one_or_none()
                if found is None or found[1] != "vlo" or not found[2]:
                    raise ValidationError({"vlo": f"{vlo_username} is not an active victim liaison officer."})
                vlo_id = found[0]
            conn.execute(
                update(PERSON).where(PERSON.c.id == person_id).values(vlo_user_id=vlo_id, updated_at=utcnow())
            )
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
            found = conn.execute(
                select(USER.c.id, USER.c.role).where(USER.c.username == navigator_username, USER.c.active)
            ).one_or_none()
            if found is None or found[1] != "navigator":
                raise ValidationError(
                    {"navigator": f"{navigator_username} is not an active Victim Navigator."}
                )
            if not conn.execute(
                select(PERSON_SUPPORT.c.person_id).where(
                    PERSON_SUPPORT.c.person_id == person_id, PERSON_SUPPORT.c.user_id == found[0]
                )
            ).first():
                conn.execute(insert(PERSON_SUPPORT).values(person_id=person_id, user_id=found[0]))
            record(conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("navigator",))

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
        if (
            arrest_id is not None
            and conn.execute(select(ARREST.c.id).where(ARREST.c.id == arrest_id)).first() is None
        ):
            raise NotFoundError("That arrest is no longer in the register.")
        link_id = int(
            conn.execute(
                insert(PERSON_LINK).returning(PERSON_LINK.c.id),
                {
                    "person_id": person_id,
                    "arrest_id": arrest_id,
                    "operation": operation.strip()[:120],
                    "role": LinkRole(role).value,
                    "created_at": utcnow(),
                },
            ).scalar_one()
        )
        record(conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("link", "role"))
        return link_id
