"""Disclosure control: small counts suppressed, and no suppressed value recoverable from what is shown.

The proof of "not recoverable" is independent of the module's graph search: a brute-force integer
search over the suppressed cells looks for a second table, consistent with every shown figure and
every equation (and with each suppressed count being at least 1), in which the cell differs.
"""

from __future__ import annotations

from collections.abc import Hashable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mshtdesk.domain.disclosure import (
    Equation,
    Figure,
    Layout,
    hide_share,
    hide_statistic,
    is_small,
    primary,
    protect,
    protect_tables,
    recoverable,
)

Dom = dict[Hashable, tuple[int, int]]

# ----- an independent brute-force attacker -------------------------------------------------------


def _solutions_differ(layout: Layout, hidden: frozenset[Hashable], target: Hashable) -> bool:
    """Is there an integer assignment of the hidden cells, other than the truth at ``target``, that
    satisfies every equation with the shown cells fixed and each hidden count at least its floor?
    Bounds propagation plus exhaustive branching: exact, and fast on tables this small."""
    figs = layout.figures
    big = sum(abs(f.value) for f in figs.values()) + 2
    eqs = [((eq.total, -1), *((p, 1) for p in eq.parts)) for eq in layout.equations]

    def rng(dom: Dom, m: Hashable, c: int) -> tuple[int, int]:
        lo, hi = dom[m] if m in hidden else (figs[m].value, figs[m].value)
        return (c * lo, c * hi) if c > 0 else (c * hi, c * lo)

    def tighten(dom: Dom) -> Dom | None:
        dom = dict(dom)
        changed = True
        while changed:
            changed = False
            for eq in eqs:
                for i, (m, c) in enumerate(eq):
                    if m not in hidden:
                        continue
                    o_lo = sum(rng(dom, m2, c2)[0] for j, (m2, c2) in enumerate(eq) if j != i)
                    o_hi = sum(rng(dom, m2, c2)[1] for j, (m2, c2) in enumerate(eq) if j != i)
                    # c * x = -(others)
                    lo, hi = (-o_hi, -o_lo) if c == 1 else (o_lo, o_hi)
                    new = (max(dom[m][0], lo), min(dom[m][1], hi))
                    if new[0] > new[1]:
                        return None
                    if new != dom[m]:
                        dom[m] = new
                        changed = True
        return dom

    def search(dom: Dom) -> bool:
        found = tighten(dom)
        if found is None:
            return False
        open_ = [v for v in hidden if found[v][0] < found[v][1]]
        if not open_:
            return all(
                sum(c * (found[m][0] if m in hidden else figs[m].value) for m, c in eq) == 0 for eq in eqs
            )
        v = min(open_, key=lambda k: found[k][1] - found[k][0])
        lo, hi = found[v]
        return any(search({**found, v: (x, x)}) for x in range(lo, hi + 1))

    start: Dom = {}
    for k in hidden:
        fl = figs[k].floor
        start[k] = (-big if fl is None else fl, big)
    truth = figs[target].value
    lo, hi = start[target]
    return (lo <= truth - 1 and search({**start, target: (lo, truth - 1)})) or (
        truth + 1 <= hi and search({**start, target: (truth + 1, hi)})
    )


def brute_force_recoverable(layout: Layout, hidden: frozenset[Hashable]) -> set[Hashable]:
    return {t for t in hidden if not _solutions_differ(layout, hidden, t)}


# ----- table shapes --------------------------------------------------------------------------------


def crosstab(grid: list[list[int]], row_totals: bool = True, col_totals: bool = True) -> Layout:
    """Interior cells (r, c), row totals (r, "T"), column totals ("T", c), grand ("T", "T")."""
    figs: dict[Hashable, Figure] = {}
    eqs: list[Equation] = []
    n_rows, n_cols = len(grid), len(grid[0])
    for r in range(n_rows):
        for c in range(n_cols):
            figs[(r, c)] = Figure(grid[r][c])
    if row_totals:
        for r in range(n_rows):
            figs[(r, "T")] = Figure(sum(grid[r]))
            eqs.append(Equation((r, "T"), tuple((r, c) for c in range(n_cols))))
    if col_totals:
        for c in range(n_cols):
            figs[("T", c)] = Figure(sum(grid[r][c] for r in range(n_rows)))
            eqs.append(Equation(("T", c), tuple((r, c) for r in range(n_rows))))
    if row_totals and col_totals:
        figs[("T", "T")] = Figure(sum(map(sum, grid)))
        eqs.append(Equation(("T", "T"), tuple(("T", c) for c in range(n_cols))))
        eqs.append(Equation(("T", "T"), tuple((r, "T") for r in range(n_rows))))
    return _dedupe_grand(figs, eqs)


def _dedupe_grand(figs: dict[Hashable, Figure], eqs: list[Equation]) -> Layout:
    # The grand total is the total of two equations (rows of totals and column of totals): allowed.
    return Layout(figs, tuple(eqs))


counts = st.sampled_from([0, 0, 1, 1, 2, 3, 4, 5, 6, 8, 11])
grids = st.integers(1, 3).flatmap(
    lambda r: st.integers(1, 3).flatmap(
        lambda c: st.lists(st.lists(counts, min_size=c, max_size=c), min_size=r, max_size=r)
    )
)


