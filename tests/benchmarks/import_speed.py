"""Import speed (issue 15, the write side): whole ``mshtdesk import`` commands from fresh processes.

    uv run python -m tests.benchmarks.import_speed --arrests 20000          # iterate
    uv run python -m tests.benchmarks.import_speed --arrests 100000         # the issue's size

What it times, each as the whole command from spawn to exit (start-up, key derivation and login, reading
and checking the file, the comparison with what is stored, the writes, the audit record and the commit):
  1. ``first``: the custody system's whole export (``scale_data.generate``: rows in no date order, later
     events appended months after their arrest) into a new, empty encrypted database: a new user's first
     import.
  2. ``monthly``: the same database grown to all but the last ``--months`` months, then each of those
     months as the custody system sends it, the whole cumulative export so far (nearly every row already
     stored: the comparison is the work). The first import's file imported again shows idempotence.
  3. ``nrm``: an NRM register of ``--referrals`` referrals (about 1.25 per person, four in five with an
     RG decision, half of those with a CG) into a new database, then the same register again.
After the first custody import and the first NRM import, the same file through the physical limit
(``import_limit``: a hand-written loader into a compact SQLCipher file, also a fresh process timed from
spawn to exit), and the app's time as a multiple of it.
The commands run from compiled bytecode, as an installed app does (PYTHONDONTWRITEBYTECODE is dropped
for them, and the first command writes it). Also the floor every command pays: ``mshtdesk --version``
(start-up) and an import of a one-row file (start-up + login + one tiny transaction). Rows/s are rows
in the file over the whole command's seconds; ``net`` leaves out that one-row command's time, to show
what the rows themselves cost.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from tests.benchmarks.scale import PASSWORD, Bench, create_database
from tests.benchmarks.scale_data import HEADER, generate
from tests.benchmarks.scale_probe import TODAY

NRM_HEADER = (
    "referral_ref,person_ref,surname,forenames,date_of_birth,gender,nationality,route,submitted_date,"
    "age_at_referral,age_at_exploitation,exploitation,exploitation_location,crime_ref,no_crime_reason,"
    "rg_outcome,rg_date,cg_outcome,cg_date\n"
)
SURNAMES = ("Nowicki", "Dervishi", "Nguyen", "Kowalczyk", "Popescu", "Hoxha", "Tran", "Ionescu", "Müller")
FORENAMES = ("Tomasz", "Elira", "Van Minh", "Anna", "Andrei", "Besa", "Thi Lan", "Maria", "Łukasz")
NATIONALITIES = ("Polish", "ALB", "Vietnamese", "ROU", "British", "Eritrean", "SDN", "Chinese")
KINDS = ("Labour", "Sexual", "Criminal", "Domestic", "Sexual; Criminal", "Not specified")


def nrm_register(seed: int, referrals: int, today: date) -> bytes:
    """A register as a team's spreadsheet holds it: rows in no order, some people referred twice."""
    rng = random.Random(seed)
    people = max(1, int(referrals / 1.25))
    rows: list[str] = []
    for n in range(1, referrals + 1):
        p = rng.randint(1, people) if n > people else n
        person = f"V-{p:07d}"
        prng = random.Random(p)  # a person's details are the same on each of their rows
        born = date(1960, 1, 1) + timedelta(days=prng.randrange(40 * 365))
        submitted = today - timedelta(days=rng.randrange(8 * 365))
        name = f"{prng.choice(SURNAMES)},{prng.choice(FORENAMES)},{born.isoformat()}"
        rest = f"{prng.choice(('male', 'female'))},{prng.choice(NATIONALITIES)}"
        rg = cg = ","
        if rng.random() < 0.8:
            rg_on = submitted + timedelta(days=rng.randint(2, 30))
            if rg_on <= today:
                rg = f"positive,{rg_on.isoformat()}"
                cg_on = rg_on + timedelta(days=rng.randint(50, 400))
                if cg_on <= today and rng.random() < 0.5:
                    cg = f"{rng.choice(('positive-trafficking', 'positive-slavery', 'negative'))},{cg_on}"
        kinds = rng.choice(KINDS)
        rows.append(
            f"NRM-{n:08d},{person},{name},{rest},NRM,{submitted.isoformat()},adult,adult,"
            f'"{kinds}",UK,13/{n:05d}/{submitted:%y},,{rg},{cg}\n'
        )
    rng.shuffle(rows)
    return (NRM_HEADER + "".join(rows)).encode("utf-8")


CPU: list[float] = [0.0]  # CPU seconds (user + system) of the last command


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_cmd(bench: Bench, db: Path, what: str, path: Path) -> float:
    """Seconds from spawn to exit; the command's CPU seconds go to ``CPU`` (on a machine shared with
    other work the wall time wobbles a lot more than the CPU time does)."""
    before = child_cpu()
    took, said = bench.command("officer", "import", what, str(path), "--db", str(db))
    CPU[0] = child_cpu() - before
    if "Imported" not in said and "Nothing new" not in said:
        raise SystemExit(f"unexpected: {said}")
    return took


