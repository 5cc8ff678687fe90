"""Dates as people type them: ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY``; the financial year default."""

from __future__ import annotations

import re
from datetime import date

_UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME = re.compile(r"^(\S+)(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)$")


def parse_date(text: str) -> date:
    """Parse an ISO or UK date; raise ValueError with a message fit to show a user.

    A time of day after the date (custody systems often export date-times) is accepted and ignored.
    """
    s = text.strip()
    timed = _TIME.match(s)
    if timed:
        s = timed.group(1)
    m = _ISO.match(s)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _UK.match(s)
        if not m:
            raise ValueError(f"'{_clip(s)}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)")
        d, mo, y = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"'{_clip(s)}' is not a real calendar date") from None


def _clip(s: str, n: int = 40) -> str:
    return s if len(s) <= n else s[: n - 1] + "\u2026"


def last_complete_financial_year(today: date) -> tuple[date, date]:
    """UK financial year 1 April to 31 March: the most recent one that has ended by ``today``."""
    end_year = today.year if today >= date(today.year, 4, 1) else today.year - 1
    return date(end_year - 1, 4, 1), date(end_year, 3, 31)


def uk(d: date) -> str:
    """DD/MM/YYYY, as the force prints dates."""
    return d.strftime("%d/%m/%Y")
