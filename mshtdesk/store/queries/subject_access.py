"""Everything held about one person, for a subject access request (DPA 2018 s.45): one query per
section, whatever the history's length, each row read by column name into a plain dict.

Every stored column of the person's own tables is read (a new column shows up without a change here),
with the names behind ids joined in (district, bed, users). From the arrests a person is linked to,
only what concerns them is read: the custody reference, date, district, operation and offences. The
detainee's reference and the arrest's notes are a third party's data and never leave here.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Connection, Select, String, cast, func, or_, select

from mshtdesk.store.tables import (
    ARREST,
    AUDIT,
    DISTRICT,
    ENGAGEMENT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    OFFENCE_TYPE,
    PERSON,
    PERSON_LINK,
    PERSON_SUPPORT,
    USER,
    VLO_CONTACT,
)

Row = dict[str, Any]

#: What the audit log calls each of the person's records (``entity``) and the actions listed for them.
CONSULTED_ACTIONS = ("consult", "disclose")


class Holdings(NamedTuple):
    """The person's records, section by section, oldest first within each."""

    person: Row
    supporters: list[Row]
    referrals: list[Row]
    decisions: list[Row]
    navigator_cases: list[Row]
    stays: list[Row]
    contacts: list[Row]
    links: list[Row]
    offences: list[Row]
    consultations: list[Row]
    milestones: list[Row]


def _user_name(alias: Any) -> Any:
    return func.coalesce(func.nullif(alias.c.display_name, ""), alias.c.username)


def _rows(conn: Connection, stmt: Select[Any]) -> list[Row]:
    return [dict(r._mapping) for r in conn.execute(stmt)]


def person_id_of(conn: Connection, person_ref: str) -> int | None:
    found = conn.execute(select(PERSON.c.id).where(PERSON.c.person_ref == person_ref)).scalar()
    return None if found is None else int(found)


def person(conn: Connection, person_id: int) -> Row:
    vlo, into = USER.alias("vlo"), PERSON.alias("merged_into")
    stmt = (
        select(PERSON, _user_name(vlo).label("vlo"), into.c.person_ref.label("merged_into"))
        .select_from(
            PERSON.outerjoin(vlo, vlo.c.id == PERSON.c.vlo_user_id).outerjoin(
                into, into.c.id == PERSON.c.merged_into_id
            )
        )
        .where(PERSON.c.id == person_id)
    )
    return dict(conn.execute(stmt).one()._mapping)


def supporters(conn: Connection, person_id: int) -> list[Row]:
    stmt = (
        select(_user_name(USER).label("navigator"))
        .select_from(PERSON_SUPPORT.join(USER, USER.c.id == PERSON_SUPPORT.c.user_id))
        .where(PERSON_SUPPORT.c.person_id == person_id)
        .order_by(USER.c.username)
    )
    return _rows(conn, stmt)


def referrals(conn: Connection, person_id: int) -> list[Row]:
    stmt = (
        select(NRM_REFERRAL, DISTRICT.c.name.label("district"))
        .select_from(NRM_REFERRAL.outerjoin(DISTRICT, DISTRICT.c.id == NRM_REFERRAL.c.district_id))
        .where(NRM_REFERRAL.c.person_id == person_id)
        .order_by(NRM_REFERRAL.c.submitted_date, NRM_REFERRAL.c.id)
    )
    return _rows(conn, stmt)


def decisions(conn: Connection, person_id: int) -> list[Row]:
    """Every decision entry on the person's referrals, superseded and withdrawn ones included."""
    by = USER.alias("recorded_by_user")
    stmt = (
        select(NRM_DECISION, NRM_REFERRAL.c.referral_ref, _user_name(by).label("recorded_by_name"))
        .select_from(
            NRM_DECISION.join(NRM_REFERRAL, NRM_REFERRAL.c.id == NRM_DECISION.c.referral_id).outerjoin(
                by, by.c.id == NRM_DECISION.c.recorded_by
            )
        )
        .where(NRM_REFERRAL.c.person_id == person_id)
        .order_by(NRM_DECISION.c.decided_on, NRM_DECISION.c.id)
    )
    return _rows(conn, stmt)


def navigator_cases(conn: Connection, person_id: int) -> list[Row]:
    nav = USER.alias("case_navigator")
    stmt = (
        select(NAVIGATOR_CASE, _user_name(nav).label("navigator"))
        .select_from(NAVIGATOR_CASE.outerjoin(nav, nav.c.id == NAVIGATOR_CASE.c.navigator_user_id))
        .where(NAVIGATOR_CASE.c.person_id == person_id)
        .order_by(NAVIGATOR_CASE.c.referral_date, NAVIGATOR_CASE.c.id)
    )
    return _rows(conn, stmt)


def stays(conn: Connection, person_id: int) -> list[Row]:
    stmt = (
        select(HAVEN_STAY, HAVEN_BED.c.label.label("bed"), DISTRICT.c.name.label("referring_district"))
        .select_from(
            HAVEN_STAY.join(HAVEN_BED, HAVEN_BED.c.id == HAVEN_STAY.c.bed_id).outerjoin(
                DISTRICT, DISTRICT.c.id == HAVEN_STAY.c.referring_district_id
            )
        )
        .where(HAVEN_STAY.c.person_id == person_id)
        .order_by(HAVEN_STAY.c.admitted_at, HAVEN_STAY.c.id)
    )
    return _rows(conn, stmt)


