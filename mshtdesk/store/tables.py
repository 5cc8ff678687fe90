"""SQLModel table classes: the schema. Migrations in ``migrations/versions`` must agree with it.

Timestamps are timezone-aware UTC (SQLModel's ``UTCDateTime`` refuses naive ones). Disposal events
are append-only: a correction is a new row that ``supersedes`` the old one, with a reason; a
retraction is a superseding row marked ``is_void``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import cast

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=1000)


class District(SQLModel, table=True):
    __tablename__ = "district"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=8, unique=True)
    name: str = Field(max_length=80)
    sort_order: int
    active: bool = True


class DisposalType(SQLModel, table=True):
    __tablename__ = "disposal_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    label: str = Field(max_length=80)
    rank: int  # 1 = highest; an administrator may reorder


class OffenceType(SQLModel, table=True):
    __tablename__ = "offence_type"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    label: str = Field(max_length=200)
    legislation: str = Field(max_length=200)
    section: str = Field(max_length=32)
    is_msa: bool


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    file_name: str = Field(max_length=260)
    sha256: str = Field(max_length=64, index=True)
    imported_at: datetime = Field(default_factory=utcnow)
    row_count: int
    arrests_added: int
    offences_added: int
    events_added: int
    kind: str = Field(default="custody", max_length=16, sa_column_kwargs={"server_default": "custody"})
    referrals_added: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    decisions_added: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class Arrest(SQLModel, table=True):
    __tablename__ = "arrest"
    # A period's arrests are counted from this index alone (the disposal table never reads the row); as
    # at today, with each one's disposal from ``current_rank``.
    __table_args__ = (
        Index("ix_arrest_period_rank", "arrest_date", "district_id", "created_at", "current_rank"),
    )

    id: int | None = Field(default=None, primary_key=True)
    custody_ref: str = Field(max_length=64, unique=True)
    arrest_date: date
    district_id: int = Field(foreign_key="district.id", index=True)
    detainee_ref: str = Field(default="", max_length=64, index=True)
    operation: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=4000)
    # Rank of the arrest's disposal over all its effective events, kept by every service that writes
    # events, so that the register sorts and filters by current disposal through an index. No event
    # may be dated after the day it is recorded, so this is the disposal as at today.
    current_rank: int | None = Field(default=None, index=True)
    version: int = 1  # optimistic lock: an update must name the version it read
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Offence(SQLModel, table=True):
    __tablename__ = "offence"
    __table_args__ = (UniqueConstraint("arrest_id", "offence_ref", name="uq_offence_arrest_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    arrest_id: int = Field(foreign_key="arrest.id")  # looked up by the unique index above (0020)
    offence_ref: str = Field(max_length=64)
    offence_type_id: int = Field(foreign_key="offence_type.id")
    offence_text: str = Field(default="", max_length=400)
    created_at: datetime = Field(default_factory=utcnow)


class DisposalEvent(SQLModel, table=True):
    __tablename__ = "disposal_event"
    __table_args__ = (
        # The as-at probe (an offence's latest effective event on or before a day) reads this index alone.
        Index(
            "ix_disposal_event_as_at",
            "offence_id",
            "event_date",
            "disposal_type_id",
            "is_void",
            "recorded_at",
        ),
        # The COM figures' first charge of each offence (and the cases awaiting an outcome) from the
        # charges alone, not a scan of every event of the register (0019).
        Index(
            "ix_disposal_event_type", "disposal_type_id", "offence_id", "event_date", "is_void", "recorded_at"
        ),
        # Only corrections point at another event: a partial index stays tiny and costs imports nothing.
        Index(
            "ix_disposal_event_supersedes",
            "supersedes_id",
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    offence_id: int = Field(foreign_key="offence.id")
    disposal_type_id: int = Field(foreign_key="disposal_type.id")
    # Is any event dated after a table's as-at day? (If not, and none was recorded after its moment,
    # the arrests' stored ``current_rank`` is the table's answer.)
    event_date: date = Field(index=True)
    note: str = Field(default="", max_length=2000)
    supersedes_id: int | None = Field(default=None, foreign_key="disposal_event.id")
    is_void: bool = False
    reason: str = Field(default="", max_length=2000)
    source: str = Field(default="manual", max_length=16)  # manual | import | demo
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    recorded_at: datetime = Field(default_factory=utcnow, index=True)


class ArrestCorrection(SQLModel, table=True):
    """A correction of an arrest or of one of its offences, appended and never edited: the arrest's
    state as recorded at T is its row plus the corrections recorded at or before T (transaction time).

    ``kind`` is ``withdraw`` (entered in error or a duplicate), ``district`` or ``date`` (the corrected
    value in ``district_id`` or ``arrest_date``), or for the offence ``offence_id``: ``offence_withdraw``
    or ``offence_correct`` (``offence_type_id`` and ``offence_text``). One table keyed by the arrest, so
    a table asks "is this arrest corrected at all by T?" with one probe of a small index."""

    __tablename__ = "arrest_correction"
    __table_args__ = (
        Index("ix_arrest_correction_arrest", "arrest_id", "recorded_at"),
        # Partial, like every index on a mostly-NULL column probed by equality: a full one's statistics
        # count the NULLs as one huge value, and after ANALYZE the planner scans the table instead.
        Index(
            "ix_arrest_correction_offence",
            "offence_id",
            sqlite_where=text("offence_id IS NOT NULL"),
            postgresql_where=text("offence_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    arrest_id: int = Field(foreign_key="arrest.id")
    offence_id: int | None = Field(default=None, foreign_key="offence.id")
    kind: str = Field(max_length=16)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    arrest_date: date | None = None
    offence_type_id: int | None = Field(default=None, foreign_key="offence_type.id")
    offence_text: str = Field(default="", max_length=400)
    reason: str = Field(max_length=2000)
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")


class CourtOutcome(SQLModel, table=True):
    """An offence's outcome at court after charge, and the sentence: appended like a disposal event. A
    correction is a new row that ``supersedes`` the old one, with a reason; a withdrawal (entered in
    error) a superseding row marked ``is_void``. ``outcome`` is a ``domain.outcomes.Outcome`` value."""

    __tablename__ = "court_outcome"
    __table_args__ = (
        # The as-at probe (an offence's outcome in force on a day, as recorded at T) reads this index alone.
        Index("ix_court_outcome_as_at", "offence_id", "outcome_date", "is_void", "recorded_at"),
        Index(
            "ix_court_outcome_supersedes",
            "supersedes_id",
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    offence_id: int = Field(foreign_key="offence.id")
    outcome: str = Field(max_length=24)
    outcome_date: date
    sentence_months: int | None = None
    custodial: bool | None = None
    note: str = Field(default="", max_length=2000)
    supersedes_id: int | None = Field(default=None, foreign_key="court_outcome.id")
    is_void: bool = False
    reason: str = Field(default="", max_length=2000)
    source: str = Field(default="manual", max_length=16)  # manual | import | demo
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")


class User(SQLModel, table=True):
    """A person who logs in. Never deleted: the audit log refers to users for as long as it is kept."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True)
    display_name: str = Field(default="", max_length=120)
    role: str = Field(max_length=32)
    password_hash: str = Field(max_length=200)
    active: bool = True
    must_change_password: bool = False
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # The user's Ed25519 public key (base64), which their audit events are checked against; the binding
    # is itself an audit event, so replacing it here is caught by ``audit verify``. Empty on a server.
    signing_key: str = Field(default="", max_length=44, sa_column_kwargs={"server_default": ""})


