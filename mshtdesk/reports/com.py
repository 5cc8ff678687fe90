"""The COM summary as plain data: thirteen tables, their notes, and the figures behind the two charts.

Population rules: arrests (and the offences on them) by arrest date in the period; NRM referrals by
submitted date; Navigator
cases by referral date; Haven House stays by admission date and VLO contacts by contact date (both
London calendar days). Every status (disposal, decision, support milestone, discharge) is taken as it
stood on the as-at date, so the same period and as-at date give the same report however much later it
is regenerated. The public version applies ``mshtdesk.domain.disclosure`` to the tables about people;
their district columns are protected like their total column (``_Draft.tie_districts``).

The arrest tables come in ready-made (the service builds them with the published disposal-table
logic) and the victim-pathway figures as typed rows (``mshtdesk.store.queries.com``, one query per
table, never one per row): this module only assembles, suppresses and annotates. It runs no SQL.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mshtdesk.domain.clocks import london_start
from mshtdesk.domain.dates import uk
from mshtdesk.domain.disclosure import (
    RULE_TEXT,
    SUPPRESSED,
    Equation,
    Figure,
    Layout,
    hide_share,
    hide_statistic,
    protect_tables,
)
from mshtdesk.domain.disposal_table import DisposalTable
from mshtdesk.domain.disposals import RANKING_FOOTNOTE
from mshtdesk.domain.engagement import EngagementCounts
from mshtdesk.domain.exploitation import HOME_OFFICE_ORDER, ExploitationType, parse_home_office_label
from mshtdesk.domain.nrm import AgeAtExploitation, Decision, DecisionKind, Outcome, Route, replay
from mshtdesk.domain.offences import Legislation
from mshtdesk.domain.support import ContactPurpose, DischargeDestination, ReceptionDecision, bed_nights
from mshtdesk.domain.working_days import WorkingCalendar
from mshtdesk.reports.tables import Cell
from mshtdesk.store.queries import com as queries
from mshtdesk.store.queries.com import ComFigures
from mshtdesk.store.queries.outcomes import OutcomeDistrictRow, PeopleCharged

OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE"
OFFICIAL = "OFFICIAL"
TITLE = "Modern Slavery and Human Trafficking"
SUBTITLE = "Report to the Community Outcomes Meeting"

AGE_COLUMNS = ("Adult (18 or over)", "Child (17 or under)", "Not specified or unknown")
AGES = (AgeAtExploitation.ADULT, AgeAtExploitation.CHILD, AgeAtExploitation.UNKNOWN)
TOP_NATIONALITIES = 5
CG_WAIT_BANDS = ((0, 182, "under 6 months"), (183, 365, "6 to 12 months"), (366, None, "over 12 months"))


def marking(public: bool) -> str:
    return OFFICIAL if public else OFFICIAL_SENSITIVE


def handling_note(public: bool) -> str:
    """What the reader of each version may do with it (the cover of the PDF, the top of the HTML)."""
    if not public:
        return (
            "Internal version. Contains figures derived from personal data of victims of modern slavery. "
            "Need to know only; not for publication. Use the public version for anything published."
        )
    return (
        "Public version for publication with the meeting papers. Small numbers are suppressed "
        "(shown as [c]) so that no victim can be identified."
    )


@dataclass(frozen=True)
class ReportTable:
    """One table as published: ``rows`` are lists whose first item is the row label; a suppressed
    cell is ``"[c]"``, a cell that does not apply is None. ``emphasis``: rows set in bold (totals)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...]
    about_people: bool
    emphasis: frozenset[int] = frozenset()

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
            "notes": list(self.notes),
        }

    def row(self, label: str) -> tuple[Cell, ...]:
        """The row with this label (tests and charts); KeyError when absent."""
        for r in self.rows:
            if r[0] == label:
                return r
        raise KeyError(label)


@dataclass(frozen=True)
class Chart:
    title: str
    labels: tuple[str, ...]
    values: tuple[Cell, ...]  # "[c]" where the public version suppresses the bar
    value_axis: str


