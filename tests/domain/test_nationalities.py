"""The shipped nationality list: names as GOV.UK writes them, ISO alpha-3 codes, and parsing either."""

from __future__ import annotations

import pytest

from mshtdesk.domain.nationalities import NATIONALITIES, NATIONALITY_NAMES, alpha3_of, parse_nationality


def test_the_list_is_complete_sorted_and_unique() -> None:
    assert len(NATIONALITIES) >= 200
    assert list(NATIONALITY_NAMES) == sorted(NATIONALITY_NAMES, key=str.casefold)
    assert len(set(NATIONALITY_NAMES)) == len(NATIONALITY_NAMES)
    assert all(len(n.alpha3) == 3 and n.alpha3.isalpha() and n.alpha3.isupper() for n in NATIONALITIES)
    # the nationalities the team meets most (domain.md: mostly Eastern European and UK nationals)
    for name in ("Afghan", "Albanian", "British", "Polish", "Romanian", "Vietnamese", "Eritrean", "Sudanese"):
        assert name in NATIONALITY_NAMES


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Polish", "Polish"),
        ("polish", "Polish"),
        ("  ALBANIAN ", "Albanian"),
        ("POL", "Polish"),
        ("alb", "Albanian"),
        ("GBR", "British"),
        ("VNM", "Vietnamese"),
        ("ROU", "Romanian"),
        ("Congolese (DRC)", "Congolese (DRC)"),
        ("cod", "Congolese (DRC)"),
        ("Citizen of   Bosnia and Herzegovina", "Citizen of Bosnia and Herzegovina"),
        ("XKX", "Kosovan"),
        ("Lao", "Lao"),
    ],
)
def test_parse_accepts_a_name_or_a_code_in_any_case(text: str, name: str) -> None:
    assert parse_nationality(text) == name


@pytest.mark.parametrize("text", ["", "   ", "Poland", "PL", "XYZ", "Britain", "Polishh"])
def test_parse_refuses_what_is_not_a_nationality(text: str) -> None:
    assert parse_nationality(text) is None


def test_every_code_leads_back_to_a_name_with_that_code() -> None:
    for n in NATIONALITIES:
        found = parse_nationality(n.alpha3)
        assert found is not None and alpha3_of(found) == n.alpha3
    assert alpha3_of("welsh") == "GBR" and alpha3_of("Atlantean") is None
