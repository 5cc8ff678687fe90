"""The rule "engaged at charge as at D" (``domain/engagement.py``), case by case, and the counts."""

from __future__ import annotations

from datetime import date

from mshtdesk.domain.engagement import (
    DecisionVictim,
    Milestone,
    MilestoneFact,
    date_problem,
    engaged_at_charge,
    engagement_counts,
    reason_problem,
)

CHARGE = date(2024, 6, 1)
AS_AT = date(2025, 4, 30)
FIRST, AT_CHARGE, COURT, GONE = (
    Milestone.ENGAGED_FIRST_ACCOUNT,
    Milestone.ENGAGED_AT_CHARGE,
    Milestone.ENGAGED_AT_COURT,
    Milestone.DISENGAGED,
)


def m(
    code: Milestone, on: date, recorded: date | None = None, withdrawn: date | None = None, order: int = 0
) -> MilestoneFact:
    return MilestoneFact(code, on, recorded or on, withdrawn, order)


def test_no_milestone_or_only_first_account_or_court_is_not_engaged_at_charge() -> None:
    assert not engaged_at_charge([], CHARGE, AS_AT)
    assert not engaged_at_charge([m(FIRST, date(2024, 5, 1))], CHARGE, AS_AT)
    assert not engaged_at_charge([m(COURT, date(2024, 9, 1))], CHARGE, AS_AT)


def test_engaged_at_charge_counts() -> None:
    assert engaged_at_charge([m(FIRST, date(2024, 5, 1)), m(AT_CHARGE, CHARGE)], CHARGE, AS_AT)


def test_disengaged_before_the_decision_is_not_engaged_but_after_it_still_was() -> None:
    before = [m(AT_CHARGE, date(2024, 5, 20)), m(GONE, date(2024, 5, 25))]
    assert not engaged_at_charge(before, CHARGE, AS_AT)
    after = [m(AT_CHARGE, CHARGE), m(GONE, date(2024, 12, 1))]
    assert engaged_at_charge(after, CHARGE, AS_AT)
    # disengaged on the day of the decision, recorded after the engagement: the later record decides
    same_day = [m(AT_CHARGE, CHARGE, order=1), m(GONE, CHARGE, order=2)]
    assert not engaged_at_charge(same_day, CHARGE, AS_AT)


def test_re_engaging_after_disengaging_counts() -> None:
    back = [m(GONE, date(2024, 5, 1)), m(AT_CHARGE, CHARGE)]
    assert engaged_at_charge(back, CHARGE, AS_AT)


def test_as_at_recorded_after_or_withdrawn_before_does_not_count() -> None:
    late = [m(AT_CHARGE, CHARGE, recorded=date(2025, 5, 5))]
    assert not engaged_at_charge(late, CHARGE, AS_AT)
    assert engaged_at_charge(late, CHARGE, date(2025, 5, 5))
    withdrawn = [m(AT_CHARGE, CHARGE, withdrawn=date(2024, 7, 1))]
    assert not engaged_at_charge(withdrawn, CHARGE, AS_AT)
    assert engaged_at_charge(withdrawn, CHARGE, date(2024, 6, 30))  # still stood then
    # a withdrawn disengagement no longer undoes the engagement
    undone = [m(AT_CHARGE, date(2024, 5, 1)), m(GONE, date(2024, 5, 20), withdrawn=date(2024, 8, 1))]
    assert engaged_at_charge(undone, CHARGE, AS_AT)
    assert not engaged_at_charge(undone, CHARGE, date(2024, 7, 1))


def test_a_milestone_dated_after_the_as_at_date_does_not_count() -> None:
    assert not engaged_at_charge([m(AT_CHARGE, date(2025, 5, 1), recorded=date(2025, 4, 1))], CHARGE, AS_AT)


def test_counts_with_and_without_a_navigator() -> None:
    victims = [
        DecisionVictim(1, CHARGE, True, (m(AT_CHARGE, CHARGE),)),
        DecisionVictim(2, CHARGE, True, ()),
        DecisionVictim(3, CHARGE, False, (m(AT_CHARGE, CHARGE),)),
        DecisionVictim(4, CHARGE, False, (m(GONE, date(2024, 5, 1)),)),
        DecisionVictim(5, CHARGE, False, ()),
    ]
    c = engagement_counts(victims, AS_AT)
    assert (c.with_navigator, c.with_navigator_engaged, c.without_navigator, c.without_navigator_engaged) == (
        2, 1, 3, 1
    )  # fmt: skip
    assert (c.total, c.engaged) == (5, 2)


def test_parsing_reasons_and_dates() -> None:
    assert Milestone.parse("Engaged-At-Charge") is AT_CHARGE
    assert Milestone.parse("disengaged") is GONE
    assert Milestone.parse("Engaged at court") is COURT
    assert Milestone.parse("engaged") is None and Milestone.parse("") is None
    assert reason_problem(GONE, "  ") is not None
    assert reason_problem(GONE, "Moved abroad") is None
    assert reason_problem(FIRST, "") is None
    assert reason_problem(FIRST, "x" * 1001) is not None
    assert date_problem(date(2025, 1, 2), date(2025, 1, 1)) is not None
    assert date_problem(date(2025, 1, 1), date(2025, 1, 1)) is None