@dataclass(frozen=True)
class ComReport:
    date_from: date
    date_to: date
    as_at: date
    public: bool
    force: str
    tables: tuple[ReportTable, ...]
    charts: tuple[Chart, ...]
    data_notes: tuple[str, ...]

    @property
    def marking(self) -> str:
        return marking(self.public)

    def table(self, key: str) -> ReportTable:
        return next(t for t in self.tables if t.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "period": {
                "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat(),
                "as_at": self.as_at.isoformat(),
            },
            "public": self.public,
            "tables": {t.key: t.as_json() for t in self.tables},
        }

    def json_bytes(self) -> bytes:
        """Canonical JSON (stable key order, UTF-8): the same report gives the same bytes."""
        return (json.dumps(self.as_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@dataclass(frozen=True)
class ArrestInputs:
    """The arrest tables, built by the service with the published disposal-table logic."""

    disposals: DisposalTable
    previous_disposals: DisposalTable
    district_names: dict[str, str] = field(default_factory=dict)  # code -> name
    year_ago_disposals: DisposalTable | None = None  # the same period a year earlier (None: previous)


# ----- periods -------------------------------------------------------------------------------------


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period just before: the same number of whole months when the period is whole months
    (a half-year compares with the half-year before), else the same number of days."""
    if date_from.day == 1 and (date_to + timedelta(days=1)).day == 1:
        months = (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1
        y, m = divmod(date_from.year * 12 + date_from.month - 1 - months, 12)
        start = date(y, m + 1, 1)
        return start, date_from - timedelta(days=1)
    length = date_to - date_from
    end = date_from - timedelta(days=1)
    return end - length, end


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def same_period_last_year(date_from: date, date_to: date) -> tuple[date, date]:
    """The same days a year earlier (a period ending on 29 February ends on the 28th), so a half-year
    compares with the same half-year, whatever the seasons do to the figures."""
    return _year_earlier(date_from), _year_earlier(date_to)


def _months(date_from: date, date_to: date) -> list[tuple[int, int]]:
    out = []
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _pct(part: int, base: int) -> float | None:
    return None if base == 0 else round(100.0 * part / base, 1)


NOT_RECORDED = "Not recorded"


def _district_codes(profile: Sequence[str], seen: Iterable[str | None]) -> list[str | None]:
    """District columns: the force profile's, then any other district met (an inactive one), then
    None ("Not recorded") when some record has no district."""
    met = set(seen)
    codes: list[str | None] = list(profile)
    codes += sorted(c for c in met if c is not None and c not in profile)
    if None in met:
        codes.append(None)
    return codes


def _headers(codes: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(NOT_RECORDED if c is None else c for c in codes)


# ----- a table under construction ------------------------------------------------------------------


class _Draft:
    """Rows with raw numbers, the additive relations between them (blocks) and the derived cells
    (shares and statistics) whose fate depends on what the disclosure control hides."""

    def __init__(self, key: str, title: str, columns: Sequence[str], about_people: bool) -> None:
        self.key = key
        self.title = title
        self.columns = tuple(columns)
        self.about_people = about_people
        self.rows: list[list[Cell]] = []
        self.emphasis: set[int] = set()
        self.notes: list[str] = []
        self.blocks: dict[str, tuple[dict[Hashable, Figure], list[Equation]]] = {}
        self.shares: list[tuple[int, int, int, int, tuple[int, int] | None, tuple[int, int] | None]] = []
        self.stats: list[tuple[int, int, int, tuple[int, int] | None]] = []

    def add(self, label: str, *values: Cell, bold: bool = False) -> int:
        self.rows.append([label, *values])
        if bold:
            self.emphasis.add(len(self.rows) - 1)
        return len(self.rows) - 1

    def figure(
        self, block: str, row: int, col: int, *, key: str = "", floor: int | None = 1
    ) -> tuple[int, int]:
        value = self.rows[row][col]
        assert isinstance(value, int), (self.key, row, col, value)
        figures, _ = self.blocks.setdefault(block, ({}, []))
        figures[(row, col)] = Figure(value, counts_people=floor is not None, floor=floor, key=key)
        return (row, col)

    def equation(self, block: str, total: tuple[int, int], parts: Iterable[tuple[int, int]]) -> None:
        self.blocks.setdefault(block, ({}, []))[1].append(Equation(total, tuple(parts)))

    def share(
        self,
        row: int,
        col: int,
        part: int,
        base: int,
        part_cell: tuple[int, int] | None = None,
        base_cell: tuple[int, int] | None = None,
    ) -> None:
        """Cell (row, col) shows ``part`` of ``base`` (a count or a percentage of it)."""
        self.shares.append((row, col, part, base, part_cell, base_cell))

    def statistic(self, row: int, col: int, group: int, group_cell: tuple[int, int] | None = None) -> None:
        """Cell (row, col) is an average, median or rate over ``group`` people or stays."""
        self.stats.append((row, col, group, group_cell))

    def _key_of(self, row: int, col: int) -> str:
        """The key tying the figure at (row, col) to its copies, given one if it has none."""
        for figures, _ in self.blocks.values():
            fig = figures.get((row, col))
            if fig is not None:
                if not fig.key:
                    fig = replace(fig, key=f"{self.key}:{row}:{col}")
                    figures[(row, col)] = fig
                return fig.key
        raise KeyError((self.key, row, col))

    def tie_districts(
        self,
        rows: Sequence[int],
        total_col: int,
        district_cols: Sequence[int],
        vertical: Sequence[tuple[int, Sequence[int]]] = (),
    ) -> None:
        """The district cells of ``rows`` add up to their ``total_col`` figure. Each district column is a
        block with the same sums as the total column (``vertical``: total row, part rows); each row's
        sum is a block of copies tied to those cells by key (a figure takes part in two sums at most).
        A column of zeros is left out: a zero is never suppressed and gives nothing away."""
        district_cols = [c for c in district_cols if any(self.rows[r][c] != 0 for r in rows)]
        if not district_cols:
            return
        for c in district_cols:
            for r in rows:
                self.figure(f"district{c}", r, c, key=f"{self.key}:{r}:{c}")
            for total, parts in vertical:
                self.equation(f"district{c}", (total, c), [(p, c) for p in parts])
        figures, equations = self.blocks.setdefault("district-rows", ({}, []))
        for r in rows:
            value = self.rows[r][total_col]
            assert isinstance(value, int)
            figures[("row", r, total_col)] = Figure(value, key=self._key_of(r, total_col))
            for c in district_cols:
                cell = self.rows[r][c]
                assert isinstance(cell, int)
                figures[("row", r, c)] = Figure(cell, key=f"{self.key}:{r}:{c}")
            equations.append(Equation(("row", r, total_col), tuple(("row", r, c) for c in district_cols)))

    def layouts(self) -> dict[str, Layout]:
        return {f"{self.key}/{name}": Layout(figs, tuple(eqs)) for name, (figs, eqs) in self.blocks.items()}

    def finish(self, hidden: set[tuple[int, int]] | None) -> ReportTable:
        """Apply the suppressions (None: the internal version, nothing hidden)."""
        rows = [list(r) for r in self.rows]
        if hidden is not None:
            for r, c in hidden:
                rows[r][c] = SUPPRESSED
            for r, c, part, base, part_cell, base_cell in self.shares:
                if hide_share(part, base, part_cell in hidden, base_cell in hidden):
                    rows[r][c] = SUPPRESSED
            for r, c, group, group_cell in self.stats:
                if hide_statistic(group, group_cell in hidden):
                    rows[r][c] = SUPPRESSED
        return ReportTable(
            self.key,
            self.title,
            self.columns,
            tuple(tuple(r) for r in rows),
            tuple(self.notes),
            self.about_people,
            frozenset(self.emphasis),
        )


# ----- rows into domain values ---------------------------------------------------------------------

_KINDS = {k.value: k for k in DecisionKind}
_OUTCOMES = {o.value: o for o in Outcome}


def _decisions(rows: Sequence[queries.DecisionRow], as_at: date) -> dict[int, list[Decision]]:
    """Effective decisions dated on or before the as-at date, by referral.

    Effective: not a retraction and not superseded (as the disposal history's rule)."""
    superseded = {r.supersedes_id for r in rows if r.supersedes_id is not None}
    out: dict[int, list[Decision]] = {}
    for r in rows:
        if r.is_void or r.id in superseded or r.decided_on > as_at:
            continue
        k = _KINDS.get(r.kind)
        o = _OUTCOMES.get(r.outcome) if r.outcome else None
        if k is None or (r.outcome and o is None):
            continue  # a value from a newer version: not counted
        out.setdefault(int(r.referral_id), []).append(Decision(k, r.decided_on, o))
    return out


# ----- the tables ----------------------------------------------------------------------------------


def _period_note(date_from: date, date_to: date, as_at: date) -> str:
    return f"Period {uk(date_from)} to {uk(date_to)}; data as at {uk(as_at)}."


def _headline(
    figures: ComFigures, arrests: ArrestInputs, prev: tuple[date, date], date_from: date, date_to: date
) -> _Draft:
    columns = (
        "Measure",
        "This period",
        "Previous period",
        "Change",
        "Same period last year",
        "Change on last year",
    )
    d = _Draft("headline", "Headline figures", columns, True)
    this_ref = Counter(figures.referral_counts)
    prev_ref = Counter(figures.previous_referral_counts)
    year_ref = Counter(figures.year_ago_referral_counts)
    year_arrests = arrests.year_ago_disposals or arrests.previous_disposals

    def row(label: str, now: int, before: int, year: int, bold: bool = False) -> int:
        return d.add(label, now, before, now - before, year, now - year, bold=bold)

    def charges(table: DisposalTable) -> int:
        return sum(r.total for r in table.rows if r.code == "CHARGE")

    row(
        "Arrests",
        arrests.disposals.total_arrests,
        arrests.previous_disposals.total_arrests,
        year_arrests.total_arrests,
    )
    row(
        "Arrests resulting in charge",
        charges(arrests.disposals),
        charges(arrests.previous_disposals),
        charges(year_arrests),
    )
    nrm = Route.NRM.value

    def routed(counts: Counter[tuple[str, str]], route: str) -> int:
        return sum(n for (r, _), n in counts.items() if r == route)

    total = row(
        "NRM referrals", routed(this_ref, nrm), routed(prev_ref, nrm), routed(year_ref, nrm), bold=True
    )
    ages = [
        row(
            f"NRM referrals: {label[:1].lower()}{label[1:]}",
            this_ref[(nrm, age.value)],
            prev_ref[(nrm, age.value)],
            year_ref[(nrm, age.value)],
        )
        for age, label in zip(
            AGES, ("Adult (18 or over)", "Child (17 or under)", "Age not specified or unknown"), strict=True
        )
    ]
    dtn = Route.DUTY_TO_NOTIFY.value
    dtn_row = row(
        "Duty to Notify reports", routed(this_ref, dtn), routed(prev_ref, dtn), routed(year_ref, dtn)
    )
    nav_row = row(
        "Victims referred to the Victim Navigator",
        figures.navigator_referrals,
        figures.previous_navigator_referrals,
        figures.year_ago_navigator_referrals,
    )
    haven_row = row(
        "Haven House admissions", figures.admissions, figures.previous_admissions, figures.year_ago_admissions
    )
    keys = {
        total: "nrm.route.nrm",
        dtn_row: "nrm.route.dtn",
        nav_row: "nav.referrals",
        haven_row: "haven.admissions",
    }
    keys.update({r: f"nrm.nrm.{age.value}" for r, age in zip(ages, AGES, strict=True)})
    for r in (total, *ages, dtn_row, nav_row, haven_row):
        block = "nrm" if r in (total, *ages) else f"row{r}"
        this, before, change = (
            d.figure(block, r, 1, key=keys[r]),
            d.figure(block, r, 2),
            d.figure(block, r, 3, floor=None),
        )
        d.equation(block, this, (before, change))
        # The year's comparison: its own block, "this period" a copy tied by key (two sums at most).
        figs, eqs = d.blocks.setdefault(f"year-{block}", ({}, []))
        value = d.rows[r][1]
        assert isinstance(value, int)
        figs[("this", r)] = Figure(value, key=keys[r])
        year, change_year = d.figure(f"year-{block}", r, 4), d.figure(f"year-{block}", r, 5, floor=None)
        eqs.append(Equation(("this", r), (year, change_year)))
    for col in (1, 2, 3):
        d.equation("nrm", (total, col), [(r, col) for r in ages])
    for col in (4, 5):
        d.equation("year-nrm", (total, col), [(r, col) for r in ages])
    d.blocks["year-nrm"][1].append(Equation(("this", total), tuple(("this", r) for r in ages)))
    last_year = same_period_last_year(date_from, date_to)
    d.notes += [
        _period_note(date_from, date_to, arrests.disposals.as_at),
        f"Previous period {uk(prev[0])} to {uk(prev[1])}; same period last year {uk(last_year[0])} to "
        f"{uk(last_year[1])}; both counted the same way and as at the same date.",
        "Charges: arrests whose highest-ranked disposal is Charge. NRM referrals exclude Duty to Notify "
        "reports; ages are ages at exploitation.",
    ]
    return d


def _disposals(arrests: ArrestInputs) -> _Draft:
    t = arrests.disposals
    d = _Draft("disposals", "Arrests by highest-ranked disposal and district", t.header, False)
    for r in t.rows:
        d.add(r.label, r.total, *r.by_district, bold=r.is_total)
    d.notes += [
        f"Arrests between {uk(t.date_from)} and {uk(t.date_to)} where the detainee was arrested for one or "
        f"more offences relating to Modern Slavery ({t.total_arrests}); disposals as at {uk(t.as_at)}.",
        RANKING_FOOTNOTE,
        "Ranking used, highest first: " + ", ".join(t.ranking) + ".",
    ]
    return d


def _arrests_by_month(
    by_day: Sequence[queries.ArrestDayRow], arrests: ArrestInputs, date_from: date, date_to: date
) -> _Draft:
    districts = list(arrests.disposals.districts)
    grid: Counter[tuple[tuple[int, int], str]] = Counter()
    for r in by_day:
        grid[((r.day.year, r.day.month), r.district)] += r.arrests
        if r.district not in districts:
            districts.append(r.district)
    d = _Draft("arrests_by_month", "Arrests by month and district", ("Month", *districts, "Total"), False)
    col_totals = [0] * len(districts)
    for ym in _months(date_from, date_to):
        cells = [grid[(ym, c)] for c in districts]
        col_totals = [a + b for a, b in zip(col_totals, cells, strict=True)]
        d.add(date(ym[0], ym[1], 1).strftime("%b %Y"), *cells, sum(cells))
    d.add("Total", *col_totals, sum(col_totals), bold=True)
    d.notes += [
        _period_note(date_from, date_to, arrests.disposals.as_at),
        "Arrests by the month of the arrest date and the district on the custody record. A month only "
        "partly inside the period counts the days inside it.",
    ]
    return d


def _legislation(
    rows: Sequence[queries.LegislationRow], date_from: date, date_to: date, as_at: date
) -> _Draft:
    """Offences on the arrests of the period by the legislation they are under: the PCC's question of
    how the 2015 Act is used, and what share of offences still falls under the law before it."""
    d = _Draft(
        "offences_by_legislation",
        "Offences by legislation",
        ("Legislation", "Offences", "Arrests", "Share of offences (%)"),
        False,
    )
    by_row = {r.legislation: r for r in rows}
    total = by_row.get("", queries.LegislationRow("", 0, 0))
    for leg in Legislation:
        r = by_row.get(leg.value, queries.LegislationRow(leg.value, 0, 0))
        d.add(leg.value, r.offences, r.arrests, _pct(r.offences, total.offences))
    d.add("Total", total.offences, total.arrests, _pct(total.offences, total.offences), bold=True)
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Offences on the arrests made in the period, by the legislation their offence text or code names; "
        "corrected offences as corrected, withdrawn ones left out. An arrest counts once in each row where "
        "it has an offence, so the arrests in the rows can add up to more than the total.",
        "Earlier legislation: the offences the 2015 Act replaced (Coroners and Justice Act 2009 s.71; "
        "Asylum and Immigration (Treatment of Claimants, etc.) Act 2004 s.4; Sexual Offences Act 2003 "
        "ss.57-59A; Nationality, Immigration and Asylum Act 2002 s.145), used for offences committed "
        "before the Act came into force. Other: breaches of slavery and trafficking prevention or risk "
        "orders (s.30) and other offences flagged as modern slavery.",
    ]
    return d


def _nrm_referrals(
    refs: Sequence[queries.ReferralRow],
    districts: Sequence[str],
    date_from: date,
    date_to: date,
    as_at: date,
) -> _Draft:
    codes = _district_codes(districts, (r.district for r in refs))
    cols = ("Referrals", "NRM referral", "Duty to Notify", "Total", *_headers(codes))
    d = _Draft("nrm_referrals", "NRM referrals and Duty to Notify reports", cols, True)
    counts = Counter((r.route, r.age_at_exploitation) for r in refs)
    by_district = Counter((r.age_at_exploitation, r.district) for r in refs)
    routes = (Route.NRM.value, Route.DUTY_TO_NOTIFY.value)
    age_rows = []
    for age, label in zip(AGES, AGE_COLUMNS, strict=True):
        cells = [counts[(route, age.value)] for route in routes]
        spread = [by_district[(age.value, c)] for c in codes]
        age_rows.append(d.add(label, *cells, sum(cells), *spread))
    route_totals = [sum(counts[(route, a.value)] for a in AGES) for route in routes]
    all_spread = [sum(by_district[(a.value, c)] for a in AGES) for c in codes]
    all_row = d.add("All referrals", *route_totals, sum(route_totals), *all_spread, bold=True)
    district_cols = range(4, 4 + len(codes))
    none = [None] * len(codes)
    keys = {(all_row, 1): "nrm.route.nrm", (all_row, 2): "nrm.route.dtn", (all_row, 3): "nrm.all"}
    keys.update({(r, 1): f"nrm.nrm.{a.value}" for r, a in zip(age_rows, AGES, strict=True)})
    keys.update({(r, 3): f"nrm.age.{a.value}" for r, a in zip(age_rows, AGES, strict=True)})
    for r in (*age_rows, all_row):
        for c in (1, 2, 3):
            d.figure("age", r, c, key=keys.get((r, c), ""))
        d.equation("age", (r, 3), [(r, 1), (r, 2)])
    for c in (1, 2, 3):
        d.equation("age", (all_row, c), [(r, c) for r in age_rows])
    d.tie_districts([*age_rows, all_row], 3, district_cols, [(all_row, age_rows)])
    total = len(refs)
    with_ref = sum(1 for r in refs if (r.crime_ref or "").strip())
    ref_by = Counter(r.district for r in refs if (r.crime_ref or "").strip())
    r1 = d.add("With a crime reference", None, None, with_ref, *(ref_by[c] for c in codes))
    r2 = d.add(
        "With a crime reference (%)",
        None,
        None,
        _pct(with_ref, total),
        *(_pct(ref_by[c], all_spread[i]) for i, c in enumerate(codes)),
    )
    for r in (r1, r2):
        d.share(r, 3, with_ref, total, base_cell=(all_row, 3))
        for i, (col, code) in enumerate(zip(district_cols, codes, strict=True)):
            d.share(r, col, ref_by[code], all_spread[i], base_cell=(all_row, col))
    nat = Counter((r.nationality or "").strip() for r in refs)
    known = sorted(((n, name) for name, n in nat.items() if name), key=lambda x: (-x[0], x[1]))
    top = known[:TOP_NATIONALITIES]
    nat_rows = [d.add(f"Nationality: {name}", None, None, n, *none) for n, name in top]
    other = sum(n for n, _ in known[TOP_NATIONALITIES:])
    if other:
        nat_rows.append(d.add("Nationality: other", None, None, other, *none))
    if nat[""]:
        nat_rows.append(d.add("Nationality: not recorded", None, None, nat[""], *none))
    if nat_rows:
        # The nationality breakdown adds up to all referrals: its own block, tied to the same figure by key.
        d.blocks.setdefault("nationality", ({}, []))
        figs, eqs = d.blocks["nationality"]
        figs[("all", 3)] = Figure(total, key="nrm.all")
        for r in nat_rows:
            d.figure("nationality", r, 3)
        eqs.append(Equation(("all", 3), tuple((r, 3) for r in nat_rows)))
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Referrals by the date submitted. NRM referral: adults who consent and all children; Duty to "
        "Notify: adults who do not consent (anonymous). Ages are ages at exploitation, as the Home Office "
        "reports them.",
        f"Nationality: the {TOP_NATIONALITIES} most frequent, then all others together.",
        "Districts: the district recorded on the referral, in the force's order"
        + ("; Not recorded: referrals without one." if None in codes else "."),
    ]
    return d


def _exploitation_sort_key(label: str) -> tuple[int, int, tuple[int, ...]]:
    try:
        flags = parse_home_office_label(label)
    except ValueError:
        return (3, 0, ())
    if ExploitationType.NOT_SPECIFIED in flags:
        return (2, 0, ())
    order = tuple(HOME_OFFICE_ORDER.index(f) for f in HOME_OFFICE_ORDER if f in flags)
    return (0 if len(order) == 1 else 1, len(order), order)


def _nrm_by_exploitation(
    refs: Sequence[queries.ReferralRow], date_from: date, date_to: date, as_at: date
) -> _Draft:
    cols = ("Exploitation type", *AGE_COLUMNS, "Total")
    d = _Draft(
        "nrm_by_exploitation", "NRM referrals by exploitation type and age at exploitation", cols, True
    )
    unknown = ExploitationType.NOT_SPECIFIED.label
    counts = Counter(((r.exploitation_label or unknown), r.age_at_exploitation) for r in refs)
    labels = sorted({label for label, _ in counts}, key=_exploitation_sort_key)
    rows = []
    for label in labels:
        cells = [counts[(label, a.value)] for a in AGES]
        rows.append(d.add(label, *cells, sum(cells)))
    col_totals = [sum(counts[(label, a.value)] for label in labels) for a in AGES]
    total = d.add("Total", *col_totals, sum(col_totals), bold=True)
    for r in (*rows, total):
        for c in range(1, 5):
            key = ""
            if r == total:
                key = "nrm.all" if c == 4 else f"nrm.age.{AGES[c - 1].value}"
            d.figure("grid", r, c, key=key)
        d.equation("grid", (r, 4), [(r, c) for c in (1, 2, 3)])
    for c in range(1, 5):
        d.equation("grid", (total, c), [(r, c) for r in rows])
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "NRM referrals and Duty to Notify reports together. A referral with several kinds of exploitation "
        "is counted once, under the Home Office label of its combination (types joined in the order "
        "Sexual, Labour, Domestic, Criminal, Organ Harvesting); local sub-types such as county lines are "
        "counted under the type they belong to.",
    ]
    return d


