"""The age rule shared by the referral form and the NRM import: a child at referral never goes by Duty to
Notify, an adult band cannot hide a child's date of birth, and nobody is born after their referral."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain.nrm import AgeAtReferral, ReferralFacts, Route, age_on, check_age, check_referral


def facts(route: Route, age: AgeAtReferral, born: date | None, on: date | None) -> ReferralFacts:
    return ReferralFacts(
        route=route,
        age_at_referral=age,
        consent=route is Route.NRM,
        crime_ref="13/1/23",
        date_of_birth=born,
        referred_on=on,
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
