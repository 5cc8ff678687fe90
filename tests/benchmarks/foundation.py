"""Foundation benchmark: custody import rate, the disposal table against hand-written SQL, startup.

Targets (issue 2): import >= 40,000 event rows/s; the app's disposal table within 2x the best
hand-written single SQL statement, for one year of arrests and for all; first window painted <= 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mshtdesk.demo.arrests import demo_csv
from mshtdesk.domain.roles import Role
from mshtdesk.services.backend import Backend
from mshtdesk.store.backup import connect

EFFECTIVE = "e.is_void = 0 AND NOT EXISTS (SELECT 1 FROM disposal_event s WHERE s.supersedes_id = e.id)"

HAND_WRITTEN = {
    "correlated subquery per offence": f"""
        SELECT district_id, r, COUNT(*) FROM (
          SELECT a.id, a.district_id, MIN((
            SELECT dt.rank FROM disposal_event e JOIN disposal_type dt ON dt.id = e.disposal_type_id
            WHERE e.offence_id = o.id AND e.event_date <= :as_at AND {EFFECTIVE}
            ORDER BY e.event_date DESC, dt.rank LIMIT 1)) AS r
          FROM arrest a LEFT JOIN offence o ON o.arrest_id = a.id
          WHERE a.arrest_date BETWEEN :lo AND :hi
          GROUP BY a.id, a.district_id)
        GROUP BY district_id, r""",
    "window function over events": f"""
        WITH ev AS (
          SELECT o.arrest_id, dt.rank,
                 ROW_NUMBER() OVER (PARTITION BY e.offence_id ORDER BY e.event_date DESC, dt.rank) AS n
          FROM arrest a JOIN offence o ON o.arrest_id = a.id
          JOIN disposal_event e ON e.offence_id = o.id
          JOIN disposal_type dt ON dt.id = e.disposal_type_id
          WHERE a.arrest_date BETWEEN :lo AND :hi AND e.event_date <= :as_at AND {EFFECTIVE}),
        best AS (SELECT arrest_id, MIN(rank) AS r FROM ev WHERE n = 1 GROUP BY arrest_id)
        SELECT a.district_id, best.r, COUNT(*) FROM arrest a LEFT JOIN best ON best.arrest_id = a.id
        WHERE a.arrest_date BETWEEN :lo AND :hi GROUP BY a.district_id, best.r""",
}


def median_time(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm the page cache and the statement caches
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def startup(runs: int) -> list[tuple[float, float]]:
    """(reported, observed) milliseconds to the first painted window: as the app measures it from its
    entry module, and as seen from outside, from spawning the process to reading its report."""
    exe = Path(sys.executable).with_name("mshtdesk")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MSHTDESK_STARTUP_PROBE": "1"}
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        env["MSHTDESK_DATA_DIR"] = tmp
        env["MSHTDESK_CONFIG_DIR"] = tmp
        for _ in range(runs + 1):
            t = time.perf_counter()
            proc = subprocess.Popen(
                [str(exe)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
            )
            assert proc.stdout is not None
            line = next((ln for ln in proc.stdout if ln.startswith("first-paint-ms")), None)
            seen = (time.perf_counter() - t) * 1000
            proc.wait(timeout=60)
            if line is None:
                return []
            results.append((float(line.split()[1]), seen))
    return results[1:]  # the first run warms the OS file cache


def tables(backend: Backend, con: Any, today: date, runs: int) -> None:
    """The app's disposal table against the hand-written statements, for one year and for all arrests."""
    for label, lo in (("one year", today - timedelta(days=365)), ("all arrests", date(2000, 1, 1))):
        params = {"lo": lo.isoformat(), "hi": today.isoformat(), "as_at": today.isoformat()}
        app = median_time(lambda lo=lo: backend.disposal_table(lo, today, today), runs)
        hand = {
            name: median_time(lambda sql=sql, p=params: con.execute(sql, p).fetchall(), runs)
            for name, sql in HAND_WRITTEN.items()
        }
        best_name = min(hand, key=lambda k: hand[k])
        n = backend.disposal_table(lo, today, today).total_arrests
        print(
            f"disposal table, {label} ({n:,} arrests): app {app * 1000:.0f} ms; hand-written: "
            + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in hand.items())
            + f"; ratio to best ({best_name}) {app / hand[best_name]:.2f} (target <= 2)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--arrests", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-startup", action="store_true")
    ap.add_argument("--corrections", type=int, default=0, help="then record this many and measure again")
    args = ap.parse_args()
    today = date(2026, 11, 22)
    with tempfile.TemporaryDirectory() as tmp:
        db_file = Path(tmp) / "bench.db"
        admin = Backend.create(str(db_file), "admin", "benchmark passphrase")
        admin.users.add_user("officer", "", Role.HTT_OFFICER, "another benchmark passphrase")
        backend = Backend.as_user(admin.db, "officer")
        districts = [d.code for d in backend.reference.districts()]
        t = time.perf_counter()
        # Eight years of casework, so that "one year" is a realistic slice of the table's input.
        data = demo_csv(7, args.arrests, today, districts, span_days=8 * 365)
        gen = time.perf_counter() - t
        rows = data.count(b"\n") - 1
        t = time.perf_counter()
        summary = backend.import_custody(data, "bench.csv")
        took = time.perf_counter() - t
        print(f"generated {rows:,} rows in {gen:.1f} s")
        print(
            f"import: {summary.arrests_added:,} arrests, {summary.offences_added:,} offences, "
            f"{summary.events_added:,} events from {rows:,} rows in {took:.2f} s = {rows / took:,.0f} rows/s "
            f"(target >= 40,000)"
        )
        t = time.perf_counter()
        again = backend.import_custody(data, "bench.csv")
        print(
            f"re-import of the same file (nothing new: {not again.changed}): {time.perf_counter() - t:.2f} s"
        )

        con = connect(db_file, backend.db.key)  # encrypted, as the app's own connections are
        tables(backend, con, today, args.runs)
        if args.corrections:
            # Withdraw half of them and correct the district of the others, spread over the register,
            # then measure again in the same run: the ratio is what corrections cost the table.
            ids = [r[0] for r in con.execute("SELECT id FROM arrest ORDER BY id")]
            step = max(1, len(ids) // args.corrections)
            leeds = con.execute("SELECT id FROM district WHERE code = 'LD'").fetchone()[0]
            t = time.perf_counter()
            for n, arrest_id in enumerate(ids[::step][: args.corrections]):
                if n % 2:
                    now_in = con.execute(
                        "SELECT district_id FROM arrest WHERE id = ?", (arrest_id,)
                    ).fetchone()
                    to = "LD" if now_in[0] != leeds else "BD"
                    backend.corrections.correct_arrest(arrest_id, district=to, reason="benchmark")
                else:
                    backend.corrections.withdraw_arrest(arrest_id, "benchmark")
            took = time.perf_counter() - t
            print(f"{args.corrections:,} corrections recorded in {took:.1f} s; the tables again:")
            tables(backend, con, today, args.runs)
        con.close()
        from mshtdesk.services.register import ArrestQuery

        q = ArrestQuery(as_at=today)
        first = median_time(
            lambda: (backend.register.count(q), backend.register.page(q, limit=200)), args.runs
        )
        print(f"arrests list, first page of 200 with the total count: {first * 1000:.0f} ms")
        backend.close()
    if not args.no_startup:
        runs = startup(args.runs)
        if runs:
            reported = [r for r, _ in runs]
            observed = [o for _, o in runs]
            print(
                f"first window painted: median {statistics.median(reported):.0f} ms from the entry module "
                f"(min {min(reported):.0f}, max {max(reported):.0f}), {statistics.median(observed):.0f} ms "
                f"from process spawn, over {len(runs)} starts (target <= 500)"
            )
        else:
            print("first window painted: the app did not report (MSHTDESK_STARTUP_PROBE)")


if __name__ == "__main__":
    main()