def _nrm_decisions(
    refs: Sequence[queries.ReferralRow],
    decisions: dict[int, list[Decision]],
    date_from: date,
    date_to: date,
    as_at: date,
    calendar: WorkingCalendar,
) -> _Draft:
    d = _Draft(
        "nrm_decisions", "NRM decisions on the referrals made in the period", ("Measure", "Value"), True
    )
    nrm = [r for r in refs if r.route == Route.NRM.value]
    c: Counter[str] = Counter()
    rg_days: list[int] = []
    within = 0
    bands: Counter[str] = Counter()
    reconsidered = 0
    for ref in nrm:
        history = decisions.get(ref.id, [])
        state = replay(history)
        if any(h.kind is DecisionKind.RECONSIDERATION_REQUESTED for h in history):
            reconsidered += 1
        first_rg = next((h for h in history if h.kind is DecisionKind.RG), None)
        if state.cg is not None and state.cg.outcome is not None:
            c["rg+"] += 1
            c["rg"] += 1
            c[f"cg:{state.cg.outcome.value}"] += 1
        elif state.rg is None:
            c["withdrawn-before" if state.withdrawal else "awaiting-rg"] += 1
        elif state.rg.outcome is Outcome.NEGATIVE:
            c["rg"] += 1
            c["rg-"] += 1
        else:
            c["rg"] += 1
            c["rg+"] += 1
            if state.withdrawal:
                c["withdrawn-after"] += 1
            else:
                c["awaiting-cg"] += 1
                waited = (as_at - ref.submitted_date).days
                band = next(
                    label for lo, hi, label in CG_WAIT_BANDS if waited >= lo and (hi is None or waited <= hi)
                )
                bands[band] += 1
        if first_rg is not None and state.rg is not None:
            days = calendar.working_days_between(ref.submitted_date, first_rg.on)
            rg_days.append(days)
            within += days <= 5
    n = len(nrm)
    row_n = d.add("NRM referrals made in the period", n, bold=True)
    row_await = d.add("Awaiting RG", c["awaiting-rg"])
    row_wb = d.add("Withdrawn before an RG decision", c["withdrawn-before"])
    row_rg = d.add("RG decisions", c["rg"], bold=True)
    row_pos = d.add("RG positive", c["rg+"])
    row_neg = d.add("RG negative", c["rg-"])
    rg_count = len(rg_days)
    row_w = d.add("RG within 5 working days", within)
    row_wp = d.add("RG within 5 working days (%)", _pct(within, rg_count))
    row_med = d.add(
        "Median working days from referral to RG", float(statistics.median(rg_days)) if rg_days else None
    )
    row_t = d.add("CG positive - trafficking", c[f"cg:{Outcome.POSITIVE_TRAFFICKING.value}"])
    row_s = d.add(
        "CG positive - slavery, servitude or forced labour", c[f"cg:{Outcome.POSITIVE_SLAVERY.value}"]
    )
    row_cn = d.add("CG negative", c[f"cg:{Outcome.NEGATIVE.value}"])
    row_wa = d.add("Withdrawn after a positive RG", c["withdrawn-after"])
    row_acg = d.add("Awaiting CG", c["awaiting-cg"], bold=True)
    band_rows = [d.add(f"Awaiting CG: {label} since referral", bands[label]) for _, _, label in CG_WAIT_BANDS]
    row_rec = d.add("Reconsiderations requested", reconsidered)
    for r in (
        row_n,
        row_await,
        row_wb,
        row_rg,
        row_pos,
        row_neg,
        row_t,
        row_s,
        row_cn,
        row_wa,
        row_acg,
        *band_rows,
        row_rec,
    ):
        d.figure("ladder", r, 1, key="nrm.route.nrm" if r == row_n else "")
    d.equation("ladder", (row_n, 1), [(row_await, 1), (row_wb, 1), (row_rg, 1)])
    d.equation("ladder", (row_rg, 1), [(row_pos, 1), (row_neg, 1)])
    d.equation("ladder", (row_pos, 1), [(row_t, 1), (row_s, 1), (row_cn, 1), (row_wa, 1), (row_acg, 1)])
    d.equation("ladder", (row_acg, 1), [(r, 1) for r in band_rows])
    for r in (row_w, row_wp):
        d.share(r, 1, within, rg_count, base_cell=(row_rg, 1))
    d.statistic(row_med, 1, rg_count, (row_rg, 1))
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Decisions on the NRM referrals made in the period (Duty to Notify reports get none), as they "
        "stood on the as-at date; a reconsidered decision counts as its latest outcome. RG: Reasonable "
        "Grounds; CG: Conclusive Grounds.",
        "Working days exclude weekends and England and Wales bank holidays. The RG target is 5 working "
        "days from referral; there is no CG target, so waiting time is shown instead.",
    ]
    return d


