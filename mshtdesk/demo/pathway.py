"""Synthetic victim pathway at the seed's scale: people, NRM referrals and decisions, Victim Navigator cases,
Haven House beds and stays, and victim liaison officers' contacts, tied to the demo arrests.

Scale (domain.md; seeds 000, 002 and 004): about 60 referrals a year, a third of them children, mostly
Eastern European and British, with Vietnamese, Albanian, Eritrean and Sudanese victims; a Navigator
supporting a few dozen people a year; an eight-bed reception centre. ``volume`` multiplies every rate
(beds included), so a benchmark can ask for the pathway of 100,000 arrests. Victims are found in groups
(one operation, one crime, one kind of exploitation), as they are in practice.

Every row keeps the rules the services enforce: children never go by Duty to Notify, an anonymous DtN
keeps no name, decisions follow ``domain/nrm.check_history`` without warnings, no bed holds two people
at once, decision notifications are timed with the database's working calendar. Nothing resembles a
real person: names come from faker (or short lists where faker has no Latin-script locale), phone
numbers from Ofcom's range reserved for drama. One seeded generator makes the output repeatable; rows
are written with driver-level executemany (``store.bulk``) in one transaction.
"""

from __future__ import annotations

import math
import random
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from faker import Faker
from sqlalchemy import Connection, Table, func, select

from mshtdesk.demo.arrests import OPERATION_WORDS
from mshtdesk.demo.victims import (
    ANONYMOUS_DESTINATIONS,
    ASSESSMENTS,
    DESTINATIONS,
    FACTS,
    KINDS,
    METHODS,
    NAVIGATOR_SOURCES,
    NO_CRIME_REASONS,
    NOTIFIABLE,
    PEOPLE,
    SUMMARIES,
    Kind,
    pick,
)
from mshtdesk.domain.clocks import (
    LONDON,
    decision_notification_due,
    is_on_time,
    london_date,
    recovery_period_end,
    rg_decision_expected,
)
from mshtdesk.domain.engagement import Milestone
from mshtdesk.domain.exploitation import (
    ExploitationType,
    flags_with_sub_types,
    home_office_label,
    normalise_flags,
)
from mshtdesk.domain.forces import DEFAULT_PROFILE, PROFILES
from mshtdesk.domain.nrm import AgeAtExploitation, AgeAtReferral, DecisionKind, Outcome, Route
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    HavenServiceGiven,
    NavigatorCloseReason,
    NavigatorNeed,
    ReceptionDecision,
    join_codes,
)
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.people import LinkRole
from mshtdesk.store import awaiting_decision, latest_contact, search_index
from mshtdesk.store.bulk import bulk_insert
from mshtdesk.store.database import Database
from mshtdesk.store.queries import engagement as engagement_q
from mshtdesk.store.queries.nrm import REFERRAL_STORED
from mshtdesk.store.reference import PROFILE_KEY
from mshtdesk.store.tables import (
    ARREST,
    DISPOSAL_TYPE,
    DISTRICT,
    ENGAGEMENT,
    EVENT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    OFFENCE,
    PERSON,
    PERSON_LINK,
    PERSON_SUPPORT,
    SETTING,
    USER,
    VLO_CONTACT,
)

#: The seed's rates for one year at volume 1 (West Yorkshire: ~120 MS arrests, ~60 police NRM referrals).
REFERRALS_PER_YEAR = 60
ARRESTS_PER_YEAR = 120
BEDS = 8


# ----- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PathwaySummary:
    persons: int
    links: int
    referrals: int
    decisions: int
    navigator_cases: int
    supports: int  # person_support rows: the Navigator's record scope
    beds_added: int
    stays: int
    contacts: int
    seconds: float
    milestones: int = 0  # engagement milestones on victims' links to arrests

    @property
    def rows(self) -> int:
        return (
            self.persons
            + self.links
            + self.referrals
            + self.decisions
            + self.navigator_cases
            + self.supports
            + self.beds_added
            + self.stays
            + self.contacts
            + self.milestones
        )

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")

    def describe(self) -> str:
        return (
            f"{self.persons} people, {self.referrals} NRM referrals with {self.decisions} decisions, "
            f"{self.navigator_cases} Navigator cases, {self.stays} Haven House stays and "
            f"{self.contacts} VLO contacts"
        )


def volume_for_arrests(arrests: int, years: float) -> float:
    """The ``volume`` that keeps the seed's ratio of referrals, stays and contacts to arrests."""
    return arrests / (ARRESTS_PER_YEAR * years) if years > 0 else 0.0


# ----- generation ---------------------------------------------------------------------------------


@dataclass
class _Cluster:
    kind: Kind
    found: date
    district_id: int | None
    operation: str
    arrest_id: int | None
    crime_ref: str
    no_crime_reason: str
    flags: frozenset[ExploitationType]
    sub_types: str
    location: str
    recent: bool = False


@dataclass
class _Victim:
    """What later steps need to know of a person generated with a referral."""

    person_id: int
    start: date
    nationality: str
    interpreter: str
    child: bool
    named: bool
    opted_out: bool
    arrest_id: int | None
    cg_positive: bool
    rg_dates: list[tuple[date, str]] = field(default_factory=list)


@dataclass
class _Rows:
    persons: list[tuple[Any, ...]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)
    referrals: list[tuple[Any, ...]] = field(default_factory=list)
    decisions: list[tuple[Any, ...]] = field(default_factory=list)
    supports: list[tuple[Any, ...]] = field(default_factory=list)
    cases: list[tuple[Any, ...]] = field(default_factory=list)
    beds: list[tuple[Any, ...]] = field(default_factory=list)
    stays: list[tuple[Any, ...]] = field(default_factory=list)
    contacts: list[tuple[Any, ...]] = field(default_factory=list)


