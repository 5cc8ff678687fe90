"""Retention and erasure of personal records (DPA 2018 Part 3: s.39 kept no longer than necessary,
s.47 erasure).

An administrator sets how many years after each kind of record's last activity a person comes up for
review (``domain/record_retention.py``; the default, six years, is common police practice, not law). A
manager works the Review queue: **keep** a record (a reason and the next review date, both recorded) or
**erase** it. Erasing blanks the person's names, dates of birth, contact details, notes and every free
text on their referrals, decisions, Navigator cases, stays, contacts and links, in place: the rows, their
codes, dates and flags stay, so every published table counts the same before and after, and the person
shows as "Erased record (P-000012)" everywhere. The audit event names the person's id, the fields and the
counts of rows blanked, never a value. On SQLite the file is then rebuilt so the erased text leaves the
disk too; backups keep it until their own rule prunes them (``domain/retention.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.dates import uk
from mshtdesk.domain.record_retention import (
    MAX_YEARS,
    RecordKind,
    add_years,
    cutoffs,
    parse_kind,
    review_date,
    years_problem,
)
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.errors import ConflictError, NotFoundError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.changes import writes
from mshtdesk.services.reasons import required_reason
from mshtdesk.services.support_scope import plain_name
from mshtdesk.store.database import Database
from mshtdesk.store.queries import retention as q
from mshtdesk.store.queries.subject_access import person_id_of
from mshtdesk.store.tables import utcnow

REASON_LIMIT = 1000  # the audit log's reason holds 1,000 characters
NAME_IN_REASON = "Leave the person's name out of the reason: the audit log keeps the reason for good."
KIND_CODES = ", ".join(k.value for k in RecordKind)

#: Everything an erasure may touch, for the pages that show it.
ERASE_WRITES = (
    Data.PERSON,
    Data.RETENTION,
    Data.REFERRAL,
    Data.DECISION,
    Data.NAVIGATOR_CASE,
    Data.HAVEN_STAY,
    Data.CONTACT,
)


@dataclass(frozen=True)
class RetentionRuleView:
    kind: RecordKind
    label: str
    years: int
    updated_at: datetime | None
    updated_by: str  # "" while it is the default set when the database was upgraded


@dataclass(frozen=True)
class DueRecord:
    """A person past review, with what a manager needs to decide: the last activity and its kind."""

    id: int
    person_ref: str
    name: str  # "Surname, Forenames", or the reference when no name is kept
    last_activity: date | None
    last_kind: str  # the label of the kind with the latest activity, "" when there is none
    review_date: date | None  # when it came up for review

    @property
    def person_id(self) -> int:
        """The row is the person (list pages open a row's person by this name)."""
        return self.id


@dataclass(frozen=True)
class Erasure:
    person_ref: str
    blanked: dict[str, int]  # rows blanked by kind (referrals, decisions, stays, ...)
    scrubbed: bool  # the database file was rebuilt and its WAL emptied (SQLite)

    def describe(self) -> str:
        rows = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.blanked.items() if n)
        text = f"{self.person_ref} erased: the personal fields are blank"
        text += f" (and the free text on {rows})" if rows else ""
        text += "; every count stays the same. Recorded in the audit log."
        if not self.scrubbed:
            text += (
                " Another copy of the app was reading the database: the erased text leaves the file at"
                " its next checkpoint."
            )
        return text


