"""Support vocabularies and the measures of a Haven House stay, in London time, without Qt."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mshtdesk.domain.disposals import DEFAULT_DISPOSALS
from mshtdesk.domain.support import (
    ContactMethod,
    ContactPurpose,
    DischargeDestination,
    HavenServiceGiven,
    NavigatorCloseReason,
    NavigatorNeed,
    NotifiableDecision,
    ReceptionDecision,
    bed_nights,
    describe_length,
    join_codes,
    labels_of,
    length_of_stay,
    occupancy,
    split_codes,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2024, 6, 1, 12, tzinfo=UTC)


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=LONDON)


@pytest.mark.parametrize(
    "enum",
    [
        NavigatorNeed,
        NavigatorCloseReason,
        HavenServiceGiven,
        ReceptionDecision,
        DischargeDestination,
        ContactMethod,
        ContactPurpose,
        NotifiableDecision,
    ],
)
def test_every_code_has_a_label_and_parses_back(enum: type) -> None:
    for member in enum:
        assert member.label and member.label[0].isupper()
        assert enum.parse(member.value) is member
        assert enum.parse(member.label.upper()) is member
    assert enum.parse("no such thing") is None


def test_domain_lists_are_complete() -> None:
    assert len(NavigatorNeed) == 10
    assert len(DischargeDestination) == 12
    assert {r.value for r in ReceptionDecision} == {
        "consented",
        "declined-dtn",
        "child-referred",
        "undecided",
    }
    assert len(ContactMethod) == 6 and len(ContactPurpose) == 9
    assert ContactPurpose.parse("Decision notification") is ContactPurpose.DECISION_NOTIFICATION


def test_notifiable_decisions_are_disposal_codes() -> None:
    codes = {k.code for k in DEFAULT_DISPOSALS}
    assert {d.value for d in NotifiableDecision} <= codes
    assert {d.value for d in NotifiableDecision} == {"CHARGE", "NFA", "BAIL", "RUI"}


def test_only_updates_are_withheld_from_an_opted_out_victim() -> None:
    withheld = {p for p in ContactPurpose if p.is_update}
    assert withheld == {ContactPurpose.INVESTIGATION_UPDATE, ContactPurpose.DECISION_NOTIFICATION}


def test_flags_round_trip_in_declaration_order() -> None:
    stored = join_codes({NavigatorNeed.SAFETY, NavigatorNeed.HEALTH, NavigatorNeed.FINANCE})
    assert stored == "health;finance;safety"
    assert split_codes(NavigatorNeed, stored + ";from-a-newer-version") == {
        NavigatorNeed.HEALTH,
        NavigatorNeed.FINANCE,
        NavigatorNeed.SAFETY,
    }
    assert labels_of(split_codes(NavigatorNeed, stored)) == "Health, Finance, Safety"
    assert join_codes(()) == "" and split_codes(NavigatorNeed, "") == frozenset()


@pytest.mark.parametrize(
    ("admitted", "discharged", "nights"),
    [
        (at(2024, 5, 1, 22), at(2024, 5, 2, 9), 1),  # one night
        (at(2024, 5, 1, 9), at(2024, 5, 1, 17), 0),  # a day visit
        (at(2024, 5, 1, 0, 0), at(2024, 5, 2, 0, 0), 1),  # midnight to midnight
        (at(2024, 5, 1, 23, 59), at(2024, 5, 4, 0, 1), 3),
        # across the spring clock change (31/03/2024, a 23-hour day): still 2 London midnights
        (at(2024, 3, 30, 20), at(2024, 4, 1, 8), 2),
        # across the autumn change (27/10/2024, 25 hours)
        (at(2024, 10, 26, 23, 30), at(2024, 10, 27, 23, 30), 1),
    ],
)
def test_bed_nights_count_london_midnights(admitted: datetime, discharged: datetime, nights: int) -> None:
    assert bed_nights(admitted, discharged, NOW) == nights
    # the same moments in UTC give the same answer: the day is decided in London
    assert bed_nights(admitted.astimezone(UTC), discharged.astimezone(UTC), NOW) == nights


def test_a_late_evening_in_utc_is_already_the_next_day_in_london() -> None:
    # 23:30 UTC on 1 June is 00:30 BST on 2 June: the night of 1 June was not spent
    admitted = datetime(2024, 6, 1, 23, 30, tzinfo=UTC)
    assert bed_nights(admitted, datetime(2024, 6, 2, 10, tzinfo=UTC), NOW) == 0


def test_open_stays_run_to_now_and_length_is_never_negative() -> None:
    admitted = at(2024, 5, 29, 18)
    now = at(2024, 6, 1, 10)
    assert bed_nights(admitted, None, now) == 3
    assert length_of_stay(admitted, None, now) == timedelta(days=2, hours=16)
    assert length_of_stay(admitted, admitted - timedelta(hours=1), now) == timedelta(0)
    with pytest.raises(ValueError, match="no time zone"):
        length_of_stay(datetime(2024, 1, 1), None, now)


def test_length_across_the_clock_change_is_real_elapsed_time() -> None:
    assert length_of_stay(at(2024, 3, 30, 12), at(2024, 3, 31, 12), NOW) == timedelta(hours=23)


@pytest.mark.parametrize(
    ("length", "text"),
    [
        (timedelta(minutes=20), "under 1 h"),
        (timedelta(hours=5, minutes=59), "5 h"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=3, hours=4), "3 days 4 h"),
    ],
)
def test_describe_length(length: timedelta, text: str) -> None:
    assert describe_length(length) == text


def test_occupancy_counts_nights_inside_the_period() -> None:
    stays = [
        (at(2024, 4, 28, 20), at(2024, 5, 3, 10)),  # nights 28,29,30 Apr, 1,2 May: 2 in May
        (at(2024, 5, 10, 14), at(2024, 5, 12, 9)),  # nights 10, 11 May
        (at(2024, 5, 30, 21), None),  # still in on 2 June 10:00: nights 30, 31 May, 1 June -> 2 in May
        (at(2024, 5, 15, 9), at(2024, 5, 15, 18)),  # no night
        (at(2024, 6, 5, 9), at(2024, 6, 9, 9)),  # after the period
    ]
    occ = occupancy(stays, date(2024, 5, 1), date(2024, 5, 31), beds=4, now=at(2024, 6, 2, 10))
    assert occ.bed_nights_used == 2 + 2 + 2
    assert occ.bed_nights_available == 4 * 31
    assert occ.rate == pytest.approx(6 / 124)


def test_occupancy_edge_cases() -> None:
    assert occupancy([], date(2024, 5, 1), date(2024, 5, 1), beds=0, now=NOW).rate is None
    one = occupancy([(at(2024, 5, 1, 20), at(2024, 5, 2, 8))], date(2024, 5, 1), date(2024, 5, 1), 1, NOW)
    assert (one.bed_nights_used, one.rate) == (1, 1.0)
    with pytest.raises(ValueError, match="before it starts"):
        occupancy([], date(2024, 5, 2), date(2024, 5, 1), beds=1, now=NOW)
    with pytest.raises(ValueError, match="negative"):
        occupancy([], date(2024, 5, 1), date(2024, 5, 1), beds=-1, now=NOW)


def test_occupancy_agrees_with_bed_nights_for_a_whole_stay() -> None:
    admitted, discharged = at(2024, 2, 20, 19), at(2024, 3, 2, 11)  # across 29 February
    occ = occupancy([(admitted, discharged)], date(2024, 1, 1), date(2024, 12, 31), 1, NOW)
    assert occ.bed_nights_used == bed_nights(admitted, discharged, NOW) == 11


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.datetimes(
                min_value=datetime(2023, 1, 1), max_value=datetime(2025, 12, 31), timezones=st.just(UTC)
            ),
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
        ),
        max_size=6,
    )
)
def test_occupancy_over_all_time_is_the_sum_of_bed_nights(stays: list[tuple[datetime, timedelta]]) -> None:
    """Splitting time into periods never loses or double-counts a night, across both clock changes."""
    pairs: list[tuple[datetime, datetime | None]] = [(a, a + length) for a, length in stays]
    total = sum(bed_nights(a, d, NOW) for a, d in pairs)
    whole = occupancy(pairs, date(2022, 12, 1), date(2026, 3, 1), beds=1, now=NOW)
    assert whole.bed_nights_used == total
    halves = [
        occupancy(pairs, date(2022, 12, 1), date(2024, 3, 30), beds=1, now=NOW),
        occupancy(pairs, date(2024, 3, 31), date(2026, 3, 1), beds=1, now=NOW),
    ]
    assert sum(h.bed_nights_used for h in halves) == total


def test_vocabularies_sharing_a_code_keep_their_own_labels() -> None:
    """A StrEnum member equals its code, so two vocabularies' "mental-health" must not share a label."""
    from mshtdesk.domain import support

    assert support.NavigatorNeed.MENTAL_HEALTH.label == "Mental health"
    assert support.HavenServiceGiven.MENTAL_HEALTH.label == "Mental health support"
    vocabularies = [
        v for v in vars(support).values() if isinstance(v, type) and issubclass(v, support._Labelled)
    ]
    assert len(vocabularies) > 5
    for vocabulary in vocabularies:
        for member in vocabulary:
            assert vocabulary.parse(member.label) is member, (vocabulary.__name__, member)