def _navigator(counts: queries.NavigatorCounts, date_from: date, date_to: date, as_at: date) -> _Draft:
    total, consent, plan, statement = counts.total, counts.consent, counts.plan, counts.statement
    start, start_known = counts.engaged_at_start, counts.engaged_at_start_known
    charge, charge_known = counts.engaged_at_charge, counts.engaged_at_charge_known
    court, evidence, repat, closed = counts.court, counts.evidence, counts.repatriated, counts.closed
    d = _Draft("navigator", "Victim Navigator", ("Measure", "Value"), True)
    row_r = d.add("Referrals to the Victim Navigator", total, bold=True)
    base = (row_r, 1)
    for label, part in (("Consented to support", consent), ("Support plan opened", plan)):
        d.share(d.add(label, part), 1, part, total, base_cell=base)
    for label, part, of in (
        ("Engaged with police at the start", start, start_known),
        ("Engaged with police at charge", charge, charge_known),
    ):
        d.share(d.add(label, part), 1, part, of, base_cell=base if of == total else None)
        d.share(d.add(f"{label} (%)", _pct(part, of)), 1, part, of, base_cell=base if of == total else None)
    for label, part in (
        ("Gave a statement or ABE interview", statement),
        ("Attended court", court),
        ("Gave evidence", evidence),
        ("Repatriated", repat),
    ):
        d.share(d.add(label, part), 1, part, total, base_cell=base)
    row_c = d.add("Cases closed by the as-at date", closed)
    row_o = d.add("Cases open on the as-at date", total - closed)
    for r in (row_r, row_c, row_o):
        d.figure("cases", r, 1, key="nav.referrals" if r == row_r else "")
    d.equation("cases", (row_r, 1), [(row_c, 1), (row_o, 1)])
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Victims referred to the Victim Navigator in the period. Percentages of engagement are of the "
        "victims for whom it is recorded (at charge: those whose case reached charge). Engagement, "
        "court and repatriation are as currently recorded; plan, statement and closure dates as at the "
        "as-at date.",
    ]
    return d


