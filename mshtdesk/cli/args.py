"""Argument types and shared options: each turns a typed string into a value or one clear sentence."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TypeAlias

from mshtdesk.domain.dates import last_complete_financial_year, parse_date

MAX_DEMO_ARRESTS = 2_000_000
# argparse names no public type for what add_subparsers returns
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


@dataclass(frozen=True)
class Parents:
    """Options many commands share: ``--db`` and, for disclosures, ``--reason``."""

    common: argparse.ArgumentParser
    disclose: argparse.ArgumentParser


def date_arg(text: str) -> date:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def timestamp_arg(text: str) -> datetime:
    """An ISO 8601 moment (``2026-12-03T16:05``, ``...Z`` or ``...+01:00``); without an offset, UTC."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a moment: write it as YYYY-MM-DDTHH:MM (UTC) or add an offset such as +01:00"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_id_arg(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"'{text}' is not a run number: give the number of a report run")
    return int(text)


def event_id_arg(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an audit event number: give the merge's event number"
        )
    return int(text)


def add_recorded_at(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recorded-at",
        dest="recorded_at",
        type=timestamp_arg,
        default=None,
        metavar="TIMESTAMP",
        help="the records as recorded at this moment (UTC unless an offset is given): arrests, disposals "
        "and corrections recorded later are left out",
    )


def years_arg(text: str) -> int:
    if not text.strip().isdigit() or not 0 < int(text) <= 100:
        raise argparse.ArgumentTypeError(
            f"'{text[:20]}' is not a number of years: give a whole number from 1 to 100"
        )
    return int(text)


def count_arg(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 < n <= MAX_DEMO_ARRESTS:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MAX_DEMO_ARRESTS:,}")
    return n


def limit_arg(text: str) -> int:
    from mshtdesk.services.search import MOST

    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 0 < n <= MOST:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MOST:,}")
    return n


def add_period(parser: argparse.ArgumentParser, *, first: str, last: str, as_at: str) -> None:
    """--from/--to (default: the last complete financial year) and --as-at (default: today)."""
    start, end = last_complete_financial_year(date.today())
    for flag, dest, default, text in (
        ("--from", "date_from", start, f"{first} (default: start of the last complete financial year)"),
        ("--to", "date_to", end, f"{last} (default: its end)"),
        ("--as-at", "as_at", date.today(), as_at),
    ):
        parser.add_argument(flag, dest=dest, type=date_arg, default=default, metavar="YYYY-MM-DD", help=text)
