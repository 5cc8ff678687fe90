"""Scale benchmark (issue 15): realistic data, fresh processes, and the physical limit as the yardstick.

    uv run python -m tests.benchmarks.scale --arrests 100000            # about 10 minutes here
    uv run python -m tests.benchmarks.scale --arrests 1000000 --dir /tmp/scale1m   # keeps the files
    uv run python -m tests.benchmarks.scale --arrests 300 --years 1 --quick        # the CI smoke size

What it does, in one run (nothing is reused from an earlier run unless ``--dir`` holds it):
  1. Generates a custody register in the shape of a real one (``scale_data.generate``): arrests spread
     over ``--years``, later disposal events arriving in the exports of the months they happen, rows in
     no order within a month, realistic offence wording.
  2. Imports it into a new encrypted database through the real command, ``mshtdesk import custody``: one
     file per month of new rows for the history, then the last ``--cumulative`` months as the custody
     system really sends them, each the whole export so far. Meanwhile a few corrections are recorded
     through the services (arrests withdrawn, districts and dates corrected, events corrected and
     retracted) and, after, the victim pathway in proportion (people, referrals, stays, contacts).
     Then the last export imported whole into another new database: the first import of a new user.
  3. Builds the limit itself: a compact plain SQLite file with only what the disposal table needs and
     the indexes issue 15 names, and the same file under SQLCipher (``scale_data.build_compact``); the
     same files hold the COM summary's floor, what a year's summary must read at the least, beside
     which the COM figures are set.
  4. Measures every figure from fresh processes (``scale_probe``): ``cold`` is a call's first run in a
     new process after logging in (the median over ``--cold`` processes), ``warm`` the median of
     ``--runs`` repeats in that process. The operating system's file cache is warm in both (dropping it
     needs root); SQLite's and SQLCipher's page caches are not. The whole commands (``report disposals``,
     ``report com``) are timed from spawn to exit, beside the same command on an empty database.
  5. Prints the table with the ratios to the encrypted compact limit, and checks that the app's figures
     and the limit's agree (the same arrests in the same cells).

``--quick`` (the smoke test) measures each figure once in a single probe process: its times are not
cold, and mean nothing at that size; the agreement of the figures is what it checks.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tests.benchmarks.scale_data import build_compact, generate
from tests.benchmarks.scale_probe import TODAY, YEAR

PASSWORD = "scale benchmark passphrase"
USERS = (("officer", "htt-officer"), ("manager", "manager"), ("vlo", "vlo"), ("navigator", "navigator"))
APP_MEASURES = (
    # (measure, label, target ms at 1M, compared with the limit)
    ("disposals_year", "disposal table, one year", None, "limit_year"),
    ("disposals_all", "disposal table, all years", None, "limit_all"),
    ("com_json", "COM JSON, financial year", 1000, "limit_com"),
    ("com_pdf", "COM PDF, financial year", 2000, "limit_com"),
    ("list_arrests", "arrests list, first page", 100, None),
    ("filter_arrests", "arrests list, district + disposal filter", 200, None),
    ("list_people", "people list, first page", 100, None),
    ("list_nrm", "NRM list, first page", 100, None),
    ("filter_nrm", "NRM list, one year's referrals", 200, None),
    ("list_navigator", "Navigator list, first page", 100, None),
    ("list_navigator_closed", "Navigator list, closed cases", 200, None),
    ("list_haven", "Haven House, in the house", 100, None),
    ("filter_haven", "Haven House, every stay", 200, None),
    ("list_contacts", "contacts list, first page", 100, None),
    ("filter_contacts", "contacts list, overdue filter", 200, None),
    ("today", "Today (manager)", 200, None),
    ("pathway", "one pathway (busiest person)", 200, None),
)


@dataclass
class Results:
    """Everything the run measured; ``problems`` lists figures that disagree (empty when all agree)."""

    arrests: int
    rows: int = 0
    corrections: int = 0
    imports: list[dict[str, Any]] = field(default_factory=list)
    measures: dict[str, dict[str, Any]] = field(default_factory=dict)
    commands: dict[str, dict[str, float]] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    db_mb: float = 0.0
    problems: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.lines.append(text)
        print(text, flush=True)


class Bench:
    def __init__(self, folder: Path, args: argparse.Namespace) -> None:
        self.folder = folder
        self.args = args
        self.exe = str(Path(sys.executable).with_name("mshtdesk"))
        self.env = {
            **os.environ,
            "MSHTDESK_DATA_DIR": str(folder / "data"),
            "MSHTDESK_CONFIG_DIR": str(folder / "config"),
            "MSHTDESK_PASSWORD": PASSWORD,
            "MSHTDESK_REASON": "scale benchmark",
            "QT_QPA_PLATFORM": "offscreen",
        }
        self.env.pop("MSHTDESK_DB", None)
        # An installed app runs from compiled bytecode (pip compiles on install, the frozen build ships
        # it); a development shell that sets PYTHONDONTWRITEBYTECODE would add the compiling of ~700
        # modules (3-9 s on this machine) to every fresh process, cold figures included.
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)

    def compile_bytecode(self) -> float:
        """Compile the app and its libraries once, as installing them does (already-compiled files are
        skipped), so no timed process pays for it; the seconds it took."""
        import sysconfig

        t = time.perf_counter()
        app = Path(__file__).resolve().parents[2] / "mshtdesk"
        purelib = sysconfig.get_paths()["purelib"]
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", "-j", "0", str(app), purelib],
            env=self.env,
            capture_output=True,
            check=False,  # a library's own test file that does not compile is not ours to mend
        )
        return time.perf_counter() - t

    # ----- processes ---------------------------------------------------------------------------------
    def command(self, user: str, *argv: str) -> tuple[float, str]:
        """Run ``mshtdesk ARGV`` as ``user``; (seconds from spawn to exit, stdout). Fails loudly."""
        t = time.perf_counter()
        proc = subprocess.run(
            [self.exe, *argv], env={**self.env, "MSHTDESK_USER": user}, capture_output=True, text=True
        )
        took = time.perf_counter() - t
        if proc.returncode != 0:
            raise SystemExit(
                f"mshtdesk {argv[0]} {argv[1]} failed ({proc.returncode}): {proc.stderr[-2000:]}"
            )
        return took, proc.stdout

    def probe(self, *argv: str, user: str = "manager") -> dict[str, Any]:
        proc = subprocess.run(
            [sys.executable, "-m", "tests.benchmarks.scale_probe", *argv],
            env={**self.env, "MSHTDESK_USER": user},
            capture_output=True,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        if proc.returncode != 0:
            raise SystemExit(f"probe {' '.join(argv)} failed: {proc.stderr[-2000:]}")
        return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def create_database(path: Path) -> bytes:
    """A new encrypted database with the benchmark's users; its data key (for the compact copy)."""
    from mshtdesk.domain.roles import Role
    from mshtdesk.services.backend import Backend

    admin = Backend.create(str(path), "admin", PASSWORD)
    for name, role in USERS:
        admin.users.add_user(name, "", Role(role), PASSWORD)
    key = admin.db.key
    admin.close()
    assert key is not None
    return key