PERSON_COLUMNS = (
    "id",
    "person_ref",
    "surname",
    "forenames",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "gender",
    "nationality",
    "second_nationality",
    "first_language",
    "interpreter_language",
    "contact_details",
    "facts",
    "assessments",
    "vlo_user_id",
    "opted_out_of_updates",
    "review_due",
    "version",
    "created_at",
    "updated_at",
)
LINK_COLUMNS = ("person_id", "arrest_id", "operation", "role", "created_at")
#: The referral's stored columns are the NRM service's (``REFERRAL_STORED``), framed by keys and times.
REFERRAL_COLUMNS = (
    "id",
    "referral_ref",
    "person_id",
    *REFERRAL_STORED,
    "version",
    "created_at",
    "updated_at",
)
DECISION_COLUMNS = (
    "referral_id",
    "kind",
    "outcome",
    "decided_on",
    "note",
    "is_void",
    "reason",
    "source",
    "recorded_by",
    "recorded_at",
)
SUPPORT_COLUMNS = ("person_id", "user_id")
CASE_COLUMNS = (
    "person_id",
    "navigator_user_id",
    "referral_date",
    "referral_source",
    "consent",
    "support_plan_opened",
    "needs",
    "engaged_at_start",
    "engaged_now",
    "engaged_at_charge",
    "statement_date",
    "attended_court",
    "gave_evidence",
    "repatriated",
    "closed_date",
    "closed_reason",
    "notes",
    "version",
    "created_at",
    "updated_at",
)
BED_COLUMNS = ("id", "label", "room", "active", "sort_order")
STAY_COLUMNS = (
    "person_id",
    "bed_id",
    "admitted_at",
    "discharged_at",
    "referring_district_id",
    "operation",
    "adults",
    "children",
    "services",
    "nrm_decision_at_reception",
    "discharge_destination",
    "notes",
    "version",
    "created_at",
    "updated_at",
)
CONTACT_COLUMNS = (
    "person_id",
    "vlo_user_id",
    "contact_at",
    "method",
    "interpreter_language",
    "purpose",
    "decision_notified",
    "decision_date",
    "notification_due",
    "notified_on_time",
    "safeguarding_concern",
    "summary",
    "next_contact_due",
    "version",
    "created_at",
    "is_void",  # the bulk insert names every column with a default: none is a correction
    "reason",
)


