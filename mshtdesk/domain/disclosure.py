"""Statistical disclosure control for the public COM report: small counts shown as ``[c]``.

In a table about people (victims, referrals, decisions, stays, contacts) every count from 1 to 4 is
suppressed (primary suppression), and further cells are suppressed (secondary suppression) until no
suppressed value can be worked out from what is shown. Zeros are never suppressed, and arrest and
disposal counts are published as they are (domain.md, "COM summary"; domain-research.md §5.4).

What an outsider is assumed to know: every shown figure, every additive relation in the table (parts
add up to their total), and that a ``[c]`` is at least 1 (zeros are never suppressed). A figure that
is not a count (a change between periods) has no such floor.

A table is a ``Layout``: figures and equations (``total = sum(parts)``). Each figure takes part in at
most two equations, which makes the system a graph: equations are nodes, figures are edges (a figure
in fewer than two equations ends in a free node). The integer solutions then move only along cycles
of suppressed figures, so a suppressed figure can be recovered exactly when no cycle through it can
shift by one without pushing a figure below its floor. ``recoverable`` searches for such a cycle;
``protect`` adds secondary suppressions until there is one through every suppressed figure.

Standard library only.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

SUPPRESSED = "[c]"
SMALLEST, LARGEST = 1, 4  # counts in this range are suppressed
FREE = object()  # the node every figure outside an equation hangs from
_TARGET = object()
_SEARCH_BUDGET = 50_000  # steps per figure; beyond it the figure is treated as recoverable (safe side)

RULE_TEXT = (
    f"Public version: counts of people from {SMALLEST} to {LARGEST} are shown as {SUPPRESSED}, and further "
    f"cells are shown as {SUPPRESSED} where a suppressed count could otherwise be worked out from the "
    "totals. Percentages, averages and medians are withheld where they rest on fewer than "
    f"{LARGEST + 1} people or would reveal a suppressed count. Zeros are never suppressed. Arrest and "
    "disposal counts are published as they are."
)


def is_small(n: int) -> bool:
    """A count that must not be published: 1 to 4 (zeros are safe)."""
    return SMALLEST <= n <= LARGEST


@dataclass(frozen=True)
class Figure:
    """One cell. ``counts_people``: a count of people (or of their referrals, stays, contacts) that is
    suppressed when small. ``floor``: the least an outsider knows it can be once suppressed (None: no
    floor, e.g. a change between periods). ``key``: the same figure appearing in another table, which
    must be suppressed in both or neither."""

    value: int
    counts_people: bool = True
    floor: int | None = 1
    key: str = ""


@dataclass(frozen=True)
class Equation:
    total: Hashable
    parts: tuple[Hashable, ...]


@dataclass(frozen=True)
class Layout:
    figures: Mapping[Hashable, Figure]
    equations: tuple[Equation, ...] = ()
    _ends: dict[Hashable, tuple[tuple[object, int], tuple[object, int]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        incidences: dict[Hashable, list[tuple[object, int]]] = {k: [] for k in self.figures}
        for i, eq in enumerate(self.equations):
            for fid, coef in ((eq.total, -1), *((p, 1) for p in eq.parts)):
                if fid not in incidences:
                    raise ValueError(f"equation {i} names {fid!r}, which is not a figure")
                incidences[fid].append((i, coef))
        for fid, found in incidences.items():
            if len(found) > 2:
                raise ValueError(f"{fid!r} is in {len(found)} equations; the model allows two")
            if len(found) == 2 and found[0][0] == found[1][0]:
                raise ValueError(f"{fid!r} appears twice in equation {found[0][0]}")
            padded = (found + [(FREE, 1), (FREE, 1)])[:2]
            self._ends[fid] = (padded[0], padded[1])

    def ends(self, fid: Hashable) -> tuple[tuple[object, int], tuple[object, int]]:
        return self._ends[fid]

    def check(self) -> list[str]:
        """Equations that do not add up (a bug in whoever built the layout)."""
        return [
            f"{eq.total!r} = {self.figures[eq.total].value}, parts add to "
            f"{sum(self.figures[p].value for p in eq.parts)}"
            for eq in self.equations
            if self.figures[eq.total].value != sum(self.figures[p].value for p in eq.parts)
        ]


def _slack(fig: Figure) -> bool:
    """Can the figure go down by one and stay consistent with what an outsider knows?"""
    return fig.floor is None or fig.value - 1 >= fig.floor


def _movable(layout: Layout, suppressed: frozenset[Hashable], e0: Hashable) -> bool:
    """Is there another solution in which ``e0`` differs (a cycle of suppressed figures through it)?"""
    by_node: dict[object, list[Hashable]] = {}
    for fid in suppressed:
        for node, _ in layout.ends(fid):
            by_node.setdefault(node, []).append(fid)
    (u, au), (v, av) = layout.ends(e0)
    if u is FREE and v is FREE:
        return True  # in no equation: nothing ties it down
    budget = [_SEARCH_BUDGET]

    def coef(fid: Hashable, node: object) -> int:
        a, b = layout.ends(fid)
        return a[1] if a[0] is node or a[0] == node else b[1]

    def other(fid: Hashable, node: object) -> tuple[object, int]:
        a, b = layout.ends(fid)
        return b if (a[0] is node or a[0] == node) else a

    def search(
        w: object,
        need: int | None,
        target: object,
        target_need: int | None,
        seen: set[object],
        used: set[Hashable],
    ) -> bool:
        for f in by_node.get(w, ()):
            if f == e0 or f in used:
                continue
            budget[0] -= 1
            if budget[0] < 0:
                return False
            signs = (1, -1) if need is None else (need * coef(f, w),)
            for d in signs:
                if d == -1 and not _slack(layout.figures[f]):
                    continue
                z, az = other(f, w)
                if z is target or z == target:
                    if target_need is None or az * d == target_need:
                        return True
                    continue
                if z in seen:
                    continue
                seen.add(z)
                used.add(f)
                if search(z, None if z is FREE else -az * d, target, target_need, seen, used):
                    return True
                used.discard(f)
                seen.discard(z)
        return False

    for d0 in (1, -1):
        if d0 == -1 and not _slack(layout.figures[e0]):
            continue
        start_need = None if v is FREE else -av * d0
        target_need = None if u is FREE else -au * d0
        if search(v, start_need, u, target_need, {v}, set()):
            return True
    return False


def recoverable(layout: Layout, suppressed: Iterable[Hashable]) -> frozenset[Hashable]:
    """The suppressed figures whose value follows from the shown ones (to be empty before publishing)."""
    hidden = frozenset(suppressed)
    return frozenset(f for f in hidden if not _movable(layout, hidden, f))


def primary(layout: Layout) -> frozenset[Hashable]:
    return frozenset(k for k, f in layout.figures.items() if f.counts_people and is_small(f.value))


def _neighbours(layout: Layout, fid: Hashable) -> list[Hashable]:
    out: list[Hashable] = []
    for eq in layout.equations:
        members = (eq.total, *eq.parts)
        if fid in members:
            out.extend(m for m in members if m != fid)
    return out


def _order(layout: Layout) -> dict[Hashable, int]:
    return {k: i for i, k in enumerate(layout.figures)}


def _cheapest_cycle(
    layout: Layout, hidden: frozenset[Hashable], e0: Hashable, keyed_cost: int
) -> list[Hashable] | None:
    """The shown figures to hide so that a cycle runs through ``e0``, choosing the cheapest: hidden
    figures cost nothing, a shown one its value, a total or a figure shared with another table more
    (Dijkstra over (equation, sign needed) states). None when no cycle exists at all."""
    import heapq

    totals = {eq.total for eq in layout.equations}
    by_node: dict[object, list[Hashable]] = {}
    for fid, fig in layout.figures.items():
        if fid in hidden or fig.value != 0:
            for node, _ in layout.ends(fid):
                by_node.setdefault(node, []).append(fid)

    def cost(fid: Hashable) -> int:
        if fid in hidden:
            return 0
        fig = layout.figures[fid]
        return abs(fig.value) + (1000 if fid in totals else 0) + (keyed_cost if fig.key else 0) + 1

    (u, au), (v, av) = layout.ends(e0)
    done: tuple[object, int | None] = (_TARGET, None)
    best: tuple[int, list[Hashable]] | None = None
    for d0 in (1, -1):
        if d0 == -1 and not _slack(layout.figures[e0]):
            continue
        start: tuple[object, int | None] = (v, None if v is FREE else -av * d0)
        target_need = None if u is FREE else -au * d0
        dist: dict[tuple[object, int | None], int] = {start: 0}
        back: dict[tuple[object, int | None], tuple[tuple[object, int | None], Hashable]] = {}
        heap: list[tuple[int, int, tuple[object, int | None]]] = [(0, 0, start)]
        tick = 0
        while heap:
            dcur, _, state = heapq.heappop(heap)
            if state == done or dcur > dist.get(state, dcur):
                if state == done:
                    break
                continue
            w, need = state
            for f in by_node.get(w, ()):
                if f == e0:
                    continue
                (n1, c1), (n2, c2) = layout.ends(f)
                a_w, (z, az) = (c1, (n2, c2)) if n1 == w else (c2, (n1, c1))
                for d in (1, -1) if need is None else (need * a_w,):
                    if d == -1 and not _slack(layout.figures[f]):
                        continue
                    if z == u and (target_need is None or az * d == target_need):
                        nxt = done
                    elif z == u:
                        continue
                    else:
                        nxt = (z, None if z is FREE else -az * d)
                    nd = dcur + cost(f)
                    if nd < dist.get(nxt, nd + 1):
                        dist[nxt] = nd
                        back[nxt] = (state, f)
                        tick += 1
                        heapq.heappush(heap, (nd, tick, nxt))
        if done not in dist:
            continue
        path: list[Hashable] = []
        state = done
        while state in back:
            state, f = back[state]
            path.append(f)
        if best is None or dist[done] < best[0]:
            best = (dist[done], path)
    if best is None:
        return None
    return [f for f in best[1] if f not in hidden]


def protect(layout: Layout, forced: Iterable[Hashable] = (), *, keyed_cost: int = 200) -> frozenset[Hashable]:
    """Primary suppressions, ``forced`` ones, then secondary ones until nothing is recoverable.

    For each recoverable figure the cheapest cycle through it is hidden: the fewest and smallest
    figures, parts before totals, figures shared with another table last. Deterministic: the same
    table always gives the same cells.
    """
    hidden = set(primary(layout)) | set(forced)
    position = _order(layout)
    totals = {eq.total for eq in layout.equations}
    while True:
        exposed = sorted(recoverable(layout, hidden), key=lambda k: position[k])
        if not exposed:
            return frozenset(hidden)
        target = exposed[0]
        cycle = _cheapest_cycle(layout, frozenset(hidden), target, keyed_cost)
        if cycle:
            hidden.update(cycle)
            if _movable(layout, frozenset(hidden), target):
                continue
        pool = [
            n
            for n in dict.fromkeys(_neighbours(layout, target))
            if n not in hidden and layout.figures[n].value != 0
        ]
        if not pool:  # nothing beside it: widen to any shown non-zero figure in the table
            pool = [k for k, f in layout.figures.items() if k not in hidden and f.value != 0]
        if not pool:
            return frozenset(hidden)  # everything non-zero is hidden; nothing more can be done
        pool.sort(key=lambda k: (k in totals, abs(layout.figures[k].value), position[k]))
        chosen = next((k for k in pool if _movable(layout, frozenset(hidden | {k}), target)), pool[0])
        hidden.add(chosen)


def protect_tables(layouts: Mapping[str, Layout]) -> dict[str, frozenset[Hashable]]:
    """Protect several tables together: a figure with a ``key`` is suppressed in every table it
    appears in as soon as it is suppressed in one, and the tables are protected again until stable."""
    forced: dict[str, set[Hashable]] = {name: set() for name in layouts}
    while True:
        result = {name: protect(layout, forced[name]) for name, layout in layouts.items()}
        keys = {
            layouts[name].figures[f].key
            for name, hidden in result.items()
            for f in hidden
            if layouts[name].figures[f].key
        }
        changed = False
        for name, layout in layouts.items():
            for fid, fig in layout.figures.items():
                if fig.key in keys and fid not in result[name] and fid not in forced[name]:
                    forced[name].add(fid)
                    changed = True
        if not changed:
            return result


def hide_share(part: int, base: int, part_hidden: bool = False, base_hidden: bool = False) -> bool:
    """Should a subset count (and its percentage of ``base``) be withheld?

    Withheld when it or its complement is small (the complement follows from the base), or when the
    base is withheld, or the part already is. A zero is always shown: none of anything reveals nothing."""
    if part == 0:
        return False
    return part_hidden or base_hidden or is_small(part) or is_small(base - part)


def hide_statistic(group_size: int, group_hidden: bool = False) -> bool:
    """An average, median or rate over a group is withheld when the group is small or withheld."""
    return group_hidden or is_small(group_size)
