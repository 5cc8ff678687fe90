from datetime import date

import pytest

from mshtdesk.domain.disposals import (
    DEFAULT_DISPOSALS,
    Event,
    arrest_disposal_as_at,
    offence_disposal_as_at,
    parse_disposal,
    validate_ranking,
)

RANK = {k.code: k.default_rank for k in DEFAULT_DISPOSALS}
D = date


def test_default_ranking_is_the_seed_row_order() -> None:
    assert [k.label for k in sorted(DEFAULT_DISPOSALS, key=lambda k: k.default_rank)] == [
        "Charge",
        "Other Warrant",
        "Other Transfer",
        "Other",
        "No further action",
        "Bail",
        "Released under investigation",
    ]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Charge", "CHARGE"),
        ("charge", "CHARGE"),
        ("NFA", "NFA"),
        ("nfa", "NFA"),
        ("No Further Action", "NFA"),
        ("RUI", "RUI"),
        ("Released  under investigation", "RUI"),
        ("Other Warrant", "OTHER_WARRANT"),
        ("other_transfer", "OTHER_TRANSFER"),
        ("Bail", "BAIL"),
        ("Other", "OTHER"),
        ("Caution", None),
        ("", None),
    ],
)
def test_parse_disposal(text: str, code: str | None) -> None:
    assert parse_disposal(text) == code


def test_latest_event_on_or_before_the_as_at_date_wins() -> None:
    events = [Event("RUI", D(2022, 1, 1)), Event("NFA", D(2022, 3, 1))]
    assert offence_disposal_as_at(events, D(2022, 2, 28), RANK) == "RUI"
    assert offence_disposal_as_at(events, D(2022, 3, 1), RANK) == "NFA"
    assert offence_disposal_as_at(events, D(2021, 12, 31), RANK) is None


def test_latest_not_highest_within_one_offence() -> None:
    # Bailed, then the bail lapsed to RUI: RUI is the offence's disposal although Bail ranks higher.
    events = [Event("BAIL", D(2022, 1, 1)), Event("RUI", D(2022, 2, 1))]
    assert offence_disposal_as_at(events, D(2022, 5, 1), RANK) == "RUI"


def test_same_day_tie_goes_to_the_higher_rank_whatever_the_order() -> None:
    for events in (
        [Event("BAIL", D(2022, 1, 1)), Event("CHARGE", D(2022, 1, 1))],
        [Event("CHARGE", D(2022, 1, 1)), Event("BAIL", D(2022, 1, 1))],
    ):
        assert offence_disposal_as_at(events, D(2022, 1, 1), RANK) == "CHARGE"


def test_seed_example_charge_and_nfa_is_charge() -> None:
    charged = [Event("RUI", D(2021, 6, 1)), Event("CHARGE", D(2021, 9, 1))]
    nfa = [Event("RUI", D(2021, 6, 1)), Event("NFA", D(2021, 10, 1))]
    assert arrest_disposal_as_at([charged, nfa], D(2022, 5, 24), RANK) == "CHARGE"


def test_arrest_with_no_events_has_no_disposal() -> None:
    assert arrest_disposal_as_at([[], []], D(2022, 5, 24), RANK) is None


def test_ranking_order_changes_the_answer() -> None:
    swapped = dict(RANK, NFA=1, CHARGE=5)
    offences = [[Event("CHARGE", D(2021, 9, 1))], [Event("NFA", D(2021, 10, 1))]]
    assert arrest_disposal_as_at(offences, D(2022, 1, 1), swapped) == "NFA"


def test_ranking_must_name_each_type_once() -> None:
    codes = [k.code for k in DEFAULT_DISPOSALS]
    validate_ranking(list(reversed(codes)))
    with pytest.raises(ValueError):
        validate_ranking(codes[:-1])
    with pytest.raises(ValueError):
        validate_ranking([*codes[:-1], codes[0]])
