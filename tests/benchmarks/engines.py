"""PostgreSQL beside the encrypted SQLite file (issue 13, item 8): the same register on both, one run.

    MSHTDESK_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:54329/mshtdesk_test \\
        uv run python -m tests.benchmarks.engines --arrests 100000

Not a timed test (run on demand; ``tests/benchmarks`` is outside the default test run). In one run it:
  1. generates a custody register in the shape of a real one (``scale_data.generate``, as the scale
     benchmark does) and imports its last whole export into a new encrypted SQLite file through the real
     command, ``mshtdesk import arrests``; records corrections and the victim pathway in proportion;
  2. copies that file onto the scratch server (a database ``mshtdesk_bench`` made afresh beside the
     one ``MSHTDESK_TEST_PG_URL`` names; needs the right to create databases) through
     ``mshtdesk server import-from``'s service, so both engines hold the same rows;
  3. measures each figure on each engine in fresh processes (``--probe``): ``cold`` is the first call
     after logging in (the median over ``--cold`` processes), ``warm`` the median of ``--runs`` repeats;
  4. prints the table and the ratio PostgreSQL / SQLite, and checks both engines give the same figures.

Both servers run on this machine, so PostgreSQL's figures have no network round trip in them: a team on
a real network adds about one round trip per query (the pages read a count and one page of rows).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from tests.benchmarks.scale import PASSWORD, Bench, create_database, fill_victims, record_corrections
from tests.benchmarks.scale_data import generate
from tests.benchmarks.scale_probe import TODAY, app_measures, timed

BENCH_DB = "mshtdesk_bench"
MEASURES = (
    ("disposals_year", "disposal table, one year"),
    ("disposals_all", "disposal table, all years"),
    ("com_json", "COM JSON, financial year"),
    ("list_arrests", "arrests list, first page"),
    ("filter_arrests", "arrests list, district + disposal filter"),
    ("search_arrests", "arrests list, text search + date range"),
)


def probe_measures(backend: Any) -> dict[str, Callable[[], Any]]:
    """The scale benchmark's measures, plus a typed search (part of a reference) within a date range."""
    from datetime import date

    from mshtdesk.store.queries.arrests import ArrestQuery

    measures = app_measures(backend, 1)
    search = ArrestQuery(text="/2", date_from=date(2024, 4, 1), date_to=TODAY)
    reg = backend.register
    measures["search_arrests"] = lambda: {"count": reg.count(search), "rows": len(reg.page(search))}
    return measures


def probe(db: str, measure: str, runs: int) -> None:
    """One fresh process: log in, time ``measure`` cold then warm, print one JSON line."""
    from mshtdesk.services.backend import Backend

    backend = Backend.login(db, os.environ["MSHTDESK_USER"], os.environ["MSHTDESK_PASSWORD"])
    cold, warm, figures = timed(probe_measures(backend)[measure], runs)
    backend.close()
    print(json.dumps({"cold_ms": cold, "warm_ms": warm, "figures": figures}))


def bench_url(base: str, name: str = BENCH_DB) -> str:
    """A new, empty database ``name`` on the scratch server ``base`` names; its address."""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return sibling_url(base, name)