class _Generator:
    def __init__(
        self,
        conn: Connection,
        *,
        seed: int,
        years: float,
        volume: float,
        today: date,
        now: datetime,
    ) -> None:
        self.rng = random.Random(f"pathway-{seed}")
        # which of a day's arrests a cluster goes to: a stream of its own, so a register with several
        # arrests a day leaves every other choice (and the seeded demo) as it was
        self.arrest_rng = random.Random(f"pathway-arrest-{seed}")
        self.seed = seed
        self.today = today
        self.now = now
        self.volume = volume
        self.start = today - timedelta(days=max(1, round(years * 365.25)))
        self.target = round(REFERRALS_PER_YEAR * years * volume)
        self.calendar: WorkingCalendar = load_calendar(conn)
        self._fakers: dict[str, Faker] = {}
        self._notice_due: dict[date, date] = {}
        self._midnight: dict[date, datetime] = {}
        self.rows = _Rows()
        self.victims: list[_Victim] = []
        self.stay_requests: list[tuple[datetime, datetime, tuple[Any, ...]]] = []
        self.referrals = 0
        self.children = 0
        self.rg_overdue = 0
        self.closing = 0
        self.owed = 0
        self._read(conn)

    # ----- what the database already holds ----------------------------------------------------
    def _read(self, conn: Connection) -> None:
        def user(username: str, role: Role) -> int | None:
            found = conn.execute(
                select(USER.c.id).where(USER.c.username == username, USER.c.role == role.value)
            ).scalar()
            if found is None:
                found = conn.execute(
                    select(func.min(USER.c.id)).where(USER.c.role == role.value, USER.c.active)
                ).scalar()
            return None if found is None else int(found)

        self.vlo = user("vlo", Role.VLO)
        self.navigator = user("navigator", Role.NAVIGATOR)
        self.officer = user("officer", Role.HTT_OFFICER)
        profile = conn.execute(select(SETTING.c.value).where(SETTING.c.key == PROFILE_KEY)).scalar()
        self.force = PROFILES.get(str(profile or DEFAULT_PROFILE), PROFILES[DEFAULT_PROFILE]).name
        self.districts = [
            int(i)
            for (i,) in conn.execute(
                select(DISTRICT.c.id).where(DISTRICT.c.active).order_by(DISTRICT.c.sort_order)
            )
        ]
        self.person_id = int(conn.execute(select(func.coalesce(func.max(PERSON.c.id), 0))).scalar_one())
        self.referral_id = int(
            conn.execute(select(func.coalesce(func.max(NRM_REFERRAL.c.id), 0))).scalar_one()
        )
        self.arrests = [
            (int(i), d, op or "", dist)
            for i, d, op, dist in conn.execute(
                select(ARREST.c.id, ARREST.c.arrest_date, ARREST.c.operation, ARREST.c.district_id)
                .where(ARREST.c.arrest_date >= self.start, ARREST.c.arrest_date <= self.today)
                .order_by(ARREST.c.id)
            )
        ]
        # Police decisions on those arrests (effective events only): what victims must be told of.
        later = EVENT.alias("later")
        rows = conn.execute(
            select(OFFENCE.c.arrest_id, DISPOSAL_TYPE.c.code, EVENT.c.event_date)
            .join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
            .join(ARREST, ARREST.c.id == OFFENCE.c.arrest_id)
            .where(
                ARREST.c.arrest_date >= self.start,
                EVENT.c.event_date <= self.today,
                DISPOSAL_TYPE.c.code.in_(list(NOTIFIABLE)),
                ~EVENT.c.is_void,
                ~select(later.c.id).where(later.c.supersedes_id == EVENT.c.id).exists(),
            )
            .distinct()
        )
        self.events: dict[int, list[tuple[date, str]]] = defaultdict(list)
        for arrest_id, code, on in rows:
            self.events[int(arrest_id)].append((on, str(code)))
        for evs in self.events.values():
            evs.sort()
        beds = conn.execute(  # by id, as SQLite reads them: a seed picks the same beds on every engine
            select(HAVEN_BED.c.id, HAVEN_BED.c.label).where(HAVEN_BED.c.active).order_by(HAVEN_BED.c.id)
        ).all()
        self.bed_ids = [int(i) for i, _ in beds]
        labels = {str(label) for _, label in beds}
        labels |= {str(x) for x in conn.execute(select(HAVEN_BED.c.label)).scalars()}
        next_bed = int(conn.execute(select(func.coalesce(func.max(HAVEN_BED.c.id), 0))).scalar_one())
        wanted = max(BEDS, round(BEDS * self.volume))
        n = 0
        while len(self.bed_ids) < wanted:
            n += 1
            label = f"Bed {n}"
            if label in labels:
                continue
            next_bed += 1
            self.rows.beds.append((next_bed, label, f"Room {(n + 1) // 2}", True, n))
            self.bed_ids.append(next_bed)
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        far = datetime.max.replace(tzinfo=UTC)
        for bed, admitted, discharged in conn.execute(
            select(HAVEN_STAY.c.bed_id, HAVEN_STAY.c.admitted_at, HAVEN_STAY.c.discharged_at)
        ):
            self.busy[int(bed)].append((admitted, discharged or far))
        for spans in self.busy.values():
            spans.sort()

    # ----- helpers --------------------------------------------------------------------------------
    def faker(self, locale: str) -> Faker:
        fake = self._fakers.get(locale)
        if fake is None:
            fake = Faker(locale)
            fake.seed_instance(f"{self.seed}-{locale}")
            self._fakers[locale] = fake
        return fake

    def at(self, day: date, earliest: int = 8, latest: int = 19) -> datetime:
        """A moment on ``day`` in London office hours, as UTC; never after ``now``."""
        midnight = self._midnight.get(day)
        if midnight is None:  # London's offset at noon: office hours never straddle a clock change
            noon = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)
            offset = noon.utcoffset() or timedelta(0)
            midnight = self._midnight[day] = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
        # to the nearest 5 minutes, as people note times (and far fewer distinct values to convert)
        moment = midnight + timedelta(minutes=5 * self.rng.randint(earliest * 12, latest * 12))
        if moment >= self.now:  # earlier today, on the 5-minute grid
            grid = self.now.replace(second=0, microsecond=0) - timedelta(minutes=self.now.minute % 5)
            moment = grid - timedelta(minutes=5 * self.rng.randint(1, 10))
        return moment

    def notice_due(self, decided: date) -> date:
        due = self._notice_due.get(decided)
        if due is None:
            due = self._notice_due[decided] = decision_notification_due(decided, self.calendar)
        return due

    def name(self, nationality: str, female: bool) -> tuple[str, str]:
        people = PEOPLE[nationality]
        if not people.locale:
            given = self.rng.choice(people.female if female else people.male)
            surnames = people.female_surnames if female and people.female_surnames else people.surnames
            return self.rng.choice(surnames), given
        fake = self.faker(people.locale)
        first = fake.first_name_female() if female else fake.first_name_male()
        last_female = getattr(fake, "last_name_female", None)
        last_male = getattr(fake, "last_name_male", None)
        if female and last_female is not None:
            return str(last_female()), str(first)
        if not female and last_male is not None:
            return str(last_male()), str(first)
        return str(fake.last_name()), str(first)

    # ----- clusters -------------------------------------------------------------------------------
    def clusters(self) -> Iterator[tuple[_Cluster, int]]:
        """Groups of victims found together, each with its size, until the referral target is met.

        Lazily, so the share of children so far can steer the next kind of case towards a third.
        """
        rng = self.rng
        by_date = sorted(self.arrests, key=lambda a: a[1])
        dates = [a[1] for a in by_date]
        span = max(1, (self.today - self.start).days)
        phase = rng.random()
        # the latest arrests: the recent operation's victims are in Haven House and owed notifications
        latest = [a for a in by_date if (self.today - a[1]).days <= 14]
        recent_arrests = ([a for a in latest if a[0] in self.events] or latest)[-3:]
        kinds = tuple((k, k.weight) for k in KINDS)
        adult_kinds = tuple((k, k.weight) for k in KINDS if k.child < 0.5)
        child_kinds = tuple((k, k.weight) for k in KINDS if k.child >= 0.5)
        first = True
        planned = 0
        n = 0
        crime_no = self.referral_id
        while planned < self.target:
            # first, one operation in the last fortnight: people in Haven House now
            recent = first and self.target >= 8
            first = False
            # then dates spread evenly over the period in random order (golden-ratio steps), so the
            # flow of referrals has no long gap however few there are
            n += 1
            target = self.start + timedelta(days=int(((phase + n * 0.6180339887) % 1.0) * span))
            surplus = self.children - self.referrals / 3  # children referred beyond a third so far
            choices = adult_kinds if surplus > 2 else child_kinds if surplus < -2 else kinds
            kind = KINDS[0] if recent else pick(rng, choices)
            arrest = None
            if recent and recent_arrests:
                arrest = rng.choice(recent_arrests)
            elif not recent and by_date and rng.random() < 0.65:
                i = min(bisect_left(dates, target), len(dates) - 1)
                if i > 0 and target - dates[i - 1] < dates[i] - target:
                    i -= 1
                # an arrest of the nearest day, any of them: a large register has hundreds a day, and
                # always taking the day's first put a day's every victim on one arrest (at a million
                # arrests, 430,000 victims on 2,900 arrests)
                lo, hi = bisect_left(dates, dates[i]), bisect_right(dates, dates[i])
                arrest = by_date[lo if hi - lo == 1 else self.arrest_rng.randrange(lo, hi)]
            if arrest is not None:
                found = arrest[1]
                district = arrest[3]
                operation = arrest[2] or f"Op {rng.choice(OPERATION_WORDS)}"
            else:
                found = self.today - timedelta(days=rng.randint(1, 6)) if recent else target
                district = rng.choice(self.districts) if self.districts else None
                operation = f"Op {rng.choice(OPERATION_WORDS)}" if rng.random() < 0.6 else ""
            location = pick(rng, kind.locations)
            crime_no += 1
            crime_ref, reason = f"CR/{found:%y}/{crime_no:06d}", ""
            if (location == "overseas" and rng.random() < 0.7) or rng.random() < 0.04:
                crime_ref, reason = "", rng.choice(NO_CRIME_REASONS)
            size = 3 if recent else pick(rng, kind.sizes)
            flags: frozenset[ExploitationType] = pick(rng, kind.flags)
            sub = kind.sub_type if flags and kind.sub_type and rng.random() < kind.sub_type_share else ""
            if sub:  # a sub-type implies its Home Office type
                flags = flags_with_sub_types(flags, (sub,))
            cluster = _Cluster(
                kind,
                found,
                district,
                operation,
                None if arrest is None else arrest[0],
                crime_ref,
                reason,
                flags,
                sub,
                location,
                recent,
            )
            yield cluster, size
            planned += size

    # ----- people and referrals -------------------------------------------------------------------
    def generate(self) -> None:
        responders = [
            f"DC {self.faker('en_GB').last_name()}" for _ in range(max(4, round(10 * self.volume**0.5)))
        ]
        for cluster, size in self.clusters():
            nationality = pick(self.rng, cluster.kind.nationalities)
            for _ in range(size):
                if self.rng.random() < 0.15:  # groups are mostly, not always, of one nationality
                    nationality = pick(self.rng, cluster.kind.nationalities)
                self.victim(cluster, nationality, self.rng.choice(responders))
            self.anonymous_stays(cluster)

    def victim(self, cluster: _Cluster, nationality: str, responder: str) -> None:
        rng = self.rng
        kind = cluster.kind
        child = rng.random() < kind.child
        female = rng.random() < kind.female
        self.referrals += 1
        self.children += child
        submitted = min(cluster.found + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3, 5, 7))), self.today)
        people = PEOPLE[nationality]
        # age and route
        dob: date | None
        estimated: int | None = None
        if child:
            age_ref = pick(
                rng,
                (
                    (AgeAtReferral.CHILD, 85 if nationality == "British" else 60),
                    (AgeAtReferral.DISPUTED, 2 if nationality == "British" else 30),
                    (AgeAtReferral.UNKNOWN, 5),
                ),
            )
            age = rng.randint(14, 17) if kind.name != "child-sexual-exploitation" else rng.randint(12, 17)
            age_exp = AgeAtExploitation.CHILD
            route, consents, cooperates = Route.NRM, None, None
        else:
            age_ref = AgeAtReferral.ADULT
            age = min(64, 18 + int(rng.expovariate(1 / 11)))
            age_exp = pick(
                rng,
                ((AgeAtExploitation.ADULT, 88), (AgeAtExploitation.CHILD, 6), (AgeAtExploitation.UNKNOWN, 6)),
            )
            if rng.random() < 0.75 or cluster.recent:  # the recent operation's victims all consent
                route, consents, cooperates = Route.NRM, True, None
            else:
                route, consents, cooperates = Route.DUTY_TO_NOTIFY, False, rng.random() < 0.3
        named = route is Route.NRM or bool(cooperates)
        if age_ref in (AgeAtReferral.DISPUTED, AgeAtReferral.UNKNOWN) or not named or rng.random() < 0.08:
            dob, estimated = None, age
        else:
            dob = submitted - timedelta(days=age * 365 + rng.randrange(365))
        # the person
        self.person_id += 1
        pid = self.person_id
        surname, forenames = self.name(nationality, female) if named else ("", "")
        aliases = ""
        if named and rng.random() < 0.06:
            aliases = self.name(nationality, female)[1]
        interpreter = "" if rng.random() < people.speaks_english else people.language
        language = people.language
        if nationality in ("Czech", "Slovak") and rng.random() < 0.3:
            language = interpreter = "Romani" if interpreter else ""
        second = "Ethiopian" if nationality == "Eritrean" and rng.random() < 0.1 else ""
        vlo = self.vlo if named and (rng.random() < 0.85 or cluster.recent) else None
        opted_out = vlo is not None and not cluster.recent and rng.random() < 0.08
        contact = ""
        if named:
            contact = (
                "Via the allocated social worker"
                if child
                else rng.choice(
                    (
                        f"Mobile 07700 900{rng.randrange(1000):03d}",
                        "Through the Navigator",
                        "Via safe-house key worker",
                    )
                )
            )
        op = cluster.operation or "an intelligence-led visit"
        facts = (
            rng.choice(FACTS).format(op=op)
            if named
            else "Duty to Notify: declined an NRM referral; no name kept."
        )
        created = self.at(cluster.found)
        entered = self.at(submitted)
        self.rows.persons.append(
            (
                pid,
                f"P-{pid:06d}",
                surname,
                forenames,
                aliases,
                dob,
                estimated,
                "female" if female else "male",
                nationality,
                second,
                language,
                interpreter,
                contact,
                facts,
                rng.choice(ASSESSMENTS) if named else "",
                vlo,
                opted_out,
                submitted + timedelta(days=3 * 365),
                1,
                created,
                created,
            )
        )
        # the referral and its decisions
        self.referral_id += 1
        rid = self.referral_id
        flags = normalise_flags(cluster.flags)
        self.rows.referrals.append(
            (
                rid,
                f"NRM-{rid:06d}",
                pid,
                route.value,
                consents,
                cooperates,
                responder,
                self.force,
                submitted,
                age_ref.value,
                age_exp.value,
                join_codes(flags),
                home_office_label(flags),
                cluster.sub_types,
                cluster.location,
                cluster.crime_ref,
                cluster.no_crime_reason,
                cluster.district_id,
                cluster.operation,
                "",
                1,
                entered,
                entered,
            )
        )
        history = []
        if route is Route.NRM:
            # at least one referral waits past its RG target, so the Today page has one to show,
            # and one negative RG's reconsideration window closes this week
            history = decision_history(
                rng,
                submitted,
                self.today,
                self.calendar,
                waiting=not self.rg_overdue,
                closing=not self.closing,
            )
            if not history and rg_decision_expected(submitted, self.calendar) < self.today:
                self.rg_overdue += 1
            last = history[-1] if history else None
            if (
                last
                and last[1] is Outcome.NEGATIVE
                and 0 <= (last[2] + timedelta(days=30) - self.today).days < 7
            ):
                self.closing += 1
        for kind_, outcome, on in history:
            self.rows.decisions.append(
                (
                    rid,
                    kind_.value,
                    "" if outcome is None else outcome.value,
                    on,
                    "",
                    False,
                    "",
                    "demo",
                    self.officer,
                    self.at(on),
                )
            )
        cg_positive = any(k is DecisionKind.CG and o is not None and o.is_positive for k, o, _ in history)
        # links to the arrest and the operation; an anonymous DtN only to the operation, since nobody
        # can tell them of the arrest's decisions
        arrest_id = cluster.arrest_id if named else None
        if arrest_id is not None or cluster.operation:
            self.rows.links.append(
                (
                    pid,
                    arrest_id,
                    cluster.operation,
                    (LinkRole.CONFIRMED_VICTIM if cg_positive else LinkRole.POTENTIAL_VICTIM).value,
                    created,
                )
            )
        victim = _Victim(
            pid,
            cluster.found,
            nationality,
            interpreter,
            child,
            named,
            opted_out,
            arrest_id,
            cg_positive,
            [(on, o.value) for k, o, on in history if k is DecisionKind.RG and o is not None],
        )
        self.victims.append(victim)
        if vlo is not None:
            self.contacts(victim, vlo)
        if named and rng.random() < (0.55 if child else 0.4):
            self.navigator_case(victim, cluster)
        self.stay(victim, cluster, route, age_ref, female)

    # ----- Victim Navigator -----------------------------------------------------------------------
    def navigator_case(self, v: _Victim, cluster: _Cluster) -> None:
        rng = self.rng
        referred = v.start + timedelta(days=rng.randint(0, 14))
        if referred > self.today:
            return
        consent = rng.random() < 0.92
        plan = referred + timedelta(days=rng.randint(1, 21)) if consent else None
        if plan is not None and plan > self.today:
            plan = None
        needs = {NavigatorNeed.SAFETY} if rng.random() < 0.5 else set()
        needs |= set(rng.sample(list(NavigatorNeed), rng.randint(2, 4)))
        if v.child:
            needs.add(NavigatorNeed.EDUCATION)
            needs.discard(NavigatorNeed.EMPLOYMENT)
        if v.nationality == "British":
            needs.discard(NavigatorNeed.REPATRIATION)
            needs.discard(NavigatorNeed.LEGAL_IMMIGRATION)
        needs = needs or {NavigatorNeed.SAFETY}
        charged = [on for on, code in self.events.get(v.arrest_id or 0, []) if code == "CHARGE"]
        engaged_start = rng.random() < 0.75 if consent else None
        engaged_charge = (rng.random() < 0.9) if charged and consent else None
        statement = referred + timedelta(days=rng.randint(7, 60)) if consent and rng.random() < 0.7 else None
        if statement is not None and statement > self.today:
            statement = None
        trial = charged[0] + timedelta(days=rng.randint(120, 300)) if charged else None
        court = trial is not None and trial <= self.today and rng.random() < 0.7
        repatriated = NavigatorNeed.REPATRIATION in needs and not v.child and rng.random() < 0.4
        closed: date | None = referred + timedelta(days=rng.randint(60, 420))
        if repatriated:
            closed = referred + timedelta(days=rng.randint(20, 90))
            reason = NavigatorCloseReason.REPATRIATED.value
        else:
            reason = pick(
                rng,
                (
                    (NavigatorCloseReason.SUPPORT_COMPLETE, 60),
                    (NavigatorCloseReason.DISENGAGED, 15),
                    (NavigatorCloseReason.MOVED_AWAY, 10),
                    (NavigatorCloseReason.TRANSFERRED, 10),
                    (NavigatorCloseReason.OTHER, 5),
                ),
            ).value
        if closed is not None and closed > self.today:
            closed, reason = None, ""
        # with a Navigator, over 90% stay engaged with the investigation (domain.md)
        engaged_now = (reason != NavigatorCloseReason.DISENGAGED and rng.random() < 0.97) if consent else None
        created = self.at(referred)
        self.rows.cases.append(
            (
                v.person_id,
                self.navigator,
                referred,
                pick(rng, NAVIGATOR_SOURCES),
                consent,
                plan,
                join_codes(needs),
                engaged_start,
                engaged_now,
                engaged_charge,
                statement,
                court if trial is not None and trial <= self.today else None,
                (court and rng.random() < 0.6) if trial is not None and trial <= self.today else None,
                repatriated if closed else None,
                closed,
                reason,
                "Closed: see the closing note in the case file." if reason == "other" else "",
                1,
                created,
                created,
            )
        )
        if self.navigator is not None:
            self.rows.supports.append((v.person_id, self.navigator))

    # ----- Haven House ----------------------------------------------------------------------------
    def stay(self, v: _Victim, cluster: _Cluster, route: Route, age: AgeAtReferral, female: bool) -> None:
        rng = self.rng
        share = cluster.kind.haven * (0.35 if v.child else 1.0)
        if cluster.recent:
            share = 1.0
        if rng.random() >= share:
            return
        admitted = self.at(cluster.found, 7, 22)
        if cluster.recent and not v.child:  # still in the house: the Today page lists them
            hours = (self.now - admitted).total_seconds() / 3600 + rng.uniform(24, 14 * 24)
        elif v.child:
            hours = rng.uniform(3, 30)  # a child moves on to a local authority placement within a day
        else:
            hours = min(30 * 24.0, rng.lognormvariate(math.log(4 * 24), 0.8))
        discharged = admitted + _five_minutes(hours)
        if v.child:
            decision = ReceptionDecision.CHILD_REFERRED
            destination = pick(
                rng, ((DischargeDestination.LOCAL_AUTHORITY, 70), (DischargeDestination.PLACE_OF_SAFETY, 30))
            )
        else:
            decision = ReceptionDecision.CONSENTED if route is Route.NRM else ReceptionDecision.DECLINED_DTN
            if rng.random() < 0.1:
                decision = ReceptionDecision.UNDECIDED
            destination = pick(rng, DESTINATIONS)
        children = rng.choice((1, 1, 2, 3)) if female and not v.child and rng.random() < 0.1 else 0
        services = {
            HavenServiceGiven.ACCOMMODATION,
            HavenServiceGiven.FOOD_CLOTHING,
            HavenServiceGiven.NRM_ADVICE,
        }
        if v.interpreter:
            services.add(HavenServiceGiven.INTERPRETER)
        services |= set(rng.sample(list(HavenServiceGiven), rng.randint(0, 3)))
        if children or v.child:
            services.add(HavenServiceGiven.CHILDCARE)
        self.stay_requests.append(
            (
                admitted,
                discharged,
                (
                    v.person_id,
                    cluster.district_id,
                    cluster.operation,
                    0 if v.child else 1,
                    children + (1 if v.child else 0),
                    join_codes(services),
                    decision.value,
                    destination.value,
                ),
            )
        )

    def anonymous_stays(self, cluster: _Cluster) -> None:
        """People found with the victims who stay a night or two and leave without giving a name."""
        rng = self.rng
        if cluster.kind.haven == 0 or rng.random() > 0.2 * (cluster.kind.haven + 0.3):
            return
        for _ in range(rng.choice((1, 1, 2))):
            admitted = self.at(cluster.found, 7, 22)
            discharged = admitted + _five_minutes(rng.uniform(4, 60))
            self.stay_requests.append(
                (
                    admitted,
                    discharged,
                    (
                        None,
                        cluster.district_id,
                        cluster.operation,
                        1,
                        0,
                        join_codes({HavenServiceGiven.ACCOMMODATION, HavenServiceGiven.FOOD_CLOTHING}),
                        pick(
                            rng, ((ReceptionDecision.DECLINED_DTN, 60), (ReceptionDecision.UNDECIDED, 40))
                        ).value,
                        pick(rng, ANONYMOUS_DESTINATIONS).value,
                    ),
                )
            )

    def place_stays(self) -> None:
        """Give each stay, in order of admission, a bed free for its whole length; none free: no stay."""
        free_from: dict[int, datetime] = {}
        far = datetime.max.replace(tzinfo=UTC)
        for admitted, discharged, values in sorted(self.stay_requests, key=lambda s: s[0]):
            end = far if discharged > self.now else discharged
            for bed in self.bed_ids:
                if free_from.get(bed, admitted) > admitted:
                    continue
                spans = self.busy.get(bed)
                if spans:
                    # stays already on this bed never overlap, so the last one starting before this
                    # one ends is the only one that can still be occupied when this one starts
                    i = bisect_left(spans, (end,))
                    if i > 0 and spans[i - 1][1] > admitted:
                        continue
                free_from[bed] = end
                open_now = discharged > self.now
                person, district, op, adults, children, services, decision, destination = values
                self.rows.stays.append(
                    (
                        person,
                        bed,
                        admitted,
                        None if open_now else discharged,
                        district,
                        op,
                        adults,
                        children,
                        services,
                        decision,
                        "" if open_now else destination,
                        "",
                        1,
                        admitted,
                        admitted if open_now else discharged,
                    )
                )
                break

    # ----- VLO contacts ---------------------------------------------------------------------------
    def contacts(self, v: _Victim, vlo: int) -> None:
        rng = self.rng
        today = self.today
        first = v.start + timedelta(days=rng.choice((0, 0, 0, 1, 1, 2)))
        if first > today:
            return
        events = self.events.get(v.arrest_id or 0, [])
        last_event = events[-1][0] if events else first
        end = max(
            first + timedelta(days=rng.randint(150, 520)), last_event + timedelta(days=rng.randint(10, 40))
        )
        closing = end <= today
        plan: list[tuple[date, ContactPurpose, str, date | None]] = [
            (first, ContactPurpose.INITIAL, "", None)
        ]
        # police decisions the victim must hear of, and NRM decisions to talk through
        if not v.opted_out:
            for on, code in events:
                if (today - on).days <= 14 and (not self.owed or rng.random() < 0.5):
                    self.owed += 1
                    continue  # not told yet: a notification owed
                delay = pick(rng, ((0, 55), (1, 30), (2, 6), (3, 4), (5, 3), (8, 2)))
                told = max(on + timedelta(days=delay), first)
                if told <= min(today, end):
                    plan.append((told, ContactPurpose.DECISION_NOTIFICATION, code, on))
        for on, _outcome in v.rg_dates:
            told = on + timedelta(days=rng.randint(1, 7))
            if first < told <= min(today, end) and rng.random() < 0.7:
                plan.append((told, ContactPurpose.NRM_SUPPORT_LIAISON, "", None))
        # the regular contacts, each setting the next one's due date
        regular: list[tuple[date, date]] = []  # (contact, next due)
        day = first
        while True:
            due = day + timedelta(days=rng.choice((7, 14, 14, 21, 28, 28)))
            regular.append((day, due))
            nxt = due + timedelta(days=rng.choice((-3, -2, -1, 0, 0, 0, 1, 2, 4, 7)))
            if nxt <= day:
                nxt = day + timedelta(days=1)
            if nxt > today or nxt >= end:
                break
            if due < today <= due + timedelta(days=21) and rng.random() < 0.12:
                break  # the contact due has not happened yet: overdue on the Today page
            day = nxt
        for day, _due in regular[1:]:
            purpose = pick(
                rng,
                (
                    (ContactPurpose.WELFARE, 50),
                    (ContactPurpose.INVESTIGATION_UPDATE, 0 if v.opted_out else 25),
                    (ContactPurpose.STATEMENT, 6),
                    (ContactPurpose.COURT, 4 if events and any(c == "CHARGE" for _, c in events) else 0),
                    (ContactPurpose.SAFEGUARDING, 5),
                    (ContactPurpose.NRM_SUPPORT_LIAISON, 6),
                ),
            )
            plan.append((day, purpose, "", None))
        if closing:
            plan.append((max(end, regular[-1][0] + timedelta(days=1)), ContactPurpose.CLOSURE, "", None))
            if plan[-1][0] > today:
                plan.pop()
                closing = False
        plan.sort(key=lambda p: p[0])
        dues = [d for d, _ in regular]
        for day, purpose, code, decided in plan:
            # the next contact due is the one set at the latest regular contact on or before this one
            i = bisect_left(dues, day + timedelta(days=1)) - 1
            next_due: date | None = regular[max(i, 0)][1]
            if purpose is ContactPurpose.CLOSURE:
                next_due = None
            elif next_due is not None and next_due <= day:
                next_due = day + timedelta(days=14)
            when = self.at(day)
            method = pick(rng, METHODS)
            interpreter = (
                v.interpreter
                if method in (ContactMethod.IN_PERSON, ContactMethod.PHONE, ContactMethod.VIDEO)
                else ""
            )
            due_notice = self.notice_due(decided) if decided is not None else None
            summary = rng.choice(SUMMARIES[purpose]) if purpose in SUMMARIES else ""
            if decided is not None:
                summary = f"Told of the {NOTIFIABLE[code].label.lower()} decision of {decided:%d/%m/%Y}."
            concern = purpose is ContactPurpose.SAFEGUARDING or rng.random() < 0.02
            self.rows.contacts.append(
                (
                    v.person_id,
                    vlo,
                    when,
                    method.value,
                    interpreter,
                    purpose.value,
                    code,
                    decided,
                    due_notice,
                    None if due_notice is None else is_on_time(london_date(when), due_notice),
                    concern,
                    summary,
                    next_due,
                    1,
                    when,
                    False,
                    "",
                )
            )


