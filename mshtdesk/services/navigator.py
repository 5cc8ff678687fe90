"""Victim Navigator cases: the support a Navigator gives one person, seen through record scope.

A Navigator sees the cases of the people they support (``person_support``); opening a case is a
recorded consultation. Creating a case is how a Navigator takes a referral on: it adds them to the
person's supporters, a combination of records written to the audit log with the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.roles import Action, Entity, Role
from mshtdesk.domain.support import NavigatorCloseReason, NavigatorNeed, join_codes, labels_of, split_codes
from mshtdesk.domain.text import add_text_problems
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.support_scope import person_scope, plain_name, record_scope, require_person
from mshtdesk.store.database import Database
from mshtdesk.store.queries import navigator as q
from mshtdesk.store.queries.people import add_support, is_supported_by, person_exists
from mshtdesk.store.queries.users import active_user
from mshtdesk.store.tables import utcnow


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ALL = "all"


@dataclass(frozen=True)
class NavigatorFilter:
    """``text`` matches the person's names or reference; ``status`` is open, closed or all."""

    text: str = ""
    status: CaseStatus = CaseStatus.OPEN


@dataclass(frozen=True)
class NavigatorCaseInput:
    """What a Navigator records; engagement flags are None until known."""

    referral_date: date
    referral_source: str = ""
    consent: bool = False
    support_plan_opened: date | None = None
    needs: frozenset[NavigatorNeed] = field(default_factory=frozenset)
    engaged_at_start: bool | None = None
    engaged_now: bool | None = None
    engaged_at_charge: bool | None = None
    statement_date: date | None = None  # statement or ABE interview
    attended_court: bool | None = None
    gave_evidence: bool | None = None
    repatriated: bool | None = None
    notes: str = ""


@dataclass(frozen=True)
class NavigatorCaseRow:
    id: int
    person_id: int
    person_ref: str
    person_name: str  # "Surname, Forenames", or the reference when no name is kept
    navigator: str  # the Navigator's user name, or ""
    referral_date: date
    support_plan_opened: date | None
    needs: str  # labels, "Health, Finance"
    engaged_now: bool | None
    closed_date: date | None
    closed_reason: str  # label, "" while open
    version: int


@dataclass(frozen=True)
class NavigatorCaseDetail:
    id: int
    person_id: int
    person_ref: str
    person_name: str
    navigator_user_id: int | None
    navigator: str
    data: NavigatorCaseInput
    closed_date: date | None
    closed_reason: NavigatorCloseReason | None
    version: int


INPUT_FIELDS = tuple(f.name for f in fields(NavigatorCaseInput))
LIMITS = {"referral_source": 120, "notes": 4000}
#: Whether a status filter wants closed cases (None: open and closed alike).
_CLOSED = {CaseStatus.OPEN: False, CaseStatus.CLOSED: True, CaseStatus.ALL: None}


def _problems(data: NavigatorCaseInput, today: date) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            problems[name] = f"At most {limit} characters."
    if data.referral_date > today:
        problems["referral_date"] = "The referral date cannot be in the future."
    if data.support_plan_opened is not None:
        if data.support_plan_opened > today:
            problems["support_plan_opened"] = "The support plan cannot open in the future."
        elif data.support_plan_opened < data.referral_date:
            problems["support_plan_opened"] = "The support plan cannot open before the referral."
    if data.statement_date is not None and data.statement_date > today:
        problems["statement_date"] = "A statement or ABE interview date cannot be in the future."
    if data.gave_evidence and data.attended_court is False:
        problems["gave_evidence"] = "Someone who gave evidence attended court: tick both, or neither."
    return add_text_problems(problems, vars(data), multiline=("notes",))


def _values(data: NavigatorCaseInput) -> dict[str, Any]:
    values: dict[str, Any] = {f: getattr(data, f) for f in INPUT_FIELDS}
    values["needs"] = join_codes(data.needs)
    values["referral_source"] = data.referral_source.strip()
    return values


def _input(stored: dict[str, Any]) -> NavigatorCaseInput:
    return NavigatorCaseInput(**{**stored, "needs": split_codes(NavigatorNeed, stored["needs"])})


def _reason(code: str) -> NavigatorCloseReason | None:
    return NavigatorCloseReason.parse(code) if code else None