def contacts(conn: Connection, person_id: int) -> list[Row]:
    vlo = USER.alias("contact_vlo")
    stmt = (
        select(VLO_CONTACT, _user_name(vlo).label("vlo"))
        .select_from(VLO_CONTACT.outerjoin(vlo, vlo.c.id == VLO_CONTACT.c.vlo_user_id))
        .where(VLO_CONTACT.c.person_id == person_id)
        .order_by(VLO_CONTACT.c.contact_at, VLO_CONTACT.c.id)
    )
    return _rows(conn, stmt)


def links(conn: Connection, person_id: int) -> list[Row]:
    """The person's part in arrests and operations; of an arrest, only what concerns them."""
    stmt = (
        select(
            PERSON_LINK.c.id,
            PERSON_LINK.c.role,
            PERSON_LINK.c.operation,
            PERSON_LINK.c.created_at,
            PERSON_LINK.c.arrest_id,
            ARREST.c.custody_ref,
            ARREST.c.arrest_date,
            DISTRICT.c.name.label("district"),
            ARREST.c.operation.label("arrest_operation"),
        )
        .select_from(
            PERSON_LINK.outerjoin(ARREST, ARREST.c.id == PERSON_LINK.c.arrest_id).outerjoin(
                DISTRICT, DISTRICT.c.id == ARREST.c.district_id
            )
        )
        .where(PERSON_LINK.c.person_id == person_id)
        .order_by(PERSON_LINK.c.created_at, PERSON_LINK.c.id)
    )
    return _rows(conn, stmt)


def milestones(conn: Connection, person_id: int) -> list[Row]:
    """The engagement milestones on the person's links, withdrawn ones included (with who and why)."""
    recorder, withdrawer = USER.alias("milestone_by"), USER.alias("milestone_withdrawn_by")
    e = ENGAGEMENT.c
    stmt = (
        select(
            e.id,
            ARREST.c.custody_ref,
            PERSON_LINK.c.operation,
            e.milestone,
            e.milestone_date,
            e.reason.label("milestone_reason"),
            e.recorded_at,
            _user_name(recorder).label("recorded_by_name"),
            e.withdrawn_at,
            _user_name(withdrawer).label("withdrawn_by_name"),
            e.withdraw_reason,
        )
        .select_from(
            ENGAGEMENT.join(PERSON_LINK, PERSON_LINK.c.id == e.link_id)
            .outerjoin(ARREST, ARREST.c.id == PERSON_LINK.c.arrest_id)
            .outerjoin(recorder, recorder.c.id == e.recorded_by)
            .outerjoin(withdrawer, withdrawer.c.id == e.withdrawn_by)
        )
        .where(PERSON_LINK.c.person_id == person_id)
        .order_by(e.milestone_date, e.id)
    )
    return _rows(conn, stmt)


def offences(conn: Connection, person_id: int) -> list[Row]:
    """The offences of every arrest the person is linked to (type and legislation, not the wording)."""
    linked = select(PERSON_LINK.c.arrest_id).where(
        PERSON_LINK.c.person_id == person_id, PERSON_LINK.c.arrest_id.is_not(None)
    )
    stmt = (
        select(
            OFFENCE.c.arrest_id,
            ARREST.c.custody_ref,
            OFFENCE.c.offence_ref,
            OFFENCE_TYPE.c.label.label("offence"),
            OFFENCE_TYPE.c.legislation,
            OFFENCE_TYPE.c.section,
        )
        .select_from(
            OFFENCE.join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id).join(
                OFFENCE_TYPE, OFFENCE_TYPE.c.id == OFFENCE.c.offence_type_id
            )
        )
        .where(OFFENCE.c.arrest_id.in_(linked))
        .order_by(ARREST.c.custody_ref, OFFENCE.c.offence_ref)
    )
    return _rows(conn, stmt)


def consultations(conn: Connection, person_id: int) -> list[Row]:
    """Who opened or disclosed the person's record or one of their records, and when (the audit log's
    ``consult`` and ``disclose`` events; a referral, case or stay is named by its own id there)."""

    def ids(table: Any) -> Select[Any]:
        return select(cast(table.c.id, String)).where(table.c.person_id == person_id)

    who = USER.alias("audit_user")
    stmt = (
        select(
            AUDIT.c.at,
            AUDIT.c.username,
            func.coalesce(func.nullif(who.c.display_name, ""), AUDIT.c.username).label("name"),
            AUDIT.c.action,
            AUDIT.c.entity,
            AUDIT.c.record_id,
        )
        .select_from(AUDIT.outerjoin(who, who.c.id == AUDIT.c.user_id))
        .where(
            AUDIT.c.action.in_(CONSULTED_ACTIONS),
            or_(
                (AUDIT.c.entity == "person") & (AUDIT.c.record_id == str(person_id)),
                (AUDIT.c.entity == "nrm_referral") & AUDIT.c.record_id.in_(ids(NRM_REFERRAL)),
                (AUDIT.c.entity == "navigator_case") & AUDIT.c.record_id.in_(ids(NAVIGATOR_CASE)),
                (AUDIT.c.entity == "haven_stay") & AUDIT.c.record_id.in_(ids(HAVEN_STAY)),
            ),
        )
        .order_by(AUDIT.c.id)
    )
    return _rows(conn, stmt)


def holdings(conn: Connection, person_id: int) -> Holdings:
    """Every section, read in the caller's transaction (one consistent picture)."""
    return Holdings(
        person=person(conn, person_id),
        supporters=supporters(conn, person_id),
        referrals=referrals(conn, person_id),
        decisions=decisions(conn, person_id),
        navigator_cases=navigator_cases(conn, person_id),
        stays=stays(conn, person_id),
        contacts=contacts(conn, person_id),
        links=links(conn, person_id),
        offences=offences(conn, person_id),
        consultations=consultations(conn, person_id),
        milestones=milestones(conn, person_id),
    )
