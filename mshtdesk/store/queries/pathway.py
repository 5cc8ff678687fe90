"""One person's pathway, a statement per table whatever the history's length (what is due comes from
``mshtdesk.store.queries.due``, with the person's id)."""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import Connection, false, func, select

from mshtdesk.store.queries.contacts import (
    Superseded,
    superseded,
    superseding_columns,
    with_superseding,
)
from mshtdesk.store.queries.due import effective_events
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    EVENT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    USER,
    VLO_CONTACT,
)


class PersonHead(NamedTuple):
    person_ref: str
    surname: str
    forenames: str
    opted_out_of_updates: bool
    vlo: str | None  # the assigned VLO's username
    interpreter_language: str | None
    updated_at: datetime


def person_head(conn: Connection, person_id: int) -> PersonHead:
    q = (
        select(
            PERSON.c.person_ref,
            PERSON.c.surname,
            PERSON.c.forenames,
            PERSON.c.opted_out_of_updates,
            USER.c.username,
            PERSON.c.interpreter_language,
            PERSON.c.updated_at,
        )
        .select_from(PERSON.outerjoin(USER, USER.c.id == PERSON.c.vlo_user_id))
        .where(PERSON.c.id == person_id)
    )
    return PersonHead._make(conn.execute(q).one())


class LinkRow(NamedTuple):
    id: int
    role: str
    operation: str
    created_at: datetime
    custody_ref: str | None  # None for a link to an operation only
    arrest_date: date | None


def links(conn: Connection, person_id: int) -> list[LinkRow]:
    q = (
        select(
            PERSON_LINK.c.id,
            PERSON_LINK.c.role,
            PERSON_LINK.c.operation,
            PERSON_LINK.c.created_at,
            ARREST.c.custody_ref,
            ARREST.c.arrest_date,
        )
        .select_from(PERSON_LINK.outerjoin(ARREST, ARREST.c.id == PERSON_LINK.c.arrest_id))
        .where(PERSON_LINK.c.person_id == person_id)
    )
    return [LinkRow._make(r) for r in conn.execute(q)]


class DisposalRow(NamedTuple):
    event_id: int
    event_date: date
    label: str
    offence_ref: str
    custody_ref: str


def disposals(conn: Connection, person_id: int) -> list[DisposalRow]:
    """Disposal events in force on the arrests the person is linked to."""
    linked = select(PERSON_LINK.c.arrest_id).where(
        PERSON_LINK.c.person_id == person_id, PERSON_LINK.c.arrest_id.is_not(None)
    )
    q = (
        select(
            EVENT.c.id,
            EVENT.c.event_date,
            DISPOSAL_TYPE.c.label,
            OFFENCE.c.offence_ref,
            ARREST.c.custody_ref,
        )
        .select_from(
            EVENT.join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
        )
        .where(effective_events(), ARREST.c.id.in_(linked))
    )
    return [DisposalRow._make(r) for r in conn.execute(q)]


class StayRow(NamedTuple):
    id: int
    admitted_at: datetime
    discharged_at: datetime | None
    bed: str
    nrm_decision_at_reception: str
    discharge_destination: str


def stays(conn: Connection, person_id: int) -> list[StayRow]:
    q = (
        select(
            HAVEN_STAY.c.id,
            HAVEN_STAY.c.admitted_at,
            HAVEN_STAY.c.discharged_at,
            HAVEN_BED.c.label,
            HAVEN_STAY.c.nrm_decision_at_reception,
            HAVEN_STAY.c.discharge_destination,
        )
        .select_from(HAVEN_STAY.join(HAVEN_BED, HAVEN_BED.c.id == HAVEN_STAY.c.bed_id))
        .where(HAVEN_STAY.c.person_id == person_id)
    )
    return [StayRow._make(r) for r in conn.execute(q)]


class NavigatorRow(NamedTuple):
    id: int
    referral_date: date
    referral_source: str
    support_plan_opened: date | None
    statement_date: date | None
    closed_date: date | None
    closed_reason: str
    navigator: str | None  # the Navigator's display name (username when none)


def navigator_cases(conn: Connection, person_id: int) -> list[NavigatorRow]:
    q = (
        select(
            NAVIGATOR_CASE.c.id,
            NAVIGATOR_CASE.c.referral_date,
            NAVIGATOR_CASE.c.referral_source,
            NAVIGATOR_CASE.c.support_plan_opened,
            NAVIGATOR_CASE.c.statement_date,
            NAVIGATOR_CASE.c.closed_date,
            NAVIGATOR_CASE.c.closed_reason,
            func.coalesce(func.nullif(USER.c.display_name, ""), USER.c.username),
        )
        .select_from(NAVIGATOR_CASE.outerjoin(USER, USER.c.id == NAVIGATOR_CASE.c.navigator_user_id))
        .where(NAVIGATOR_CASE.c.person_id == person_id)
    )
    return [NavigatorRow._make(r) for r in conn.execute(q)]


class ContactRow(NamedTuple):
    id: int
    contact_at: datetime
    method: str
    purpose: str
    decision_notified: str  # a NotifiableDecision code, or ""
    notified_on_time: bool | None
    summary: str
    next_contact_due: date | None
    vlo: str | None  # the VLO's username
    superseded: Superseded  # how it left the figures, if it was corrected or withdrawn


def contacts(conn: Connection, person_id: int) -> list[ContactRow]:
    """The person's contacts in force, and those since corrected or withdrawn (never the void markers)."""
    q = (
        select(
            VLO_CONTACT.c.id,
            VLO_CONTACT.c.contact_at,
            VLO_CONTACT.c.method,
            VLO_CONTACT.c.purpose,
            VLO_CONTACT.c.decision_notified,
            VLO_CONTACT.c.notified_on_time,
            VLO_CONTACT.c.summary,
            VLO_CONTACT.c.next_contact_due,
            USER.c.username.label("vlo"),
            *superseding_columns(),
        )
        .select_from(with_superseding(VLO_CONTACT.outerjoin(USER, USER.c.id == VLO_CONTACT.c.vlo_user_id)))
        .where(VLO_CONTACT.c.person_id == person_id, VLO_CONTACT.c.is_void == false())
    )
    return [
        ContactRow(
            **{f: r._mapping[f] for f in ContactRow._fields if f != "superseded"},
            superseded=superseded(r._mapping),
        )
        for r in conn.execute(q)
    ]