def run_limit(kind: str, path: Path, folder: Path) -> float:
    """Seconds from spawn to exit of the hand-written loader (``import_limit``) on ``path``; its CPU
    seconds go to ``CPU``."""
    before = child_cpu()
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.import_limit", kind, str(path), str(folder / "limit.db")],
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        capture_output=True,
    )
    took = time.perf_counter() - t
    CPU[0] = child_cpu() - before
    for p in folder.glob("limit.db*"):
        p.unlink()
    return took


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arrests", type=int, default=20_000)
    ap.add_argument("--referrals", type=int, default=0, help="NRM referrals (default: as many as arrests)")
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument("--months", type=int, default=2, help="monthly cumulative exports into the grown db")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--dir", help="work in this folder (default: a temporary one)")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: first,monthly,nrm")
    args = ap.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="impspeed-") as tmp:
        folder = Path(args.dir or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        measure(folder, args, skip)


def measure(folder: Path, args: argparse.Namespace, skip: set[str]) -> None:
    bench = Bench(folder, args)  # its commands run from compiled bytecode, as an installed app does
    bench.compile_bytecode()
    lines: list[str] = []

    def say(what: str, rows: int, took: float, floor: float = 0.0) -> None:
        # the rows' own rate: what the command took beyond the one-row command (not shown when the
        # machine's load made this command quicker than that one)
        net = f" net {rows / (took - floor):>9,.0f}" if floor and took > 1.05 * floor else ""
        cpu = CPU[0]
        text = (
            f"{what:<42} {rows:>8,} rows {took:6.2f} s {rows / took:>8,.0f} rows/s{net} | "
            f"cpu {cpu:6.2f} s {rows / cpu:>8,.0f} rows/cpu-s"
        )
        lines.append(text)
        print(text, flush=True)

    def new_db(name: str) -> Path:
        db = folder / f"{name}.db"
        for p in folder.glob(f"{name}.db*"):
            p.unlink()
        create_database(db)
        return db

    t = time.perf_counter()
    subprocess.run([bench.exe, "--version"], env=bench.env, capture_output=True, check=True)
    start_up = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run([bench.exe, "--version"], env=bench.env, capture_output=True, check=True)
    start_up = min(start_up, time.perf_counter() - t)
    print(f"start-up (mshtdesk --version): {start_up:.2f} s", flush=True)

    districts = ["N", "S", "E", "W", "C"]
    db = new_db("probe")
    from mshtdesk.services.backend import Backend

    reader = Backend.login(str(db), "admin", PASSWORD)
    districts = [d.code for d in reader.reference.districts() if d.active]
    reader.close()
    one = folder / "one.csv"
    one.write_text(HEADER + f"X/1,2024-01-02,{districts[0]},,O1,MSA 2015 s.2,Bail,2024-01-02\n")
    floor = min(run_cmd(bench, db, "arrests", one) for _ in range(2))
    floor_cpu = CPU[0]
    say("one-row file (start-up + login + commit)", 1, floor)

    reg = generate(args.seed, args.arrests, TODAY, districts, args.years)
    months = len(reg.months)
    print(f"{reg.arrests:,} arrests, {reg.offences:,} offences, {reg.events:,} events, {reg.rows:,} rows")
    if "first" not in skip:
        path = folder / "whole.csv"
        data = reg.cumulative(months - 1)
        path.write_bytes(data)
        db = new_db("first")
        rows = data.count(b"\n") - 1
        app = run_cmd(bench, db, "arrests", path)
        say("custody, first import (whole export)", rows, app, floor)
        say("custody, the same export again", rows, run_cmd(bench, db, "arrests", path), floor)
        limit = run_limit("custody", path, folder)
        say("custody, the limit (hand-written loader)", rows, limit)
        print(f"  the first import takes {app / limit:.1f}x the limit's time", flush=True)
        path.unlink()
    if "monthly" not in skip:
        db = new_db("grown")
        last = months - 1 - args.months
        path = folder / "history.csv"
        data = reg.cumulative(last)
        path.write_bytes(data)
        say(f"custody, export to month {last + 1} (grown db)", data.count(b"\n") - 1,
            run_cmd(bench, db, "arrests", path), floor)  # fmt: skip
        for m in range(last + 1, months):
            data = reg.cumulative(m)
            path.write_bytes(data)
            say(f"custody, cumulative export month {m + 1}", data.count(b"\n") - 1,
                run_cmd(bench, db, "arrests", path), floor)  # fmt: skip
            new_rows = len(reg.months[m])
            print(f"  (of which {new_rows:,} rows new this month)", flush=True)
        path.unlink()
    if "nrm" not in skip:
        referrals = args.referrals or args.arrests
        data = nrm_register(args.seed, referrals, TODAY)
        path = folder / "nrm.csv"
        path.write_bytes(data)
        db = new_db("nrm")
        app = run_cmd(bench, db, "nrm", path)
        say("NRM register, first import", referrals, app, floor)
        say("NRM register, the same again", referrals, run_cmd(bench, db, "nrm", path), floor)
        limit = run_limit("nrm", path, folder)
        say("NRM register, the limit (hand-written loader)", referrals, limit)
        print(f"  the first import takes {app / limit:.1f}x the limit's time", flush=True)
        path.unlink()
    print()
    print(f"floor: one-row command {floor:.2f} s, {floor_cpu:.2f} s CPU; start-up alone {start_up:.2f} s")
    print("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1:])