def _five_minutes(hours: float) -> timedelta:
    """A length of stay as staff record it: to the nearest 5 minutes, never none."""
    return timedelta(minutes=5 * max(1, round(hours * 12)))


def decision_history(
    rng: random.Random,
    submitted: date,
    today: date,
    calendar: WorkingCalendar,
    *,
    waiting: bool = False,
    closing: bool = False,
) -> list[tuple[DecisionKind, Outcome | None, date]]:
    """A referral's decisions up to ``today``, as the competent authority makes them.

    RG mostly within the 5-working-day target, some weeks later (so a few recent referrals are overdue);
    a CG only after a positive RG and its recovery period, months later; reconsideration of some
    negative decisions within the 30-day window; a few withdrawals. Never dated after ``today``.
    ``waiting``: a referral submitted 8 to 60 days ago is still awaiting its RG. ``closing``: one
    submitted 30 to 90 days ago has a negative RG whose reconsideration window ends within the week.
    """
    out: list[tuple[DecisionKind, Outcome | None, date]] = []
    withdraw_on = submitted + timedelta(days=rng.randint(10, 400)) if rng.random() < 0.04 else None

    def happens(on: date) -> bool:
        return on <= today and (withdraw_on is None or on < withdraw_on)

    r = rng.random()
    age = (today - submitted).days
    closing = closing and 30 <= age <= 90 and not waiting
    if 8 <= age <= 60 and (waiting or (not closing and rng.random() < 0.4)):
        rg_on = today + timedelta(days=rng.randint(1, 30))  # still waiting, past the 5-day target
    elif closing:
        rg_on = today - timedelta(days=rng.randint(24, 29))
    elif r < 0.55:
        rg_on = calendar.add_working_days(submitted, rng.randint(1, 5))
    elif r < 0.9:
        rg_on = submitted + timedelta(days=rng.randint(8, 35))
    else:
        rg_on = submitted + timedelta(days=rng.randint(36, 100))
    concluded = False
    if happens(rg_on):
        negative = closing or rng.random() < (0.3 if (today - rg_on).days <= 30 else 0.1)
        out.append((DecisionKind.RG, Outcome.NEGATIVE if negative else Outcome.POSITIVE, rg_on))
        concluded = negative
        if negative and not closing and rng.random() < 0.45:
            asked = rg_on + timedelta(days=rng.randint(3, 28))
            if happens(asked):
                out.append((DecisionKind.RECONSIDERATION_REQUESTED, None, asked))
                concluded = False
                answered = asked + timedelta(days=rng.randint(14, 120))
                if happens(answered):
                    if rng.random() < 0.5:
                        rg_on, negative = answered, False
                        out.append((DecisionKind.RG, Outcome.POSITIVE, answered))
                    else:
                        out.append((DecisionKind.RECONSIDERATION_REFUSED, None, answered))
                        concluded = True
        if not negative:
            cg_on = recovery_period_end(rg_on) + timedelta(
                days=min(900, int(rng.lognormvariate(math.log(200), 0.8)))
            )
            if happens(cg_on):
                outcome = pick(
                    rng,
                    (
                        (Outcome.POSITIVE_TRAFFICKING, 60),
                        (Outcome.POSITIVE_SLAVERY, 28),
                        (Outcome.NEGATIVE, 12),
                    ),
                )
                out.append((DecisionKind.CG, outcome, cg_on))
                concluded = True
                if outcome is Outcome.NEGATIVE and rng.random() < 0.35:
                    asked = cg_on + timedelta(days=rng.randint(3, 28))
                    if happens(asked):
                        out.append((DecisionKind.RECONSIDERATION_REQUESTED, None, asked))
                        concluded = False
                        answered = asked + timedelta(days=rng.randint(30, 180))
                        if happens(answered):
                            concluded = True
                            if rng.random() < 0.4:
                                out.append((DecisionKind.CG, Outcome.POSITIVE_TRAFFICKING, answered))
                            else:
                                out.append((DecisionKind.RECONSIDERATION_REFUSED, None, answered))
    if withdraw_on is not None and withdraw_on <= today and not concluded:
        out.append((DecisionKind.WITHDRAWAL, None, withdraw_on))
    return out


