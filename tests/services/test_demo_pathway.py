"""The synthetic victim pathway: the seed's scale, and every rule a real record must keep.

One database per module (filling it takes a few seconds); each test reads it and checks one family of
rules over every row, so a generator change that breaks a rule anywhere fails here.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, RowMapping, func, select

from mshtdesk.demo.arrests import fill_demo
from mshtdesk.demo.pathway import PathwaySummary, decision_history, fill_pathway
from mshtdesk.domain.clocks import (
    LONDON,
    decision_notification_due,
    is_on_time,
    london_date,
    rg_decision_expected,
)
from mshtdesk.domain.engagement import Milestone, engagement_counts
from mshtdesk.domain.exploitation import (
    ExploitationType,
    flags_with_sub_types,
    home_office_label,
)
from mshtdesk.domain.nationalities import NATIONALITY_NAMES
from mshtdesk.domain.nrm import (
    AgeAtReferral,
    Decision,
    DecisionKind,
    Outcome,
    ReferralFacts,
    Route,
    check_history,
    check_referral,
)
from mshtdesk.domain.roles import Role
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    HavenServiceGiven,
    NavigatorCloseReason,
    NavigatorNeed,
    NotifiableDecision,
    ReceptionDecision,
    split_codes,
)
from mshtdesk.security.keyring import keyring_path
from mshtdesk.services.calendar import load_calendar
from mshtdesk.services.people import LinkRole
from mshtdesk.store.database import Database, open_database
from mshtdesk.store.queries.engagement import decision_victims
from mshtdesk.store.tables import (
    ARREST,
    ENGAGEMENT,
    HAVEN_BED,
    HAVEN_STAY,
    NAVIGATOR_CASE,
    NRM_DECISION,
    NRM_REFERRAL,
    PERSON,
    PERSON_LINK,
    PERSON_SUPPORT,
    USER,
    VLO_CONTACT,
)
from tests.conftest import Template

TODAY = date(2026, 11, 18)  # a Wednesday
NOW = datetime(2026, 11, 18, 12, tzinfo=LONDON).astimezone(UTC)
EASTERN_EUROPEAN = {"Polish", "Romanian", "Albanian", "Czech", "Slovak", "Lithuanian", "Hungarian", "Latvian"}


def _copy(template: Template, folder: Path) -> Database:
    path = folder / "pathway.db"
    shutil.copyfile(template.path, path)
    shutil.copyfile(keyring_path(template.path), keyring_path(path))
    return open_database(str(path), key=template.key)


@pytest.fixture(scope="module")
def filled(
    template: Template, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Database, PathwaySummary]]:
    db = _copy(template, tmp_path_factory.mktemp("pathway"))
    fill_demo(db, seed=3, arrests=130, today=TODAY)
    summary = fill_pathway(db, seed=3, today=TODAY)
    yield db, summary
    db.close()


@pytest.fixture(scope="module")
def data(filled: tuple[Database, PathwaySummary]) -> dict[str, list[RowMapping]]:
    db, _ = filled
    with db.engine.connect() as conn:
        return _read(conn)


def _read(conn: Connection) -> dict[str, list[RowMapping]]:
    tables = {
        "person": PERSON,
        "link": PERSON_LINK,
        "referral": NRM_REFERRAL,
        "decision": NRM_DECISION,
        "case": NAVIGATOR_CASE,
        "support": PERSON_SUPPORT,
        "bed": HAVEN_BED,
        "stay": HAVEN_STAY,
        "contact": VLO_CONTACT,
        "user": USER,
    }
    return {name: list(conn.execute(select(t)).mappings()) for name, t in tables.items()}


def _user_id(data: dict[str, list[RowMapping]], username: str) -> int:
    return next(int(u["id"]) for u in data["user"] if u["username"] == username)


# ----- scale ---------------------------------------------------------------------------------------


def test_the_seed_scale_about_sixty_referrals_a_year_a_third_children(
    data: dict[str, list[RowMapping]],
) -> None:
    referrals = data["referral"]
    assert 55 <= len(referrals) <= 80  # 13 months at ~60 a year
    children = [r for r in referrals if r["age_at_referral"] != AgeAtReferral.ADULT]
    assert 0.25 <= len(children) / len(referrals) <= 0.42
    routes = Counter(r["route"] for r in referrals)
    assert routes[Route.DUTY_TO_NOTIFY] >= 3 and routes[Route.NRM] > routes[Route.DUTY_TO_NOTIFY]
    assert len(data["person"]) == len(referrals)  # one referral per person generated


def test_nationalities_are_mostly_eastern_european_and_british_from_the_shipped_list(
    data: dict[str, list[RowMapping]],
) -> None:
    people = data["person"]
    names = set(NATIONALITY_NAMES)
    assert all(p["nationality"] in names for p in people)
    assert all(p["second_nationality"] in names or p["second_nationality"] == "" for p in people)
    counts = Counter(p["nationality"] for p in people)
    share = (counts["British"] + sum(counts[n] for n in EASTERN_EUROPEAN)) / len(people)
    assert share >= 0.6
    assert counts["British"] >= 5 and len(EASTERN_EUROPEAN & set(counts)) >= 3


def test_names_are_synthetic_and_several_locales(data: dict[str, list[RowMapping]]) -> None:
    named = [p for p in data["person"] if p["surname"]]
    assert len({p["surname"] for p in named}) > len(named) // 2
    assert len({p["nationality"] for p in named}) >= 4
    assert all(p["person_ref"] == f"P-{p['id']:06d}" for p in data["person"])


# ----- referrals -----------------------------------------------------------------------------------


def test_every_referral_keeps_the_route_crime_and_exploitation_rules(
    data: dict[str, list[RowMapping]],
) -> None:
    people = {p["id"]: p for p in data["person"]}
    for r in data["referral"]:
        p = people[r["person_id"]]
        flags = split_codes(ExploitationType, r["exploitation"])
        facts = ReferralFacts(
            route=Route(r["route"]),
            age_at_referral=AgeAtReferral(r["age_at_referral"]),
            consent=r["consents"],
            name_or_contact_kept=bool(p["surname"] or p["forenames"] or p["contact_details"]),
            cooperates=bool(r["cooperates"]),
            crime_ref=r["crime_ref"],
            no_crime_reason=r["no_crime_reason"],
            exploitation=flags,
        )
        assert check_referral(facts) == [], r["referral_ref"]
        assert r["exploitation_label"] == home_office_label(flags)
        subs = tuple(s for s in r["sub_types"].split(";") if s)
        assert flags_with_sub_types(flags, subs) == flags  # each sub-type's parent is ticked
        assert r["submitted_date"] <= TODAY
        if r["route"] == Route.DUTY_TO_NOTIFY and not r["cooperates"]:
            assert (p["surname"], p["forenames"], p["date_of_birth"], p["contact_details"]) == (
                "",
                "",
                None,
                "",
            )
        if r["age_at_referral"] != AgeAtReferral.ADULT:
            assert r["route"] == Route.NRM and r["age_at_exploitation"] == "child"


def test_exploitation_fits_age_county_lines_for_british_children(data: dict[str, list[RowMapping]]) -> None:
    people = {p["id"]: p for p in data["person"]}
    british_children = [
        r
        for r in data["referral"]
        if r["age_at_referral"] != AgeAtReferral.ADULT and people[r["person_id"]]["nationality"] == "British"
    ]
    assert british_children
    criminal = [
        r
        for r in british_children
        if ExploitationType.CRIMINAL in split_codes(ExploitationType, r["exploitation"])
    ]
    assert len(criminal) >= 0.3 * len(british_children)
    assert any("county-lines" in r["sub_types"] for r in criminal)
    county_lines = [r for r in data["referral"] if "county-lines" in r["sub_types"]]
    assert sum(r["age_at_referral"] != AgeAtReferral.ADULT for r in county_lines) >= 0.7 * len(county_lines)


def _histories(data: dict[str, list[RowMapping]]) -> dict[int, list[Decision]]:
    by_referral: dict[int, list[RowMapping]] = defaultdict(list)
    for d in data["decision"]:
        by_referral[d["referral_id"]].append(d)
    return {
        rid: [
            Decision(
                DecisionKind(d["kind"]), d["decided_on"], Outcome(d["outcome"]) if d["outcome"] else None
            )
            for d in sorted(rows, key=lambda d: (d["decided_on"], d["id"]))
        ]
        for rid, rows in by_referral.items()
    }


def test_decisions_replay_through_the_nrm_rules_without_a_warning(data: dict[str, list[RowMapping]]) -> None:
    histories = _histories(data)
    referrals = {r["id"]: r for r in data["referral"]}
    assert len(histories) >= len(referrals) / 2
    for rid, history in histories.items():
        check = check_history(history)
        assert check.ok and not check.warnings, (referrals[rid]["referral_ref"], check)
        assert referrals[rid]["route"] == Route.NRM  # a Duty to Notify has no decisions
        assert history[0].on >= referrals[rid]["submitted_date"]
        assert history[-1].on <= TODAY
    kinds = Counter((d.kind, d.outcome) for h in histories.values() for d in h)
    assert kinds[(DecisionKind.RG, Outcome.POSITIVE)] > kinds[(DecisionKind.RG, Outcome.NEGATIVE)] >= 1
    assert sum(n for (k, _), n in kinds.items() if k is DecisionKind.CG) >= 1
    assert all(d["source"] == "demo" for d in data["decision"])


def test_recent_referrals_await_decisions_and_a_few_rg_are_overdue(
    filled: tuple[Database, PathwaySummary], data: dict[str, list[RowMapping]]
) -> None:
    db, _ = filled
    with db.engine.connect() as conn:
        calendar = load_calendar(conn)
    decided = {d["referral_id"] for d in data["decision"]}
    awaiting = [r for r in data["referral"] if r["route"] == Route.NRM and r["id"] not in decided]
    overdue = [r for r in awaiting if rg_decision_expected(r["submitted_date"], calendar) < TODAY]
    assert awaiting and 1 <= len(overdue) <= 10
    closing = [  # a negative RG standing, its 30-day reconsideration window ending within the week
        h[-1]
        for h in _histories(data).values()
        if h[-1].outcome is Outcome.NEGATIVE
        and TODAY <= h[-1].on + timedelta(days=30) < TODAY + timedelta(days=7)
    ]
    assert closing
    assert max(r["submitted_date"] for r in awaiting) >= TODAY - timedelta(days=10)


@pytest.mark.parametrize("seed", range(40))
def test_decision_history_is_valid_for_any_seed(seed: int) -> None:
    import random

    from mshtdesk.domain.working_days import WorkingCalendar

    rng = random.Random(seed)
    calendar = WorkingCalendar()
    for _ in range(50):
        submitted = date(2021, 1, 1) + timedelta(days=rng.randrange(2000))
        history = decision_history(rng, submitted, TODAY, calendar)
        decisions = [Decision(k, on, o) for k, o, on in history]
        check = check_history(decisions)
        assert check.ok and not check.warnings, (submitted, history, check)
        assert all(submitted <= d.on <= TODAY for d in decisions)


# ----- people, links, Navigator --------------------------------------------------------------------


def test_victims_are_linked_to_demo_arrests(
    filled: tuple[Database, PathwaySummary], data: dict[str, list[RowMapping]]
) -> None:
    db, _ = filled
    with db.engine.connect() as conn:
        arrests = {int(i): d for i, d in conn.execute(select(ARREST.c.id, ARREST.c.arrest_date))}
    links = data["link"]
    assert len(links) >= len(data["person"]) / 2
    assert {link["role"] for link in links} <= {LinkRole.POTENTIAL_VICTIM, LinkRole.CONFIRMED_VICTIM}
    with_arrest = [link for link in links if link["arrest_id"] is not None]
    assert len(with_arrest) >= len(links) / 2
    assert all(link["arrest_id"] in arrests for link in with_arrest)
    referral_of = {r["person_id"]: r for r in data["referral"]}
    people = {p["id"]: p for p in data["person"]}
    for link in with_arrest:  # the referral follows the arrest that found the victim
        assert arrests[link["arrest_id"]] <= referral_of[link["person_id"]]["submitted_date"]
        assert people[link["person_id"]]["surname"]  # an anonymous DtN is linked to the operation only


def test_most_victims_have_the_demo_vlo_and_a_few_opted_out(data: dict[str, list[RowMapping]]) -> None:
    vlo = _user_id(data, "vlo")
    named = [p for p in data["person"] if p["surname"]]
    assigned = [p for p in named if p["vlo_user_id"] == vlo]
    assert len(assigned) >= 0.7 * len(named)
    assert {p["vlo_user_id"] for p in data["person"]} <= {vlo, None}
    assert 1 <= sum(p["opted_out_of_updates"] for p in assigned) <= len(assigned) / 4
    assert not any(p["vlo_user_id"] for p in data["person"] if not p["surname"])  # anonymous: no VLO


def test_navigator_cases_are_supported_by_the_demo_navigator(data: dict[str, list[RowMapping]]) -> None:
    navigator = _user_id(data, "navigator")
    cases = data["case"]
    assert 10 <= len(cases) <= len(data["person"]) * 0.6
    supports = {(s["person_id"], s["user_id"]) for s in data["support"]}
    needs = {n.value for n in NavigatorNeed}
    reasons = {r.value for r in NavigatorCloseReason}
    for c in cases:
        assert c["navigator_user_id"] == navigator and (c["person_id"], navigator) in supports
        assert set(c["needs"].split(";")) <= needs
        assert c["referral_date"] <= TODAY
        if c["support_plan_opened"]:
            assert c["consent"] and c["referral_date"] <= c["support_plan_opened"] <= TODAY
        if c["closed_date"]:
            assert c["closed_reason"] in reasons and c["referral_date"] < c["closed_date"] <= TODAY
        else:
            assert c["closed_reason"] == "" and c["repatriated"] is None
    assert any(c["closed_date"] is None for c in cases)
    engaged = [c for c in cases if c["engaged_now"] is not None]
    assert sum(c["engaged_now"] for c in engaged) / len(engaged) > 0.75  # the Navigator effect


# ----- Haven House ---------------------------------------------------------------------------------


def _assert_no_bed_double_booked(stays: list[RowMapping]) -> None:
    far = datetime.max.replace(tzinfo=UTC)
    by_bed: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for s in stays:
        by_bed[s["bed_id"]].append((s["admitted_at"], s["discharged_at"] or far))
    for spans in by_bed.values():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert end <= start
        assert sum(1 for _, e in spans if e == far) <= 1


def test_haven_house_has_eight_beds_never_double_booked(data: dict[str, list[RowMapping]]) -> None:
    assert len(data["bed"]) == 8 and all(b["active"] for b in data["bed"])
    stays = data["stay"]
    assert 15 <= len(stays) <= 120
    _assert_no_bed_double_booked(stays)
    assert {s["bed_id"] for s in stays} <= {b["id"] for b in data["bed"]}


def test_stays_current_anonymous_and_with_known_destinations(data: dict[str, list[RowMapping]]) -> None:
    stays = data["stay"]
    current = [s for s in stays if s["discharged_at"] is None]
    assert 1 <= len(current) <= 8
    assert any(s["person_id"] is None for s in stays)
    destinations = {d.value for d in DischargeDestination}
    decisions = {d.value for d in ReceptionDecision}
    services = {s.value for s in HavenServiceGiven}
    people = {p["id"]: p for p in data["person"]}
    referral_of = {r["person_id"]: r for r in data["referral"]}
    for s in stays:
        assert s["admitted_at"] <= NOW and s["admitted_at"].minute % 5 == s["admitted_at"].second == 0
        assert s["nrm_decision_at_reception"] in decisions
        assert set(s["services"].split(";")) <= services
        if s["discharged_at"] is None:
            assert s["discharge_destination"] == ""
        else:
            assert s["admitted_at"] < s["discharged_at"] <= NOW
            assert s["discharge_destination"] in destinations
        if s["person_id"] is not None:
            assert s["person_id"] in people
            if referral_of[s["person_id"]]["age_at_referral"] != AgeAtReferral.ADULT:
                assert s["nrm_decision_at_reception"] == ReceptionDecision.CHILD_REFERRED
            elif referral_of[s["person_id"]]["route"] == Route.DUTY_TO_NOTIFY:
                assert s["nrm_decision_at_reception"] != ReceptionDecision.CONSENTED
        assert s["adults"] + s["children"] >= 1


# ----- VLO contacts and the Today page -------------------------------------------------------------


def test_contacts_use_the_vocabularies_and_respect_opting_out(data: dict[str, list[RowMapping]]) -> None:
    people = {p["id"]: p for p in data["person"]}
    methods = {m.value for m in ContactMethod}
    purposes = {p.value for p in ContactPurpose}
    contacts = data["contact"]
    assert len(contacts) >= 5 * len([p for p in people.values() if p["vlo_user_id"]])
    for c in contacts:
        p = people[c["person_id"]]
        assert c["vlo_user_id"] == p["vlo_user_id"] is not None
        assert c["method"] in methods and c["purpose"] in purposes
        assert c["contact_at"] <= NOW
        if p["opted_out_of_updates"]:
            assert not ContactPurpose(c["purpose"]).is_update
        if c["interpreter_language"]:
            assert c["interpreter_language"] == p["interpreter_language"]
    by_purpose = Counter(c["purpose"] for c in contacts)
    assert by_purpose[ContactPurpose.INITIAL] == len({c["person_id"] for c in contacts})
    assert by_purpose[ContactPurpose.WELFARE] > by_purpose[ContactPurpose.SAFEGUARDING] >= 1


def test_decision_notifications_are_timed_with_the_working_calendar(
    filled: tuple[Database, PathwaySummary], data: dict[str, list[RowMapping]]
) -> None:
    db, _ = filled
    with db.engine.connect() as conn:
        calendar = load_calendar(conn)
    notices = [c for c in data["contact"] if c["purpose"] == ContactPurpose.DECISION_NOTIFICATION]
    assert len(notices) >= 10
    for c in notices:
        assert NotifiableDecision(c["decision_notified"])
        assert c["decision_date"] <= london_date(c["contact_at"])
        due = decision_notification_due(c["decision_date"], calendar)
        assert c["notification_due"] == due
        assert c["notified_on_time"] == is_on_time(london_date(c["contact_at"]), due)
    on_time = sum(c["notified_on_time"] for c in notices) / len(notices)
    assert 0.5 <= on_time < 1.0
    others = [c for c in data["contact"] if c["purpose"] != ContactPurpose.DECISION_NOTIFICATION]
    assert all(c["decision_notified"] == "" and c["notification_due"] is None for c in others)


def test_user_vlo_has_contacts_overdue_and_due_this_week(data: dict[str, list[RowMapping]]) -> None:
    vlo = _user_id(data, "vlo")
    latest: dict[int, RowMapping] = {}
    for c in sorted(data["contact"], key=lambda c: (c["contact_at"], c["id"])):
        if c["vlo_user_id"] == vlo:
            latest[c["person_id"]] = c
    due = [c["next_contact_due"] for c in latest.values() if c["next_contact_due"] is not None]
    overdue = [d for d in due if d < TODAY]
    this_week = [d for d in due if TODAY <= d < TODAY + timedelta(days=7)]
    assert overdue and this_week
    assert len(overdue) < 0.4 * len(due)  # a few, not most
    for c in latest.values():
        if c["purpose"] == ContactPurpose.CLOSURE:
            assert c["next_contact_due"] is None
        else:
            assert c["next_contact_due"] is not None and c["next_contact_due"] > london_date(c["contact_at"])


def test_some_police_decisions_are_still_to_be_notified(
    filled: tuple[Database, PathwaySummary], data: dict[str, list[RowMapping]]
) -> None:
    """A decision on a linked arrest with no notification yet: the Today page's "owed" item."""
    from mshtdesk.store.tables import DISPOSAL_TYPE, EVENT, OFFENCE

    db, _ = filled
    with db.engine.connect() as conn:
        events = conn.execute(
            select(OFFENCE.c.arrest_id, DISPOSAL_TYPE.c.code, EVENT.c.event_date)
            .join(OFFENCE, OFFENCE.c.id == EVENT.c.offence_id)
            .join(DISPOSAL_TYPE, DISPOSAL_TYPE.c.id == EVENT.c.disposal_type_id)
            .where(DISPOSAL_TYPE.c.code.in_([d.value for d in NotifiableDecision]))
        ).all()
    decisions: dict[int, set[tuple[str, date]]] = defaultdict(set)
    for arrest_id, code, on in events:
        decisions[arrest_id].add((code, on))
    told = {(c["person_id"], c["decision_notified"], c["decision_date"]) for c in data["contact"]}
    people = {p["id"]: p for p in data["person"]}
    owed = notified = 0
    for link in data["link"]:
        p = people[link["person_id"]]
        if link["arrest_id"] is None or p["vlo_user_id"] is None or p["opted_out_of_updates"]:
            continue
        for code, on in decisions[link["arrest_id"]]:
            if (p["id"], code, on) in told:
                notified += 1
            elif on >= TODAY - timedelta(days=14):
                owed += 1
    assert notified >= 10 and owed >= 1


