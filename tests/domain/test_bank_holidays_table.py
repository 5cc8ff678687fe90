"""The generated bank-holiday table says what the ``holidays`` package says, year by year."""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from mshtdesk.domain.bank_holidays_table import FIRST, LAST
from mshtdesk.domain.working_days import ENGLAND_AND_WALES, bank_holidays
from tools.bank_holidays import TARGET, render


def test_the_table_file_is_what_the_generator_writes_now() -> None:
    # fails after a package upgrade that changes a year: run `uv run python -m tools.bank_holidays`
    assert TARGET.read_text(encoding="utf-8") == render()


@pytest.mark.parametrize("year", [FIRST, 2012, 2020, 2022, 2023, 2026, LAST, FIRST - 1, LAST + 1])
def test_each_year_matches_the_package(year: int) -> None:
    package = sorted(holidays.country_holidays("GB", subdiv="ENG", years=year).items())
    assert list(bank_holidays(year)) == package


def test_one_off_days_are_in_the_table() -> None:
    days = dict(bank_holidays(2022)) | dict(bank_holidays(2023))
    assert date(2022, 9, 19) in days  # the State Funeral
    assert date(2023, 5, 8) in days  # the Coronation
    assert not ENGLAND_AND_WALES.is_working_day(date(2022, 9, 19))
    assert ENGLAND_AND_WALES.is_working_day(date(2022, 9, 20))
