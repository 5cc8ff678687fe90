from datetime import date

import pytest

from mshtdesk.domain.dates import last_complete_financial_year, parse_date, uk


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-05-24", date(2022, 5, 24)),
        ("24/05/2022", date(2022, 5, 24)),
        ("1/4/2021", date(2021, 4, 1)),
        (" 2022-05-24 ", date(2022, 5, 24)),
        ("2022-5-4", date(2022, 5, 4)),
        ("2022-05-24T13:45:00", date(2022, 5, 24)),
        ("24/05/2022 13:45", date(2022, 5, 24)),
        ("2022-05-24 23:59:59.123+01:00", date(2022, 5, 24)),
    ],
)
def test_parse_iso_and_uk(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2022-13-01", "31/02/2022", "05/24/2022", "2022/05/24", "yesterday", "", "24/05/22", "2022-05-24 25:9x"],
)
def test_parse_rejects_impossible_or_ambiguous(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_uk_format() -> None:
    assert uk(date(2022, 5, 4)) == "04/05/2022"


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 11, 22), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 4, 1), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2026, 3, 31), (date(2024, 4, 1), date(2025, 3, 31))),
    ],
)
def test_last_complete_financial_year(today: date, expected: tuple[date, date]) -> None:
    assert last_complete_financial_year(today) == expected