def record_corrections(db: Path, arrests: int, seed: int) -> int:
    """About 0.6 % of arrests corrected through the services, as officers do over the years."""
    import random

    from mshtdesk.errors import MshtError
    from mshtdesk.services.backend import Backend
    from mshtdesk.store.backup import connect

    officer = Backend.login(str(db), "officer", PASSWORD)
    assert officer.db.key is not None
    con = connect(db, officer.db.key)
    ids = [r[0] for r in con.execute("SELECT id FROM arrest ORDER BY id")]
    events = con.execute(
        "SELECT id, event_date FROM disposal_event WHERE supersedes_id IS NULL ORDER BY id"
    ).fetchall()
    districts = [r[0] for r in con.execute("SELECT code FROM district WHERE active ORDER BY sort_order")]
    rng = random.Random(seed)
    n = max(1, arrests // 500)
    done = 0
    for arrest_id in rng.sample(ids, min(len(ids), 2 * n)):
        try:
            if rng.random() < 0.5:
                officer.corrections.withdraw_arrest(arrest_id, "entered twice")
            else:
                here = con.execute("SELECT d.code FROM arrest a JOIN district d ON d.id = a.district_id "
                                   "WHERE a.id = ?", (arrest_id,)).fetchone()[0]  # fmt: skip
                officer.corrections.correct_arrest(
                    arrest_id,
                    district=rng.choice([d for d in districts if d != here]),
                    reason="wrong district",
                )
            done += 1
        except MshtError:
            pass  # refused (say, already withdrawn): the register keeps going
    for event_id, on in rng.sample(events, min(len(events), 2 * n)):
        try:
            if rng.random() < 0.7:
                officer.register.correct_event(
                    event_id, "NFA", date.fromisoformat(on), "outcome entered wrongly"
                )
            else:
                officer.register.retract_event(event_id, "entered against the wrong offence")
            done += 1
        except MshtError:
            pass
    con.close()
    officer.close()
    return done


def fill_victims(db: Path, arrests: int, years: int) -> str:
    from mshtdesk.demo.pathway import fill_pathway, volume_for_arrests
    from mshtdesk.services.backend import Backend

    admin = Backend.login(str(db), "admin", PASSWORD)
    try:
        summary = fill_pathway(
            admin.db, seed=7, years=years, volume=volume_for_arrests(arrests, years), today=TODAY
        )
    finally:
        admin.close()
    return summary.describe()


def busiest_person(db: Path, key: bytes) -> int:
    from mshtdesk.store.backup import connect

    con = connect(db, key)
    row = con.execute(
        "SELECT person_id FROM vlo_contact GROUP BY person_id ORDER BY COUNT(*) DESC LIMIT 1"
    ).fetchone()
    con.close()
    return int(row[0]) if row else 1


def labels(db: Path, key: bytes) -> tuple[dict[int, str], dict[int, str]]:
    from mshtdesk.store.backup import connect

    con = connect(db, key)
    districts = dict(con.execute("SELECT id, code FROM district").fetchall())
    ranks = dict(con.execute("SELECT rank, code FROM disposal_type").fetchall())
    con.close()
    return districts, ranks


def cells_of_limit(raw: list[list[Any]], districts: dict[int, str], ranks: dict[int, str]) -> dict[str, int]:
    return {f"{districts[d]}/{'-' if r is None else ranks[r]}": n for d, r, n in raw if n}


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(argv: list[str] | None = None) -> Results:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arrests", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument(
        "--cumulative", type=int, default=2, help="last months imported as whole cumulative exports"
    )
    ap.add_argument("--months-per-file", type=int, default=1, help="months of new rows per history file")
    ap.add_argument("--cold", type=int, default=3, help="fresh processes per figure")
    ap.add_argument("--runs", type=int, default=5, help="warm repeats in each process")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dir", help="work in this folder and keep it (default: a temporary folder)")
    ap.add_argument("--quick", action="store_true", help="one probe process, no first-import database")
    ap.add_argument("--reuse", action="store_true", help="measure the --dir run's database again")
    args = ap.parse_args(argv)
    if args.dir:
        folder = Path(args.dir)
        folder.mkdir(parents=True, exist_ok=True)
        return measure(folder, args)
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        return measure(Path(tmp), args)


