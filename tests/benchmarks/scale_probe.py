"""One measurement in a fresh process, for the scale benchmark (``tests/benchmarks/scale.py``).

    python -m tests.benchmarks.scale_probe --db FILE --measure disposals_year [--runs 5]
    python -m tests.benchmarks.scale_probe --compact FILE [--encrypted] --measure limit_year

Logs in as ``MSHTDESK_USER`` / ``MSHTDESK_PASSWORD`` the way the command line does (the compact file
takes its key from ``SCALE_COMPACT_KEY``), then times the measure's first call (``cold``: nothing of the
database in this process's page cache) and its median over ``--runs`` more (``warm``), and prints one
JSON line: the times in ms, the figures the call produced (counts only, never personal data) and the
process's peak RSS. ``--measure all`` runs every app measure once in one process (the memory figure).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 11, 22)
COUNT_CAP = 10_000  # what a list page counts up to (ui.models.paged_model.COUNT_CAP; no Qt import here)
YEAR = (date(2025, 4, 1), date(2026, 3, 31))  # the financial year of the COM summary
ALL = (date(2000, 1, 1), TODAY)


def _cells(table: Any) -> dict[str, int]:
    """A disposal table's non-zero cells as ``"district/disposal" -> arrests`` (``-``: none yet)."""
    out: dict[str, int] = {}
    for row in table.rows:
        if row.is_total:
            continue
        for district, n in zip(table.districts, row.by_district, strict=True):
            if n:
                out[f"{district}/{row.code or '-'}"] = n
    return out


def app_measures(backend: Any, person_id: int) -> dict[str, Callable[[], Any]]:
    """What each page and report reads, through the services the app and the CLI use; each returns
    its figures (counts)."""
    from mshtdesk.services.com_report import ReportKind, ReportRequest
    from mshtdesk.services.contacts import ContactFilter
    from mshtdesk.services.haven import StayFilter
    from mshtdesk.services.navigator import NavigatorFilter
    from mshtdesk.store.queries.arrests import ArrestQuery
    from mshtdesk.store.queries.nrm import ReferralQuery

    com = ReportRequest(ReportKind.COM, *YEAR, TODAY, False)

    def table(lo: date, hi: date) -> dict[str, Any]:
        t = backend.disposal_table(lo, hi, TODAY)
        return {"arrests": t.total_arrests, "cells": _cells(t)}

    def listed(count: Callable[[int], int], page: Callable[[], list[Any]]) -> dict[str, int]:
        # what a list page reads: the total, up to the page's cap ("10,000+"), then 200 rows
        return {"count": count(COUNT_CAP), "rows": len(page())}

    reg, people, nrm, nav, haven, contacts = (
        backend.register,
        backend.people,
        backend.nrm,
        backend.navigator,
        backend.haven,
        backend.contacts,
    )
    arrests_q = ArrestQuery(district_code="LD", disposal_code="CHARGE")
    nrm_q = ReferralQuery(submitted_from=YEAR[0], submitted_to=YEAR[1])
    return {
        "disposals_year": lambda: table(*YEAR),
        "disposals_all": lambda: table(*ALL),
        "com_json": lambda: {"bytes": len(backend.reports.build(com).json_bytes())},
        "com_pdf": lambda: {"bytes": len(backend.reports.render(com).pdf)},
        "list_arrests": lambda: listed(
            lambda m: reg.count(ArrestQuery(), m), lambda: reg.page(ArrestQuery())
        ),
        "filter_arrests": lambda: listed(lambda m: reg.count(arrests_q, m), lambda: reg.page(arrests_q)),
        "list_people": lambda: listed(lambda m: people.count(at_most=m), people.list),
        "list_nrm": lambda: listed(lambda m: nrm.count(None, m), nrm.list),
        "filter_nrm": lambda: listed(lambda m: nrm.count(nrm_q, m), lambda: nrm.list(nrm_q)),
        "list_navigator": lambda: listed(lambda m: nav.count(NavigatorFilter(), m), nav.list),
        "list_haven": lambda: listed(lambda m: haven.count(StayFilter(), m), haven.stays),
        "filter_haven": lambda: listed(
            lambda m: haven.count(StayFilter(in_house=False), m),
            lambda: haven.stays(StayFilter(in_house=False)),
        ),
        "list_contacts": lambda: listed(lambda m: contacts.count(ContactFilter(), m), contacts.list),
        "filter_contacts": lambda: listed(
            lambda m: contacts.count(ContactFilter(overdue=True), m),
            lambda: contacts.list(ContactFilter(overdue=True)),
        ),
        "list_navigator_closed": lambda: listed(
            lambda m: nav.count(NavigatorFilter(status=_closed()), m),
            lambda: nav.list(NavigatorFilter(status=_closed())),
        ),
        "today": lambda: {"items": len(backend.today.items(TODAY))},
        "pathway": lambda: {"entries": len(backend.pathway.timeline(person_id, consult=False).entries)},
    }