class AuditEvent(SQLModel, table=True):
    """Append-only record of every collection, alteration, consultation, disclosure, combination and
    erasure (DPA 2018 s.62), and of logins. Field names are recorded, never values. Each row's hash
    covers its content, its signature and the previous row's hash; triggers refuse updates and deletes."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_record", "entity", "record_id"),)

    id: int = Field(primary_key=True)  # assigned from audit_head, so the chain has no gaps
    at: datetime = Field(index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    username: str = Field(max_length=64)
    workstation: str = Field(default="", max_length=120)
    action: str = Field(max_length=24)
    entity: str = Field(default="", max_length=32)
    record_id: str = Field(default="", max_length=64)
    fields: str = Field(default="", max_length=1000)
    reason: str = Field(default="", max_length=1000)
    recipient: str = Field(default="", max_length=200)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    # Who signed the event (its author; for a failed login, the user whose session wrote it down), the
    # Ed25519 signature over the content and the previous hash, and the signing key this event binds
    # to user ``record_id`` (adding a user, a reset password, a key set up at first login).
    signer_id: int | None = Field(default=None)
    signature: str = Field(default="", max_length=88, sa_column_kwargs={"server_default": ""})
    bound_key: str = Field(default="", max_length=44, sa_column_kwargs={"server_default": ""})


class AuditHead(SQLModel, table=True):
    """One row: the last audit id and hash. Updating it first takes the write lock, so two writers can
    never both chain onto the same predecessor."""

    __tablename__ = "audit_head"

    id: int = Field(primary_key=True)
    last_id: int
    last_hash: str = Field(max_length=64)


class Person(SQLModel, table=True):
    """A person in the victim pathway: the most sensitive record in the app. Facts and assessments are
    kept in separate fields (DPA 2018 s.38(2)); the role a person plays is on their links, not here."""

    __tablename__ = "person"
    __table_args__ = (
        # Today's victims never contacted from the index alone: the people not merged away (0018).
        Index(
            "ix_person_open_vlo",
            "vlo_user_id",
            "updated_at",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
        # The people list's first page in name order without sorting everyone (0018).
        Index(
            "ix_person_name",
            "surname",
            "forenames",
            sqlite_where=text("merged_into_id IS NULL"),
            postgresql_where=text("merged_into_id IS NULL"),
        ),
        # Partial: a full index of a mostly-NULL column misleads the planner once ANALYZE has run.
        Index(
            "ix_person_merged_into",
            "merged_into_id",
            sqlite_where=text("merged_into_id IS NOT NULL"),
            postgresql_where=text("merged_into_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_ref: str = Field(max_length=16, unique=True)
    surname: str = Field(default="", max_length=120)
    forenames: str = Field(default="", max_length=120)
    aliases: str = Field(default="", max_length=400)
    date_of_birth: date | None = None
    estimated_age: int | None = None
    gender: str = Field(default="unknown", max_length=16)
    nationality: str = Field(default="", max_length=80)
    second_nationality: str = Field(default="", max_length=80)
    first_language: str = Field(default="", max_length=80)
    interpreter_language: str = Field(default="", max_length=80)
    contact_details: str = Field(default="", max_length=1000)
    facts: str = Field(default="", max_length=4000)
    assessments: str = Field(default="", max_length=4000)  # safeguarding notes: opinion, not fact
    vlo_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    opted_out_of_updates: bool = False
    review_due: date | None = None
    # A duplicate merged into another person: their rows moved there, this row stays (hidden from lists,
    # its scope that person's) so that the merge recorded by audit event ``merge_event_id`` can be undone.
    merged_into_id: int | None = Field(default=None, foreign_key="person.id")
    merge_event_id: int | None = None
    # When the person's personal fields were erased (``services/retention.py``); the row stays, so every
    # count it is part of stays the same.
    erased_at: datetime | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PersonSupport(SQLModel, table=True):
    """A Victim Navigator supporting a person: what their record scope ("supported") is made of."""

    __tablename__ = "person_support"

    person_id: int = Field(foreign_key="person.id", primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", primary_key=True, index=True)


class PersonLink(SQLModel, table=True):
    """A person's part in an arrest or an operation: potential victim, confirmed victim or witness."""

    __tablename__ = "person_link"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    arrest_id: int | None = Field(default=None, foreign_key="arrest.id", index=True)
    operation: str = Field(default="", max_length=120)
    role: str = Field(max_length=24)
    created_at: datetime = Field(default_factory=utcnow)