def measure(folder: Path, args: argparse.Namespace) -> Results:
    res = Results(args.arrests)
    bench = Bench(folder, args)
    res.say(f"bytecode compiled, as an installed app has it, in {bench.compile_bytecode():.1f} s")
    db = folder / "scale.db"
    if args.reuse:  # measure again what an earlier run in this folder imported
        from mshtdesk.services.backend import Backend

        admin = Backend.login(str(db), "admin", PASSWORD)
        key, res.db_mb = admin.db.key or b"", db.stat().st_size / 1e6
        admin.close()
        res.say(f"reusing {db} ({res.db_mb:,.0f} MB) as imported by an earlier run")
        return measure_figures(folder, args, bench, res, key)
    for p in folder.glob("*.db*"):
        p.unlink()
    key = create_database(db)
    from mshtdesk.services.backend import Backend

    reader = Backend.login(str(db), "admin", PASSWORD)
    districts = [d.code for d in reader.reference.districts() if d.active]
    reader.close()
    t = time.perf_counter()
    reg = generate(args.seed, args.arrests, TODAY, districts, args.years)
    res.rows = reg.rows
    res.say(
        f"generated {reg.arrests:,} arrests, {reg.offences:,} offences, {reg.events:,} events: {reg.rows:,} "
        f"custody rows over {len(reg.months)} months in {time.perf_counter() - t:.1f} s"
    )

    # ----- imports: monthly files through the real command ----------------------------------------------
    months = len(reg.months)
    history_end = max(1, months - args.cumulative)
    step = max(1, args.months_per_file)
    hist_rows, hist_s = 0, 0.0
    files = folder / "files"
    files.mkdir(exist_ok=True)
    corrected = False
    for start in range(0, history_end, step):
        stop = min(history_end, start + step)
        data = reg.delta(start, stop)
        path = files / f"custody-{start:03d}.csv"
        path.write_bytes(data)
        took, _ = bench.command("officer", "import", "arrests", str(path), "--db", str(db))
        path.unlink()
        hist_rows += data.count(b"\n") - 1
        hist_s += took
        if not corrected and stop >= history_end * 3 // 4:  # corrections recorded along the way
            corrected = True
            res.corrections = record_corrections(db, args.arrests, args.seed)
            res.say(f"recorded {res.corrections:,} corrections through the services")
    res.imports.append({"what": f"{history_end} months of new rows", "rows": hist_rows, "seconds": hist_s})
    res.say(
        f"import, monthly files of new rows ({history_end // step} commands): {hist_rows:,} rows in "
        f"{hist_s:.1f} s = {hist_rows / hist_s:,.0f} rows/s (whole commands)"
    )
    last_export = b""
    for month in range(history_end, months):
        last_export = reg.cumulative(month)
        path = files / f"export-{month:03d}.csv"
        path.write_bytes(last_export)
        rows = last_export.count(b"\n") - 1
        took, said = bench.command("officer", "import", "arrests", str(path), "--db", str(db))
        res.imports.append({"what": f"cumulative export, month {month + 1}", "rows": rows, "seconds": took})
        res.say(f"import, cumulative export of month {month + 1}: {rows:,} rows in {took:.1f} s = "
                f"{rows / took:,.0f} rows/s (whole command)")  # fmt: skip
    t = time.perf_counter()
    res.say(
        f"victim pathway: {fill_victims(db, args.arrests, args.years)} in {time.perf_counter() - t:.1f} s"
    )
    if not args.quick:
        first = folder / "first.db"
        create_database(first)
        path = files / "export-last.csv"
        path.write_bytes(last_export)
        rows = last_export.count(b"\n") - 1
        took, _ = bench.command("officer", "import", "arrests", str(path), "--db", str(first))
        res.imports.append({"what": "first import of the whole export", "rows": rows, "seconds": took})
        res.say(f"import, the whole export into a new database: {rows:,} rows in {took:.1f} s = "
                f"{rows / took:,.0f} rows/s (whole command; target >= 100,000)")  # fmt: skip
        for p in folder.glob("first.db*"):
            p.unlink()
    shutil.rmtree(files)
    res.db_mb = db.stat().st_size / 1e6
    return measure_figures(folder, args, bench, res, key)