def _closed() -> Any:
    from mshtdesk.services.navigator import CaseStatus

    return CaseStatus.CLOSED


def limit_measures(path: Path, key: bytes | None) -> tuple[Any, dict[str, Callable[[], Any]]]:
    from tests.benchmarks.scale_data import COM_FLOOR_SQL, LIMIT_SQL, open_compact

    con = open_compact(path, key)

    def limit(lo: date, hi: date) -> dict[str, Any]:
        params = {"lo": lo.isoformat(), "hi": hi.isoformat(), "as_at": TODAY.isoformat()}
        rows = con.execute(LIMIT_SQL, params).fetchall()
        return {"arrests": sum(n for *_, n in rows), "raw": [list(r) for r in rows]}

    def com_floor() -> dict[str, Any]:
        lo, hi = YEAR
        params = {
            "lo": lo.isoformat(),
            "hi": hi.isoformat(),
            "lo_at": lo.isoformat(),
            "hi_at": (hi + timedelta(days=1)).isoformat(),
        }
        figures = limit(lo, hi)
        for n, sql in enumerate(COM_FLOOR_SQL):
            figures[f"floor_{n}"] = len(con.execute(sql, params).fetchall())  # groups, not people
        del figures["raw"]
        return figures

    return con, {
        "limit_year": lambda: limit(*YEAR),
        "limit_all": lambda: limit(*ALL),
        "limit_com": com_floor,
    }


def peak_rss_mb() -> float:
    """This process's own peak resident memory in MB: ``VmHWM``, which starts afresh at exec. Not
    ``getrusage``'s ``ru_maxrss``: Linux carries the high-water mark of the forked parent across the
    exec, so a probe spawned by the benchmark (holding the generated register) reported the benchmark's
    size, 772 MB at 100,000 arrests, where the probe itself peaked at 194 MB."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no /proc: the best there is


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float | None, Any]:
    t = time.perf_counter()
    figures = fn()
    cold = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - t) * 1000)
    return cold, (statistics.median(warm) if warm else None), figures


def main() -> None:
    started = time.perf_counter()
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--compact")
    ap.add_argument("--encrypted", action="store_true")
    ap.add_argument("--measure", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--person-id", type=int, default=1)
    args = ap.parse_args()
    out: dict[str, Any] = {"measure": args.measure}
    if args.compact:
        key = bytes.fromhex(os.environ["SCALE_COMPACT_KEY"]) if args.encrypted else None
        con, measures = limit_measures(Path(args.compact), key)
    else:
        from mshtdesk.services.backend import Backend

        t = time.perf_counter()
        backend = Backend.login(args.db, os.environ["MSHTDESK_USER"], os.environ["MSHTDESK_PASSWORD"])
        out["login_ms"] = (time.perf_counter() - t) * 1000
        measures = app_measures(backend, args.person_id)
    names = list(measures) if args.measure == "all" else [args.measure]
    results: dict[str, dict[str, Any]] = {}
    for name in names:
        try:
            cold, warm, figures = timed(measures[name], 0 if args.measure == "all" else args.runs)
        except Exception as exc:  # a role that may not see this page: say so, measure the rest
            results[name] = {"error": type(exc).__name__}
            continue
        results[name] = {"cold_ms": cold, "warm_ms": warm, "figures": figures}
    out["results"] = results
    out["peak_rss_mb"] = peak_rss_mb()
    out["process_ms"] = (time.perf_counter() - started) * 1000
    print(json.dumps(out))


if __name__ == "__main__":
    main()
