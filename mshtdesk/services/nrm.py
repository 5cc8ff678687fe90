"""NRM referrals and their decision histories, seen through each role's record scope.

A referral belongs to one person; a victim liaison officer sees the referrals of the people assigned to
them, narrowed in SQL for lists and by ``Actor.require`` for one record. Decisions are appended, never
edited: a mistaken entry is withdrawn by a void row that supersedes it, with a reason. The rules (route,
consent, anonymity of a Duty to Notify, crime recording, decision sequence) are those of
``mshtdesk.domain.nrm``; this module stores what passes them and refuses what does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    insert,
    or_,
    select,
    update,
)

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
from mshtdesk.services.people import INPUT_FIELDS as PERSON_FIELDS
from mshtdesk.services.people import PersonInput, person_problems
from mshtdesk.services.support_scope import person_condition, record_scope
from mshtdesk.store.database import Database
from mshtdesk.store.tables import (
    DISTRICT,
    NRM_DECISION,
    NRM_REFERRAL,
    PERSON,
    USER,
    utcnow,
)

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
_STORED = (
    "route",
    "consents",
    "cooperates",
    "first_responder",
    "first_responder_org",
    "submitted_date",
    "age_at_referral",
    "age_at_exploitation",
    "exploitation",
    "exploitation_label",
    "sub_types",
    "exploitation_location",
    "crime_ref",
    "no_crime_reason",
    "district_id",
    "operation",
    "notes",
)


def _effective_sql(d: FromClause) -> ColumnElement[bool]:
    """Not a void marker and not withdrawn by one. The withdrawn ids are one uncorrelated subquery, which
    SQLite and PostgreSQL run once and hash: withdrawals are rare, so this stays cheaper than a correlated
    NOT EXISTS probing the ``supersedes_id`` index once per decision."""
    later = NRM_DECISION.alias("later")
    withdrawn = select(later.c.supersedes_id).where(later.c.supersedes_id.is_not(None))
    return and_(d.c.is_void == false(), d.c.id.not_in(withdrawn))


def _escape_like(s: str) -> str:
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def insert_person(conn: Connection, actor: Actor, data: PersonInput, person_ref: str) -> int:
    """Add a person inside the caller's transaction (``person_ref`` empty: ``P-000123`` is given);
    recorded as a collection. The caller has checked ``data`` and the right to create people."""
    now = utcnow()
    values: dict[str, Any] = {f: getattr(data, f) for f in PERSON_FIELDS}
    values.update(person_ref=person_ref, version=1, created_at=now, updated_at=now, vlo_user_id=None)
    person_id = int(conn.execute(insert(PERSON).returning(PERSON.c.id), values).scalar_one())
    if not person_ref:
        conn.execute(update(PERSON).where(PERSON.c.id == person_id).values(person_ref=f"P-{person_id:06d}"))
    filled = [f for f in PERSON_FIELDS if getattr(data, f) not in ("", None, False, "unknown")]
    record(conn, actor, AuditAction.COLLECT, Entity.PERSON, person_id, fields=filled)
    return person_id


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
        person_id = conn.execute(
            select(NRM_REFERRAL.c.person_id).where(NRM_REFERRAL.c.id == referral_id)
        ).scalar()
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
        return int(person_id)

    # ----- reading -------------------------------------------------------------------------------
    def _filtered(self, q: ReferralQuery, columns: Sequence[Any], today: date) -> tuple[Select[Any], Any]:
        with self._db.engine.connect() as conn:
            calendar = load_calendar(conn)
        d = NRM_DECISION.alias("d")
        ranked = (
            select(
                d.c.referral_id,
                d.c.kind,
                d.c.outcome,
                d.c.decided_on,
                func.row_number()
                .over(partition_by=d.c.referral_id, order_by=(d.c.decided_on.desc(), d.c.id.desc()))
                .label("rn"),
            )
            .where(_effective_sql(d))
            .subquery("ranked")
        )
        last = (
            select(ranked.c.referral_id, ranked.c.kind, ranked.c.outcome, ranked.c.decided_on)
            .where(ranked.c.rn == 1)
            .subquery("last")
        )
        cg = NRM_DECISION.alias("cg")
        has_cg = exists().where(
            cg.c.referral_id == NRM_REFERRAL.c.id, cg.c.kind == DecisionKind.CG.value, _effective_sql(cg)
        )
        cutoff = overdue_cutoff(calendar, today)
        status = case(
            (NRM_REFERRAL.c.route == Route.DUTY_TO_NOTIFY.value, ReferralStatus.DUTY_TO_NOTIFY.value),
            (
                last.c.kind.is_(None),
                case(
                    (NRM_REFERRAL.c.submitted_date <= cutoff, ReferralStatus.RG_OVERDUE.value),
                    else_=ReferralStatus.AWAITING_RG.value,
                ),
            ),
            (last.c.kind == DecisionKind.WITHDRAWAL.value, ReferralStatus.WITHDRAWN.value),
            (
                and_(last.c.kind == DecisionKind.RG.value, last.c.outcome == Outcome.POSITIVE.value),
                ReferralStatus.AWAITING_CG.value,
            ),
            (
                last.c.kind == DecisionKind.RECONSIDERATION_REQUESTED.value,
                case((has_cg, ReferralStatus.AWAITING_CG.value), else_=ReferralStatus.AWAITING_RG.value),
            ),
            else_=ReferralStatus.CONCLUDED.value,
        ).label("status")
        cols = [
            c
            if not isinstance(c, str)
            else {
                "status": status,
                "last_kind": last.c.kind,
                "last_outcome": last.c.outcome,
                "last_on": last.c.decided_on,
            }[c]
            for c in columns
        ]
        base = NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id)
        if q.status is not None or any(isinstance(c, str) for c in columns):
            # Only a page or a status filter needs each referral's latest decision.
            base = base.outerjoin(last, last.c.referral_id == NRM_REFERRAL.c.id)
        stmt = select(*cols).select_from(base)
        scope = person_condition(self._actor, Entity.NRM_REFERRAL, NRM_REFERRAL.c.person_id)
        if scope is not None:
            stmt = stmt.where(scope)
        text = q.text.strip()
        if text:
            pattern = f"%{_escape_like(text.casefold())}%"
            stmt = stmt.where(
                or_(
                    *(
                        func.lower(c).like(pattern, escape="\\")
                        for c in (
                            NRM_REFERRAL.c.referral_ref,
                            NRM_REFERRAL.c.crime_ref,
                            PERSON.c.person_ref,
                            PERSON.c.surname,
                            PERSON.c.forenames,
                        )
                    )
                )
            )
        if q.route is not None:
            stmt = stmt.where(NRM_REFERRAL.c.route == Route(q.route).value)
        if q.age_at_referral is not None:
            stmt = stmt.where(NRM_REFERRAL.c.age_at_referral == AgeAtReferral(q.age_at_referral).value)
        if q.submitted_from is not None:
            stmt = stmt.where(NRM_REFERRAL.c.submitted_date >= q.submitted_from)
        if q.submitted_to is not None:
            stmt = stmt.where(NRM_REFERRAL.c.submitted_date <= q.submitted_to)
        if q.status is not None:
            stmt = stmt.where(status == ReferralStatus(q.status).value)
        return stmt, (status, calendar)

    def count(self, q: ReferralQuery | None = None) -> int:
        """How many referrals ``list`` would give without paging (within the user's scope)."""
        self._actor.require(Action.READ, Entity.NRM_REFERRAL)
        stmt, _ = self._filtered(q or ReferralQuery(), [func.count()], self.today)
        with self._db.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def list(
        self,
        q: ReferralQuery | None = None,
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
        rt = NRM_REFERRAL
        stmt, (status, calendar) = self._filtered(
            q or ReferralQuery(),
            [
                rt.c.id,
                rt.c.referral_ref,
                rt.c.person_id,
                PERSON.c.person_ref,
                PERSON.c.surname,
                PERSON.c.forenames,
                rt.c.route,
                rt.c.age_at_referral,
                rt.c.submitted_date,
                rt.c.exploitation_label,
                "status",
                "last_kind",
                "last_outcome",
                "last_on",
            ],
            today,
        )
        keys: dict[str, list[Any]] = {
            "referral_ref": [rt.c.referral_ref],
            "person": [PERSON.c.surname, PERSON.c.forenames, PERSON.c.person_ref],
            "route": [rt.c.route],
            "submitted_date": [rt.c.submitted_date],
            "age_at_referral": [rt.c.age_at_referral],
            "exploitation": [rt.c.exploitation_label],
            "status": [status],
        }
        order = [k.desc() if descending else k.asc() for k in [*keys[sort], rt.c.id]]
        stmt = stmt.order_by(*order).offset(offset).limit(limit)
        with self._db.engine.connect() as conn:
            rows = conn.execute(stmt).all()
        out = []
        for r in rows:
            route = Route(r[6])
            kind = DecisionKind(r[11]) if r[11] else None
            outcome = Outcome(r[12]) if r[12] else None
            out.append(
                ReferralRow(
                    id=r[0],
                    referral_ref=r[1],
                    person_id=r[2],
                    person_ref=r[3],
                    surname=r[4],
                    forenames=r[5],
                    route=route,
                    age_at_referral=AgeAtReferral(r[7]),
                    submitted_date=r[8],
                    exploitation_label=r[9],
                    status=ReferralStatus(r[10]),
                    rg_expected=None
                    if route is Route.DUTY_TO_NOTIFY
                    else rg_decision_expected(r[8], calendar),
                    last_decision=last_decision_text(kind, outcome, r[13]),
                )
            )
        return out

    def find_id(self, referral_ref: str) -> int | None:
        """The id of the referral with this reference, if the user may read it."""
        self._actor.require(Action.READ, Entity.NRM_REFERRAL)
        stmt = (
            select(NRM_REFERRAL.c.id)
            .select_from(NRM_REFERRAL.join(PERSON, PERSON.c.id == NRM_REFERRAL.c.person_id))
            .where(NRM_REFERRAL.c.referral_ref == referral_ref.strip())
        )
        scope = person_condition(self._actor, Entity.NRM_REFERRAL, NRM_REFERRAL.c.person_id)
        if scope is not None:
            stmt = stmt.where(scope)
        with self._db.engine.connect() as conn:
            found = conn.execute(stmt).scalar()
        return None if found is None else int(found)

    def get(self, referral_id: int) -> ReferralDetail:
        """Open one referral with its decision history and clocks: a recorded consultation."""
        rt = NRM_REFERRAL
        with self._db.engine.begin() as conn:
            self._require(conn, Action.READ, referral_id)
            row = conn.execute(
                select(
                    rt.c.referral_ref,
                    rt.c.person_id,
                    PERSON.c.person_ref,
                    PERSON.c.surname,
                    PERSON.c.forenames,
                    rt.c.version,
                    func.coalesce(DISTRICT.c.code, ""),
                    *(rt.c[f] for f in _STORED if f != "district_id"),
                )
                .select_from(
                    rt.join(PERSON, PERSON.c.id == rt.c.person_id).outerjoin(
                        DISTRICT, DISTRICT.c.id == rt.c.district_id
                    )
                )
                .where(rt.c.id == referral_id)
            ).one()
            recorder = USER.alias("recorder")
            decisions = conn.execute(
                select(
                    NRM_DECISION.c.id,
                    NRM_DECISION.c.kind,
                    NRM_DECISION.c.outcome,
                    NRM_DECISION.c.decided_on,
                    NRM_DECISION.c.is_void,
                    NRM_DECISION.c.supersedes_id,
                    NRM_DECISION.c.note,
                    NRM_DECISION.c.reason,
                    NRM_DECISION.c.source,
                    func.coalesce(recorder.c.username, ""),
                    NRM_DECISION.c.recorded_at,
                )
                .select_from(NRM_DECISION.outerjoin(recorder, recorder.c.id == NRM_DECISION.c.recorded_by))
                .where(NRM_DECISION.c.referral_id == referral_id)
                .order_by(NRM_DECISION.c.id)
            ).all()
            calendar = load_calendar(conn)
            record(conn, self._actor, AuditAction.CONSULT, Entity.NRM_REFERRAL, referral_id)
        ref, person_id, person_ref, surname, forenames, version, district, *stored = row
        v = dict(zip([f for f in _STORED if f != "district_id"], stored, strict=True))
        flags = parse_exploitation_codes(v["exploitation"])
        data = ReferralInput(
            route=Route(v["route"]),
            age_at_referral=AgeAtReferral(v["age_at_referral"]),
            submitted_date=v["submitted_date"],
            person_id=person_id,
            referral_ref=ref,
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
            district=district,
            operation=v["operation"],
            notes=v["notes"],
        )
        withdrawn = {d[5] for d in decisions if d[5] is not None}
        history = tuple(
            DecisionRow(
                id=d[0],
                kind=DecisionKind(d[1]),
                outcome=Outcome(d[2]) if d[2] else None,
                decided_on=d[3],
                note=d[6],
                reason=d[7],
                source=d[8],
                recorded_by=d[9],
                recorded_at_utc=_utc_text(d[10]),
                supersedes_id=d[5],
                superseded=d[0] in withdrawn,
                is_void=bool(d[4]),
            )
            for d in decisions
        )
        state = replay(effective(d[:6] for d in decisions))
        today = self.today
        return ReferralDetail(
            id=referral_id,
            referral_ref=ref,
            person_id=person_id,
            person_ref=person_ref,
            person_name=", ".join(s for s in (surname, forenames) if s),
            data=data,
            exploitation_label=v["exploitation_label"],
            status=status_of(data.route, state, v["submitted_date"], calendar, today),
            decisions=history,
            clocks=clocks_of(data.route, state, v["submitted_date"], calendar, today),
            version=version,
        )

    # ----- writing -------------------------------------------------------------------------------
    def _district_id(self, conn: Connection, text: str) -> int | None | str:
        """The district's id, None for none, or the problem as a sentence."""
        text = text.strip()
        if not text:
            return None
        rows = conn.execute(select(DISTRICT.c.id, DISTRICT.c.code, DISTRICT.c.name)).all()
        for id_, code, name in rows:
            if text.casefold() in (code.casefold(), name.casefold()):
                return int(id_)
        return f"'{text[:40]}' is not a district of this force ({', '.join(r[1] for r in rows)})."

    def _ref_taken(self, conn: Connection, ref: str, own_id: int | None) -> bool:
        stmt = select(NRM_REFERRAL.c.id).where(NRM_REFERRAL.c.referral_ref == ref)
        if own_id is not None:
            stmt = stmt.where(NRM_REFERRAL.c.id != own_id)
        return conn.execute(stmt).first() is not None

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
        date_of_birth: date | None = None,
    ) -> tuple[dict[str, str], dict[str, Any]]:
        problems, flags = referral_problems(
            data, today=self.today, name_kept=name_kept, date_of_birth=date_of_birth
        )
        district = self._district_id(conn, data.district)
        if isinstance(district, str):
            problems["district"] = district
            district = None
        ref = data.referral_ref.strip()
        if ref and "referral_ref" not in problems and self._ref_taken(conn, ref, own_id):
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
                found = conn.execute(
                    select(
                        PERSON.c.surname,
                        PERSON.c.forenames,
                        PERSON.c.aliases,
                        PERSON.c.contact_details,
                        PERSON.c.date_of_birth,
                    ).where(PERSON.c.id == data.person_id)
                ).one_or_none()
                if found is None:
                    raise ValidationError({"person": "That person is no longer in the register."})
                self._actor.require(Action.CREATE, Entity.NRM_REFERRAL, record_scope(conn, data.person_id))
                kept = name_or_contact_kept(*found[:4])
                born = found[4]
            else:
                assert data.new_person is not None
                p = data.new_person
                problems.update(person_problems(p, self.today))
                kept = name_or_contact_kept(p.surname, p.forenames, p.aliases, p.contact_details)
                born = p.date_of_birth
            found_problems, values = self._check(conn, data, kept, None, born)
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
            referral_id = int(
                conn.execute(insert(NRM_REFERRAL).returning(NRM_REFERRAL.c.id), values).scalar_one()
            )
            if not values["referral_ref"]:
                conn.execute(
                    update(NRM_REFERRAL)
                    .where(NRM_REFERRAL.c.id == referral_id)
                    .values(referral_ref=f"NRM-{referral_id:06d}")
                )
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
            found = conn.execute(
                select(
                    PERSON.c.surname,
                    PERSON.c.forenames,
                    PERSON.c.aliases,
                    PERSON.c.contact_details,
                    PERSON.c.date_of_birth,
                ).where(PERSON.c.id == person_id)
            ).one()
            problems, values = self._check(
                conn, data, name_or_contact_kept(*found[:4]), referral_id, found[4]
            )
            has_decisions = conn.execute(
                select(NRM_DECISION.c.id).where(NRM_DECISION.c.referral_id == referral_id).limit(1)
            ).first()
            if data.route is Route.DUTY_TO_NOTIFY and has_decisions and "route" not in problems:
                problems["route"] = (
                    "This referral has NRM decisions recorded, so it cannot become a Duty to Notify."
                )
            if problems:
                raise ValidationError(problems)
            cols = ["referral_ref", *_STORED]
            before = conn.execute(
                select(*(NRM_REFERRAL.c[c] for c in cols)).where(NRM_REFERRAL.c.id == referral_id)
            ).one()
            ref = data.referral_ref.strip() or before[0]
            values["referral_ref"] = ref
            result = conn.execute(
                update(NRM_REFERRAL)
                .where(NRM_REFERRAL.c.id == referral_id, NRM_REFERRAL.c.version == version)
                .values(**values, version=version + 1, updated_at=utcnow())
            )
            if result.rowcount != 1:
                raise ConflictError(
                    "Someone else saved this referral after you opened it; your changes were not saved. "
                    "Reopen the referral to see their version."
                )
            changed = [c for c, old in zip(cols, before, strict=True) if old != values[c]]
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
            route, submitted = conn.execute(
                select(NRM_REFERRAL.c.route, NRM_REFERRAL.c.submitted_date).where(
                    NRM_REFERRAL.c.id == referral_id
                )
            ).one()
            if route == Route.DUTY_TO_NOTIFY.value:
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
            history = effective(_decision_rows(conn, referral_id))
            found = check_decision(history, Decision(kind, decided_on, outcome))
            if found.errors:
                raise ValidationError(_by_field(found.errors))
            if found.warnings and not confirm_warnings:
                raise DecisionNeedsConfirmationError(_by_field(found.warnings))
            decision_id = int(
                conn.execute(
                    insert(NRM_DECISION).returning(NRM_DECISION.c.id),
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
                ).scalar_one()
            )
            conn.execute(
                update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == referral_id).values(updated_at=utcnow())
            )
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
        dt = NRM_DECISION
        with self._db.engine.begin() as conn:
            found = conn.execute(
                select(dt.c.referral_id, dt.c.kind, dt.c.outcome, dt.c.decided_on).where(
                    dt.c.id == decision_id
                )
            ).one_or_none()
            if found is None:
                raise NotFoundError("That decision is no longer in the register.")
            referral_id, kind, outcome, decided_on = found
            self._require(conn, Action.APPEND, referral_id)
            rows = _decision_rows(conn, referral_id)
            withdrawn = {r[5] for r in rows if r[5] is not None}
            live = sorted((r for r in rows if not r[4] and r[0] not in withdrawn), key=lambda r: (r[3], r[0]))
            if decision_id not in {r[0] for r in live}:
                raise ValidationError({"decision": "This entry has already been withdrawn."})
            latest = live[-1]
            if latest[0] != decision_id:
                later = DecisionKind(latest[1]).label
                raise ValidationError(
                    {
                        "decision": f"Withdraw the later entries first (the {later} of {uk(latest[3])}), so "
                        "that the history stays in order."
                    }
                )
            void_id = int(
                conn.execute(
                    insert(dt).returning(dt.c.id),
                    {
                        "referral_id": referral_id,
                        "kind": kind,
                        "outcome": outcome,
                        "decided_on": decided_on,
                        "note": "",
                        "supersedes_id": decision_id,
                        "is_void": True,
                        "reason": reason,
                        "source": "manual",
                        "import_batch_id": None,
                        "recorded_by": self._actor.user_id,
                        "recorded_at": utcnow(),
                    },
                ).scalar_one()
            )
            conn.execute(
                update(NRM_REFERRAL).where(NRM_REFERRAL.c.id == referral_id).values(updated_at=utcnow())
            )
            record(
                conn,
                self._actor,
                AuditAction.ALTER,
                Entity.NRM_REFERRAL,
                referral_id,
                fields=("decision", "void"),
            )
        return void_id


def _decision_rows(conn: Connection, referral_id: int) -> list[tuple[int, str, str, date, bool, int | None]]:
    dt = NRM_DECISION
    rows = conn.execute(
        select(dt.c.id, dt.c.kind, dt.c.outcome, dt.c.decided_on, dt.c.is_void, dt.c.supersedes_id)
        .where(dt.c.referral_id == referral_id)
        .order_by(dt.c.id)
    ).all()
    return [(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows]


def _by_field(problems: Iterable[Problem]) -> dict[str, str]:
    out: dict[str, str] = {}
    for p in problems:
        text = p.message if p.message.endswith(".") else p.message + "."
        out[p.field] = f"{out[p.field]} {text}" if p.field in out else text
    return out


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment.tzinfo else str(moment)[:16]