# ----- writing ------------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]


def _bump_sequence(conn: Connection, table: Table) -> None:
    """Explicit ids bypass PostgreSQL's sequence; move it past them (SQLite needs nothing)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
        )


#: Why demo victims disengage (synthetic, no names).
DISENGAGE_REASONS = (
    "Afraid of reprisals against family",
    "Moved out of the area; not in touch",
    "Does not want to give evidence",
    "Returned to the exploiters",
    "Left the country",
)


def engagement_milestones(
    conn: Connection, *, seed: int, today: date, now: datetime, officer: int | None
) -> int:
    """Dated engagement milestones for every victim linked to an arrest who has none yet, so the COM
    table shows the seeds' comparison: engaged at the charge decision over 90% with a Navigator, about
    44% without (domain.md). Its own random stream, so the rest of the demo is the same as before."""
    rng = random.Random(f"engagement-{seed}")
    rows: list[tuple[Any, ...]] = []

    def moment(day: date) -> datetime:
        noon = datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).astimezone(UTC)
        return min(noon + timedelta(minutes=5 * rng.randint(-40, 80)), now)

    for link in engagement_q.unrecorded_victim_links(conn):
        first = link.arrest_date + timedelta(days=rng.randint(0, 3))
        if first > today:
            continue
        decided = link.decided_on
        engaged = rng.random() < (0.93 if link.with_navigator else 0.44)
        if engaged or rng.random() < 0.6:  # most who later disengage did give a first account
            rows.append(
                (link.link_id, Milestone.ENGAGED_FIRST_ACCOUNT.value, first, "", moment(first), officer)
            )
        if decided is None or decided > today:
            continue
        if engaged:
            on = max(decided, first)
            rows.append((link.link_id, Milestone.ENGAGED_AT_CHARGE.value, on, "", moment(on), officer))
            trial = decided + timedelta(days=rng.randint(120, 300))
            if link.charged and trial <= today and rng.random() < 0.7:
                rows.append(
                    (link.link_id, Milestone.ENGAGED_AT_COURT.value, trial, "", moment(trial), officer)
                )
        else:
            gap = max(0, (decided - first).days)
            gone = first + timedelta(days=rng.randint(0, gap)) if gap else decided
            rows.append(
                (
                    link.link_id,
                    Milestone.DISENGAGED.value,
                    gone,
                    rng.choice(DISENGAGE_REASONS),
                    moment(gone),
                    officer,
                )
            )
    bulk_insert(conn, ENGAGEMENT, MILESTONE_COLUMNS, [(*r, "") for r in rows])
    return len(rows)


MILESTONE_COLUMNS = (
    "link_id",
    "milestone",
    "milestone_date",
    "reason",
    "recorded_at",
    "recorded_by",
    "withdraw_reason",
)


def fill_pathway(
    db: Database,
    *,
    seed: int = 1,
    years: float = 395 / 365.25,
    volume: float = 1.0,
    today: date | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> PathwaySummary:
    """Add the synthetic pathway of ``years`` up to ``today`` (about 60 referrals a year × ``volume``).

    Call after the demo arrests, so victims can be linked to them and told of their disposals. The
    demo users "vlo" and "navigator" (else the first active user of that role) get the victims and
    cases; Haven House gets eight beds (× ``volume``) unless it has that many. Adds to what is there.
    """
    started = time.perf_counter()
    day = today or london_date(datetime.now(UTC))
    moment = now or (
        datetime(day.year, day.month, day.day, 12, tzinfo=LONDON).astimezone(UTC)
        if today is not None
        else datetime.now(UTC)
    )
    with db.engine.begin() as conn:
        gen = _Generator(conn, seed=seed, years=years, volume=volume, today=day, now=moment)
        gen.generate()
        gen.place_stays()
        rows = gen.rows
        steps: tuple[tuple[str, Table, tuple[str, ...], list[tuple[Any, ...]]], ...] = (
            ("people", PERSON, PERSON_COLUMNS, rows.persons),
            ("links", PERSON_LINK, LINK_COLUMNS, rows.links),
            ("referrals", NRM_REFERRAL, REFERRAL_COLUMNS, rows.referrals),
            ("decisions", NRM_DECISION, DECISION_COLUMNS, rows.decisions),
            ("supports", PERSON_SUPPORT, SUPPORT_COLUMNS, rows.supports),
            ("Navigator cases", NAVIGATOR_CASE, CASE_COLUMNS, rows.cases),
            ("beds", HAVEN_BED, BED_COLUMNS, rows.beds),
            ("stays", HAVEN_STAY, STAY_COLUMNS, rows.stays),
            ("contacts", VLO_CONTACT, CONTACT_COLUMNS, rows.contacts),
        )
        total = sum(len(r) for *_, r in steps)
        done = 0
        chunk = 20_000
        # the search index and the derived tables are made once at the end, not row by row
        with (
            search_index.bulk(conn, "person", "nrm_referral", "vlo_contact"),
            latest_contact.DERIVED.bulk(conn),
            awaiting_decision.DERIVED.bulk(conn),
        ):
            for phase, table, columns, values in steps:
                for i in range(0, len(values), chunk):
                    bulk_insert(conn, table, columns, values[i : i + chunk])
                    done += len(values[i : i + chunk])
                    if progress is not None:
                        progress(phase, done, total)
        for table in (PERSON, NRM_REFERRAL, HAVEN_BED):
            _bump_sequence(conn, table)
        milestones = engagement_milestones(conn, seed=seed, today=day, now=moment, officer=gen.officer)
    return PathwaySummary(
        persons=len(rows.persons),
        links=len(rows.links),
        referrals=len(rows.referrals),
        decisions=len(rows.decisions),
        navigator_cases=len(rows.cases),
        supports=len(rows.supports),
        beds_added=len(rows.beds),
        stays=len(rows.stays),
        contacts=len(rows.contacts),
        seconds=time.perf_counter() - started,
        milestones=milestones,
    )


__all__ = ["PathwaySummary", "decision_history", "fill_pathway", "volume_for_arrests"]