def _vlo(
    figures: ComFigures, districts: Sequence[str], date_from: date, date_to: date, as_at: date
) -> _Draft:
    codes = _district_codes(districts, [*figures.victims_contacted, *(p.district for p in figures.contacts)])
    by_purpose: Counter[tuple[str, str | None]] = Counter()
    notices: Counter[str | None] = Counter()
    on_time: Counter[str | None] = Counter()
    concerns: Counter[str | None] = Counter()
    for p in figures.contacts:
        by_purpose[(p.purpose, p.district)] += p.contacts
        notices[p.district] += p.notified
        on_time[p.district] += p.on_time
        concerns[p.district] += p.concerns

    def spread(counter: Counter[str | None]) -> list[int]:
        return [counter[c] for c in codes]

    victims: Counter[str | None] = Counter(figures.victims_contacted)
    d = _Draft("vlo", "Victim liaison officers", ("Measure", "Value", *_headers(codes)), True)
    district_cols = range(2, 2 + len(codes))
    d.add("Victims contacted by a VLO", sum(victims.values()), *spread(victims))
    d.figure("victims", 0, 1)
    contacts: Counter[str | None] = Counter()
    for (_, c), n in by_purpose.items():
        contacts[c] += n
    row_c = d.add("Contacts", sum(contacts.values()), *spread(contacts), bold=True)
    purpose_rows = []
    known: Counter[str | None] = Counter()
    for purpose in ContactPurpose:
        cells = Counter({c: by_purpose[(purpose.value, c)] for c in codes})
        known.update(cells)
        purpose_rows.append(d.add(f"Contacts: {purpose.label}", sum(cells.values()), *spread(cells)))
    other = contacts - known
    if sum(other.values()):
        purpose_rows.append(d.add("Contacts: other purposes", sum(other.values()), *spread(other)))
    for r in (row_c, *purpose_rows):
        d.figure("contacts", r, 1)
    d.equation("contacts", (row_c, 1), [(r, 1) for r in purpose_rows])
    row_n = d.add("Decisions notified to victims", sum(notices.values()), *spread(notices))
    d.figure("notices", row_n, 1)
    all_on_time, all_notices = sum(on_time.values()), sum(notices.values())
    for label, value, per_district in (
        ("Decisions notified on time", all_on_time, spread(on_time)),
        (
            "Decisions notified on time (%)",
            _pct(all_on_time, all_notices),
            [_pct(on_time[c], notices[c]) for c in codes],
        ),
    ):
        r = d.add(label, value, *per_district)
        d.share(r, 1, all_on_time, all_notices, base_cell=(row_n, 1))
        for col, c in zip(district_cols, codes, strict=True):
            d.share(r, col, on_time[c], notices[c], base_cell=(row_n, col))
    row_s = d.add("Safeguarding concerns raised", sum(concerns.values()), *spread(concerns))
    d.figure("concerns", row_s, 1)
    d.tie_districts([0, row_c, *purpose_rows, row_n, row_s], 1, district_cols, [(row_c, purpose_rows)])
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Contacts by their date (London time). On time: the victim was told of a charge, no further action, "
        "bail or release under investigation within 1 working day (enhanced rights, the default for victims "
        "of modern slavery) or 5 working days otherwise, as the Victims' Code requires.",
        "Districts: the victim's, from their latest NRM referral or Duty to Notify report with a district "
        "made by the end of the period" + ("; Not recorded: victims with none." if None in codes else "."),
    ]
    return d