def measure_figures(  # noqa: C901 - one run, step by step
    folder: Path, args: argparse.Namespace, bench: Bench, res: Results, key: bytes
) -> Results:
    """Steps 3 to 5 on the imported database in ``folder``."""
    db, empty = folder / "scale.db", folder / "empty.db"
    if not args.quick and not empty.exists():
        create_database(empty)
    for p in folder.glob("compact*.db*"):
        p.unlink()

    # ----- the limit ---------------------------------------------------------------------------------------
    from mshtdesk.store.backup import connect

    compact_key = os.urandom(32)
    bench.env["SCALE_COMPACT_KEY"] = compact_key.hex()
    app_con = connect(db, key)
    for name, k in (("compact.db", None), ("compact-sqlcipher.db", compact_key)):
        build_compact(app_con, folder / name, k)
    app_con.close()
    district_codes, rank_codes = labels(db, key)
    person = busiest_person(db, key)
    res.say(
        f"database {res.db_mb:,.0f} MB; compact limit {(folder / 'compact.db').stat().st_size / 1e6:,.1f} MB "
        f"plain, {(folder / 'compact-sqlcipher.db').stat().st_size / 1e6:,.1f} MB under SQLCipher"
    )

    # ----- fresh processes ------------------------------------------------------------------------------
    cold_n = 1 if args.quick else args.cold
    runs = 0 if args.quick else args.runs

    def gather(argv: list[str], names: list[str]) -> None:
        cold: dict[str, list[float]] = {n: [] for n in names}
        warm: dict[str, list[float]] = {n: [] for n in names}
        for _ in range(cold_n):
            for name in names:
                got = bench.probe(*argv, "--measure", "all" if args.quick else name, "--runs", str(runs))
                r = got["results"][name]
                if "error" in r:
                    res.measures[name] = r
                    continue
                cold[name].append(r["cold_ms"])
                if r["warm_ms"] is not None:
                    warm[name].append(r["warm_ms"])
                res.measures[name] = {"figures": r["figures"]}
                if args.quick:
                    for other, r2 in got["results"].items():
                        if other not in cold or other == name:
                            continue
                        if "error" in r2:
                            res.measures[other] = r2
                        else:
                            cold[other].append(r2["cold_ms"])
                            res.measures[other] = {"figures": r2["figures"]}
                    res.peak_rss_mb = max(res.peak_rss_mb, got["peak_rss_mb"])
                    break
        for name in names:
            if "error" not in res.measures.setdefault(name, {"error": "not measured"}):
                res.measures[name].update(cold=median(cold[name]), warm=median(warm[name]))

    for label, argv in (
        ("limit plain", ["--compact", str(folder / "compact.db")]),
        ("limit sqlcipher", ["--compact", str(folder / "compact-sqlcipher.db"), "--encrypted"]),
    ):
        gather(argv, ["limit_year", "limit_all", "limit_com"])
        for name in ("limit_year", "limit_all", "limit_com"):
            res.measures[f"{name} {label}"] = res.measures.pop(name)
    gather(["--db", str(db), "--person-id", str(person)], [m for m, *_ in APP_MEASURES])
    if not args.quick:
        got = bench.probe("--db", str(db), "--person-id", str(person), "--measure", "all", "--runs", "0")
        res.peak_rss_mb = got["peak_rss_mb"]

    # ----- whole commands, beside the same on an empty database -----------------------------------------
    period = ["--from", YEAR[0].isoformat(), "--to", YEAR[1].isoformat(), "--as-at", TODAY.isoformat()]
    commands = {
        "report disposals (one year, CSV)": ["report", "disposals", *period, "--format", "csv"],
        "report com --format json": [
            "report",
            "com",
            *period,
            "--format",
            "json",
            "-o",
            "{out}.json",
            "--force",
        ],
        "report com --format pdf": [
            "report",
            "com",
            *period,
            "--format",
            "pdf",
            "-o",
            "{out}.pdf",
            "--force",
        ],
    }
    cli_total = None
    if args.quick:  # the smoke test checks the printed table only
        commands = {k: v for k, v in commands.items() if k.startswith("report disposals")}
    for label, argv in commands.items():
        times: dict[str, list[float]] = {"app": [], "empty": []}
        for _ in range(cold_n):
            for which, path in (("app", db), ("empty", empty))[: 1 if args.quick else 2]:
                out = str(folder / f"out-{which}")
                took, said = bench.command(
                    "manager", *[a.replace("{out}", out) for a in argv], "--db", str(path)
                )
                times[which].append(took * 1000)
                if which == "app" and label.startswith("report disposals"):
                    rows = list(csv.reader(io.StringIO(said)))
                    cli_total = next(int(r[1]) for r in rows if r and r[0] == "Total arrests")
        res.commands[label] = {"app": median(times["app"]), "empty": median(times["empty"] or [0.0])}

    # ----- agreement ---------------------------------------------------------------------------------------
    for app, limit in (("disposals_year", "limit_year"), ("disposals_all", "limit_all")):
        mine = res.measures[app]["figures"]
        for variant in ("plain", "sqlcipher"):
            theirs = res.measures[f"{limit} limit {variant}"]["figures"]
            if mine["cells"] != cells_of_limit(theirs["raw"], district_codes, rank_codes):
                res.problems.append(f"{app}: the app's cells differ from the {variant} limit's")
    if cli_total != res.measures["disposals_year"]["figures"]["arrests"]:
        res.problems.append(f"report disposals printed {cli_total} arrests, the service counted differently")
    for name, *_ in APP_MEASURES:
        if "error" in res.measures.get(name, {"error": "missing"}):
            res.problems.append(f"{name}: {res.measures.get(name, {}).get('error', 'not measured')}")
    report(res, args)
    return res