class EngagementMilestone(SQLModel, table=True):
    """A dated milestone of a victim's engagement with one investigation (``domain/engagement.py``), on
    their link to the arrest or operation, whether or not they have a Navigator. Appended, never edited
    or deleted: a mistaken entry is withdrawn (who, when, why), so an as-at figure can be reproduced."""

    __tablename__ = "engagement_milestone"

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="person_link.id", index=True)
    milestone: str = Field(max_length=32)  # see mshtdesk.domain.engagement.Milestone
    milestone_date: date
    reason: str = Field(default="", max_length=1000)  # required for ``disengaged``
    recorded_at: datetime = Field(default_factory=utcnow)
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    withdrawn_at: datetime | None = None
    withdrawn_by: int | None = Field(default=None, foreign_key="app_user.id")
    withdraw_reason: str = Field(default="", max_length=1000)


class CalendarDay(SQLModel, table=True):
    """An administrator's change to the England & Wales working calendar: an extra non-working day
    (``working`` false) or a bank holiday worked as normal (``working`` true)."""

    __tablename__ = "calendar_day"

    day: date = Field(primary_key=True)
    working: bool = False
    label: str = Field(default="", max_length=120)


class NrmReferral(SQLModel, table=True):
    """A referral of a potential victim to the NRM, or a Duty to Notify. A DtN's person row keeps no name
    unless they agree to co-operate. ``exploitation`` holds the flags (``;``-joined codes) and
    ``exploitation_label`` the Home Office label derived from them, stored so reports group in SQL."""

    __tablename__ = "nrm_referral"
    __table_args__ = (
        # Today's referrals awaiting an RG decision from the index alone (migration 0018).
        Index("ix_nrm_referral_route_submitted", "route", "submitted_date", "person_id", "referral_ref"),
        # A victim's district (their latest referral with one, as at a day) from the index alone, in
        # order: the COM summary asks it of every victim contacted in the year (0019).
        Index("ix_nrm_referral_person_district", "person_id", "submitted_date", "id", "district_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    referral_ref: str = Field(max_length=32, unique=True)
    person_id: int = Field(foreign_key="person.id")
    route: str = Field(max_length=8)  # nrm | dtn
    consents: bool | None = None
    cooperates: bool | None = None  # DtN only: agreed to co-operate, so name and contact may be kept
    first_responder: str = Field(default="", max_length=120)
    first_responder_org: str = Field(default="", max_length=120)
    submitted_date: date  # by date: ``ix_nrm_referral_report`` leads with it (0020)
    age_at_referral: str = Field(max_length=16)  # adult | child | unknown | disputed
    age_at_exploitation: str = Field(max_length=16)  # adult | child | unknown
    exploitation: str = Field(default="", max_length=200)
    exploitation_label: str = Field(default="", max_length=80)
    sub_types: str = Field(default="", max_length=400)
    exploitation_location: str = Field(default="unknown", max_length=24)
    crime_ref: str = Field(default="", max_length=64)
    no_crime_reason: str = Field(default="", max_length=1000)
    district_id: int | None = Field(default=None, foreign_key="district.id")
    operation: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=4000)
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class NrmDecision(SQLModel, table=True):
    """A dated event in a referral's decision history (RG, CG, reconsideration, withdrawal). Append-only:
    a mistaken entry is superseded by a later row with a reason, never edited."""

    __tablename__ = "nrm_decision"
    __table_args__ = (
        # Partial: with the NULLs in it, ANALYZE's statistics make "is this decision superseded?" a scan
        # of every decision per decision (Today's referrals awaiting a decision: 39 s at 10,000).
        Index(
            "ix_nrm_decision_supersedes",
            "supersedes_id",
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    referral_id: int = Field(foreign_key="nrm_referral.id")  # ``ix_nrm_decision_report`` leads with it
    kind: str = Field(max_length=32)  # see mshtdesk.domain.nrm.DecisionKind
    outcome: str = Field(default="", max_length=32)  # see mshtdesk.domain.nrm.Outcome
    decided_on: date = Field(index=True)
    note: str = Field(default="", max_length=2000)
    supersedes_id: int | None = Field(default=None, foreign_key="nrm_decision.id")
    is_void: bool = False
    reason: str = Field(default="", max_length=2000)
    source: str = Field(default="manual", max_length=16)  # manual | import | demo
    import_batch_id: int | None = Field(default=None, foreign_key="import_batch.id")
    recorded_by: int | None = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class NavigatorCase(SQLModel, table=True):
    """A Victim Navigator's support of one person. ``needs`` holds ``;``-joined need codes; engagement
    flags are None until known."""

    __tablename__ = "navigator_case"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    navigator_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    referral_date: date = Field(index=True)
    referral_source: str = Field(default="", max_length=120)
    consent: bool = False
    support_plan_opened: date | None = None
    needs: str = Field(default="", max_length=400)
    engaged_at_start: bool | None = None
    engaged_now: bool | None = None
    engaged_at_charge: bool | None = None
    statement_date: date | None = None  # statement or ABE interview
    attended_court: bool | None = None
    gave_evidence: bool | None = None
    repatriated: bool | None = None
    closed_date: date | None = None
    closed_reason: str = Field(default="", max_length=200)
    notes: str = Field(default="", max_length=4000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class HavenBed(SQLModel, table=True):
    """A bed at Haven House, configured by an administrator; a retired bed stays for past stays."""

    __tablename__ = "haven_bed"

    id: int | None = Field(default=None, primary_key=True)
    label: str = Field(max_length=40, unique=True)
    room: str = Field(default="", max_length=40)
    active: bool = True
    sort_order: int = 0


class HavenStay(SQLModel, table=True):
    """A stay at Haven House. ``person_id`` is None for an anonymous stay. Bed nights and length of stay
    are derived from the two date-times, never stored."""

    __tablename__ = "haven_stay"
    __table_args__ = (
        # One open stay per bed, enforced by the store so two writers cannot fill a bed twice.
        Index(
            "ux_haven_stay_open_bed",
            "bed_id",
            unique=True,
            sqlite_where=text("discharged_at IS NULL"),
            postgresql_where=text("discharged_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    bed_id: int = Field(foreign_key="haven_bed.id", index=True)
    admitted_at: datetime = Field(index=True)
    discharged_at: datetime | None = Field(default=None, index=True)
    referring_district_id: int | None = Field(default=None, foreign_key="district.id")
    operation: str = Field(default="", max_length=120)
    adults: int = 1
    children: int = 0
    services: str = Field(default="", max_length=400)
    nrm_decision_at_reception: str = Field(default="undecided", max_length=24)
    discharge_destination: str = Field(default="", max_length=40)
    notes: str = Field(default="", max_length=4000)
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class VloContact(SQLModel, table=True):
    """A victim liaison officer's contact with a victim. When it notifies a decision, the due date and
    whether it was on time are computed at entry and stored, so reports need no calendar."""

    __tablename__ = "vlo_contact"
    __table_args__ = (
        # Each person's latest contact in force and the next contact it set, by one probe from the
        # newest entry, without reading the row (``latest_contact``'s triggers re-derive a person's row
        # with it after each write); also every lookup by person.
        Index("ix_vlo_contact_person_due", "person_id", "contact_at", "is_void", "next_contact_due"),
        # Only corrections point at another contact: a partial index stays tiny and costs logging nothing.
        Index(
            "ix_vlo_contact_supersedes",
            "supersedes_id",
            sqlite_where=text("supersedes_id IS NOT NULL"),
            postgresql_where=text("supersedes_id IS NOT NULL"),
        ),
        # Whether a victim was told of a decision, without reading their other contacts (0018). Queries
        # name the purpose as a literal: SQLite matches a partial index's condition only to one.
        Index(
            "ix_vlo_contact_told",
            "person_id",
            "decision_date",
            "is_void",
            sqlite_where=text("purpose = 'decision-notification'"),
            postgresql_where=text("purpose = 'decision-notification'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id")
    vlo_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    contact_at: datetime = Field(index=True)
    method: str = Field(max_length=24)
    interpreter_language: str = Field(default="", max_length=80)
    purpose: str = Field(max_length=32)
    decision_notified: str = Field(default="", max_length=40)
    decision_date: date | None = None
    notification_due: date | None = None
    notified_on_time: bool | None = None
    safeguarding_concern: bool = False
    summary: str = Field(default="", max_length=4000)
    next_contact_due: date | None = Field(default=None, index=True)
    # A correction is a new row superseding the old one, a withdrawal a superseding row marked void;
    # both carry the author's reason, and ``created_at`` is when they were recorded.
    supersedes_id: int | None = Field(default=None, foreign_key="vlo_contact.id")
    is_void: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    reason: str = Field(default="", max_length=2000, sa_column_kwargs={"server_default": ""})
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class LatestContact(SQLModel, table=True):
    """Derived: each person's latest contact in force (``store/latest_contact.py``, migration 0017), kept
    in step by triggers on ``vlo_contact``, so Today and the overdue filter read one row per person
    instead of walking every person's contacts. Never written by the app; rebuilt, never copied."""

    __tablename__ = "latest_contact"

    person_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    contact_id: int
    contact_at: datetime
    next_contact_due: date | None = Field(default=None, index=True)


class ReferralAwaiting(SQLModel, table=True):
    """Derived: the NRM referrals with no decision in force (``store/awaiting_decision.py``, migration
    0021), kept in step by triggers on ``nrm_referral`` and ``nrm_decision``, so Today reads the few
    waiting referrals instead of probing every referral's decisions. Never written by the app; rebuilt,
    never copied."""

    __tablename__ = "referral_awaiting"

    referral_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    submitted_date: date  # the referral's: Today's cut-off reads this table alone


class RetentionRule(SQLModel, table=True):
    """How many years after a kind of record's last activity a person's record comes up for review
    (``domain/record_retention.py``); one row per kind, edited by an administrator."""

    __tablename__ = "retention_rule"

    kind: str = Field(primary_key=True, max_length=24)
    years: int
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="app_user.id")


class RetentionReview(SQLModel, table=True):
    """A manager's review of a record past its review date: ``keep`` (with the next review date) or
    ``erase``. Appended, never edited; the reason is blanked when the person is erased."""

    __tablename__ = "retention_review"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    decision: str = Field(max_length=8)  # keep | erase
    reason: str = Field(default="", max_length=1000)
    next_review: date | None = None
    decided_by: int | None = Field(default=None, foreign_key="app_user.id")
    decided_at: datetime = Field(default_factory=utcnow)


class ReportRun(SQLModel, table=True):
    """One generated report (COM summary or disposal table): its parameters, marking, who ran it and
    when, and the SHA-256 of the file written, so a past report can be regenerated and checked."""

    __tablename__ = "report_run"

    id: int | None = Field(default=None, primary_key=True)
    report: str = Field(max_length=24)  # com | disposals
    period_from: date
    period_to: date
    as_at: date
    public: bool = False
    classification: str = Field(max_length=32)  # OFFICIAL | OFFICIAL-SENSITIVE
    output_format: str = Field(max_length=8)  # pdf | json
    file_name: str = Field(default="", max_length=260)
    sha256: str = Field(max_length=64, index=True)
    size_bytes: int = 0
    parameters: str = Field(default="", max_length=4000)  # JSON: ranking, force, anything else used
    reason: str = Field(default="", max_length=1000)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    username: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, index=True)


class LoginFailure(SQLModel, table=True):
    """Failed logins in a row, by user name (or one of a few buckets for names that are not users), on a
    team server: counted by one atomic statement, so logins on twenty laptops cannot lose a failure.
    A laptop's encrypted file keeps this count in its key file instead (``security.keyring``)."""

    __tablename__ = "login_failure"

    slot: str = Field(primary_key=True, max_length=64)
    failures: int
    last_at: datetime
    locked_until: datetime | None = None


def _t(model: type[SQLModel]) -> Table:
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


# Core tables, for queries written in SQLAlchemy Core (typed columns, no ORM objects).
ARREST = _t(Arrest)
OFFENCE = _t(Offence)
EVENT = _t(DisposalEvent)
CORRECTION = _t(ArrestCorrection)
DISTRICT = _t(District)
DISPOSAL_TYPE = _t(DisposalType)
OFFENCE_TYPE = _t(OffenceType)
IMPORT_BATCH = _t(ImportBatch)
SETTING = _t(Setting)
USER = _t(User)
AUDIT = _t(AuditEvent)
AUDIT_HEAD = _t(AuditHead)
PERSON = _t(Person)
PERSON_SUPPORT = _t(PersonSupport)
PERSON_LINK = _t(PersonLink)
ENGAGEMENT = _t(EngagementMilestone)
CALENDAR_DAY = _t(CalendarDay)
NRM_REFERRAL = _t(NrmReferral)
NRM_DECISION = _t(NrmDecision)
NAVIGATOR_CASE = _t(NavigatorCase)
HAVEN_BED = _t(HavenBed)
HAVEN_STAY = _t(HavenStay)
VLO_CONTACT = _t(VloContact)
LATEST_CONTACT = _t(LatestContact)
REFERRAL_AWAITING = _t(ReferralAwaiting)
REPORT_RUN = _t(ReportRun)
RETENTION_RULE = _t(RetentionRule)
RETENTION_REVIEW = _t(RetentionReview)
LOGIN_FAILURE = _t(LoginFailure)
COURT_OUTCOME = _t(CourtOutcome)

# The COM summary reads a period's contacts by date; this covering index answers it without visiting
# the rows (750,000 contacts at the benchmark's scale).
Index(
    "ix_vlo_contact_report",
    VLO_CONTACT.c.contact_at,
    VLO_CONTACT.c.purpose,
    VLO_CONTACT.c.person_id,
    VLO_CONTACT.c.notified_on_time,
    VLO_CONTACT.c.safeguarding_concern,
    VLO_CONTACT.c.is_void,
)

# The COM summary reads a period's NRM referrals by submitted date (counts by route and age, the labels,
# crime references and people) and their decision histories: these covering indexes answer both without
# visiting the rows, which halves the financial-year report on the benchmark database.
Index(
    "ix_nrm_referral_report",
    NRM_REFERRAL.c.submitted_date,
    NRM_REFERRAL.c.route,
    NRM_REFERRAL.c.age_at_exploitation,
    NRM_REFERRAL.c.exploitation_label,
    NRM_REFERRAL.c.crime_ref,
    NRM_REFERRAL.c.person_id,
)
Index(
    "ix_nrm_decision_report",
    NRM_DECISION.c.referral_id,
    NRM_DECISION.c.decided_on,
    NRM_DECISION.c.kind,
    NRM_DECISION.c.outcome,
    NRM_DECISION.c.supersedes_id,
    NRM_DECISION.c.is_void,
)

# The global search's index on SQLite (``store/search_index.py`` creates it, with the FTS5 table
# ``search_fts`` over it, and the triggers that fill it; migration 0013). Not on ``SQLModel.metadata``:
# PostgreSQL has no such table, and ``alembic check`` skips it (migrations/env.py). Declared here for
# the queries only.
SEARCH_ENTRY = Table(
    "search_entry",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("kind", String(8), nullable=False),  # person | arrest | referral | contact
    Column("record_id", Integer, nullable=False),
    Column("person_id", Integer),
    Column("ref", Text, nullable=False),  # folded (domain.names.fold), like the two below
    Column("name", Text, nullable=False),
    Column("body", Text, nullable=False),
)
