"""The age rule shared by the referral form and the NRM import: a child at referral never goes by Duty to
Notify, an adult band cannot hide a child's date of birth, and nobody is born after their referral."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain.nrm import (
    AgeAtExploitation,
    AgeAtReferral,
    ReferralFacts,
    Route,
    age_against_referral,
    age_on,
    check_age,
    check_referral,
    child_when_referred,
)

ON = date(2023, 3, 1)


def facts(
    route: Route,
    age: AgeAtReferral,
    born: date | None,
    on: date | None,
    *,
    estimated: int | None = None,
    exploited: AgeAtExploitation = AgeAtExploitation.UNKNOWN,
) -> ReferralFacts:
    return ReferralFacts(
        route=route,
        age_at_referral=age,
        consent=route is Route.NRM if not age.may_be_child else None,
        crime_ref="13/1/23",
        date_of_birth=born,
        referred_on=on,
        estimated_age=estimated,
        age_at_exploitation=exploited,
    )


def test_age_on_counts_whole_years() -> None:
    assert age_on(date(2005, 3, 1), date(2023, 2, 28)) == 17
    assert age_on(date(2005, 3, 1), date(2023, 3, 1)) == 18
    assert age_on(date(2004, 2, 29), date(2022, 2, 28)) == 17
    assert age_on(date(2004, 2, 29), date(2022, 3, 1)) == 18


def test_a_2015_birth_routed_as_an_adult_duty_to_notify_is_refused() -> None:
    found = check_referral(
        facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2015, 6, 1), date(2023, 3, 1))
    )
    by_field = {p.field: p.message for p in found}
    assert set(by_field) == {"age_at_referral", "route"}
    assert (
        "was 7 when referred" in by_field["route"]
        and "Duty to Notify is for adults only" in by_field["route"]
    )


def test_a_child_band_on_duty_to_notify_is_refused_once() -> None:
    found = check_referral(
        facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.CHILD, date(2015, 6, 1), date(2023, 3, 1))
    )
    assert [p.field for p in found] == ["route"]  # the route rule already says it; no second message


def test_a_date_of_birth_after_the_referral_is_refused() -> None:
    found = check_age(facts(Route.NRM, AgeAtReferral.ADULT, date(2024, 1, 1), date(2023, 3, 1)))
    assert [p.field for p in found] == ["date_of_birth"] and "after the referral" in found[0].message


def test_adults_children_on_the_nrm_and_unknown_dates_pass() -> None:
    assert (
        check_age(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2005, 3, 1), date(2023, 3, 1))) == []
    )
    assert check_age(facts(Route.NRM, AgeAtReferral.CHILD, date(2015, 6, 1), date(2023, 3, 1))) == []
    assert check_age(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, None, date(2023, 3, 1))) == []
    assert check_age(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2015, 6, 1), None)) == []


def test_the_day_before_the_eighteenth_birthday_is_a_child() -> None:
    assert child_when_referred(date(2005, 3, 2), None, ON) is not None
    assert child_when_referred(date(2005, 3, 1), None, ON) is None
    assert child_when_referred(None, 17, ON) is not None
    assert child_when_referred(None, 18, ON) is None
    assert child_when_referred(None, None, ON) is None


def test_an_estimated_age_under_18_refuses_the_adult_route() -> None:
    found = check_age(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, None, ON, estimated=16))
    by_field = {p.field: p.message for p in found}
    assert set(by_field) == {"age_at_referral", "route"}
    assert by_field["route"].startswith("With an estimated age of 16, the person may have been under 18")
    assert "Duty to Notify is for adults only" in by_field["route"]
    assert check_age(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, None, ON, estimated=18)) == []


def test_a_date_of_birth_decides_over_an_estimate() -> None:
    grown = facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(1990, 1, 1), ON, estimated=15)
    assert check_age(grown) == []
    young = facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2015, 6, 1), ON, estimated=40)
    assert {p.field for p in check_age(young)} == {"age_at_referral", "route"}


def test_a_child_at_referral_was_a_child_when_exploited() -> None:
    found = check_age(
        facts(Route.NRM, AgeAtReferral.CHILD, date(2010, 1, 1), ON, exploited=AgeAtExploitation.ADULT)
    )
    assert [p.field for p in found] == ["age_at_exploitation"]
    assert "under 18 when exploited too" in found[0].message
    for band in (AgeAtExploitation.CHILD, AgeAtExploitation.UNKNOWN):
        assert check_age(facts(Route.NRM, AgeAtReferral.CHILD, date(2010, 1, 1), ON, exploited=band)) == []


def test_exploited_as_a_child_and_referred_as_an_adult_is_an_adult_referral() -> None:
    """The statutory guidance: the age at referral decides the route, not the age at exploitation."""
    survivor = facts(
        Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2000, 1, 1), ON, exploited=AgeAtExploitation.CHILD
    )
    assert check_referral(survivor) == []


def test_an_age_dispute_keeps_the_child_route() -> None:
    grown = date(1990, 1, 1)
    assert check_referral(facts(Route.NRM, AgeAtReferral.DISPUTED, grown, ON)) == []
    found = check_referral(facts(Route.DUTY_TO_NOTIFY, AgeAtReferral.DISPUTED, grown, ON))
    assert [p.field for p in found] == ["route"] and "Age disputed" in found[0].message
    young = facts(Route.NRM, AgeAtReferral.DISPUTED, date(2012, 1, 1), ON, estimated=16)
    assert check_referral(young) == []


def test_age_against_a_stored_referral_names_it_and_says_the_rule() -> None:
    stored = facts(
        Route.DUTY_TO_NOTIFY, AgeAtReferral.ADULT, date(2015, 6, 1), ON, exploited=AgeAtExploitation.ADULT
    )
    said = age_against_referral("NRM-000007", stored)
    assert said is not None
    assert said.startswith(
        "Born 01/06/2015, the person was 7 when referred (01/03/2023), but referral NRM-000007"
    )
    assert "records an adult at referral, a Duty to Notify and an adult when exploited" in said
    assert "Duty to Notify is for adults only" in said
    nrm = facts(Route.NRM, AgeAtReferral.ADULT, None, ON, estimated=12)
    said = age_against_referral("NRM-000008", nrm)
    assert said is not None and "records an adult at referral:" in said
    later = facts(Route.NRM, AgeAtReferral.CHILD, date(2024, 1, 1), ON)
    assert age_against_referral("NRM-000009", later) == (
        "The date of birth 01/01/2024 is after referral NRM-000009 (01/03/2023); check the year"
    )
    assert (
        age_against_referral("NRM-000010", facts(Route.NRM, AgeAtReferral.CHILD, date(2015, 6, 1), ON))
        is None
    )