def report(res: Results, args: argparse.Namespace) -> None:
    m = res.measures
    say = res.say
    say("")
    say(f"{res.arrests:,} arrests, {res.rows:,} custody rows; cold = first call in a new process (median of "
        f"{1 if args.quick else args.cold}), warm = median of {args.runs} repeats; ms")  # fmt: skip
    say(f"{'figure':44} {'cold':>8} {'warm':>8} {'limit enc cold':>15} {'warm':>7} {'ratio cold':>11} "
        f"{'warm':>6}  target")  # fmt: skip
    for name, label, target, limit in APP_MEASURES:
        r = m.get(name, {})
        if "error" in r:
            say(f"{label:44} {r['error']}")
            continue
        cold, warm = r.get("cold", float("nan")), r.get("warm", float("nan"))
        if limit:
            lim = m[f"{limit} limit sqlcipher"]
            rc, rw = cold / lim["cold"], warm / lim["warm"] if lim["warm"] == lim["warm"] else float("nan")
            goal = "<= 2x" if target is None else f"< {target} at 1M (floor)"
            say(f"{label:44} {cold:8.0f} {warm:8.0f} {lim['cold']:15.0f} {lim['warm']:7.0f} {rc:11.1f} "
                f"{rw:6.1f}  {goal}")  # fmt: skip
        else:
            say(f"{label:44} {cold:8.0f} {warm:8.0f} {'':15} {'':7} {'':11} {'':6}  < {target} at 1M")
    for name in ("limit_year", "limit_all", "limit_com"):
        p, s = m[f"{name} limit plain"], m[f"{name} limit sqlcipher"]
        what = "COM floor" if name == "limit_com" else "limit " + name[6:]
        say(f"{what + ': plain / SQLCipher compact':44} {p['cold']:8.0f} {p['warm']:8.0f} "
            f"{s['cold']:15.0f} {s['warm']:7.0f}")  # fmt: skip
    say("")
    say(f"{'whole command (spawn to exit), ms':44} {'big db':>8} {'empty db':>9} {'cost':>8}")
    for label, c in res.commands.items():
        say(f"{label:44} {c['app']:8.0f} {c['empty']:9.0f} {c['app'] - c['empty']:8.0f}")
    for imp in res.imports:
        say(f"import: {imp['what']:42} {imp['rows']:>10,} rows {imp['rows'] / imp['seconds']:>9,.0f} rows/s")
    say(f"peak RSS with every page's reads in one process: {res.peak_rss_mb:,.0f} MB (target < 400 at 1M); "
        f"database {res.db_mb:,.0f} MB")  # fmt: skip
    say("figures agree: " + ("yes" if not res.problems else "NO: " + "; ".join(res.problems)))


def main() -> None:
    res = run()
    sys.exit(1 if res.problems else 0)


if __name__ == "__main__":
    main()