def sibling_url(base: str, name: str) -> str:
    """The address of database ``name`` on the server ``base`` names (its query left off)."""
    return base.partition("?")[0].rsplit("/", 1)[0] + "/" + name


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arrests", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument("--cold", type=int, default=3, help="fresh processes per figure and engine")
    ap.add_argument("--runs", type=int, default=5, help="warm repeats in each process")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dir", help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--reuse", action="store_true", help="measure --dir's databases again (no import)")
    ap.add_argument(
        "--no-pathway", action="store_true", help="no victim pathway (quicker to fill; COM JSON lighter)"
    )
    ap.add_argument("--only", default="", help="comma-separated measures (default: all), e.g. list_arrests")
    ap.add_argument("--probe", nargs=2, metavar=("DB", "MEASURE"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.probe:
        probe(args.probe[0], args.probe[1], args.runs)
        return
    base = os.environ.get("MSHTDESK_TEST_PG_URL", "")
    if not base:
        raise SystemExit("set MSHTDESK_TEST_PG_URL to a scratch PostgreSQL server (.ci/pg_up.sh starts one)")
    if args.dir:
        Path(args.dir).mkdir(parents=True, exist_ok=True)
        run(Path(args.dir), base, args)
    else:
        with tempfile.TemporaryDirectory(prefix="engines-") as tmp:
            run(Path(tmp), base, args)


def load(folder: Path, base: str, args: argparse.Namespace, bench: Bench) -> str:
    """Steps 1 and 2; the server database's address."""
    from mshtdesk.services import team
    from mshtdesk.services.backend import Backend

    db = folder / "scale.db"
    for p in folder.glob("scale.db*"):
        p.unlink()
    create_database(db)
    reader = Backend.login(str(db), "admin", PASSWORD)
    districts = [d.code for d in reader.reference.districts() if d.active]
    reader.close()
    t = time.perf_counter()
    reg = generate(args.seed, args.arrests, TODAY, districts, args.years)
    print(f"generated {reg.arrests:,} arrests ({reg.rows:,} custody rows) in {time.perf_counter() - t:.1f} s")
    export = folder / "export.csv"
    export.write_bytes(reg.cumulative(len(reg.months) - 1))
    took, _ = bench.command("officer", "import", "arrests", str(export), "--db", str(db))
    export.unlink()
    print(f"SQLite: imported the whole export in {took:.1f} s")
    t = time.perf_counter()
    done = record_corrections(db, args.arrests, args.seed)
    victims = "no victim pathway" if args.no_pathway else fill_victims(db, args.arrests, args.years)
    print(f"SQLite: {done} corrections, {victims} in {time.perf_counter() - t:.1f} s")
    url = bench_url(base)
    t = time.perf_counter()
    moved = team.import_from(str(db), "admin", PASSWORD, url)
    print(f"PostgreSQL: copied {sum(moved.copied.values()):,} rows in {time.perf_counter() - t:.1f} s")
    return url


def run(folder: Path, base: str, args: argparse.Namespace) -> None:
    bench = Bench(folder, args)
    if args.reuse:
        url = base.partition("?")[0].rsplit("/", 1)[0] + "/" + BENCH_DB
    else:
        url = load(folder, base, args, bench)
    engine = create_engine(url)
    with engine.begin() as conn:  # the planner's statistics, as autovacuum would have them after a while
        conn.execute(text("ANALYZE"))
    engine.dispose()
    sites = {"sqlite": str(folder / "scale.db"), "postgresql": url}
    rows: list[tuple[str, dict[str, tuple[float, float]]]] = []
    problems: list[str] = []
    only = {m for m in args.only.split(",") if m}
    for name, label in MEASURES:
        if only and name not in only:
            continue
        times: dict[str, tuple[float, float]] = {}
        figures: dict[str, Any] = {}
        for site, db in sites.items():
            colds, warms = [], []
            for _ in range(args.cold):
                proc = subprocess.run(
                    [sys.executable, "-m", "tests.benchmarks.engines", "--runs", str(args.runs)]
                    + ["--probe", db, name],
                    env={**bench.env, "MSHTDESK_USER": "manager"},
                    capture_output=True,
                    text=True,
                    cwd=Path(__file__).resolve().parents[2],
                )
                if proc.returncode != 0:
                    raise SystemExit(f"probe {site} {name} failed: {proc.stderr[-2000:]}")
                out = json.loads(proc.stdout.strip().splitlines()[-1])
                colds.append(out["cold_ms"])
                warms.append(out["warm_ms"])
                figures[site] = out["figures"]
            times[site] = (statistics.median(colds), statistics.median(warms))
        if figures["sqlite"] != figures["postgresql"]:
            problems.append(f"{label}: SQLite {figures['sqlite']} but PostgreSQL {figures['postgresql']}")
        rows.append((label, times))
        print(f"  measured {label}", flush=True)
    print(f"\n{args.arrests:,} arrests; ms, median of {args.cold} processes (warm: of {args.runs} repeats)")
    head = ("SQLite cold", "PG cold", "ratio", "SQLite warm", "PG warm", "ratio")
    print(f"{'':44} {head[0]:>11} {head[1]:>9} {head[2]:>6}   {head[3]:>11} {head[4]:>9} {head[5]:>6}")
    for label, t in rows:
        (sc, sw), (pc, pw) = t["sqlite"], t["postgresql"]
        print(f"{label:44} {sc:11.1f} {pc:9.1f} {pc / sc:6.2f}   {sw:11.1f} {pw:9.1f} {pw / sw:6.2f}")
    for p in problems:
        print(f"DISAGREE: {p}")
    if not problems:
        print("Both engines give the same figures for every measure.")


if __name__ == "__main__":
    main()
