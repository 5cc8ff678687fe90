"""Court outcome words, sentences and custodial flags as files and forms give them."""

import pytest

from mshtdesk.domain.outcomes import (
    Outcome,
    describe,
    parse_custodial,
    parse_outcome,
    parse_sentence_months,
    sentence_problems,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("convicted", Outcome.CONVICTED),
        ("CONVICTED", Outcome.CONVICTED),
        (" Convicted-Lesser ", Outcome.CONVICTED_LESSER),
        ("convicted_lesser", Outcome.CONVICTED_LESSER),
        ("Convicted of a lesser offence", Outcome.CONVICTED_LESSER),
        ("Acquitted", Outcome.ACQUITTED),
        ("discontinued", Outcome.DISCONTINUED),
        ("Other", Outcome.OTHER),
        ("other outcome", Outcome.OTHER),
        ("", None),
        ("guilty", None),
        ("convicted lesser x", None),
        ("=1+1", None),
    ],
)
def test_outcomes_are_read_in_any_case(text: str, expected: Outcome | None) -> None:
    assert parse_outcome(text) is expected


def test_labels_in_the_table_order() -> None:
    assert [o.label for o in Outcome] == [
        "Convicted",
        "Convicted of a lesser offence",
        "Acquitted",
        "Discontinued",
        "Other outcome",
    ]
    assert Outcome.CONVICTED_LESSER.is_conviction and not Outcome.ACQUITTED.is_conviction


def test_sentence_months() -> None:
    assert parse_sentence_months("") is None
    assert parse_sentence_months(" 18 ") == 18
    assert parse_sentence_months("0") == 0
    for bad in ("1.5", "-3", "eighteen", "١٢", "1e3", "601", "99999999999999999999"):
        with pytest.raises(ValueError):
            parse_sentence_months(bad)


def test_custodial() -> None:
    assert parse_custodial("") is None
    assert parse_custodial("YES") is True and parse_custodial("y") is True
    assert parse_custodial("No") is False and parse_custodial("0") is False
    with pytest.raises(ValueError):
        parse_custodial("maybe")


def test_no_sentence_without_a_conviction() -> None:
    assert sentence_problems(Outcome.CONVICTED, 24, True) == {}
    assert sentence_problems(Outcome.OTHER, None, None) == {}
    problems = sentence_problems(Outcome.ACQUITTED, 12, False)
    assert set(problems) == {"sentence_months", "custodial"}
    assert "sentence_months" in sentence_problems(Outcome.CONVICTED, 601, True)


def test_describe() -> None:
    assert describe(Outcome.CONVICTED, 18, True) == "Convicted, 18 months, custodial"
    lesser = describe(Outcome.CONVICTED_LESSER, 1, False)
    assert lesser == "Convicted of a lesser offence, 1 month, non-custodial"
    assert describe(Outcome.DISCONTINUED, None, None) == "Discontinued"
