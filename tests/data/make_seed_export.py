"""Generate ``seed_000_custody_export.csv``, the synthetic custody export behind the disposal-table tests.

Why this exists: MSHT Desk must reproduce a published police table (arrests by disposal type and district,
arrest period 2021-04-01..2022-04-30, as at 2022-05-24) from a raw custody-system export. No real export can
be committed, so this script builds a fully synthetic one, deterministically, that reproduces the published
table cell for cell while exercising the traps a naive implementation falls into: events after the as-at
date, same-day ties, "latest" versus "highest-ranked", arrests outside the period, mixed date formats,
district names instead of codes and disposal abbreviations.

Before writing, the script re-reads its own CSV text with an independent implementation of the as-at rule
and refuses to write a fixture that does not reproduce the table (or that a naive rule would also pass).

Run from the repository root: ``python tests/data/make_seed_export.py`` (standard library only).
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

SEED = 20220524
OUT_PATH = Path(__file__).with_name("seed_000_custody_export.csv")
HEADER = [
    "arrest_ref",
    "arrest_date",
    "district",
    "detainee_ref",
    "offence_ref",
    "offence",
    "disposal",
    "disposal_date",
]

PERIOD_START = date(2021, 4, 1)
PERIOD_END = date(2022, 4, 30)  # inclusive
AS_AT = date(2022, 5, 24)

CHARGE = "Charge"
WARRANT = "Other Warrant"
TRANSFER = "Other Transfer"
OTHER = "Other"
NFA = "No further action"
BAIL = "Bail"
RUI = "Released under investigation"
RANKED = [CHARGE, WARRANT, TRANSFER, OTHER, NFA, BAIL, RUI]  # highest rank first
ABBREVIATIONS = {NFA: "NFA", RUI: "RUI"}

DISTRICTS = {"BD": "Bradford", "CD": "Calderdale", "KD": "Kirklees", "LD": "Leeds", "WD": "Wakefield"}

# The published table: disposal -> district code -> arrests.
TARGET: dict[str, dict[str, int]] = {
    CHARGE: {"BD": 1, "CD": 1, "KD": 0, "LD": 3, "WD": 1},
    WARRANT: {"BD": 1, "CD": 0, "KD": 0, "LD": 0, "WD": 0},
    TRANSFER: {"BD": 1, "CD": 0, "KD": 0, "LD": 2, "WD": 0},
    OTHER: {"BD": 0, "CD": 0, "KD": 0, "LD": 0, "WD": 0},
    NFA: {"BD": 12, "CD": 15, "KD": 13, "LD": 19, "WD": 8},
    BAIL: {"BD": 2, "CD": 1, "KD": 1, "LD": 3, "WD": 4},
    RUI: {"BD": 17, "CD": 12, "KD": 2, "LD": 7, "WD": 3},
}
TARGET_ROW_TOTALS = {CHARGE: 6, WARRANT: 1, TRANSFER: 3, OTHER: 0, NFA: 67, BAIL: 11, RUI: 41}
TARGET_DISTRICT_TOTALS = {"BD": 34, "CD": 29, "KD": 16, "LD": 34, "WD": 16}
TARGET_TOTAL = 129

OFFENCE_TEXTS = [
    "Modern Slavery Act 2015 s.1",
    "Modern Slavery Act 2015 s.2",
    "Modern Slavery Act 2015 s.4",
    "MSA s.1",
    "MSA s.2",
    "s.2 MSA 2015",
    "Sexual Offences Act 2003 s.59A",
    "Controlling prostitution for gain",
    "Causing or inciting prostitution for gain",
    "Hold person in slavery or servitude",
    "Arrange or facilitate travel of another with a view to exploitation",
    "Breach of Slavery and Trafficking Risk Order",
]

UK_DATE_SHARE = 0.15
DISTRICT_NAME_SHARE = 0.12
ABBREVIATION_SHARE = 0.25
REPEAT_DETAINEES = 12

History = list[tuple[date, str]]  # one offence's disposal events, in file order
Builder = Callable[[random.Random, date], list[History]]


# --------------------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    build: Builder
    window: tuple[date, date]  # arrest dates this scenario is realistic for


SCENARIOS: dict[str, Scenario] = {}


def scenario(
    name: str, window: tuple[date, date] = (PERIOD_START, PERIOD_END)
) -> Callable[[Builder], Builder]:
    def register(build: Builder) -> Builder:
        SCENARIOS[name] = Scenario(build, window)
        return build

    return register


def chain(rng: random.Random, start: date, n: int, *, lo: int = 14, hi: int = 240) -> list[date]:
    """``n`` distinct ascending dates between start+lo and start+hi days, none after the as-at date."""
    first = start + timedelta(days=lo)
    last = min(start + timedelta(days=hi), AS_AT)
    span = (last - first).days + 1
    if span < n:  # late arrests: squeeze the gap rather than leak past the as-at date
        first = start + timedelta(days=1)
        span = (last - first).days + 1
    assert span >= n, (start, n)
    return [first + timedelta(days=offset) for offset in sorted(rng.sample(range(span), n))]


def after_as_at(rng: random.Random) -> date:
    return AS_AT + timedelta(days=rng.randint(1, 120))


LATE = (date(2022, 2, 15), PERIOD_END)  # still on bail on 2022-05-24 is only plausible for recent arrests
SECOND_HALF = (date(2021, 10, 1), PERIOD_END)


# Charge -------------------------------------------------------------------------------------------------
@scenario("charge_plain")
def _charge_plain(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1, lo=21)
    return [[(a, RUI), (c, CHARGE)]]


@scenario("charge_bail_same_day")
def _charge_bail_same_day(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1, lo=21)
    return [[(a, RUI), (c, CHARGE), (c, BAIL)]]  # charged and bailed to court: Charge wins, Bail row last


@scenario("charge_in_custody_same_day")
def _charge_in_custody_same_day(rng: random.Random, a: date) -> list[History]:
    return [[(a, CHARGE), (a, BAIL)], [(a, NFA)]]


@scenario("charge_and_later_nfa")
def _charge_and_later_nfa(rng: random.Random, a: date) -> list[History]:
    c1, c2 = chain(rng, a, 2, lo=21)
    return [[(a, RUI), (c1, CHARGE)], [(a, RUI), (c2, NFA)]]  # latest event is the NFA; Charge still wins


@scenario("charge_three_offences")
def _charge_three_offences(rng: random.Random, a: date) -> list[History]:
    c1, c2 = chain(rng, a, 2, lo=21)
    return [[(a, BAIL), (c2, CHARGE)], [(a, BAIL), (c1, NFA)], [(a, RUI)]]


# Other Warrant / Other Transfer / Other ---------------------------------------------------------------
@scenario("warrant_with_nfa")
def _warrant_with_nfa(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, WARRANT)], [(a, RUI), (c, NFA)]]


@scenario("transfer_plain")
def _transfer_plain(rng: random.Random, a: date) -> list[History]:
    return [[(a, TRANSFER)]]


@scenario("transfer_after_rui")
def _transfer_after_rui(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, TRANSFER)]]


@scenario("transfer_with_nfa")
def _transfer_with_nfa(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, TRANSFER)], [(a, BAIL), (c, NFA)]]


@scenario("other_plain")
def _other_plain(rng: random.Random, a: date) -> list[History]:
    return [[(a, OTHER)]]


# No further action --------------------------------------------------------------------------------------
@scenario("nfa_plain")
def _nfa_plain(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, NFA)]]


@scenario("nfa_in_custody")
def _nfa_in_custody(rng: random.Random, a: date) -> list[History]:
    return [[(a, NFA)]]


@scenario("nfa_after_bail")
def _nfa_after_bail(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1, lo=7, hi=90)
    return [[(a, BAIL), (c, NFA)]]


@scenario("nfa_bail_rui_nfa")
def _nfa_bail_rui_nfa(rng: random.Random, a: date) -> list[History]:
    r, c = chain(rng, a, 2, lo=21)
    return [[(a, BAIL), (r, RUI), (c, NFA)]]


@scenario("nfa_with_rui_outstanding")
def _nfa_with_rui_outstanding(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, NFA)], [(a, RUI)]]  # NFA outranks RUI even though one offence is still open


@scenario("nfa_charge_after_as_at")
def _nfa_charge_after_as_at(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, NFA)], [(a, RUI), (after_as_at(rng), CHARGE)]]


@scenario("nfa_rui_same_day")
def _nfa_rui_same_day(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, NFA), (c, RUI)]]  # NFA wins the tie, RUI row last


@scenario("nfa_on_as_at_date")
def _nfa_on_as_at_date(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI), (AS_AT, NFA)]]


@scenario("nfa_two_offences")
def _nfa_two_offences(rng: random.Random, a: date) -> list[History]:
    c1, c2 = chain(rng, a, 2)
    return [[(a, RUI), (c1, NFA)], [(a, RUI), (c2, NFA)]]


@scenario("nfa_three_offences")
def _nfa_three_offences(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, NFA)], [(a, RUI), (c, NFA)], [(a, NFA)]]


# Bail -----------------------------------------------------------------------------------------------------
@scenario("bail_plain", LATE)
def _bail_plain(rng: random.Random, a: date) -> list[History]:
    return [[(a, BAIL)]]


@scenario("bail_charge_after_as_at", LATE)
def _bail_charge_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, BAIL), (after_as_at(rng), CHARGE)]]


@scenario("bail_nfa_day_after_as_at", LATE)
def _bail_nfa_day_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, BAIL), (AS_AT + timedelta(days=1), NFA)]]


@scenario("rui_then_bail", SECOND_HALF)
def _rui_then_bail(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1)
    return [[(a, RUI), (c, BAIL)]]


@scenario("bail_and_rui", LATE)
def _bail_and_rui(rng: random.Random, a: date) -> list[History]:
    return [[(a, BAIL)], [(a, RUI)]]


# Released under investigation ------------------------------------------------------------------------------
@scenario("rui_plain")
def _rui_plain(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI)]]


@scenario("bail_lapsed_to_rui")
def _bail_lapsed_to_rui(rng: random.Random, a: date) -> list[History]:
    (c,) = chain(rng, a, 1, lo=21, hi=90)
    return [[(a, BAIL), (c, RUI)]]  # latest event RUI; Bail ranks higher but is superseded


@scenario("rui_charge_after_as_at")
def _rui_charge_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI), (after_as_at(rng), CHARGE)]]


@scenario("rui_nfa_after_as_at")
def _rui_nfa_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI), (after_as_at(rng), NFA)]]


@scenario("rui_nfa_day_after_as_at")
def _rui_nfa_day_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI), (AS_AT + timedelta(days=1), NFA)]]


@scenario("rui_other_after_as_at")
def _rui_other_after_as_at(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI), (after_as_at(rng), OTHER)]]


@scenario("rui_two_offences")
def _rui_two_offences(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI)], [(a, RUI)]]


@scenario("rui_with_undisposed_offence")
def _rui_with_undisposed_offence(rng: random.Random, a: date) -> list[History]:
    return [[(a, RUI)], []]  # O2 has no disposal yet: the arrest still counts as RUI


# Which scenarios make up each row of the published table; the rest of the row uses DEFAULT_SCENARIO.
PLAN: dict[str, list[tuple[str, int]]] = {
    CHARGE: [
        ("charge_bail_same_day", 2),
        ("charge_in_custody_same_day", 1),
        ("charge_and_later_nfa", 1),
        ("charge_three_offences", 1),
    ],
    WARRANT: [("warrant_with_nfa", 1)],
    TRANSFER: [("transfer_after_rui", 1), ("transfer_with_nfa", 1)],
    OTHER: [],
    NFA: [
        ("nfa_in_custody", 6),
        ("nfa_after_bail", 6),
        ("nfa_bail_rui_nfa", 3),
        ("nfa_with_rui_outstanding", 4),
        ("nfa_charge_after_as_at", 2),
        ("nfa_rui_same_day", 2),
        ("nfa_on_as_at_date", 1),
        ("nfa_two_offences", 4),
        ("nfa_three_offences", 1),
    ],
    BAIL: [
        ("bail_charge_after_as_at", 2),
        ("bail_nfa_day_after_as_at", 1),
        ("rui_then_bail", 2),
        ("bail_and_rui", 2),
    ],
    RUI: [
        ("bail_lapsed_to_rui", 5),
        ("rui_charge_after_as_at", 4),
        ("rui_nfa_after_as_at", 3),
        ("rui_nfa_day_after_as_at", 1),
        ("rui_other_after_as_at", 1),
        ("rui_two_offences", 3),
        ("rui_with_undisposed_offence", 1),
    ],
}
DEFAULT_SCENARIO = {
    CHARGE: "charge_plain",
    WARRANT: "warrant_with_nfa",
    TRANSFER: "transfer_plain",
    OTHER: "other_plain",
    NFA: "nfa_plain",
    BAIL: "bail_plain",
    RUI: "rui_plain",
}

# In-period arrest dates pinned to boundaries and to UK dates that a month-first parser misreads.
PINNED_IN_PERIOD: list[tuple[date, bool]] = [
    (date(2021, 4, 1), False),  # first day of the period
    (date(2021, 4, 3), True),  # 03/04/2021: month-first reading gives 4 March 2021 (outside)
    (date(2022, 4, 5), True),  # 05/04/2022: month-first reading gives 4 May 2022 (outside)
    (date(2022, 4, 11), True),  # 11/04/2022: month-first reading gives 4 November 2022 (outside)
    (date(2022, 4, 30), True),  # last day of the period
]


@dataclass
class Arrest:
    arrest_date: date
    district: str  # code
    offences: list[History]
    scenario: str
    uk_dates: bool = False
    district_as_name: bool = False
    ref: str = ""
    detainee: str = ""
    offence_texts: list[str] = field(default_factory=list)


def outside_period_arrests() -> list[Arrest]:
    """Arrests that must NOT be counted (some with no disposal, which is allowed outside the period)."""
    d = date

    def arrest(
        when: date, district: str, offences: list[History], uk: bool = False, name: bool = False
    ) -> Arrest:
        return Arrest(when, district, offences, "outside_period", uk_dates=uk, district_as_name=name)

    return [
        # 04/03/2021 reads as 3 April 2021 (inside) to a month-first parser.
        arrest(d(2021, 3, 4), "LD", [[(d(2021, 3, 4), RUI), (d(2021, 7, 19), NFA)]], uk=True),
        arrest(d(2021, 3, 15), "BD", [[(d(2021, 3, 15), NFA)]]),
        arrest(
            d(2021, 3, 22),
            "KD",
            [
                [(d(2021, 3, 22), BAIL), (d(2021, 5, 10), CHARGE)],
                [(d(2021, 3, 22), BAIL), (d(2021, 5, 10), NFA)],
            ],
        ),
        arrest(d(2021, 3, 31), "WD", [[(d(2021, 3, 31), RUI), (d(2021, 9, 2), CHARGE)]], uk=True),
        # 01/05/2022 reads as 5 January 2022 (inside) to a month-first parser; the only "Other" in the file.
        arrest(d(2022, 5, 1), "CD", [[(d(2022, 5, 1), OTHER)]], uk=True),
        arrest(d(2022, 5, 3), "LD", [[(d(2022, 5, 3), RUI)]]),
        arrest(d(2022, 5, 6), "BD", [[(d(2022, 5, 6), BAIL), (d(2022, 6, 3), CHARGE)]], uk=True),
        arrest(d(2022, 5, 10), "KD", [[]]),
        arrest(d(2022, 5, 18), "LD", [[(d(2022, 5, 18), CHARGE), (d(2022, 5, 18), BAIL)]], name=True),
        arrest(d(2022, 5, 20), "WD", [[], []]),
        arrest(d(2022, 5, 24), "BD", [[(d(2022, 5, 24), RUI)]], name=True),
        arrest(d(2022, 6, 7), "LD", [[(d(2022, 6, 7), RUI)]]),
    ]


def random_date(rng: random.Random, window: tuple[date, date]) -> date:
    return window[0] + timedelta(days=rng.randint(0, (window[1] - window[0]).days))


def build_arrests(rng: random.Random) -> list[Arrest]:
    specs: list[tuple[str, str]] = []  # (district, scenario)
    for disposal in RANKED:
        districts = [code for code, n in TARGET[disposal].items() for _ in range(n)]
        rng.shuffle(districts)
        names = [name for name, n in PLAN[disposal] for _ in range(n)]
        assert len(names) <= len(districts), disposal
        names += [DEFAULT_SCENARIO[disposal]] * (len(districts) - len(names))
        specs += zip(districts, names, strict=True)

    dates: list[date | None] = [None] * len(specs)
    uk_flags = [False] * len(specs)
    for when, uk in PINNED_IN_PERIOD:
        fits = [
            i
            for i, (_, name) in enumerate(specs)
            if dates[i] is None and SCENARIOS[name].window[0] <= when <= SCENARIOS[name].window[1]
        ]
        i = rng.choice(fits)
        dates[i], uk_flags[i] = when, uk

    arrests: list[Arrest] = []
    for i, (district, name) in enumerate(specs):
        when = dates[i] or random_date(rng, SCENARIOS[name].window)
        uk = uk_flags[i] if dates[i] else rng.random() < UK_DATE_SHARE
        offences = SCENARIOS[name].build(rng, when)
        arrests.append(Arrest(when, district, offences, name, uk_dates=uk))
    arrests += outside_period_arrests()

    for arrest in arrests:
        arrest.district_as_name = arrest.district_as_name or rng.random() < DISTRICT_NAME_SHARE
        arrest.offence_texts = rng.sample(OFFENCE_TEXTS, len(arrest.offences))
        for history in arrest.offences:
            history.sort(key=lambda event: event[0])  # stable: same-day events keep their written order

    # Keep the scenario order as tie-break so the result does not depend on anything but the seed.
    order = sorted(range(len(arrests)), key=lambda i: (arrests[i].arrest_date, i))
    arrests = [arrests[i] for i in order]

    counters = {2021: rng.randint(100, 400), 2022: rng.randint(10, 60)}
    for arrest in arrests:
        year = arrest.arrest_date.year
        counters[year] += rng.randint(1, 12)
        arrest.ref = f"WY/{year % 100:02d}/{counters[year]:06d}"

    ids = rng.sample(range(10_000, 9_999_999), len(arrests))
    for arrest, number in zip(arrests, ids, strict=True):
        arrest.detainee = f"N{number:07d}"
    for i in sorted(rng.sample(range(10, len(arrests)), REPEAT_DETAINEES)):
        earlier = [
            j for j in range(i) if arrests[j].arrest_date <= arrests[i].arrest_date - timedelta(days=30)
        ]
        arrests[i].detainee = arrests[rng.choice(earlier)].detainee
    return arrests


def format_date(when: date, uk: bool) -> str:
    return when.strftime("%d/%m/%Y") if uk else when.isoformat()


def render_csv(rng: random.Random, arrests: list[Arrest]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for arrest in arrests:
        district = DISTRICTS[arrest.district] if arrest.district_as_name else arrest.district
        head = [arrest.ref, format_date(arrest.arrest_date, arrest.uk_dates), district, arrest.detainee]
        for number, (history, text) in enumerate(zip(arrest.offences, arrest.offence_texts, strict=True), 1):
            if not history:
                writer.writerow([*head, f"O{number}", text, "", ""])
            for when, disposal in history:
                label = disposal
                if disposal in ABBREVIATIONS and rng.random() < ABBREVIATION_SHARE:
                    label = ABBREVIATIONS[disposal]
                writer.writerow([*head, f"O{number}", text, label, format_date(when, arrest.uk_dates)])
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------------
# Independent check: re-read the CSV text and apply the business rules from scratch
# --------------------------------------------------------------------------------------------------------

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
UK_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
DISPOSAL_ALIASES = {label.lower(): label for label in RANKED} | {"nfa": NFA, "rui": RUI}
DISTRICT_ALIASES = {code.lower(): code for code in DISTRICTS} | {n.lower(): c for c, n in DISTRICTS.items()}
RANK = {label: position for position, label in enumerate(RANKED)}  # lower is higher-ranked


def parse_date(text: str, *, month_first: bool = False) -> date:
    if match := ISO_DATE.fullmatch(text):
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = UK_DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"unrecognised date {text!r}")
    first, second, year = int(match[1]), int(match[2]), int(match[3])
    if month_first and first <= 12:  # what a lenient US-style parser does (used only to prove the trap)
        return date(year, first, second)
    return date(year, second, first)


@dataclass(frozen=True)
class Event:
    when: date
    disposal: str
    row: int  # position in the file


@dataclass
class ParsedArrest:
    ref: str
    arrest_date: date
    district: str
    detainee: str
    offences: dict[str, list[Event]] = field(default_factory=dict)


def parse_export(text: str, *, month_first: bool = False) -> dict[str, ParsedArrest]:
    assert not text.startswith("\ufeff") and "\r" not in text and text.endswith("\n")
    reader = csv.reader(io.StringIO(text, newline=""))
    assert next(reader) == HEADER
    arrests: dict[str, ParsedArrest] = {}
    offence_text: dict[tuple[str, str], str] = {}
    empty_offences: set[tuple[str, str]] = set()
    previous_key: tuple[date, str, str, date] | None = None
    for row_number, row in enumerate(reader, 2):
        ref, arrest_date_text, district_text, detainee, offence_ref, offence, disposal_text, when_text = row
        arrest_date = parse_date(arrest_date_text, month_first=month_first)
        district = DISTRICT_ALIASES[district_text.strip().lower()]
        arrest = arrests.setdefault(ref, ParsedArrest(ref, arrest_date, district, detainee))
        same_arrest = (arrest.arrest_date, arrest.district, arrest.detainee) == (
            arrest_date,
            district,
            detainee,
        )
        assert same_arrest, f"arrest {ref} is described inconsistently: row {row_number}"
        assert re.fullmatch(r"WY/\d{2}/\d{6}", ref) and re.fullmatch(r"N\d{7}", detainee), row
        assert re.fullmatch(r"O[1-3]", offence_ref), row
        assert offence_text.setdefault((ref, offence_ref), offence) == offence, row
        events = arrest.offences.setdefault(offence_ref, [])
        if not disposal_text:
            assert not when_text and not events, f"empty disposal row must be alone: row {row_number}"
            empty_offences.add((ref, offence_ref))
            when = date.min
        else:
            assert (ref, offence_ref) not in empty_offences, f"events after an empty row: row {row_number}"
            when = parse_date(when_text, month_first=month_first)
            events.append(Event(when, DISPOSAL_ALIASES[disposal_text.strip().lower()], row_number))
        if not month_first:
            assert when == date.min or when >= arrest_date, f"disposal before arrest: row {row_number}"
            key = (arrest_date, ref, offence_ref, when)
            assert previous_key is None or previous_key <= key, f"rows out of order at row {row_number}"
            previous_key = key
    for arrest in arrests.values():
        assert sorted(arrest.offences) == [f"O{n}" for n in range(1, len(arrest.offences) + 1)], arrest.ref
    return arrests


@dataclass(frozen=True)
class Rules:
    """The correct rules by default; each field can be switched to a naive variant to prove it fails."""

    as_at: date | None = AS_AT  # None: ignore the as-at date
    offence_rule: str = "latest"  # or "max_rank": highest-ranked event ever, not the latest
    tie_rule: str = "rank"  # or "last_row": same-day ties go to the later row in the file
    arrest_rule: str = "rank"  # or "latest": the arrest takes its most recent event, not the highest rank
    unit: str = "arrest"  # or "offence"
    period: tuple[date, date] | None = (PERIOD_START, PERIOD_END)  # None: no period filter


def offence_disposal(events: list[Event], rules: Rules) -> Event | None:
    known = [e for e in events if rules.as_at is None or e.when <= rules.as_at]
    if not known:
        return None
    if rules.offence_rule == "max_rank":
        return min(known, key=lambda e: (RANK[e.disposal], -e.when.toordinal()))
    if rules.tie_rule == "last_row":
        return max(known, key=lambda e: (e.when, e.row))
    return max(known, key=lambda e: (e.when, -RANK[e.disposal]))


def arrest_disposal(arrest: ParsedArrest, rules: Rules) -> str | None:
    per_offence = [offence_disposal(events, rules) for events in arrest.offences.values()]
    known = [e for e in per_offence if e is not None]
    if not known:
        return None
    if rules.arrest_rule == "latest":
        return max(known, key=lambda e: (e.when, e.row)).disposal
    return min(known, key=lambda e: RANK[e.disposal]).disposal


def count_table(arrests: dict[str, ParsedArrest], rules: Rules) -> dict[str, dict[str, int]]:
    table = {label: dict.fromkeys(DISTRICTS, 0) for label in [*RANKED, "(none)"]}
    for arrest in arrests.values():
        if rules.period and not rules.period[0] <= arrest.arrest_date <= rules.period[1]:
            continue
        if rules.unit == "offence":
            for events in arrest.offences.values():
                event = offence_disposal(events, rules)
                table[event.disposal if event else "(none)"][arrest.district] += 1
        else:
            table[arrest_disposal(arrest, rules) or "(none)"][arrest.district] += 1
    return table


def format_table(table: dict[str, dict[str, int]]) -> str:
    lines = [f"{'Disposal Type':<30}{'Disposals':>9}  " + " ".join(f"{code:>2}" for code in DISTRICTS)]
    for label in [*RANKED, "(none)"]:
        if label == "(none)" and not any(table[label].values()):
            continue
        cells = table[label]
        lines.append(f"{label:<30}{sum(cells.values()):>9}  " + " ".join(f"{cells[c]:>2}" for c in DISTRICTS))
    totals = {code: sum(table[label][code] for label in table) for code in DISTRICTS}
    lines.append(
        f"{'Total arrests':<30}{sum(totals.values()):>9}  " + " ".join(f"{totals[c]:>2}" for c in DISTRICTS)
    )
    return "\n".join(lines)


def check_export(text: str) -> dict[str, ParsedArrest]:
    """Assert the export reproduces the published table and that every naive variant gets it wrong."""
    arrests = parse_export(text)
    table = count_table(arrests, Rules())
    expected = {label: dict(TARGET[label]) for label in RANKED} | {"(none)": dict.fromkeys(DISTRICTS, 0)}
    assert table == expected, "export does not reproduce the published table:\n" + format_table(table)
    for label in RANKED:
        assert sum(table[label].values()) == TARGET_ROW_TOTALS[label], label
    for code in DISTRICTS:
        assert sum(table[label][code] for label in RANKED) == TARGET_DISTRICT_TOTALS[code], code
    assert sum(TARGET_ROW_TOTALS.values()) == TARGET_TOTAL

    naive = {
        "ignores the as-at date": Rules(as_at=None),
        "takes the highest-ranked event rather than the latest": Rules(offence_rule="max_rank"),
        "breaks same-day ties by file order": Rules(tie_rule="last_row"),
        "takes the arrest's latest event rather than its highest-ranked": Rules(arrest_rule="latest"),
        "counts offences instead of arrests": Rules(unit="offence"),
        "ignores the arrest period": Rules(period=None),
        "treats the period end as exclusive": Rules(period=(PERIOD_START, PERIOD_END - timedelta(days=1))),
        "treats the as-at date as exclusive": Rules(as_at=AS_AT - timedelta(days=1)),
    }
    for description, rules in naive.items():
        assert count_table(arrests, rules) != expected, f"fixture does not catch a rule that {description}"
    month_first = count_table(parse_export(text, month_first=True), Rules())
    assert month_first != expected, "fixture does not catch month-first parsing of DD/MM/YYYY dates"
    return arrests


def describe(text: str, arrests: dict[str, ParsedArrest]) -> str:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    inside = [a for a in arrests.values() if PERIOD_START <= a.arrest_date <= PERIOD_END]
    outside = [a for a in arrests.values() if a not in inside]
    correct, no_cutoff = Rules(), Rules(as_at=None)

    def count(predicate: Callable[[ParsedArrest], bool], population: list[ParsedArrest] = inside) -> int:
        return sum(1 for a in population if predicate(a))

    def undisposed(a: ParsedArrest) -> bool:
        return arrest_disposal(a, correct) is None

    def has_tie(a: ParsedArrest) -> bool:
        return any(len({e.when for e in ev}) < len(ev) for ev in a.offences.values())

    def outcomes(a: ParsedArrest) -> set[str | None]:
        return {(e.disposal if (e := offence_disposal(ev, correct)) else None) for ev in a.offences.values()}

    detainees: dict[str, int] = {}
    for a in arrests.values():
        detainees[a.detainee] = detainees.get(a.detainee, 0) + 1
    uk_rows = sum(1 for r in rows if UK_DATE.fullmatch(r["arrest_date"]))
    dates = [e.when for a in arrests.values() for ev in a.offences.values() for e in ev]
    day_after = AS_AT + timedelta(days=1)
    labels = [r["disposal"] for r in rows]
    facts = {
        "rows": len(rows),
        "arrests": len(arrests),
        "arrests in period": len(inside),
        "arrests outside period (before / after)": (
            f"{len(outside)} ({count(lambda a: a.arrest_date < PERIOD_START, outside)} / "
            f"{count(lambda a: a.arrest_date > PERIOD_END, outside)})"
        ),
        "outside-period arrests with no disposal as at": count(undisposed, outside),
        "in-period arrests with no disposal as at": count(undisposed),
        "in-period arrests with events after the as-at date": count(
            lambda a: any(e.when > AS_AT for ev in a.offences.values() for e in ev)
        ),
        "  ... whose disposal those later events would change": count(
            lambda a: arrest_disposal(a, correct) != arrest_disposal(a, no_cutoff)
        ),
        "in-period arrests with a same-day tie": count(has_tie),
        "in-period arrests with 2-3 offences": count(lambda a: len(a.offences) > 1),
        "  ... whose offences have different outcomes": count(lambda a: len(outcomes(a)) > 1),
        "in-period arrests where the latest event is not the arrest's disposal": count(
            lambda a: arrest_disposal(a, correct) != arrest_disposal(a, Rules(arrest_rule="latest"))
        ),
        "in-period arrests where a superseded higher-ranked event would mislead": count(
            lambda a: arrest_disposal(a, correct) != arrest_disposal(a, Rules(offence_rule="max_rank"))
        ),
        "in-period offences with no disposal row": count(lambda a: any(not ev for ev in a.offences.values())),
        "events on the as-at date / the day after": f"{dates.count(AS_AT)} / {dates.count(day_after)}",
        "rows with DD/MM/YYYY dates": uk_rows,
        "rows with a district name instead of a code": sum(1 for r in rows if r["district"] not in DISTRICTS),
        "rows with NFA / RUI abbreviations": (f"{labels.count('NFA')} / {labels.count('RUI')}"),
        "detainees with more than one arrest": sum(1 for n in detainees.values() if n > 1),
    }
    return "\n".join(f"{name}: {value}" for name, value in facts.items())


def main() -> int:
    rng = random.Random(SEED)
    arrests = build_arrests(rng)
    text = render_csv(rng, arrests)
    parsed = check_export(text)  # raises before anything is written
    OUT_PATH.write_bytes(text.encode("utf-8"))
    print(f"wrote {OUT_PATH}")
    print(format_table(count_table(parsed, Rules())))
    print(describe(text, parsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