def assert_protected(layout: Layout, hidden: frozenset[Hashable]) -> None:
    assert primary(layout) <= hidden, "every count from 1 to 4 is suppressed"
    assert all(layout.figures[k].value != 0 for k in hidden), "zeros are never suppressed"
    assert not recoverable(layout, hidden)
    assert not brute_force_recoverable(layout, hidden), "the brute-force attacker recovered a cell"


# ----- properties ----------------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(grids)
def test_crosstab_with_totals_leaks_nothing(grid: list[list[int]]) -> None:
    layout = crosstab(grid)
    assert not layout.check()
    assert_protected(layout, protect(layout))


@settings(max_examples=80, deadline=None)
@given(grids, st.booleans())
def test_tables_with_only_row_or_column_totals_leak_nothing(grid: list[list[int]], rows: bool) -> None:
    layout = crosstab(grid, row_totals=rows, col_totals=not rows)
    assert_protected(layout, protect(layout))


@settings(max_examples=80, deadline=None)
@given(st.lists(counts, min_size=1, max_size=5), st.lists(counts, min_size=1, max_size=4))
def test_nested_totals_leak_nothing(parts: list[int], sub_parts: list[int]) -> None:
    """A total, its parts, one part broken down further (a decision ladder: referrals, RG, CG)."""
    figs: dict[Hashable, Figure] = {("p", i): Figure(v) for i, v in enumerate(parts)}
    figs.update({("s", i): Figure(v) for i, v in enumerate(sub_parts)})
    figs["sub"] = Figure(sum(sub_parts))
    figs["all"] = Figure(sum(parts) + sum(sub_parts))
    layout = Layout(
        figs,
        (
            Equation("all", (*(("p", i) for i in range(len(parts))), "sub")),
            Equation("sub", tuple(("s", i) for i in range(len(sub_parts)))),
        ),
    )
    assert_protected(layout, protect(layout))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=3))
def test_changes_between_periods_leak_nothing(pairs: list[tuple[int, int]]) -> None:
    """Previous + change = this period, with a total row; a change has no floor and is never primary."""
    figs: dict[Hashable, Figure] = {}
    eqs: list[Equation] = []
    for r, (prev, this) in enumerate(pairs):
        figs[(r, "prev")] = Figure(prev)
        figs[(r, "chg")] = Figure(this - prev, counts_people=False, floor=None)
        figs[(r, "this")] = Figure(this)
        eqs.append(Equation((r, "this"), ((r, "prev"), (r, "chg"))))
    for col in ("prev", "chg", "this"):
        floor = None if col == "chg" else 1
        value = sum(figs[(r, col)].value for r in range(len(pairs)))
        figs[("T", col)] = Figure(value, counts_people=col != "chg", floor=floor)
        eqs.append(Equation(("T", col), tuple((r, col) for r in range(len(pairs)))))
    eqs.append(Equation(("T", "this"), (("T", "prev"), ("T", "chg"))))
    layout = Layout(figs, tuple(eqs))
    assert not layout.check()
    assert_protected(layout, protect(layout))


# ----- examples ------------------------------------------------------------------------------------


def test_a_lone_small_cell_forces_a_second_in_its_row_and_column() -> None:
    layout = crosstab([[3, 10], [7, 12]])
    hidden = protect(layout)
    assert (0, 0) in hidden
    assert len(hidden) >= 4  # a 2x2 rectangle at least
    assert ("T", "T") not in hidden  # parts are chosen before totals


def test_two_ones_adding_to_a_shown_total_of_two_are_both_known() -> None:
    """Two [c] that must each be at least 1 and add to 2 are both 1: the attacker wins unless more hides."""
    layout = crosstab([[1, 1, 9]], row_totals=True, col_totals=False)
    assert recoverable(layout, {(0, 0), (0, 1)}) == {(0, 0), (0, 1)}
    assert_protected(layout, protect(layout))


def test_zeros_and_large_counts_are_shown() -> None:
    layout = crosstab([[0, 10], [20, 5]])
    assert protect(layout) == frozenset()


def test_same_figure_in_two_tables_is_hidden_in_both() -> None:
    a = Layout({"x": Figure(3, key="k"), "y": Figure(10)}, ())
    b = Layout({"z": Figure(3, counts_people=False, key="k"), "w": Figure(9)}, ())
    result = protect_tables({"a": a, "b": b})
    assert result["a"] == {"x"}
    assert result["b"] == {"z"}


def test_a_figure_in_three_equations_is_refused() -> None:
    figs = {k: Figure(1) for k in "abcd"}
    with pytest.raises(ValueError, match="three|3 equations"):
        Layout(figs, (Equation("a", ("b",)), Equation("a", ("c",)), Equation("d", ("a",))))


def test_shares_and_statistics() -> None:
    assert is_small(1) and is_small(4) and not is_small(0) and not is_small(5)
    assert hide_share(3, 20)  # the part is small
    assert hide_share(18, 20)  # the complement (2) is small
    assert not hide_share(10, 20)
    assert not hide_share(0, 0)
    assert hide_share(10, 20, base_hidden=True)
    assert not hide_share(0, 3, base_hidden=True)  # zeros are never suppressed
    assert hide_statistic(4) and not hide_statistic(5) and hide_statistic(9, group_hidden=True)
