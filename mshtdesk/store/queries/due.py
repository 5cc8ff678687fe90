"""The records behind what is due (``mshtdesk.domain.due``), for one person (the pathway) or for everyone
in a user's scope (the Today page): the same statements, narrowed by ``person_id`` and/or ``scope``.

Each function is one statement (``referral_histories`` two), whatever the number of records.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import ColumnElement, Connection, and_, false, literal, select

from mshtdesk.domain.clocks import RECONSIDERATION_WINDOW_DAYS
from mshtdesk.domain.nrm import Outcome, Route
from mshtdesk.domain.support import ContactPurpose, NotifiableDecision
from mshtdesk.store.queries.contacts import live as live_contact
from mshtdesk.store.queries.imports import chunks
from mshtdesk.store.queries.nrm import DecisionEntry
from mshtdesk.store.queries.probe import row_exists
from mshtdesk.store.queries.scope import PersonScope, person_in_scope
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    EVENT,
    LATEST_CONTACT,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    REFERRAL_AWAITING,
    VLO_CONTACT,
)

#: Links in which a person is a victim (witnesses are not owed victims' notifications).
VICTIM_ROLES = ("potential_victim", "confirmed_victim")


def _narrowed(
    person_col: ColumnElement[int], person_id: int | None, scope: PersonScope | None
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if person_id is not None:
        conds.append(person_col == person_id)
    if scope is not None and (cond := person_in_scope(scope, person_col)) is not None:
        conds.append(cond)
    return conds


# ----- NRM referrals -------------------------------------------------------------------------------


class AwaitingRg(NamedTuple):
    id: int
    person_id: int
    referral_ref: str
    submitted_date: date


def referrals_awaiting_rg(conn: Connection, *, submitted_by: date, scope: PersonScope) -> list[AwaitingRg]:
    """NRM referrals (not Duty to Notify) submitted by ``submitted_by`` with no decision in force: the
    rows of ``referral_awaiting`` (kept in step with the decisions by triggers, a few thousand at a
    million arrests), each referral then read by its id. Only a scope (a VLO's people) names an indexed
    column of ``nrm_referral``, so a force-wide Today starts from the small table whatever the
    statistics say."""
    r, a = NRM_REFERRAL.c, REFERRAL_AWAITING.c
    q = (
        select(r.id, r.person_id, r.referral_ref, a.submitted_date)
        .select_from(REFERRAL_AWAITING.join(NRM_REFERRAL, r.id == a.referral_id))
        .where(a.submitted_date <= submitted_by, *_narrowed(r.person_id, None, scope))
    )
    return [AwaitingRg._make(row) for row in conn.execute(q)]


@dataclass(frozen=True)
class ReferralHistory:
    id: int
    person_id: int
    referral_ref: str
    route: Route
    submitted_date: date
    decisions: tuple[DecisionEntry, ...]  # every row, void and superseded ones too, in id order


def referral_histories(
    conn: Connection,
    *,
    person_id: int | None = None,
    scope: PersonScope | None = None,
    negative_since: date | None = None,
) -> list[ReferralHistory]:
    """Referrals of ``person_id`` (or everyone) in ``scope``, with their decision rows; ``negative_since``:
    only referrals with a negative decision dated on or after it. Two statements."""
    r = NRM_REFERRAL
    conds = _narrowed(r.c.person_id, person_id, scope)
    if negative_since is not None:
        conds.append(
            r.c.id.in_(
                select(NRM_DECISION.c.referral_id).where(
                    NRM_DECISION.c.outcome == Outcome.NEGATIVE.value,
                    NRM_DECISION.c.decided_on >= negative_since,
                )
            )
        )
    referrals = conn.execute(
        select(r.c.id, r.c.person_id, r.c.referral_ref, r.c.route, r.c.submitted_date)
        .where(*conds)
        .order_by(r.c.id)
    ).all()
    if not referrals:
        return []
    history: dict[int, list[DecisionEntry]] = defaultdict(list)
    d = NRM_DECISION.c
    decisions = select(d.referral_id, d.id, d.kind, d.outcome, d.decided_on, d.is_void, d.supersedes_id)
    for chunk in chunks([ref.id for ref in referrals]):  # a force-wide Today can ask for thousands
        for row in conn.execute(decisions.where(d.referral_id.in_(chunk)).order_by(d.id)):
            history[row.referral_id].append(
                DecisionEntry(
                    row.id, row.kind, row.outcome, row.decided_on, bool(row.is_void), row.supersedes_id
                )
            )
    return [
        ReferralHistory(
            ref.id,
            ref.person_id,
            ref.referral_ref,
            Route(ref.route),
            ref.submitted_date,
            tuple(history[ref.id]),
        )
        for ref in referrals
    ]


def recent_negative_since(today: date) -> date:
    """The earliest decision date whose reconsideration window can still be open today."""
    return today - timedelta(days=RECONSIDERATION_WINDOW_DAYS)


# ----- VLO contacts --------------------------------------------------------------------------------


class LatestContact(NamedTuple):
    id: int
    person_id: int
    next_contact_due: date
    contact_at: datetime


def latest_contacts_due(conn: Connection, *, due_by: date, scope: PersonScope) -> list[LatestContact]:
    """Each person's latest contact in ``scope``, when it set a next contact due on or before ``due_by``:
    the rows of ``latest_contact`` (kept in step with the contacts by triggers) from its due-date index."""
    lc = LATEST_CONTACT.c
    q = (
        select(lc.contact_id, lc.person_id, lc.next_contact_due, lc.contact_at)
        .where(lc.next_contact_due <= due_by, *_narrowed(lc.person_id, None, scope))
        .order_by(lc.person_id)
    )
    return [LatestContact._make(row) for row in conn.execute(q)]


class NeverContacted(NamedTuple):
    person_id: int
    updated_at: datetime  # the record's last change: the assignment, at the latest


def never_contacted(conn: Connection, *, scope: PersonScope) -> list[NeverContacted]:
    """Victims with a VLO assigned and no contact at all, in ``scope``."""
    q = select(PERSON.c.id, PERSON.c.updated_at).where(
        PERSON.c.vlo_user_id.is_not(None),
        PERSON.c.merged_into_id.is_(None),  # a merged duplicate's contacts are the other record's
        ~row_exists().where(LATEST_CONTACT.c.person_id == PERSON.c.id),  # a row: some contact in force
        *_narrowed(PERSON.c.id, None, scope),
    )
    return [NeverContacted._make(row) for row in conn.execute(q)]


# ----- decisions the victim must be told of --------------------------------------------------------


def effective_events() -> ColumnElement[bool]:
    """Disposal events in force: not a void marker and not superseded by a later row."""
    later = EVENT.alias("later_event")
    return and_(EVENT.c.is_void == false(), ~row_exists().where(later.c.supersedes_id == EVENT.c.id))


def _not_yet_told() -> ColumnElement[bool]:
    """No decision-notification contact with the linked person names a decision dated on or after this
    event: the victim has not yet been told of it (or of anything later)."""
    told = VLO_CONTACT.alias("told")
    return ~row_exists().where(
        told.c.person_id == PERSON_LINK.c.person_id,
        # a literal, not a parameter: so SQLite uses the partial index ``ix_vlo_contact_told``
        told.c.purpose == literal(ContactPurpose.DECISION_NOTIFICATION.value, literal_execute=True),
        told.c.decision_date >= EVENT.c.event_date,
        live_contact(told, name="told_superseding"),
    )


class UntoldDecision(NamedTuple):
    person_id: int
    arrest_id: int
    custody_ref: str
    event_date: date
    code: str  # a NotifiableDecision code


def untold_decisions(
    conn: Connection,
    *,
    person_id: int | None = None,
    scope: PersonScope | None = None,
    since: date | None = None,
) -> list[UntoldDecision]:
    """Each (victim, arrest, day, notifiable disposal) not yet told, for ``person_id`` (or everyone) in
    ``scope``, decided on or after ``since``; victims who opted out of updates are left out. One query."""
    conds = _narrowed(PERSON_LINK.c.person_id, person_id, scope)
    if since is not None:
        conds.append(EVENT.c.event_date >= since)
    stmt = (
        select(
            PERSON_LINK.c.person_id,
            ARREST.c.id,
            ARREST.c.custody_ref,
            EVENT.c.event_date,
            DISPOSAL_TYPE.c.code,
        )
        .distinct()
        .select_from(
            EVENT.join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
            .join(PERSON_LINK, PERSON_LINK.c.arrest_id == ARREST.c.id)
            .join(PERSON, PERSON.c.id == PERSON_LINK.c.person_id)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
        )
        .where(
            effective_events(),
            DISPOSAL_TYPE.c.code.in_([d.value for d in NotifiableDecision]),
            PERSON_LINK.c.role.in_(VICTIM_ROLES),
            PERSON.c.opted_out_of_updates == false(),
            _not_yet_told(),
            *conds,
        )
    )
    return [UntoldDecision._make(row) for row in conn.execute(stmt)]


# ----- names ---------------------------------------------------------------------------------------


class PersonName(NamedTuple):
    id: int
    surname: str
    forenames: str
    person_ref: str


def person_names(conn: Connection, person_ids: list[int]) -> list[PersonName]:
    """The names of ``person_ids``, read a chunk of ids at a time: a manager's Today at a million arrests
    names some 20,000 people, and one statement takes at most 65,535 parameters on PostgreSQL (fewer
    than 300,000 on the SQLCipher build)."""
    q = select(PERSON.c.id, PERSON.c.surname, PERSON.c.forenames, PERSON.c.person_ref)
    return [
        PersonName._make(row)
        for chunk in chunks(person_ids)
        for row in conn.execute(q.where(PERSON.c.id.in_(chunk)))
    ]