def _haven(
    figures: ComFigures, districts: Sequence[str], date_from: date, date_to: date, as_at: date
) -> _Draft:
    cut = london_start(as_at + timedelta(days=1))  # the end of the as-at date
    admitted = figures.stays_admitted
    overlapping = figures.stays_overlapping
    beds = figures.active_beds

    def out(dis: datetime | None) -> datetime | None:
        return dis if dis is not None and _aware(dis) < cut else None

    codes = _district_codes(districts, (r.district for r in admitted))
    d = _Draft("haven_house", "Haven House reception centre", ("Measure", "Value", *_headers(codes)), True)
    district_cols = range(2, 2 + len(codes))
    none = [None] * len(codes)

    def add(label: str, stays: Sequence[queries.AdmittedStay], bold: bool = False) -> int:
        by = Counter(r.district for r in stays)
        return d.add(label, len(stays), *(by[c] for c in codes), bold=bold)

    a = len(admitted)
    row_a = add("Admissions", admitted, bold=True)
    decisions = {x.value for x in ReceptionDecision}
    rec_rows = [
        add(
            f"NRM decision at reception: {x.label}",
            [r for r in admitted if r.nrm_decision_at_reception == x.value],
        )
        for x in ReceptionDecision
    ]
    other_rec = [r for r in admitted if r.nrm_decision_at_reception not in decisions]
    if other_rec:
        rec_rows.append(add("NRM decision at reception: other", other_rec))
    gone = [r for r in admitted if out(r.discharged_at) is not None]
    row_d = add("Discharged by the as-at date", gone)
    row_i = add(
        "Still at Haven House on the as-at date", [r for r in admitted if out(r.discharged_at) is None]
    )
    destinations = {x.value for x in DischargeDestination}
    dest_rows = [
        add(f"Discharged to: {x.label}", [r for r in gone if r.discharge_destination == x.value])
        for x in DischargeDestination
        if any(r.discharge_destination == x.value for r in gone)
    ]
    other_dest = [r for r in gone if r.discharge_destination not in destinations]
    if other_dest:
        dest_rows.append(add("Discharged to: not recorded", other_dest))
    for r in (row_a, *rec_rows, row_d, row_i, *dest_rows):
        d.figure("stays", r, 1, key="haven.admissions" if r == row_a else "")
    d.equation("stays", (row_a, 1), [(r, 1) for r in rec_rows])
    d.equation("stays", (row_a, 1), [(row_d, 1), (row_i, 1)])
    if dest_rows:
        d.equation("stays", (row_d, 1), [(r, 1) for r in dest_rows])
    vertical = [(row_a, rec_rows), (row_a, [row_d, row_i])] + ([(row_d, dest_rows)] if dest_rows else [])
    d.tie_districts([row_a, *rec_rows, row_d, row_i, *dest_rows], 1, district_cols, vertical)
    for label, value in (
        ("Adults in the parties admitted", sum(int(r.adults) for r in admitted)),
        ("Children in the parties admitted", sum(int(r.children) for r in admitted)),
    ):
        row = d.add(label, value, *none)
        d.figure(f"party{row}", row, 1)
    nights = sum(bed_nights(_aware(r.admitted_at), out(r.discharged_at), cut) for r in admitted)
    d.statistic(d.add("Bed nights of the stays admitted", nights, *none), 1, a, (row_a, 1))
    from mshtdesk.domain.support import occupancy

    occ = (
        occupancy(
            ((_aware(r.admitted_at), out(r.discharged_at)) for r in overlapping),
            date_from,
            min(date_to, as_at),
            beds,
            cut,
        )
        if as_at >= date_from
        else None
    )
    rate = None if occ is None or occ.rate is None else round(100 * occ.rate, 1)
    d.statistic(d.add(f"Occupancy of {beds} beds in the period (%)", rate, *none), 1, len(overlapping))
    lengths = [
        (_aware(out(r.discharged_at) or cut) - _aware(r.admitted_at)).total_seconds() / 86400 for r in gone
    ]
    d.statistic(
        d.add(
            "Average length of stay (days)", round(statistics.fmean(lengths), 1) if lengths else None, *none
        ),
        1,
        len(gone),
        (row_d, 1),
    )
    d.statistic(
        d.add(
            "Median length of stay (days)", round(statistics.median(lengths), 1) if lengths else None, *none
        ),
        1,
        len(gone),
        (row_d, 1),
    )
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Stays by their admission date (London time), including anonymous stays; discharges and bed nights "
        "as at the end of the as-at date. A bed night is a night spent in the house; occupancy is bed "
        "nights used of those available in the beds now in use. Length of stay is of the stays that "
        "had ended by the as-at date.",
        "Districts: the referring district of the stay, shown for the counts of stays"
        + ("; Not recorded: stays without one." if None in codes else "."),
    ]
    return d