class NavigatorService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- reading ---------------------------------------------------------------------------------
    def count(self, query: NavigatorFilter = NavigatorFilter(), at_most: int | None = None) -> int:
        """How many cases the filter finds in the user's scope (for the table's row count; no more than
        ``at_most``)."""
        self._actor.require(Action.READ, Entity.NAVIGATOR_CASE)
        scope = person_scope(self._actor, Entity.NAVIGATOR_CASE)
        with self._db.engine.connect() as conn:
            return q.count_cases(conn, scope, query.text, _CLOSED[query.status], at_most)

    def list(
        self, query: NavigatorFilter = NavigatorFilter(), *, offset: int = 0, limit: int = 200
    ) -> list[NavigatorCaseRow]:
        """One page of cases in the user's scope, newest referral first; paged in SQL."""
        self._actor.require(Action.READ, Entity.NAVIGATOR_CASE)
        scope = person_scope(self._actor, Entity.NAVIGATOR_CASE)
        with self._db.engine.connect() as conn:
            rows = q.page_cases(conn, scope, query.text, _CLOSED[query.status], offset=offset, limit=limit)
        return [
            NavigatorCaseRow(
                id=r.id,
                person_id=r.person_id,
                person_ref=r.person_ref,
                person_name=plain_name(r.surname, r.forenames, r.person_ref),
                navigator=r.navigator,
                referral_date=r.referral_date,
                support_plan_opened=r.support_plan_opened,
                needs=labels_of(split_codes(NavigatorNeed, r.needs)),
                engaged_now=r.engaged_now,
                closed_date=r.closed_date,
                closed_reason=reason.label if (reason := _reason(r.closed_reason)) else r.closed_reason,
                version=r.version,
            )
            for r in rows
        ]

    def _person_of(self, conn: Connection, case_id: int) -> int:
        found = q.person_of_case(conn, case_id)
        if found is None:
            raise NotFoundError("That Navigator case is no longer in the register.")
        return found

    def get(self, case_id: int) -> NavigatorCaseDetail:
        """Open one case (checked against scope, recorded as a consultation)."""
        with self._db.engine.begin() as conn:
            person_id = self._person_of(conn, case_id)
            require_person(conn, self._actor, Action.READ, Entity.NAVIGATOR_CASE, person_id)
            r = q.case_record(conn, case_id, INPUT_FIELDS)
            record(conn, self._actor, AuditAction.CONSULT, Entity.NAVIGATOR_CASE, case_id)
        return NavigatorCaseDetail(
            id=case_id,
            person_id=person_id,
            person_ref=r.person_ref,
            person_name=plain_name(r.surname, r.forenames, r.person_ref),
            navigator_user_id=r.navigator_user_id,
            navigator=r.navigator,
            data=_input(r.values),
            closed_date=r.closed_date,
            closed_reason=_reason(r.closed_reason),
            version=r.version,
        )

    # ----- writing ---------------------------------------------------------------------------------
    def _navigator_id(self, conn: Connection, navigator: str | None) -> int:
        if navigator is None or navigator == self._actor.username:
            if self._actor.role is not Role.NAVIGATOR:
                raise ValidationError(
                    {"navigator": "Name the Victim Navigator who will support this person."}
                )
            return self._actor.user_id
        found = active_user(conn, navigator)
        if found is None or found.role != Role.NAVIGATOR.value:
            raise ValidationError({"navigator": f"{navigator} is not an active Victim Navigator."})
        return found.id

    @writes(Data.NAVIGATOR_CASE, Data.PERSON, ids=returned)
    def create(self, person_id: int, data: NavigatorCaseInput, *, navigator: str | None = None) -> int:
        """Open a case; its Navigator (the user, or ``navigator`` by user name) supports the person.

        Need to know: the police refer a person to a Navigator first (``PeopleService.add_supporter``),
        which is what puts them in the Navigator's scope; a case can only be opened for someone in it, so
        a Navigator cannot reach an arbitrary record by opening a case. One open case per person.
        """
        self._actor.require(Action.CREATE, Entity.NAVIGATOR_CASE)
        problems = _problems(data, self.today)
        if problems:
            raise ValidationError(problems)
        now = utcnow()
        with self._db.engine.begin() as conn:
            if not person_exists(conn, person_id):
                raise NotFoundError("That person is no longer in the register.")
            if not self._actor.may(Action.CREATE, Entity.NAVIGATOR_CASE, record_scope(conn, person_id)):
                raise PermissionDeniedError(
                    "This person has not been referred to you. An HTT officer refers a victim to a "
                    "Victim Navigator from their pathway (Refer to Navigator)."
                )
            open_since = q.open_case_referral_date(conn, person_id)
            if open_since is not None:
                raise ValidationError(
                    {
                        "person": f"This person already has an open Navigator case (referred "
                        f"{open_since:%d/%m/%Y}); update that case, or close it first."
                    }
                )
            navigator_id = self._navigator_id(conn, navigator)
            if navigator_id not in record_scope(conn, person_id).navigator_user_ids:  # widens their scope
                what = "refer a person to another Victim Navigator; ask an HTT officer"
                self._actor.require_everywhere(Action.UPDATE, Entity.PERSON, what)
            values = _values(data)
            values.update(
                person_id=person_id,
                navigator_user_id=navigator_id,
                closed_date=None,
                closed_reason="",
                version=1,
                created_at=now,
                updated_at=now,
            )
            case_id = q.insert_case(conn, values)
            if not is_supported_by(conn, person_id, navigator_id):
                add_support(conn, person_id, navigator_id)
                record(
                    conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("navigator",)
                )
            filled = [f for f in INPUT_FIELDS if getattr(data, f) not in ("", None, False, frozenset())]
            record(conn, self._actor, AuditAction.COLLECT, Entity.NAVIGATOR_CASE, case_id, fields=filled)
        return case_id

    def _save(self, conn: Connection, case_id: int, version: int, values: dict[str, Any]) -> None:
        if not q.update_case(conn, case_id, version, values, utcnow()):
            raise ConflictError(
                "Someone else saved this Navigator case after you opened it; your changes were not saved. "
                "Reopen the case to see their version."
            )

    @writes(Data.NAVIGATOR_CASE, arg="case_id")
    def update(self, case_id: int, version: int, data: NavigatorCaseInput) -> int:
        """Save the case if nobody saved it since ``version`` was read (ConflictError); the new version."""
        problems = _problems(data, self.today)
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            person_id = self._person_of(conn, case_id)
            require_person(conn, self._actor, Action.UPDATE, Entity.NAVIGATOR_CASE, person_id)
            before = _input(q.case_values(conn, case_id, INPUT_FIELDS))
            closed = q.closed_date(conn, case_id)
            if closed is not None and data.referral_date > closed:
                raise ValidationError({"referral_date": "The referral cannot be after the case closed."})
            self._save(conn, case_id, version, _values(data))
            changed = [f for f in INPUT_FIELDS if getattr(before, f) != getattr(data, f)]
            record(conn, self._actor, AuditAction.ALTER, Entity.NAVIGATOR_CASE, case_id, fields=changed)
        return version + 1

    @writes(Data.NAVIGATOR_CASE, arg="case_id")
    def close(
        self, case_id: int, version: int, closed_on: date, reason: NavigatorCloseReason, note: str = ""
    ) -> int:
        """Close the case on a date with a reason (not before the referral, not in the future).

        "Other" needs a note; a note is added to the case notes, dated.
        """
        reason = NavigatorCloseReason(reason)
        problems: dict[str, str] = {}
        if closed_on > self.today:
            problems["closed_date"] = "A case cannot close in the future."
        if reason is NavigatorCloseReason.OTHER and not note.strip():
            problems["closed_reason"] = "Say why the case closed."
        add_text_problems(problems, {"closed_reason": note}, multiline=("closed_reason",))
        if problems:
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            person_id = self._person_of(conn, case_id)
            require_person(conn, self._actor, Action.UPDATE, Entity.NAVIGATOR_CASE, person_id)
            case = q.case_closing(conn, case_id)
            closed, referral = case.closed_date, case.referral_date
            if closed is not None:
                raise ValidationError({"closed_date": f"This case already closed on {closed:%d/%m/%Y}."})
            if closed_on < referral:
                raise ValidationError(
                    {"closed_date": f"A case cannot close before its referral ({referral:%d/%m/%Y})."}
                )
            values: dict[str, Any] = {"closed_date": closed_on, "closed_reason": reason.value}
            if note.strip():
                line = f"Closed {closed_on:%d/%m/%Y}: {note.strip()}"
                values["notes"] = ((case.notes + "\n") if case.notes else "") + line
                if len(values["notes"]) > LIMITS["notes"]:
                    raise ValidationError({"closed_reason": "The case notes are full; shorten the note."})
            self._save(conn, case_id, version, values)
            fields_ = ["closed_date", "closed_reason"] + (["notes"] if note.strip() else [])
            record(conn, self._actor, AuditAction.ALTER, Entity.NAVIGATOR_CASE, case_id, fields=fields_)
        return version + 1
