"""The NRM service's pure rules: status and clocks from effective decisions, across bank holidays."""

from __future__ import annotations

from datetime import date

import pytest

from mshtdesk.domain.nrm import Decision, DecisionKind, Outcome, Route, replay
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.services.nrm_rules import clocks_of, effective, last_decision_text, status_of
from mshtdesk.services.nrm_types import ReferralStatus

CAL = WorkingCalendar()
RG, CG = DecisionKind.RG, DecisionKind.CG
REQ, REFUSED, WD = (
    DecisionKind.RECONSIDERATION_REQUESTED,
    DecisionKind.RECONSIDERATION_REFUSED,
    DecisionKind.WITHDRAWAL,
)
POS, NEG = Outcome.POSITIVE, Outcome.NEGATIVE


def d(kind: DecisionKind, on: date, outcome: Outcome | None = None) -> Decision:
    return Decision(kind, on, outcome)


@pytest.mark.parametrize(
    ("history", "today", "status"),
    [
        ([], date(2023, 5, 10), ReferralStatus.AWAITING_RG),
        ([], date(2023, 5, 12), ReferralStatus.RG_OVERDUE),
        ([d(RG, date(2023, 5, 5), POS)], date(2023, 6, 1), ReferralStatus.AWAITING_CG),
        ([d(RG, date(2023, 5, 5), NEG)], date(2023, 6, 1), ReferralStatus.CONCLUDED),
        (
            [d(RG, date(2023, 5, 5), NEG), d(REQ, date(2023, 5, 9))],
            date(2023, 6, 1),
            ReferralStatus.AWAITING_RG,
        ),
        (
            [d(RG, date(2023, 5, 5), NEG), d(REQ, date(2023, 5, 9)), d(REFUSED, date(2023, 5, 20))],
            date(2023, 6, 1),
            ReferralStatus.CONCLUDED,
        ),
        (
            [d(RG, date(2023, 5, 5), POS), d(CG, date(2023, 7, 5), NEG), d(REQ, date(2023, 7, 9))],
            date(2023, 8, 1),
            ReferralStatus.AWAITING_CG,
        ),
        ([d(RG, date(2023, 5, 5), POS), d(WD, date(2023, 5, 9))], date(2023, 6, 1), ReferralStatus.WITHDRAWN),
    ],
)
def test_status(history: list[Decision], today: date, status: ReferralStatus) -> None:
    # Submitted Tuesday 2 May 2023: the Coronation bank holiday (Monday 8 May) moves the 5th working day
    # from Tuesday 9 May to Wednesday 10 May.
    assert status_of(Route.NRM, replay(history), date(2023, 5, 2), CAL, today) is status
    clocks = clocks_of(Route.NRM, replay(history), date(2023, 5, 2), CAL, today)
    assert clocks.rg_expected == date(2023, 5, 10)
    assert clocks.rg_overdue is (status is ReferralStatus.RG_OVERDUE)


def test_a_duty_to_notify_has_no_clock() -> None:
    assert status_of(Route.DUTY_TO_NOTIFY, replay([]), date(2023, 5, 2), CAL, date(2024, 1, 1)) is (
        ReferralStatus.DUTY_TO_NOTIFY
    )
    c = clocks_of(Route.DUTY_TO_NOTIFY, replay([]), date(2023, 5, 2), CAL, date(2024, 1, 1))
    assert c.rg_expected is None and not c.rg_overdue and c.days_waiting is None


def test_recovery_period_and_reconsideration_window() -> None:
    # A positive RG before 30/01/2023 has 45 days, after it 30.
    old = clocks_of(
        Route.NRM, replay([d(RG, date(2022, 12, 20), POS)]), date(2022, 12, 12), CAL, date(2023, 1, 5)
    )
    assert old.recovery_period_end == date(2023, 2, 3) and old.waiting_for == "CG" and old.days_waiting == 16
    new = clocks_of(
        Route.NRM, replay([d(RG, date(2023, 2, 1), POS)]), date(2023, 1, 25), CAL, date(2023, 2, 1)
    )
    assert new.recovery_period_end == date(2023, 3, 3) and new.days_waiting == 0
    neg = replay([d(RG, date(2023, 2, 1), POS), d(CG, date(2023, 6, 1), NEG)])
    c = clocks_of(Route.NRM, neg, date(2023, 1, 25), CAL, date(2023, 6, 2))
    assert c.reconsideration_window_end == date(2023, 7, 1) and c.waiting_for == ""
    refused = replay([d(RG, date(2023, 2, 1), NEG), d(REQ, date(2023, 2, 5)), d(REFUSED, date(2023, 3, 1))])
    assert (
        clocks_of(Route.NRM, refused, date(2023, 1, 25), CAL, date(2023, 3, 2)).reconsideration_window_end
        is None
    )


def test_christmas_and_the_2022_state_funeral_move_the_rg_clock() -> None:
    # Submitted Friday 23/12/2022: 26 and 27 December are bank holidays: 5th working day 04/01/2023.
    assert clocks_of(Route.NRM, replay([]), date(2022, 12, 23), CAL, date(2023, 1, 4)).rg_expected == date(
        2023, 1, 4
    )
    # Submitted Friday 16/09/2022: Monday 19/09/2022 was the State Funeral: 5th working day 26/09/2022.
    c = clocks_of(Route.NRM, replay([]), date(2022, 9, 16), CAL, date(2022, 9, 27))
    assert c.rg_expected == date(2022, 9, 26) and c.rg_overdue


def test_effective_leaves_out_void_markers_and_what_they_withdrew() -> None:
    rows = [
        (1, "rg", "positive", date(2023, 5, 5), False, None),
        (2, "cg", "negative", date(2023, 7, 5), False, None),
        (3, "cg", "negative", date(2023, 7, 5), True, 2),
        (4, "withdrawal", "", date(2023, 7, 6), False, None),
    ]
    assert effective(rows) == [d(RG, date(2023, 5, 5), POS), d(WD, date(2023, 7, 6))]


def test_last_decision_text() -> None:
    assert (
        last_decision_text(CG, Outcome.POSITIVE_SLAVERY, date(2024, 2, 3))
        == "Positive (slavery) CG 03/02/2024"
    )
    assert last_decision_text(REQ, None, date(2024, 2, 3)) == "Reconsideration requested 03/02/2024"
    assert last_decision_text(None, None, None) == ""