# ----- engagement with the investigation at the charge decision -----------------------------------

ENGAGEMENT_COLUMNS = ("Measure", "With a Navigator", "Without a Navigator", "All victims")
ENGAGED_AT_CHARGE = "Engaged at the charge decision"


def _engagement_cells(counts: EngagementCounts) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(victims, engaged) with a Navigator, without, and all."""
    c = counts
    return (
        (c.with_navigator, c.without_navigator, c.total),
        (c.with_navigator_engaged, c.without_navigator_engaged, c.engaged),
    )


def _engagement(counts: EngagementCounts, date_from: date, date_to: date, as_at: date) -> _Draft:
    """Victims' engagement at the charge decision, with a Navigator and without: the comparison the
    Navigator's case rests on (44% without, over 90% with), from dated milestones
    (``domain/engagement.py``)."""
    d = _Draft(
        "engagement", "Engagement with the investigation at the charge decision", ENGAGEMENT_COLUMNS, True
    )
    victims, engaged = _engagement_cells(counts)
    not_engaged = tuple(v - e for v, e in zip(victims, engaged, strict=True))
    row_v = d.add("Victims in investigations with a charge decision", *victims, bold=True)
    row_e = d.add(ENGAGED_AT_CHARGE, *engaged)
    row_n = d.add("Not engaged at the charge decision", *not_engaged)
    row_p = d.add(f"{ENGAGED_AT_CHARGE} (%)", *(_pct(e, v) for v, e in zip(victims, engaged, strict=True)))
    keys = ("with", "without", "all")
    for r, name in ((row_v, "victims"), (row_e, "engaged"), (row_n, "")):
        for c in (1, 2, 3):
            d.figure("engagement", r, c, key=f"engagement.{name}.{keys[c - 1]}" if name else "")
        d.equation("engagement", (r, 3), [(r, 1), (r, 2)])
    for c in (1, 2, 3):
        d.equation("engagement", (row_v, c), [(row_e, c), (row_n, c)])
        d.share(row_p, c, engaged[c - 1], victims[c - 1], (row_e, c), (row_v, c))
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Victims (potential or confirmed) linked to an arrest of the period whose decision whether to "
        "charge (a Charge or No further action on any of its offences) was made by the as-at date; a "
        "victim linked to two such arrests counts in each. With a Navigator: a Victim Navigator case open "
        "on the day of the decision.",
        "Engaged at the charge decision: the latest engagement milestone bearing on the decision, as "
        "recorded by the as-at date, is 'still engaged at the charge decision'; a victim who disengaged "
        "before the decision, or has no such milestone, is counted as not engaged. Milestones recorded "
        "or withdrawn after the as-at date do not count.",
    ]
    return d


OUTCOME_ROWS = (
    ("convicted", "Convicted"),
    ("convicted_lesser", "Convicted of a lesser offence"),
    ("acquitted", "Acquitted"),
    ("discontinued", "Discontinued"),
    ("other", "Other outcome"),
)


def _outcomes(
    rows: Sequence[OutcomeDistrictRow],
    districts: Sequence[str],
    date_from: date,
    date_to: date,
    as_at: date,
) -> _Draft:
    """What happened after charge, per offence: the PCC's question of charges to convictions. Offences
    and court outcomes, like arrests and disposals, are published as they are (no victim is counted)."""
    codes = _district_codes(districts, (r.district for r in rows))
    d = _Draft(
        "outcomes", "Court outcomes of offences charged", ("Measure", "Total", *_headers(codes)), False
    )
    by = {r.district: r for r in rows}
    empty = OutcomeDistrictRow("", *([0] * 10))

    def add(label: str, field_name: str, bold: bool = False) -> None:
        cells = [int(getattr(by.get(c or "", empty), field_name)) for c in codes]
        d.add(label, sum(cells), *cells, bold=bold)

    add("Offences charged in the period", "charged", bold=True)
    add("Outcomes in the period", "outcomes", bold=True)
    for name, label in OUTCOME_ROWS:
        add(label, name)
    add("Awaiting outcome on the as-at date", "awaiting")
    add("Custodial sentences", "custodial")
    months = [by.get(c or "", empty).custodial_months for c in codes]
    d.add("Custodial years", round(sum(months) / 12, 1), *(round(m / 12, 1) for m in months))
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Unit counted: the offence. Charged in the period: the offence's first Charge disposal is dated in "
        "the period, whenever the arrest was. Outcomes (and the outcome rows below them): the offence's "
        f"court outcome as at {uk(as_at)} is dated in the period.",
        f"Awaiting outcome: offences charged on or before {uk(as_at)} with no court outcome dated by then, "
        "whenever arrested or charged.",
        "Custodial sentences and years: outcomes dated in the period with a custodial sentence; years are "
        "the sum of their sentences in months divided by 12.",
        "Districts: the district on the custody record of the offence's arrest, in the force's order. "
        "Withdrawn arrests and offences, and withdrawn or superseded outcomes, are left out.",
    ]
    return d


def _with_engagement(d: _Draft, counts: EngagementCounts) -> _Draft:
    """The Navigator table's closing rows: the engagement table's comparison, the same figures."""
    victims, engaged = _engagement_cells(counts)
    for i, (words, key) in enumerate((("with a Navigator", "with"), ("without a Navigator", "without"))):
        row_v = d.add(f"Victims with a charge decision, {words}", victims[i])
        row_e = d.add(f"{ENGAGED_AT_CHARGE}, {words}", engaged[i])
        d.figure("engagement", row_v, 1, key=f"engagement.victims.{key}")
        d.figure("engagement", row_e, 1, key=f"engagement.engaged.{key}")
        row_p = d.add(f"{ENGAGED_AT_CHARGE}, {words} (%)", _pct(engaged[i], victims[i]))
        d.share(row_p, 1, engaged[i], victims[i], (row_e, 1), (row_v, 1))
    d.notes.append(
        "The last six rows are of victims in investigations with a charge decision, whether or not they "
        "were referred in the period, as in the engagement table."
    )
    return d


def _people_charged(figures: PeopleCharged, date_from: date, date_to: date, as_at: date) -> _Draft:
    """Persons rather than arrests: how many people were arrested and charged, and how many come back."""
    d = _Draft("people_charged", "Persons arrested and charged", ("Measure", "Value"), False)
    d.add("Persons arrested in the period", figures.arrested)
    d.add("Persons charged in the period", figures.charged)
    d.add("Repeat arrestees", figures.repeat)
    d.notes += [
        _period_note(date_from, date_to, as_at),
        "Persons are counted by the detainee reference on the custody record; an arrest without one "
        "is not counted here.",
        "Persons charged: with an offence whose first Charge disposal is dated in the period, whenever "
        "arrested. Repeat arrestees: persons arrested in the period who have another arrest on record, "
        "before the period or within it.",
    ]
    return d


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC date-times for UTCDateTime columns in some paths: make them aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# ----- the report ----------------------------------------------------------------------------------


def build_com_report(
    figures: ComFigures,
    date_from: date,
    date_to: date,
    as_at: date,
    *,
    public: bool,
    arrests: ArrestInputs,
    calendar: WorkingCalendar,
    force: str,
) -> ComReport:
    """The whole summary from the figures read in one transaction (``queries.com_figures`` over the
    period and ``previous_period``) and the arrest tables."""
    prev = previous_period(date_from, date_to)
    refs = figures.referrals
    decisions = _decisions(figures.decisions, as_at)
    drafts = [
        _headline(figures, arrests, prev, date_from, date_to),
        _disposals(arrests),
        _arrests_by_month(figures.arrests_by_day, arrests, date_from, date_to),
        _legislation(figures.legislation, date_from, date_to, as_at),
        _nrm_referrals(refs, arrests.disposals.districts, date_from, date_to, as_at),
        _nrm_by_exploitation(refs, date_from, date_to, as_at),
        _nrm_decisions(refs, decisions, date_from, date_to, as_at, calendar),
        _with_engagement(_navigator(figures.navigator, date_from, date_to, as_at), figures.engagement),
        _vlo(figures, arrests.disposals.districts, date_from, date_to, as_at),
        _haven(figures, arrests.disposals.districts, date_from, date_to, as_at),
        _engagement(figures.engagement, date_from, date_to, as_at),
        _outcomes(figures.outcomes, arrests.disposals.districts, date_from, date_to, as_at),
        _people_charged(figures.people_charged, date_from, date_to, as_at),
    ]
    hidden: dict[str, set[tuple[int, int]]] = {d.key: set() for d in drafts}
    if public:
        layouts: dict[str, Layout] = {}
        for d in drafts:
            if d.about_people:
                layouts.update(d.layouts())
        for name, cells in protect_tables(layouts).items():
            hidden[name.split("/")[0]].update(
                (c[0], c[1]) for c in cells if isinstance(c, tuple) and isinstance(c[0], int)
            )
    for d in drafts:
        if d.about_people:
            d.notes.append(RULE_TEXT if public else "Internal version: no figures are suppressed.")
    tables = tuple(d.finish(hidden[d.key] if public else None) for d in drafts)
    by_key = {t.key: t for t in tables}
    months = by_key["arrests_by_month"]
    expl = by_key["nrm_by_exploitation"]
    charts = (
        Chart(
            "Arrests by month",
            tuple(str(r[0]) for r in months.rows[:-1]),
            tuple(r[-1] for r in months.rows[:-1]),
            "Arrests",
        ),
        Chart(
            "Referrals by exploitation type",
            tuple(str(r[0]) for r in expl.rows[:-1]),
            tuple(r[-1] for r in expl.rows[:-1]),
            "Referrals",
        ),
    )
    data_notes = (
        f"Period {uk(date_from)} to {uk(date_to)} inclusive; every figure as the records stood on "
        f"{uk(as_at)} (the as-at date), so the report can be regenerated exactly.",
        "Unit counted for arrests: the arrest (custody record), not the person and not the offence. "
        + RANKING_FOOTNOTE,
        "Disposal ranking used, highest first: " + ", ".join(arrests.disposals.ranking) + ".",
        "Ages are ages at exploitation, as the Home Office reports them: anyone who may be under 18 is "
        "treated as a child until their age is decided.",
        "Exploitation types follow the Home Office labels; a combination is one row.",
        "Source: the MSHT Desk register (custody extracts, NRM referrals, Victim Navigator cases, Haven "
        f"House stays and VLO contacts) on {uk(as_at)}.",
        RULE_TEXT if public else "Internal version: no figures are suppressed. Do not publish.",
    )
    return ComReport(date_from, date_to, as_at, public, force, tables, charts, data_notes)