# ----- determinism, volume, repeated fills ---------------------------------------------------------


def _fingerprint(db: Database) -> list[Any]:
    with db.engine.connect() as conn:
        rows = _read(conn)
    return [
        sorted(tuple(r.values()) for r in rows[name])
        for name in ("person", "referral", "decision", "contact")
    ]


def test_same_seed_same_data(template: Template, tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    one = _copy(template, tmp_path / "one")
    two = _copy(template, tmp_path / "two")
    try:
        for db in (one, two):
            fill_pathway(db, seed=11, today=TODAY, now=NOW)
        assert _fingerprint(one) == _fingerprint(two)
        three = fill_pathway(two, seed=12, today=TODAY, now=NOW)  # added to what is there
        assert three.referrals > 40 and three.beds_added == 0
        with two.engine.connect() as conn:
            stays = list(conn.execute(select(HAVEN_STAY)).mappings())
            assert conn.execute(select(func.count()).select_from(HAVEN_BED)).scalar() == 8
        _assert_no_bed_double_booked(stays)
    finally:
        one.close()
        two.close()


def test_volume_scales_every_rate_and_keeps_the_rules(template: Template, tmp_path: Path) -> None:
    db = _copy(template, tmp_path)
    try:
        fill_demo(db, seed=4, arrests=600, today=TODAY)
        summary = fill_pathway(db, seed=4, years=2, volume=5, today=TODAY, now=NOW)
        assert 500 <= summary.referrals <= 700  # 60 x 2 years x 5
        assert summary.beds_added == 40
        assert summary.rows > 5000 and summary.rows_per_second > 1000
        with db.engine.connect() as conn:
            data = _read(conn)
        _assert_no_bed_double_booked(data["stay"])
        for history in _histories(data).values():
            assert check_history(history).ok
        assert "people" in summary.describe()
    finally:
        db.close()


def test_an_empty_force_gets_beds_but_no_victims_at_zero_volume(template: Template, tmp_path: Path) -> None:
    db = _copy(template, tmp_path)
    try:
        summary = fill_pathway(db, seed=1, volume=0, today=TODAY)
        assert (summary.referrals, summary.contacts, summary.stays, summary.beds_added) == (0, 0, 0, 8)
    finally:
        db.close()


def test_the_demo_roles_see_their_pathway(template: Template, tmp_path: Path) -> None:
    """The VLO user's scope holds victims; add_demo_pathway adds the pathway and records it."""
    from mshtdesk.demo.database import add_demo_arrests, add_demo_pathway
    from mshtdesk.demo.guard import mark_demo
    from mshtdesk.domain.due import DueKind
    from mshtdesk.domain.roles import Entity
    from mshtdesk.services.backend import Backend

    db = _copy(template, tmp_path)
    try:
        mark_demo(db)  # the demo adds data only to a database it made (see tests/reliability)
        officer = Backend.as_user(db, "officer")
        add_demo_arrests(officer, seed=2, arrests=130)
        add_demo_pathway(officer, seed=2, arrests=130)
        assert len(officer.haven.beds()) == 8
        vlo = Backend.as_user(db, "vlo")
        assert vlo.actor.role is Role.VLO
        assert vlo.people.count() >= 20
        kinds = {i.kind for i in vlo.today.items()}  # the landing page has work on it
        assert {DueKind.VLO_CONTACT, DueKind.RG_EXPECTED} <= kinds
        navigator = Backend.as_user(db, "navigator")
        assert navigator.people.count() >= 5
        with db.engine.connect() as conn:
            from mshtdesk.store.tables import AUDIT

            reasons = list(
                conn.execute(select(AUDIT.c.reason).where(AUDIT.c.entity == Entity.PERSON.value)).scalars()
            )
        assert any("pathway" in r for r in reasons)
    finally:
        db.close()


def test_engagement_milestones_show_the_navigator_comparison(
    filled: tuple[Database, PathwaySummary],
) -> None:
    """The seeds' comparison, from the demo's dated milestones: engaged at the charge decision over 90%
    with a Navigator, about 44% without; every disengagement has its reason; nothing after today."""
    db, summary = filled
    with db.engine.connect() as conn:
        counts = engagement_counts(decision_victims(conn, date(2000, 1, 1), TODAY, TODAY), TODAY)
        rows = list(conn.execute(select(ENGAGEMENT)).mappings())
    assert summary.milestones == len(rows) > 0
    assert counts.with_navigator >= 5 and counts.without_navigator >= 5, counts
    assert counts.with_navigator_engaged / counts.with_navigator > 0.9, counts
    assert 0.25 <= counts.without_navigator_engaged / counts.without_navigator <= 0.6, counts
    assert all(r["reason"] for r in rows if r["milestone"] == "disengaged")
    assert all(r["milestone_date"] <= TODAY and r["recorded_at"].replace(tzinfo=UTC) <= NOW for r in rows)
    assert {r["milestone"] for r in rows} <= {m.value for m in Milestone}


def test_the_bulk_fill_leaves_search_and_derived_tables_as_row_by_row_writes_would(
    template: Template, tmp_path: Path
) -> None:
    """The fill drops the search and derived tables' triggers for its inserts and derives each at the end;
    afterwards each must equal a derivation from scratch, with every trigger back for the next write."""
    from mshtdesk.store import derived, search_index

    db = _copy(template, tmp_path)
    entries = "SELECT kind, record_id, person_id, ref, name, body FROM search_entry ORDER BY kind, record_id"
    try:
        fill_demo(db, seed=5, arrests=130, today=TODAY)
        for seed in (5, 6):  # the second fill adds to what the first left
            fill_pathway(db, seed=seed, today=TODAY, now=NOW)
            with db.engine.begin() as conn:
                filled = conn.exec_driver_sql(entries).fetchall()
                assert {r[0] for r in filled} >= {"person", "referral", "contact", "arrest"}
                for table in derived.every():  # latest contacts, referrals awaiting a decision
                    assert table.disagreements(conn) == 0, table.name
                    assert not table.ensure(conn), f"the triggers of {table.name} are back"
                assert not search_index.ensure(conn), "the triggers are back"
                for table, _which, _cols in search_index.FTS_TABLES:
                    conn.exec_driver_sql(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
                search_index.install(conn)  # from scratch
                assert conn.exec_driver_sql(entries).fetchall() == filled
        officer = _user_id(_read_users(db), "vlo")
        with db.engine.begin() as conn:  # a later row-by-row write still reaches both
            person = conn.execute(select(func.max(PERSON.c.id))).scalar_one()
            notes = "SELECT count(*) FROM search_entry WHERE kind = 'contact'"
            before = conn.exec_driver_sql(notes).scalar_one()
            conn.execute(
                VLO_CONTACT.insert().values(
                    person_id=person,
                    vlo_user_id=officer,
                    contact_at=NOW,
                    method=ContactMethod.PHONE.value,
                    purpose=ContactPurpose.WELFARE.value,
                    summary="checked in after the hearing",
                )
            )
            assert conn.exec_driver_sql(notes).scalar_one() == before + 1
            latest = conn.exec_driver_sql(
                "SELECT contact_at FROM latest_contact WHERE person_id = ?", (person,)
            ).scalar_one()
            assert str(latest).startswith(NOW.strftime("%Y-%m-%d %H:%M"))
    finally:
        db.close()


def _read_users(db: Database) -> dict[str, list[RowMapping]]:
    with db.engine.connect() as conn:
        return {"user": list(conn.execute(select(USER)).mappings())}


def test_a_busy_register_spreads_its_victims_over_the_days_arrests(
    template: Template, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """With several arrests a day, a cluster of victims goes to any arrest of its day, not to the day's
    first (or the day before's last): the scale benchmark's million-arrest register had put 430,000
    victims on 2,900 arrests, one a day, so every per-arrest figure (notifications owed, engagement)
    fanned out a hundredfold."""
    from mshtdesk.demo.pathway import volume_for_arrests

    db = _copy(template, tmp_path_factory.mktemp("busy"))
    try:
        fill_demo(db, seed=4, arrests=3000, today=TODAY)
        fill_pathway(db, seed=4, volume=volume_for_arrests(3000, 395 / 365.25), today=TODAY)
        with db.engine.connect() as conn:
            linked = conn.execute(
                select(ARREST.c.arrest_date, func.count(PERSON_LINK.c.arrest_id.distinct()), func.count())
                .join(PERSON_LINK, PERSON_LINK.c.arrest_id == ARREST.c.id)
                .group_by(ARREST.c.arrest_date)
            ).all()
    finally:
        db.close()
    assert sum(n for *_, n in linked) > 500  # enough victims linked for the spread to mean something
    assert max(arrests for _, arrests, _ in linked) >= 3  # one day's victims on three of its arrests