class RetentionService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- rules ---------------------------------------------------------------------------------
    def rules(self) -> list[RetentionRuleView]:
        """Every kind's rule, in the order of ``RecordKind``."""
        self._actor.require(Action.READ, Entity.RETENTION_RULE)
        return self._views()

    def _views(self) -> list[RetentionRuleView]:
        with self._db.engine.connect() as conn:
            years = q.rule_years(conn)
            stored = {r.kind: r for r in q.rules(conn)}
        return [
            RetentionRuleView(
                k,
                k.label,
                years[k],
                stored[k.value].updated_at if k.value in stored else None,
                stored[k.value].updated_by if k.value in stored else "",
            )
            for k in RecordKind
        ]

    @writes(Data.RETENTION)
    def set_rule(self, kind: RecordKind | str, years: int) -> RetentionRuleView:
        """Review records of ``kind`` ``years`` after its last activity (an administrator's change)."""
        self._actor.require(Action.UPDATE, Entity.RETENTION_RULE)
        found = kind if isinstance(kind, RecordKind) else parse_kind(str(kind)[:40])
        if found is None:
            raise ValidationError(
                {"kind": f"There is no kind of record called that; the kinds are {KIND_CODES}."}
            )
        if isinstance(years, bool) or not isinstance(years, int):
            raise ValidationError({"years": "Give the review period as a whole number of years."})
        if (problem := years_problem(years)) is not None:
            raise ValidationError({"years": problem})
        now = utcnow()
        with self._db.engine.begin() as conn:
            old = q.set_rule(conn, found, years, self._actor.user_id, now)
            record(
                conn,
                self._actor,
                AuditAction.ADMINISTER,
                Entity.RETENTION_RULE,
                found.value,
                fields=("years", f"from:{old}", f"to:{years}"),
            )
        return next(r for r in self._views() if r.kind is found)

    # ----- the queue -----------------------------------------------------------------------------
    def _require_queue(self) -> None:
        self._actor.require(Action.READ, Entity.RETENTION_REVIEW)
        self._actor.require(Action.READ, Entity.PERSON)

    def count_due(self) -> int:
        """How many people are past review today."""
        self._require_queue()
        with self._db.engine.connect() as conn:
            return q.count_due(conn, cutoffs(q.rule_years(conn), self.today), self.today)

    def due(self, *, offset: int = 0, limit: int | None = None) -> list[DueRecord]:
        """People past review, oldest record first, with their last activity and review date."""
        self._require_queue()
        today = self.today
        with self._db.engine.connect() as conn:
            rules = q.rule_years(conn)
            lines = q.page_due(conn, cutoffs(rules, today), today, offset=offset, limit=limit)
            activity = q.last_activity(conn, [line.id for line in lines])
        out = []
        for line in lines:
            last = activity[line.id]
            latest = max(((d, k) for k, d in last.items() if d is not None), default=None)
            out.append(
                DueRecord(
                    line.id,
                    line.person_ref,
                    plain_name(line.surname, line.forenames, line.person_ref),
                    latest[0] if latest else None,
                    latest[1].label if latest else "",
                    review_date(last, rules, line.review_due),
                )
            )
        return out

    def find(self, person_ref: str) -> int:
        """The id of the person with this reference (for the command line)."""
        self._actor.require(Action.READ, Entity.PERSON)
        ref = person_ref.strip().upper()[:40]
        with self._db.engine.connect() as conn:
            found = person_id_of(conn, ref) if ref else None
        if found is None:
            raise NotFoundError(f"There is no person {ref or '(no reference given)'} in the register.")
        return found

    # ----- decisions -----------------------------------------------------------------------------
    def _reason(self, reason: str, missing: str) -> str:
        return required_reason(reason, missing=missing, limit=REASON_LIMIT)

    @staticmethod
    def _names_in(reason: str, names: list[str]) -> bool:
        folded = reason.casefold()
        return any(len(n.strip()) >= 2 and n.strip().casefold() in folded for n in names)

    def _live_person(self, conn: Connection, person_id: int) -> str:
        state = q.person_state(conn, person_id)
        if state is None:
            raise NotFoundError("That person is no longer in the register.")
        if state.erased_at is not None:
            raise ConflictError(
                f"{state.person_ref} was erased on {uk(state.erased_at.date())}; "
                "there is nothing left to review."
            )
        if state.merged_into_ref:
            raise ConflictError(
                f"{state.person_ref} was merged into {state.merged_into_ref}: review or erase "
                f"{state.merged_into_ref}, which erases both records."
            )
        return state.person_ref

    @writes(Data.RETENTION, Data.PERSON)
    def keep(self, person_id: int, reason: str, next_review: date) -> date:
        """Keep a record past review until ``next_review``, for ``reason`` (recorded and audited)."""
        self._actor.require(Action.APPEND, Entity.RETENTION_REVIEW)
        text = self._reason(reason, "Say why this record is still needed; the reason is kept.")
        today = self.today
        if next_review <= today:
            raise ValidationError({"next_review": "The next review date must be after today."})
        if next_review > add_years(today, MAX_YEARS):
            raise ValidationError({"next_review": f"The next review is at most {MAX_YEARS} years ahead."})
        with self._db.engine.begin() as conn:
            self._live_person(conn, person_id)
            if self._names_in(text, q.person_names(conn, person_id)):
                raise ValidationError({"reason": NAME_IN_REASON})
            now = utcnow()
            q.add_review(conn, person_id, "keep", text, next_review, self._actor.user_id, now)
            q.set_review_due(conn, person_id, next_review)
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.PERSON,
                person_id,
                fields=("retention_review:keep", "review_due"),
                reason=text,
            )
        return next_review

    @writes(*ERASE_WRITES)
    def erase(self, person_id: int, reason: str) -> Erasure:
        """Erase the person's personal data, keeping every count (see the module's docstring)."""
        self._actor.require(Action.ERASE, Entity.PERSON)
        text = self._reason(reason, "Give the reason for erasing this record; it is kept in the audit log.")
        now = utcnow()
        with self._db.engine.begin() as conn:
            q.zero_freed_space(conn)
            ref = self._live_person(conn, person_id)
            everyone = [person_id, *q.merged_into(conn, person_id)]  # and the duplicates merged into them
            if any(self._names_in(text, q.person_names(conn, one)) for one in everyone):
                raise ValidationError({"reason": NAME_IN_REASON})
            q.add_review(conn, person_id, "erase", "", None, self._actor.user_id, now)
            blanked: dict[str, int] = {}
            for one in everyone:
                for kind, n in q.erase(conn, one, now).items():
                    blanked[kind] = blanked.get(kind, 0) + n
            if len(everyone) > 1:
                blanked["merged_records"] = len(everyone) - 1
            counts = tuple(f"{kind}:{n}" for kind, n in blanked.items())
            erased = tuple(sorted(q.ERASED_PERSON))
            record(
                conn,
                self._actor,
                AuditAction.ERASE,
                Entity.PERSON,
                person_id,
                fields=(*erased, *counts),
                reason=text,
            )
        with self._db.engine.connect() as conn:
            scrubbed = q.scrub_free_space(conn)
        return Erasure(ref, {k: n for k, n in blanked.items() if k != "reviews"}, scrubbed)

    def erase_ref(self, person_ref: str, reason: str) -> Erasure:
        """``erase`` by the person's reference (the command line)."""
        self._actor.require(Action.ERASE, Entity.PERSON)
        return self.erase(self.find(person_ref), reason)
