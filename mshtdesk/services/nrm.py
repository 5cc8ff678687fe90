"""NRM referrals and their decision histories, seen through each role's record scope.

A referral belongs to one person; a victim liaison officer sees the referrals of the people assigned to
them, narrowed in SQL for lists and by ``Actor.require`` for one record. Decisions are appended, never
edited: a mistaken entry is withdrawn by a void row that supersedes it, with a reason. The rules (route,
consent, anonymity of a Duty to Notify, crime recording, decision sequence) are those of
``mshtdesk.domain.nrm``; this module stores what passes them and refuses what does not.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from mshtdesk.domain.changes import Data
from mshtdesk.domain.clocks import (
    rg_decision_expected,
)
from mshtdesk.domain.dates import uk
from mshtdesk.domain.exploitation import ExploitationType, home_office_label
from mshtdesk.domain.nrm import (
    AgeAtExploitation,
    AgeAtReferral,
    Decision,
    DecisionKind,
    Outcome,
    Problem,
    Route,
    check_decision,
    replay,
)
from mshtdesk.domain.roles import Action, Entity
from mshtdesk.domain.text import text_problems
from mshtdesk.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from mshtdesk.services.actor import Actor
from mshtdesk.services.audit import AuditAction, record
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.changes import returned, writes
from mshtdesk.services.nrm_rules import (
    LIMITS,
    NRM_START,
    clocks_of,
    effective,
    exploitation_codes,
    last_decision_text,
    name_or_contact_kept,
    overdue_cutoff,
    parse_exploitation_codes,
    referral_problems,
    status_of,
)
from mshtdesk.services.nrm_types import (
    SORT_KEYS,
    DecisionNeedsConfirmationError,
    DecisionRow,
    ExploitationLocation,
    ReferralClocks,
    ReferralDetail,
    ReferralInput,
    ReferralQuery,
    ReferralRow,
    ReferralStatus,
)
from mshtdesk.services.people import insert_person, person_problems
from mshtdesk.services.support_scope import person_scope, record_scope
from mshtdesk.store.database import Database
from mshtdesk.store.queries import nrm as q
from mshtdesk.store.queries.people import name_kept
from mshtdesk.store.queries.reference import district_names
from mshtdesk.store.tables import utcnow

__all__ = [
    "DecisionNeedsConfirmationError",
    "DecisionRow",
    "ExploitationLocation",
    "LIMITS",
    "NRM_START",
    "NrmService",
    "ReferralClocks",
    "ReferralDetail",
    "ReferralInput",
    "ReferralQuery",
    "ReferralRow",
    "ReferralStatus",
    "SORT_KEYS",
    "clocks_of",
    "effective",
    "exploitation_codes",
    "insert_person",
    "last_decision_text",
    "name_or_contact_kept",
    "overdue_cutoff",
    "parse_exploitation_codes",
    "referral_problems",
    "status_of",
]

#: ReferralInput fields stored on the referral row as they are (the rest are derived or converted).
_STORED = q.REFERRAL_STORED


class NrmService:
    def __init__(self, db: Database, actor: Actor, *, today: date | None = None) -> None:
        self._db = db
        self._actor = actor
        self._today = today

    @property
    def today(self) -> date:
        return self._today or date.today()

    # ----- scope ---------------------------------------------------------------------------------
    def _require(self, conn: Connection, action: Action, referral_id: int) -> int:
        """Check the user may do ``action`` to this referral; returns the referral's person id."""
        person_id = q.person_of_referral(conn, referral_id)
        if person_id is None:
            raise NotFoundError("That NRM referral is no longer in the register.")
        try:
            self._actor.require(action, Entity.NRM_REFERRAL, record_scope(conn, person_id))
        except PermissionDeniedError as exc:
            if self._actor.may(action, Entity.NRM_REFERRAL):
                raise PermissionDeniedError(
                    "This referral is of a person you have not been assigned; ask your supervisor."
                ) from None
            raise exc from None
        return person_id

    # ----- reading -------------------------------------------------------------------------------
    def count(self, query: ReferralQuery | None = None, at_most: int | None = None) -> int:
        """How many referrals ``list`` would give without paging (within the user's scope; no more than
        ``at_most``)."""
        self._actor.require(Action.READ, Entity.NRM_REFERRAL)
        scope = person_scope(self._actor, Entity.NRM_REFERRAL)
        with self._db.engine.connect() as conn:
            cutoff = overdue_cutoff(load_calendar(conn), self.today)
            return q.count_referrals(conn, query or ReferralQuery(), scope, cutoff, at_most)

    def list(
        self,
        query: ReferralQuery | None = None,
        *,
        sort: str = "submitted_date",
        descending: bool = True,
        offset: int = 0,
        limit: int = 200,
    ) -> list[ReferralRow]:
        """One page of referrals in the user's scope, filtered, sorted and paged in SQL."""
        self._actor.require(Action.READ, Entity.NRM_REFERRAL)
        if sort not in SORT_KEYS:
            raise ValueError(f"cannot sort referrals by {sort!r}; choose one of {', '.join(SORT_KEYS)}")
        today = self.today
        scope = person_scope(self._actor, Entity.NRM_REFERRAL)
        with self._db.engine.connect() as conn:
            calendar = load_calendar(conn)
            rows = q.page_referrals(
                conn,
                query or ReferralQuery(),
                scope,
                overdue_cutoff(calendar, today),
                sort=sort,
                descending=descending,
                offset=offset,
                limit=limit,
            )
        out = []
        for r in rows:
            route = Route(r.route)
            kind = DecisionKind(r.last_kind) if r.last_kind else None
            outcome = Outcome(r.last_outcome) if r.last_outcome else None
            out.append(
                ReferralRow(
                    id=r.id,
                    referral_ref=r.referral_ref,
                    person_id=r.person_id,
                    person_ref=r.person_ref,
                    surname=r.surname,
                    forenames=r.forenames,
                    route=route,
                    age_at_referral=AgeAtReferral(r.age_at_referral),
                    submitted_date=r.submitted_date,
                    exploitation_label=r.exploitation_label,
                    status=ReferralStatus(r.status),
                    rg_expected=None
                    if route is Route.DUTY_TO_NOTIFY
                    else rg_decision_expected(r.submitted_date, calendar),
                    last_decision=last_decision_text(kind, outcome, r.last_on),
                )
            )
        return out

    def find_id(self, referral_ref: str) -> int | None:
        """The id of the referral with this reference, if the user may read it."""
        self._actor.require(Action.READ, Entity.NRM_REFERRAL)
        scope = person_scope(self._actor, Entity.NRM_REFERRAL)
        with self._db.engine.connect() as conn:
            return q.find_referral_id(conn, referral_ref.strip(), scope)

    def get(self, referral_id: int) -> ReferralDetail:
        """Open one referral with its decision history and clocks: a recorded consultation."""
        with self._db.engine.begin() as conn:
            self._require(conn, Action.READ, referral_id)
            row = q.referral_record(conn, referral_id)
            decisions = q.decision_history(conn, referral_id)
            calendar = load_calendar(conn)
            record(conn, self._actor, AuditAction.CONSULT, Entity.NRM_REFERRAL, referral_id)
        v = row.values
        flags = parse_exploitation_codes(v["exploitation"])
        data = ReferralInput(
            route=Route(v["route"]),
            age_at_referral=AgeAtReferral(v["age_at_referral"]),
            submitted_date=v["submitted_date"],
            person_id=row.person_id,
            referral_ref=row.referral_ref,
            consents=v["consents"],
            cooperates=v["cooperates"],
            first_responder=v["first_responder"],
            first_responder_org=v["first_responder_org"],
            age_at_exploitation=AgeAtExploitation(v["age_at_exploitation"]),
            exploitation=frozenset() if flags == {ExploitationType.NOT_SPECIFIED} else flags,
            sub_types=tuple(s for s in v["sub_types"].split(";") if s),
            exploitation_location=ExploitationLocation(v["exploitation_location"]),
            crime_ref=v["crime_ref"],
            no_crime_reason=v["no_crime_reason"],
            district=row.district,
            operation=v["operation"],
            notes=v["notes"],
        )
        withdrawn = {d.supersedes_id for d in decisions if d.supersedes_id is not None}
        history = tuple(
            DecisionRow(
                id=d.id,
                kind=DecisionKind(d.kind),
                outcome=Outcome(d.outcome) if d.outcome else None,
                decided_on=d.decided_on,
                note=d.note,
                reason=d.reason,
                source=d.source,
                recorded_by=d.recorded_by,
                recorded_at_utc=_utc_text(d.recorded_at),
                supersedes_id=d.supersedes_id,
                superseded=d.id in withdrawn,
                is_void=bool(d.is_void),
            )
            for d in decisions
        )
        state = replay(effective(d.entry for d in decisions))
        today = self.today
        return ReferralDetail(
            id=referral_id,
            referral_ref=row.referral_ref,
            person_id=row.person_id,
            person_ref=row.person_ref,
            person_name=", ".join(s for s in (row.surname, row.forenames) if s),
            data=data,
            exploitation_label=v["exploitation_label"],
            status=status_of(data.route, state, v["submitted_date"], calendar, today),
            decisions=history,
            clocks=clocks_of(data.route, state, v["submitted_date"], calendar, today),
            version=row.version,
        )

    # ----- writing -------------------------------------------------------------------------------
    def _district_id(self, conn: Connection, text: str) -> int | None | str:
        """The district's id, None for none, or the problem as a sentence."""
        text = text.strip()
        if not text:
            return None
        rows = district_names(conn)
        for d in rows:
            if text.casefold() in (d.code.casefold(), d.name.casefold()):
                return d.id
        return f"'{text[:40]}' is not a district of this force ({', '.join(d.code for d in rows)})."

    def _values(
        self, data: ReferralInput, flags: frozenset[ExploitationType], district_id: int | None
    ) -> dict[str, Any]:
        dtn = data.route is Route.DUTY_TO_NOTIFY
        return {
            "route": Route(data.route).value,
            "consents": data.consents,
            "cooperates": bool(data.cooperates) if dtn else None,
            "first_responder": data.first_responder.strip(),
            "first_responder_org": data.first_responder_org.strip(),
            "submitted_date": data.submitted_date,
            "age_at_referral": AgeAtReferral(data.age_at_referral).value,
            "age_at_exploitation": AgeAtExploitation(data.age_at_exploitation).value,
            "exploitation": exploitation_codes(flags),
            "exploitation_label": home_office_label(flags),
            "sub_types": ";".join(dict.fromkeys(s.strip() for s in data.sub_types if s.strip())),
            "exploitation_location": ExploitationLocation(data.exploitation_location).value,
            "crime_ref": data.crime_ref.strip(),
            "no_crime_reason": data.no_crime_reason.strip(),
            "district_id": district_id,
            "operation": data.operation.strip(),
            "notes": data.notes.strip(),
        }

    def _check(
        self,
        conn: Connection,
        data: ReferralInput,
        name_kept: bool,
        own_id: int | None,
        age: tuple[date | None, int | None] = (None, None),
    ) -> tuple[dict[str, str], dict[str, Any]]:
        """``age``: the person's date of birth and estimated age, for the age rule."""
        problems, flags = referral_problems(
            data, today=self.today, name_kept=name_kept, date_of_birth=age[0], estimated_age=age[1]
        )
        district = self._district_id(conn, data.district)
        if isinstance(district, str):
            problems["district"] = district
            district = None
        ref = data.referral_ref.strip()
        if ref and "referral_ref" not in problems and q.referral_ref_taken(conn, ref, own_id):
            problems["referral_ref"] = f"Another referral already has the reference {ref}."
        return problems, ({} if problems else self._values(data, flags, district))

    @writes(Data.REFERRAL, Data.PERSON, ids=returned)
    def create(self, data: ReferralInput) -> int:
        """Record a referral (creating its person when ``new_person`` is given); ValidationError names
        every problem by field. Returns the referral's id."""
        self._actor.require(Action.CREATE, Entity.NRM_REFERRAL)
        if (data.person_id is None) == (data.new_person is None):
            raise ValidationError({"person": "Choose the person referred, or enter a new person."})
        if data.new_person is not None:
            self._actor.require(Action.CREATE, Entity.PERSON)
        now = utcnow()
        with self._db.engine.begin() as conn:
            problems: dict[str, str] = {}
            if data.person_id is not None:
                found = name_kept(conn, data.person_id)
                if found is None:
                    raise ValidationError({"person": "That person is no longer in the register."})
                self._actor.require(Action.CREATE, Entity.NRM_REFERRAL, record_scope(conn, data.person_id))
                kept = name_or_contact_kept(
                    found.surname, found.forenames, found.aliases, found.contact_details
                )
                age = (found.date_of_birth, found.estimated_age)
            else:
                assert data.new_person is not None
                p = data.new_person
                problems.update(person_problems(p, self.today))
                kept = name_or_contact_kept(p.surname, p.forenames, p.aliases, p.contact_details)
                age = (p.date_of_birth, p.estimated_age)
            found_problems, values = self._check(conn, data, kept, None, age)
            problems.update(found_problems)
            if problems:
                raise ValidationError(problems)
            person_id = data.person_id
            if person_id is None:
                assert data.new_person is not None
                person_id = insert_person(conn, self._actor, data.new_person, "")
            else:
                record(
                    conn, self._actor, AuditAction.COMBINE, Entity.PERSON, person_id, fields=("nrm_referral",)
                )
            values.update(
                referral_ref=data.referral_ref.strip(),
                person_id=person_id,
                version=1,
                created_at=now,
                updated_at=now,
            )
            referral_id = q.insert_referral(conn, values)
            if not values["referral_ref"]:
                q.set_referral_ref(conn, referral_id, f"NRM-{referral_id:06d}")
            filled = [k for k in _STORED if values[k] not in ("", None, False)]
            record(conn, self._actor, AuditAction.COLLECT, Entity.NRM_REFERRAL, referral_id, fields=filled)
        return referral_id

    @writes(Data.REFERRAL, Data.PERSON, arg="referral_id")
    def update(self, referral_id: int, version: int, data: ReferralInput) -> int:
        """Save changed details; ConflictError when someone saved since ``version`` was read. Returns
        the new version. The person cannot be changed here (a wrong person is a new referral)."""
        with self._db.engine.begin() as conn:
            person_id = self._require(conn, Action.UPDATE, referral_id)
            if data.new_person is not None or data.person_id not in (None, person_id):
                raise ValidationError(
                    {"person": "The person referred cannot be changed; record a new referral instead."}
                )
            found = name_kept(conn, person_id)
            assert found is not None  # _require found the person
            kept = name_or_contact_kept(found.surname, found.forenames, found.aliases, found.contact_details)
            problems, values = self._check(
                conn, data, kept, referral_id, (found.date_of_birth, found.estimated_age)
            )
            decided = q.has_decisions(conn, referral_id)
            if data.route is Route.DUTY_TO_NOTIFY and decided and "route" not in problems:
                problems["route"] = (
                    "This referral has NRM decisions recorded, so it cannot become a Duty to Notify."
                )
            if problems:
                raise ValidationError(problems)
            cols = ["referral_ref", *_STORED]
            before = q.referral_values(conn, referral_id, cols)
            values["referral_ref"] = data.referral_ref.strip() or before["referral_ref"]
            if not q.update_referral(
                conn, referral_id, version, {**values, "version": version + 1, "updated_at": utcnow()}
            ):
                raise ConflictError(
                    "Someone else saved this referral after you opened it; your changes were not saved. "
                    "Reopen the referral to see their version."
                )
            changed = [c for c in cols if before[c] != values[c]]
            record(conn, self._actor, AuditAction.ALTER, Entity.NRM_REFERRAL, referral_id, fields=changed)
        return version + 1

    @writes(Data.REFERRAL, Data.DECISION, arg="referral_id")
    def add_decision(
        self,
        referral_id: int,
        kind: DecisionKind,
        outcome: Outcome | None,
        decided_on: date,
        note: str = "",
        *,
        confirm_warnings: bool = False,
    ) -> int:
        """Append a decision. Refused (ValidationError) when the sequence rules forbid it; warnings raise
        DecisionNeedsConfirmationError unless ``confirm_warnings``. Returns the decision's id."""
        kind = DecisionKind(kind)
        outcome = Outcome(outcome) if outcome else None
        if decided_on is None:
            raise ValidationError({"decision_date": "Enter the date of the decision."})
        if decided_on > self.today:
            raise ValidationError({"decision_date": f"{uk(decided_on)} is in the future."})
        if len(note) > 2000:
            raise ValidationError({"note": "At most 2000 characters."})
        if problems := text_problems({"note": note}, multiline=("note",)):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            self._require(conn, Action.APPEND, referral_id)
            referral = q.route_and_date(conn, referral_id)
            submitted = referral.submitted_date
            if referral.route == Route.DUTY_TO_NOTIFY.value:
                raise ValidationError(
                    {
                        "decision_kind": "A Duty to Notify receives no NRM decisions; only referrals "
                        "into the NRM do."
                    }
                )
            if decided_on < submitted:
                raise ValidationError(
                    {
                        "decision_date": f"{uk(decided_on)} is before the referral was submitted "
                        f"({uk(submitted)})."
                    }
                )
            history = effective(q.decision_entries(conn, referral_id))
            found = check_decision(history, Decision(kind, decided_on, outcome))
            if found.errors:
                raise ValidationError(_by_field(found.errors))
            if found.warnings and not confirm_warnings:
                raise DecisionNeedsConfirmationError(_by_field(found.warnings))
            decision_id = q.insert_decision(
                conn,
                {
                    "referral_id": referral_id,
                    "kind": kind.value,
                    "outcome": outcome.value if outcome else "",
                    "decided_on": decided_on,
                    "note": note.strip(),
                    "supersedes_id": None,
                    "is_void": False,
                    "reason": "",
                    "source": "manual",
                    "import_batch_id": None,
                    "recorded_by": self._actor.user_id,
                    "recorded_at": utcnow(),
                },
            )
            q.touch_referral(conn, referral_id, utcnow())
            fields = ["decision", kind.value] + (["warning_confirmed"] if found.warnings else [])
            record(conn, self._actor, AuditAction.COLLECT, Entity.NRM_REFERRAL, referral_id, fields=fields)
        return decision_id

    @writes(Data.REFERRAL, Data.DECISION)
    def void_decision(self, decision_id: int, reason: str) -> int:
        """Withdraw an entry made in error by appending a void row that supersedes it (reason required).
        Only the latest effective entry may be withdrawn, so the history stays a valid sequence."""
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Give the reason this entry was made in error."})
        if len(reason) > 2000:
            raise ValidationError({"reason": "At most 2000 characters."})
        if problems := text_problems({"reason": reason}, multiline=("reason",)):
            raise ValidationError(problems)
        with self._db.engine.begin() as conn:
            found = q.decision_target(conn, decision_id)
            if found is None:
                raise NotFoundError("That decision is no longer in the register.")
            referral_id = found.referral_id
            self._require(conn, Action.APPEND, referral_id)
            rows = q.decision_entries(conn, referral_id)
            withdrawn = {r.supersedes_id for r in rows if r.supersedes_id is not None}
            live = sorted(
                (r for r in rows if not r.is_void and r.id not in withdrawn),
                key=lambda r: (r.decided_on, r.id),
            )
            if decision_id not in {r.id for r in live}:
                raise ValidationError({"decision": "This entry has already been withdrawn."})
            latest = live[-1]
            if latest.id != decision_id:
                later, on = DecisionKind(latest.kind).label, uk(latest.decided_on)
                raise ValidationError(
                    {
                        "decision": f"Withdraw the later entries first (the {later} of {on}), so "
                        "that the history stays in order."
                    }
                )
            void_id = q.insert_decision(
                conn,
                {
                    "referral_id": referral_id,
                    "kind": found.kind,
                    "outcome": found.outcome,
                    "decided_on": found.decided_on,
                    "note": "",
                    "supersedes_id": decision_id,
                    "is_void": True,
                    "reason": reason,
                    "source": "manual",
                    "import_batch_id": None,
                    "recorded_by": self._actor.user_id,
                    "recorded_at": utcnow(),
                },
            )
            q.touch_referral(conn, referral_id, utcnow())
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.NRM_REFERRAL,
                referral_id,
                fields=("decision", "void"),
            )
        return void_id


def _by_field(problems: Iterable[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        text = p.message if p.message.endswith(".") else p.message + "."
        out[p.field] = f"{out[p.field]} {text}" if p.field in out else text
    return out


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment.tzinfo else str(moment)[:16]
