"""How long personal records are kept before someone reviews them (DPA 2018 s.39: no longer than needed).

A rule per kind of record says how many years after that kind's last activity a person's record comes
up for review. A person is due when every kind that hangs off them is past its own rule, and past the
next review date a manager set when they last kept the record. The default, six years after the last
activity, follows common police practice for records of this kind; no law sets it, and an
administrator may change any rule. Backups are a different thing with their own rule
(``domain/retention.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum

DEFAULT_YEARS = 6
MIN_YEARS = 1
MAX_YEARS = 100

#: What an erased person's surname becomes: every list and form then shows "Erased record (P-000012)".
ERASED_NAME = "Erased record"

DEFAULT_WORDING = (
    f"The default is a review {DEFAULT_YEARS} years after the last activity. It follows common police "
    "practice for records like these; it is not a period set by law. An administrator may change it."
)


class RecordKind(StrEnum):
    """The kinds of record a person's review date is made from."""

    PERSON = "person"  # the person's own record, its edits and its links to arrests and operations
    REFERRAL = "referral"  # NRM referrals and Duty to Notify reports, with their decisions
    NAVIGATOR_CASE = "navigator_case"
    STAY = "stay"  # Haven House stays
    CONTACT = "contact"  # victim liaison officers' contacts
    ARREST = "arrest"  # the arrests the person is linked to, and their disposals

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    RecordKind.PERSON: "Person record and links",
    RecordKind.REFERRAL: "NRM referrals and decisions",
    RecordKind.NAVIGATOR_CASE: "Navigator cases",
    RecordKind.STAY: "Haven House stays",
    RecordKind.CONTACT: "VLO contacts",
    RecordKind.ARREST: "Linked arrests and disposals",
}


def parse_kind(text: str) -> RecordKind | None:
    """A kind from its code (``navigator_case``, ``navigator-case``), any case; None if unknown."""
    wanted = text.strip().lower().replace("-", "_")
    return next((k for k in RecordKind if k.value == wanted), None)


def years_problem(years: int) -> str | None:
    if not MIN_YEARS <= years <= MAX_YEARS:
        return f"A review period is a whole number of years from {MIN_YEARS} to {MAX_YEARS}."
    return None


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def cutoffs(rules: Mapping[RecordKind, int], today: date) -> dict[RecordKind, date]:
    """Per kind, the day activity must be before for that kind to be past its rule today."""
    return {kind: add_years(today, -years) for kind, years in rules.items()}


def review_date(
    last: Mapping[RecordKind, date | None], rules: Mapping[RecordKind, int], kept_until: date | None
) -> date | None:
    """When the record comes up for review: the latest of each kind's last activity plus its years, and
    the next review date set when it was last kept. None when there is nothing to date it by."""
    dates = [add_years(day, rules[kind]) for kind, day in last.items() if day is not None]
    if kept_until is not None:
        dates.append(kept_until)
    return max(dates, default=None)


def last_activity(last: Mapping[RecordKind, date | None]) -> date | None:
    return max((d for d in last.values() if d is not None), default=None)
